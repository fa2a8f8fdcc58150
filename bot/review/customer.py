"""customer_first (GUIDE 2.1): what the customer sees, feels or gains, in concrete terms.

A sentence qualifies in one of three ways: a person (shopper, viewer, "I" on
my phone) experiences something concrete (a number they feel, "never", a
quoted screen); or it sits under a customer-framed heading ("Customer view:")
and carries such a number or screen; or a customer-facing surface (add-to-cart,
first frame, the push) gets a latency target that is not an internal alarm.
Only sentences with a person, a surface or a customer heading are examined.
"""

from __future__ import annotations

import re

from bot.review.analysis import Analysis
from bot.review.patterns import expand, words
from bot.review.stance import is_negated
from bot.review.text import Sentence

_ACTOR = words(
    r"customers?(?! (?:service|support|care|obsession))\b",
    *(rf"{noun}\b" for noun in (
        "users?", "shoppers?", "buyers?", "viewers?", "listeners?", "riders?", "passengers?",
        "guests?", "sellers?", "merchants?", "creators?", "streamers?", "callers?", "tenants?",
        "members?", "subscribers?", "people", "someone", "anyone", "travell?ers?", "diners?",
        "patients?", "fans?", "renters?", "clickers?", "players", "gamers", "eaters", "traders?",
        "investors?", "commuters?", "students?", "readers", "employees", "dispatchers?",
        "auditors?", "analysts?", "uploaders?", "senders?", "recipients?", "authors?",
        "advertisers?", "teachers?", "doctors?", "nurses?", "agents?", "signers?", "donors?",
        "learners?", "applicants?", "voters?", "attendees?", "visitors?", "participants?",
    )),
    *expand("a|the|every", r" developer\b"),
    r"clients? (?:need|want|expect|must|should|see|get|never)\b",
)
_FIRST_PERSON = words(
    # "my cart on my laptop", and the same scenario told to the reader: "your package shows …"
    *expand(
        "my|your",
        r" (?:phone|laptop|cart|package|order|tv|doorstep|porch|house|home|account|card|playlist"
        r"|feed|app|car|ride|room|booking|money|photos?|files?|screen)\b",
    ),
    r"i(?:'m)? (?:open|press|tap|click|hit|add|buy|order|pay|see|get|want|hear|watch|book"
    r"|upload|waiting|expect)\b",
)
_EXPERIENCE = words(
    *(rf"{verb}\b" for verb in (
        "sees?", "seeing", "gets?", "getting", "receives?", "hears?", "notices?", "waits?",
        "confirmed", "charged",
        "feels?", "lands?", "arrives?", "reach(?:es)?", "shows?", "renders?", "loads?",
        "returns?", "starts?", "redirects?", "lose", "loses", "bounce", "abandon", "walk", "redo",
        "drops? to", "can (?:still )?\\w+", "never (?:sees?|gets?|has|have|loses?|waits?|pays?)",
        "still (?:sees?|gets?|works?|can)", "doesn'?t have to", "don'?t have to", "has to",
        "have to", "go to", "switch(?:es)? to", "think", "assume", "want", "pays?", "shown",
        "surpris\\w*", "confirms?", "requests?", "taps?", "clicks?", "opens?", "press(?:es)?",
    )),
    *expand("is|are", r" (?:told|charged)\b"),
)
_CONCRETE = words(
    r"instead of\b", r"rather than\b", r"never\b", r"within\b", r"immediately\b",
    r"before (?:paying|they|it|the)\b", r"only if\b", r"exactly one\b", r"at most\b", r"spinner",
    r"buffering", r"rebuffer", r"blank page", r"error page", r"frozen",
    r"or (?:they|people|customers|users)\b", r"from \d+ \w+ to \d+",
    r"keep (?:reading|watching|playing|listening|working|shopping|using|browsing)\b",
    r"clear (?:message|error)\b", r"friendly (?:message|error)\b",
)
_CUSTOMER_CONTEXT = re.compile(
    r"customer|user|shopper|buyer|viewer|listener|rider|guest|merchant|seller|creator|tenant"
    r"|player|gamer|eater|diner|fan\b|patient|student|passenger|traveller|traveler|trader"
    r"|driver experience|driver view|investor|signer|donor|learner|applicant|candidate|voter"
    r"|attendee|visitor|participant|subscriber|parent|citizen"
    r"|developer|caller|member|\bcx\b|experience|promise|story"
    r"|\w(?<!internal)-facing"  # "What we measure (engineer-facing):", "fan-facing targets"
)
_SURFACE = words(
    r"add[- ]to[- ]cart", r"checkout", r"check out", r"page loads?", r"button", r"redirects?\b",
    *expand(
        "cart|product|detail|tracking|search|home|landing|order|web|results|status|item"
        "|confirmation|booking",
        " page",
    ),
    r"first frame", r"first[- ]byte", r"video starts?", r"stream starts?", r"playback",
    r"play[- ]start", r"press(?:es)? play", r"hit play", r"audio\b", r"push(?: notification)?s?\b",
    r"notifications?", r"sms\b", r"emails?\b", r"otp\b", r"search results", r"the app\b",
    r"the map\b", r"cold starts?", r"login\b", r"sign[- ]in", r"on the page\b", r"the screen\b",
    r"homepage\b",
)
_GATE = words(*_ACTOR.alternatives, *_FIRST_PERSON.alternatives, *_SURFACE.alternatives)
_INTERNAL = words(
    r"server[- ]side", r"internal", r"backend", r"replica", r"replication", r"lag\b", r"queue",
    r"consumer", r"cpu\b", r"db\b", r"database", r"cache lookup", r"hop\b", r"budget",
    r"component", r"alarms?", r"alerts?", r"paging", r"page (?:if|when)", r"pages? (?:the |on-?call)",
    r">", r"≥", r"on-?call", r"dashboards?", r"war[- ]room", r"runbook", r"pages\.?$",
    # "eta-svc answers in p99 < 30 ms per call (every tracking page refresh)": a service's
    # own latency, even when a customer surface is named as its caller
    r"svc\b", r"per call\b", r"served by\b", r"calls?/s",
)
_QUOTED_UI = re.compile(r"\"[^\"\n]{2,60}\"|'(?<![a-z0-9]')[^'\n]{2,60}'(?![a-z0-9])")
_DIGIT = re.compile(r"\d")
_AGENT_SUBJECT = re.compile(
    r"(?:(?:a|the|every|each|our|their) )?([a-z]{3,}(?:ers|er's|ers'|ors|or's|er|or))\b"
)
_ACTS = re.compile(
    r"\s+(?:get|gets|see|sees|can|can't|should|must|never|want|need|will|won't|receive|are|is"
    r"|have|has|expect|open|tap|click|pay|book|wait|only|always|just|don't|shouldn't|stay|keep"
    r"|lose|hear|feel|notice|land|arrive)\b"
)
MACHINE_NOUNS = frozenset((
    "server", "worker", "consumer", "producer", "broker", "router", "scheduler", "container",
    "handler", "reader", "writer", "buffer", "controller", "logger", "tracker", "crawler",
    "indexer", "processor", "balancer", "poller", "aggregator", "sweeper", "reconciler",
    "monitor", "operator", "timer", "cluster", "filter", "mapper", "layer", "tier", "number",
    "order", "error", "counter", "header", "folder", "parameter", "identifier", "master",
    "primary", "other", "either", "neither", "after", "never", "over", "under", "rather",
    "whether", "together", "later", "faster", "slower", "higher", "lower", "better", "for",
    "per", "major", "minor", "prior", "sensor", "actor", "factor", "vector", "connector",
    "selector", "executor", "allocator", "validator", "generator", "orchestrator", "adapter",
))


def person_subject(low: str) -> re.Match[str] | None:
    """A sentence that opens with a person noun ("Pickers get…", "A backer's pledge…"):
    roles no list can enumerate, told apart from machines by a short stop list."""
    match = _AGENT_SUBJECT.match(low)
    if match is None:
        return None
    noun = match.group(1).removesuffix("'").removesuffix("'s").removesuffix("s")
    if low.startswith(" who", match.end()):
        return match  # "a reader who highlights…": "who" settles it
    if noun in MACHINE_NOUNS:
        return None
    possessive = match.group(1).endswith(("'s", "'"))
    return match if possessive or _ACTS.match(low, match.end()) else None
_COUNTED = re.compile(r"\d[\d.,]*\s?(?:k|m|b|million|billion)?\s*(?:\w+\s)?$")
_JUSTIFIES_CONSISTENCY = re.compile(
    r"consisten|in sync|same (?:data|state)|latest write|never (?:\w+ ){0,2}stale"
)


def _customer_quantity(analysis: Analysis, sentence: Sentence) -> bool:
    """A latency/freshness or success-rate number: what a customer can feel.

    Numbers from the prompt count here: restating "< 100 ms" is no estimate,
    but saying the shopper gets it is still customer framing.
    """
    return any(q.kind in ("time", "percent", "nines") for q in analysis.quantities(sentence))


_PAGING = re.compile(r"\b(?:alarms?|alerts?|pag(?:es|ed|ing)|on-?call)\b")
_REASON_BEFORE = re.compile(r"\b(?:because|since|as|so that)\b[^\n]{0,30}$")


def _only_a_reason_to_page(low: str, actor_start: int) -> bool:
    """'> 5 min pages, because advertisers pace budgets off it': the customer justifies an
    alarm threshold, which GUIDE 2.1 does not count as customer framing."""
    return bool(_REASON_BEFORE.search(low, 0, actor_start)) and _PAGING.search(low) is not None


# "the PR shows 'runner lost, retrying' instead of a red X": a failure shown to the customer
# as a message, told against what they would otherwise see
_NOT_A_SCREEN = r"(?<!log )(?<!logs )(?<!console )(?<!dashboard )(?<!trace )"
_SHOWN_INSTEAD = re.compile(
    _NOT_A_SCREEN + r"\b(?:shows?|displays?|sees?|gets?)\s+(?:an? |the )?[\"'][^\"'\n]{2,60}[\"']"
    r"\s+(?:instead of|rather than)\b"
)


def _shown_instead(low: str) -> bool:
    return ("instead of" in low or "rather than" in low) and _SHOWN_INSTEAD.search(low) is not None


def _is_customer_outcome(analysis: Analysis, sentence: Sentence) -> bool:
    low = sentence.low
    if _shown_instead(low):
        return True
    actor = _ACTOR.search(low) or _FIRST_PERSON.search(low) or person_subject(low)
    if actor and (is_negated(low, actor.start(), words=2) or _COUNTED.search(low, 0, actor.start())):
        actor = None  # "no users", or "10K members": a scale count, not a person acting
    if actor and _only_a_reason_to_page(low, actor.start()):
        actor = None
    felt = _EXPERIENCE.search(low) is not None
    concrete = _CONCRETE.search(low) or _customer_quantity(analysis, sentence)
    if actor and felt and (concrete or _QUOTED_UI.search(low)):
        return True
    if _CUSTOMER_CONTEXT.search(sentence.context):
        if _customer_quantity(analysis, sentence) or _QUOTED_UI.search(low):
            return True
        if _SURFACE.search(low) and re.search(r"\bp\d{2,3}\b|time to|success rate|ratio", low):
            return True
        if felt and (concrete or _DIGIT.search(low)):
            return True
    return bool(
        _SURFACE.search(low)
        and _customer_quantity(analysis, sentence)
        and not _INTERNAL.search(low)
    )


def _could_be_customer(sentence: Sentence, framed: dict[str, bool]) -> bool:
    """Cheap gate: a person, a customer surface, or a customer-framed heading."""
    if _GATE.search(sentence.low) is not None or person_subject(sentence.low):
        return True
    if _shown_instead(sentence.low):
        return True
    if not sentence.context:
        return False
    if sentence.context not in framed:
        framed[sentence.context] = _CUSTOMER_CONTEXT.search(sentence.context) is not None
    return framed[sentence.context]


def customer_first(analysis: Analysis) -> Sentence | None:
    """Customer impact in concrete terms: what they see, feel or gain."""
    framed: dict[str, bool] = {}
    for number, sentence in enumerate(analysis.doc.sentences):
        if sentence.stuffing or sentence.question or sentence.code:
            continue
        if number in analysis.committed or not _could_be_customer(sentence, framed):
            continue
        if _JUSTIFIES_CONSISTENCY.search(sentence.low):
            continue
        if _is_customer_outcome(analysis, sentence):
            return sentence
    return None
