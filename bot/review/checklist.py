"""Detectors for the guide's five success-formula items (GUIDE section 2).

An item is met by one clear instance anywhere in the answer (rule 2), so each
detector returns the first sentence that meets it as evidence. Stuffed lines,
questions and negated phrases never meet an item (rules 4 and 6).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.review.analysis import Analysis
from bot.review.deferral import deferred_monitoring
from bot.review.stance import Stance, claims, in_quotes, is_negated, stance
from bot.review.text import Sentence

Detector = Callable[[Analysis], Sentence | None]


def _usable(sentence: Sentence) -> bool:
    return not (sentence.stuffing or sentence.question)


# --- numbers_always ----------------------------------------------------------------------


def numbers_always(analysis: Analysis) -> Sentence | None:
    """The writer's own number on scale, latency, availability or cost, with a unit."""
    for sentence in analysis.doc.sentences:
        if _usable(sentence) and analysis.own_quantities(sentence):
            return sentence
    return None


# --- customer_first ----------------------------------------------------------------------

_ACTOR = re.compile(
    r"\b(?:customers?(?! (?:service|support|care|obsession))|users?|shoppers?|buyers?|viewers?"
    r"|listeners?|riders?|passengers?|guests?|sellers?|merchants?|creators?|streamers?"
    r"|(?:a|the|every) developer|callers?|tenants?|members?|subscribers?|people|someone who"
    r"|someone|anyone|travell?ers?|diners?|patients?|fans?|renters?|clickers?|players|gamers"
    r"|eaters)\b"
)
_FIRST_PERSON = re.compile(
    r"\bmy (?:phone|laptop|cart|package|order|tv|doorstep|porch|house|home|account|card|playlist"
    r"|feed|app|car|ride|room|booking|money|photos?|files?|screen)\b|\bi(?:'m)? (?:open|press|tap"
    r"|click|hit|add|buy|order|pay|see|get|want|hear|watch|book|upload|waiting|expect)\b"
)
_EXPERIENCE = re.compile(
    r"\b(?:sees?|seeing|gets?|getting|receives?|hears?|(?:is|are) told|notices?|waits?|feels?"
    r"|lands?|arrives?|reach(?:es)?|shows?|renders?|loads?|returns?|starts?|redirects?"
    r"|(?:is|are) charged|lose|loses|bounce|abandon|walk|redo|drops? to|can (?:still )?(?:read"
    r"|buy|add|see|book|play|watch|check ?out|burst|get|order)|never (?:sees?|gets?|has|have"
    r"|loses?|waits?|pays?)|still (?:sees?|gets?|works?|can)|(?:doesn'?t|don'?t) have to"
    r"|has to|have to|go to|switch(?:es)? to|think|assume|want)\b"
)
_CONCRETE = re.compile(
    r"\binstead of\b|\bnever\b|\bwithin\b|\bimmediately\b|\bbefore (?:paying|they|it|the)\b"
    r"|\bonly if\b|\bexactly one\b|\bat most\b|spinner|buffering|rebuffer|blank page|error page"
    r"|frozen|\bor (?:they|people|customers|users)\b|\bfrom \d+ \w+ to \d+"
)
_CUSTOMER_CONTEXT = re.compile(
    r"customer|user|shopper|buyer|viewer|listener|rider|guest|merchant|seller|creator|tenant"
    r"|player|gamer|eater|diner|fan\b|patient|student|passenger|traveller|traveler"
    r"|developer|caller|member|\bcx\b|experience|promise|story"
)
_SURFACE = re.compile(
    r"add[- ]to[- ]cart|checkout|check out|(?:cart|product|detail|tracking|search|home|landing"
    r"|order|checkout|web|results|status|item|confirmation|booking) page|page loads?|button"
    r"|\bredirects?\b|first frame|first[- ]byte|video starts?|stream starts?|playback|play[- ]start"
    r"|press(?:es)? play|hit play|\baudio\b|push(?: notification)?s?\b|notifications?|\bsms\b"
    r"|\bemails?\b|\botp\b|search results|the app\b|the map\b|cold starts?|\blogin\b|sign[- ]in"
)
_INTERNAL = re.compile(
    r"server[- ]side|internal|backend|replica|replication|\blag\b|queue|consumer|\bcpu\b"
    r"|\bdb\b|database|cache lookup|\bhop\b|budget|component|alarms?|alerts?|\bpages?\b(?! loads?)"
    r"|paging|[>≥]"
)
_QUOTED_UI = re.compile(r"\"[^\"\n]{2,60}\"|(?<![a-z0-9])'[^'\n]{2,60}'(?![a-z0-9])")
_DIGIT = re.compile(r"\d")
_JUSTIFIES_CONSISTENCY = re.compile(r"consisten|stale|in sync|same (?:data|state)|latest write")


def _customer_quantity(analysis: Analysis, sentence: Sentence) -> bool:
    """A latency/freshness or success-rate number: what a customer can feel.

    Numbers from the prompt count here: restating "< 100 ms" is no estimate,
    but saying the shopper gets it is still customer framing.
    """
    quantities = analysis.quantities[analysis.index(sentence)]
    return any(q.kind in ("time", "percent", "nines") for q in quantities)


def _is_customer_outcome(analysis: Analysis, sentence: Sentence) -> bool:
    low = sentence.low
    actor = _ACTOR.search(low) or _FIRST_PERSON.search(low)
    if actor and is_negated(low, actor.start(), words=2):
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


def customer_first(analysis: Analysis) -> Sentence | None:
    """Customer impact in concrete terms: what they see, feel or gain."""
    for number, sentence in enumerate(analysis.doc.sentences):
        if not _usable(sentence) or sentence.code or number in analysis.committed:
            continue
        if _JUSTIFIES_CONSISTENCY.search(sentence.low):
            continue
        if _is_customer_outcome(analysis, sentence):
            return sentence
    return None


# --- failure_planning --------------------------------------------------------------------

_FAILURE = re.compile(
    r"\b(?:fail(?:s|ed|ing|ures?)?\b(?!\s?(?:over|fast|open|closed))|(?:is|are|goes|went|go|be)"
    r" down\b|\bdown\b(?= ?(?:→|->|:|,|\)))|dies|died|dead\b|crash(?:es|ed|ing)?|outages?"
    r"|unavailable|unreachable|unresponsive|times? out|timed out|timeouts?|5xx|50[234]s?\b"
    r"|throttl\w*|lost\b|loss\b|loses? (?:its |the )?(?:\w+ )?(?:signal|network|connection|link"
    r"|power|data)|degrad(?:es|ed|ing)\b|falls? behind|fell behind|corrupt\w*|bit rot|reclaim\w*"
    r"|unhealthy|impaired|overload\w*|poison|stuck|partitioned|split[- ]brain|hiccups?"
    r"|errors?\b(?![- ](?:rates?|budget|ratio))"
    r"|disconnect\w*|brown[- ]?outs?|(?:is|gets|goes|are) slow|slow (?:→|->|:)|breaks?\b|broken"
    r"|evicted|interrupted|killed|oom\b|(?:doesn'?t|does not|didn'?t|fails to|can'?t|cannot)"
    r" (?:answer|respond|reply|return|come back|ack\w*|reach)|no (?:response|heartbeats?)\b"
    r"|red/|is red\b|misses? (?:the|its) deadline|doesn'?t finish)"
)
_NOT_A_SYSTEM_FAILURE = re.compile(
    r"point of failure|\bspof\b|deliver(?:y|ies)(?: attempt)? fail|(?:card|payment) (?:is )?declined"
    r"|sold out|out of stock|wrong password|nobody (?:is )?home|can'?t get into|failed delivery"
    r"|on failures?\b|on errors?\b|\b(?:delivered|failed)/"
)
_RESPONSE = re.compile(
    r"\b(?:retr(?:y|ies|ied|ying)|back(?:s)? ?off|backoff|fail(?:s|ing)? ?over|failover|promot\w*"
    r"|fall(?:s|ing)? back|fallback|dlq|dead[- ]letter|circuit[- ]?breaker|degraded mode"
    r"|gracefully|re-?rout\w*|switch(?:es|ed)? (?:over|traffic|to)|shift\w* (?:traffic|load|to)"
    r"|flips? (?:traffic|to)|moves? (?:new )?(?:sessions|traffic|to)|replay\w*|re-?driv\w*"
    r"|restor\w*|rebuil\w*|re-?replicat\w*|reconstruct\w*|repair\w*|resum\w*|checkpoint\w*"
    r"|buffer\w*|queued?\b|requeue\w*|catch(?:es)? up|caught up|elect\w*|takes? over|reassign\w*"
    r"|reconnect\w*|skip\w*|hides?|hidden|without (?:that|the) \w+|from (?:the )?cache|cached"
    r"|last[- ]known|idempoten\w*|compensat\w*|re-?run|restart\w*"
    r"|keeps? (?:serving|taking|working|the|running|accepting|its)|still (?:works|serves|shows"
    r"|sees|gets|has|available|writable|readable|accept\w*)|hold\w* (?:messages|the)|reconcil\w*"
    r"|sweep\w*|shed\w*|fails? fast|drop(?:s|ping|ped)? (?:the |stale |old |low-priority )?"
    r"(?:messages|requests|points|events|updates|it|them|traffic|load)|fail (?:open|closed)"
    r"|spare|standby|secondary"
    r"|alternate|backup|another (?:worker|node|host|region|az|replica|vendor|provider|cdn)"
    r"|visible again|redeliver\w*|resend\w*|scale[sd]? out|absorb|re-?elect\w*|park\w*|tagged"
    r"|replac(?:es|ed|ing)\b|stops? (?:routing|sending)|routes? around|picks? (?:it|them) up"
    r"|auto-(?!roll)\w+|cancel\w*|refund\w*)"
)
_HUMAN_RESPONSE = re.compile(
    r"\bby hand\b|\bmanually\b|(?:someone|whoever|ops|devs|the team|dispatchers|managers|support)"
    r"[^\n.;]{0,30}\b(?:will|'ll)\b"
)


def failure_planning(analysis: Analysis) -> Sentence | None:
    """A named failure in the running system plus what the system does about it."""
    for sentence, match in claims(analysis.doc, _FAILURE):
        if _NOT_A_SYSTEM_FAILURE.search(sentence.low):
            continue
        responders = [sentence]
        following = analysis.doc.next_in_line(sentence)
        if following is not None and _usable(following):
            responders.append(following)
        for responder in responders:
            text = responder.low
            if responder is sentence:
                start, end = match.start() - sentence.start, match.end() - sentence.start
                text = text[:start] + " " + text[end:]
            if _RESPONSE.search(text) and not _HUMAN_RESPONSE.search(responder.low):
                return sentence
    return None


# --- operations_ready --------------------------------------------------------------------

_ALERTING = re.compile(
    r"\b(?:alarms?|alert(?:s|ing)?|paged|paging|pager(?:duty)?|opsgenie|dashboards?"
    r"|metrics?|signals?|slis?|slos?|we (?:watch|track|measure|emit|record)|beacons?"
    r"|what we (?:watch|measure|track))\b|\bpages?\b(?= (?:the |an? |on-?call|us\b|someone"
    r"|primary|secondary|sre|\())|(?:→|->|then|and|,) ?pages?\b|(?:[<>≥≤]|\bif\b|\bwhen\b"
    r"|non-zero|baseline)[^\n]{0,60}\bpages?\b|\b(?:to|will|should|must|would) page\b"
    r"|\bpage (?:if|when|on)\b"
)
_SIGNAL = re.compile(
    r"\bp\d{2,3}\b|latency|5xx|4xx|\berrors?\b|error[- ]rate|depth|\blag\b|\bage\b|throttl"
    r"|success rate|failure rate|\brate\b|count|backlog|iterator|queue|qps|rps|freshness|\bcpu\b"
    r"|memory|\bdisk|throughput|saturation|burn|budget|drops?\b|404s|timeouts?|heartbeat|stale"
    r"|mismatch|oversell|duplicate|per minute|per hour|/min\b|cold start|rebuffer|first frame"
    r"|play-start|connect failures|checksum|hit ratio|[<>≥≤]\s*~?\d|utili[sz]ation|usage|health"
)
_PRACTICE = re.compile(
    r"\b(?:canar(?:y|ies)|one-?box|one box (?=first|→|->|then|,)|blue[/-]green"
    r"|staged (?:rollout|deploy\w*)|rolling (?:deploy\w*|update)|bake(?:s|d)?\b"
    r"|auto[- ]?rollback|roll(?:s|ed)?[- ]?back|rollback"
    r"|shadow (?:mode|traffic)|dark launch|wave by wave|region[- ]by[- ]region|runbooks?"
    r"|playbooks?|game ?days?|synthetic (?:checks?|canar\w*|probes?|tests?|traffic|load|monitor\w*)"
    r"|chaos|pagerduty|opsgenie|error budget|post-?mortems?|ops review|escalat\w*)\b"
    r"|\b(?:its|their) (?:own )?(?:on-?call|pager|rotation)|on-?call (?:rotation|for it)"
    r"|(?:weekly|daily|follow[- ]the[- ]sun|primary|secondary)(?:/secondary)? (?:\w+ )?(?:rotation"
    r"|on-?call)|owns? [^\n.;]{0,40}on-?call|\b(?:pager|on-?call) rotation|%\s?(?:→|->)\s?\d"
)


_HYPOTHETICAL = re.compile(r"\bwould (?:need|require|mean|have)\b")


def _ops_claims(analysis: Analysis) -> list[Sentence]:
    """Sentences with an alarm/dashboard on a named signal, kept only if not deferred."""
    found: list[Sentence] = []
    for sentence, _ in claims(analysis.doc, _ALERTING):
        if _SIGNAL.search(sentence.low) and not _deferred(sentence):
            found.append(sentence)
    return found


def _deferred(sentence: Sentence) -> bool:
    return deferred_monitoring(sentence.low) is not None


def has_live_alarms(analysis: Analysis) -> bool:
    """Whether the answer already has concrete alarms or dashboards in place now."""
    return bool(_ops_claims(analysis))


def operations_ready(analysis: Analysis) -> Sentence | None:
    """Concrete operability: signals with alarms, safe deploys, runbooks, on-call."""
    signals = _ops_claims(analysis)
    if signals:
        return signals[0]
    for sentence, match in claims(analysis.doc, _PRACTICE):
        before = sentence.low[: match.start() - sentence.start]
        if not _deferred(sentence) and _HYPOTHETICAL.search(before) is None:
            return sentence
    return None


# --- team_ownership ----------------------------------------------------------------------

_TEAM = r"(?:team|teams|squad|sres?|org|group)"
_OWNERSHIP = re.compile(
    rf"\b{_TEAM}\b[^\n.;]{{0,60}}?\b(?:owns?|owned|builds? and (?:runs?|operates?)|runs? and owns?"
    r"|is on-?call|carr(?:y|ies) (?:the|its|their) pager|(?:is|are) paged|holds? the pager"
    r"|(?:is|are) responsible for|responsible for)\b"
    rf"|\bowned by (?:the |a |one |its )?(?:[\w/&+-]+ ){{0,3}}{_TEAM}\b"
    rf"|\b{_TEAM} (?:with|has|have|each with) (?:its|their) own (?:on-?call|pager|rotation)"
    rf"|\b(?:on-?call|pager|rotation) (?:inside|within|in|held by|for) the [\w-]+ {_TEAM}"
    r"|\bsres? owns?\b"
    rf"|\b(?!(?:the|our|a|an|this|that|ops|dev|devs|whole|my|your|each|every)\b)[\w/&+-]+ {_TEAM}\b"
    r"[^\n.;]{0,40}?\b(?:on-?call|rotation|pager)\b"
    rf"|\b(?:on-?call|rotation|pager)\b[^\n.;]{{0,25}}?\b(?:is |= )?(?:the )?"
    rf"(?!(?:the|our|a|an|this|that|ops|dev|devs|whole|my|your)\b)[\w/&+-]+ {_TEAM}\b"
    rf"|\b{_TEAM}'s (?:own )?(?:on-?call|pager|rotation)"
    rf"|\b(?!(?:the|our|a|an|this|that|ops|dev|devs|whole|my|your|each|every)\b)[\w/&+-]+ {_TEAM}"
    r" (?:runs|operates|maintains|builds|carries|holds)\b"
)


def team_ownership(analysis: Analysis) -> Sentence | None:
    """A named team or role that owns, builds or runs the system or its parts."""
    for sentence, match in claims(analysis.doc, _OWNERSHIP):
        start = match.start() - sentence.start
        if re.search(r"\bwill (?:handle|take care)", sentence.low) and "own" not in match.group(0):
            continue
        if stance(analysis.doc, sentence, start, start) is Stance.CLAIM and not in_quotes(
            sentence.low, start
        ):
            return sentence
    return None


DETECTORS: dict[str, Detector] = {
    "customer_first": customer_first,
    "numbers_always": numbers_always,
    "failure_planning": failure_planning,
    "operations_ready": operations_ready,
    "team_ownership": team_ownership,
}
