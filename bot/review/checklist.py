"""Detectors for the guide's five success-formula items (GUIDE section 2).

An item is met by one clear instance anywhere in the answer (rule 2), so each
detector returns the first sentence that meets it as evidence. Stuffed lines,
questions and negated phrases never meet an item (rules 4 and 6).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from bot.review.analysis import Analysis
from bot.review.customer import customer_first, person_subject
from bot.review.deferral import deferred_monitoring
from bot.review.ownership import team_ownership
from bot.review.patterns import expand, words
from bot.review.stance import claims, is_negated
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


# --- failure_planning --------------------------------------------------------------------

_FAILURE = words(
    r"fail(?:s|ed|ing|ures?)?\b(?!\s?(?:over|fast|open|closed))", r"is down\b", r"are down\b",
    r"goes down\b", r"went down\b", r"go down\b", r"be down\b", r"down\b(?= ?(?:→|->|:|,|\)))",
    r"dies\b", r"died\b", r"dead\b", r"crash(?:es|ed|ing)?\b", r"outages?\b", r"unavailable",
    r"unreachable", r"unresponsive", r"times? out", r"timed out", r"timeouts?\b", r"5xx",
    r"50[234]s?\b", r"throttl\w*", r"lost\b", r"loss\b",
    r"loses? (?:its |the |their )?(?:\w+ )?(?:signal|network|connection|connectivity|link|power"
    r"|data|internet|wifi|coverage)",
    r"degrad(?:es|ed|ing)\b", r"falls? behind", r"fell behind", r"corrupt\w*", r"bit rot",
    r"reclaim\w*", r"unhealthy", r"impaired", r"overload\w*", r"poison", r"stuck",
    r"partitioned", r"split[- ]brain", r"hiccups?", r"errors?\b(?![- ](?:rates?|budget|ratio))",
    r"disconnect\w*", r"brown[- ]?outs?", r"is slow", r"gets slow", r"goes slow", r"are slow",
    r"slow (?:→|->|:)", r"breaks?\b", r"broken", r"evicted", r"interrupted", r"killed", r"oom\b",
    r"doesn'?t (?:answer|respond|reply|return|come back|ack\w*|reach|report\w*)",
    r"does not (?:answer|respond|reply|return|come back|ack\w*|reach)",
    r"didn'?t (?:answer|respond|reply|return|come back|ack\w*)",
    r"fails to (?:answer|respond|reply|return|come back|ack\w*|reach)",
    r"can'?t (?:answer|respond|reply|reach)", r"cannot (?:answer|respond|reply|reach)",
    r"no (?:response|heartbeats?)\b", r"red/", r"is red\b", r"misses? (?:the|its) deadline",
    r"stops? (?:heartbeating|responding|answering|acking|reporting|sending heartbeats)",
    r"goes (?:silent|offline|away|dark)", r"went (?:offline|dark)", r"go dark", r"is offline",
    r"is gone\b",
    r"disappears?\b", r"vanish\w*", r"kills?\b", r"blocks? (?:us|our)\b", r"blocked\b",
    r"403s?\b", r"banned\b", r"421s?\b",  # SMTP "try again later" (a 429 is usually the limiter itself)
    *expand("uplink|link|connection|connectivity|network|wifi|internet|vpn", r" drops\b"),
    r"exceed(?:s|ed)? (?:the |its |a |our )?(?:\d+ ?ms )?(?:budget|timeout|deadline)",
    *expand("budget|timeout|deadline", " is exceeded"), r"it'?s exceeded", r"black-?hol\w*",
    r"miss(?:es|ed)? (?:a |the |its )?(?:tick|heartbeat|beat|window|run)", r"pull the plug", r"take down",
    r"unplug\w*", r"simulat\w* (?:an? )?(?:outage|failure|loss)",
    r"doesn'?t finish",
)
_NOT_A_SYSTEM_FAILURE = words(
    r"point of failure", r"spof\b", r"deliver(?:y|ies)(?: attempt)? fail",
    r"card (?:is )?declined", r"payment (?:is )?declined", r"sold out", r"out of stock",
    r"wrong password", r"nobody (?:is )?home", r"can'?t get into", r"failed delivery",
    r"on failures?\b", r"on errors?\b", r"delivered/", r"failed/", r"card expired",
    r"expired card", r"insufficient funds", r"invalid card", r"card (?:is )?(?:expired|invalid)",
)
_RESPONSE = words(
    r"retr(?:y|ies|ied|ying)", r"backs? ?off", r"backoff", r"fail(?:s|ing)? ?over", r"failover",
    r"promot\w*", r"fall(?:s|ing)? back", r"fallback", r"dlq", r"dead[- ]letter",
    r"circuit[- ]?breaker", r"degraded mode", r"gracefully", r"re-?rout\w*", r"reroute",
    r"switch(?:es|ed)? (?:over|traffic|to)", r"shift\w* (?:traffic|load|to)",
    r"flips? (?:traffic|to)", r"moves? (?:new )?(?:sessions|traffic|to)", r"replay\w*",
    r"re-?driv\w*", r"redrive", r"restor\w*", r"rebuil\w*", r"re-?replicat\w*", r"reconstruct\w*",
    r"repair\w*", r"resum\w*", r"checkpoint\w*", r"buffer\w*", r"queued\b", r"requeue\w*",
    *expand("wait|waits|sit|sits|held|kept|stay|stays|put|parked", r" in (?:a|the|its) (?:\w+ )?queue"),
    r"catch(?:es)? up", r"caught up", r"elect\w*", r"takes? over", r"reassign\w*",
    r"reconnect\w*", r"skip\w*", r"hides?\b", r"hidden", r"without (?:that|the) \w+",
    r"from (?:the )?cache", r"cached", r"last[- ]known", r"idempoten\w*", r"compensat\w*",
    r"re-?run", r"restart\w*",
    r"keeps? (?:serving|taking|working|the|running|accepting|its)",
    r"still (?:works|serves|shows|sees|gets|has|available|writable|readable|accept\w*)",
    r"hold\w* (?:messages|the)", r"reconcil\w*", r"sweep\w*", r"shed\w*", r"fails? fast",
    r"drop(?:s|ping|ped)? (?:the |stale |old |low-priority )?"
    r"(?:messages|requests|points|events|updates|it|them|traffic|load)",
    r"fail (?:open|closed)", r"spare", r"standby", r"secondary", r"alternate", r"backup",
    r"another (?:worker|node|host|region|az|replica|vendor|provider|cdn)", r"visible again",
    r"redeliver\w*", r"resend\w*", r"scale[sd]? out", r"absorb", r"re-?elect\w*", r"park\w*",
    r"tagged", r"replac(?:es|ed|ing)\b", r"stops? (?:routing|sending)", r"routes? around",
    r"picks? (?:it|them) up", r"auto-(?!roll)\w+", r"cancel\w*", r"refund\w*",
    r"syncs? (?:later|up|back|when)", r"uploads? (?:them|it|later)",
    r"when (?:it|the \w+|they) (?:comes? back|returns?|recovers?)", r"once it'?s back",
    r"locally\b", r"offline mode", r"vote and (?:promote|elect)",
    r"instead of (?:failing|an error|erroring)", r"withdraw\w*", r"next[- ]nearest",
    r"nearest healthy", r"next healthy", r"lands? on (?:another|the next|a healthy)",
    r"lease\w* expires?", r"releas(?:es|ed|ing) (?:the|it|them)\b", r"is released",
    r"fencing", r"catches up", r"still confirms?",
    r"serves? (?:the )?(?:last|previous|cached|stale|old)",
    r"last (?:good|rendered|cached|successful|known)",
    r"boots? (?:back|into the (?:old|previous|other))",
)
_PERCEIVED = re.compile(r"(?:assumes?|think|thinks|feels?|looks?|seems?|as if)\s+(?:it'?s|it is|that)?\s*$")
_TIMEOUT_SETTING = re.compile(r"(?:\d[\w-]*|visibility|idle|session|lock|connect(?:ion)?)[ -]$")


def _is_setting(sentence: Sentence, match: re.Match[str]) -> bool:
    """Not a failure of the running system: a configured timeout ('15-minute visibility
    timeout') or a customer's perception ('they assume it's broken')."""
    start = match.start() - sentence.start
    before = sentence.low[max(0, start - 24) : start]
    if _PERCEIVED.search(before):
        return True
    return match.group(0).startswith("timeout") and _TIMEOUT_SETTING.search(before) is not None


_HUMAN_RESPONDER = (
    r"(?:someone|whoever|ops|devs|(?:\w+ )?team|dispatchers?|managers?|support|attendants?"
    r"|operators?|admins?|engineers?|sres?|technicians?|staff|crews?|folks|(?:shift )?leads?)"
)
_HUMAN_RESPONSE = re.compile(
    rf"\bby hand\b|\bmanually\b|{_HUMAN_RESPONDER}[^\n.;]{{0,30}}\b(?:will|'ll)\b"
)

# Every match contains one of these; testing them first skips a scan that cannot skip ahead.
_HUMAN_RESPONSE_CUES = ("by hand", "manually", "will", "'ll")


def _human_response(low: str) -> bool:
    """People doing the recovery by hand ('ops will fix it manually'); 'nobody has to
    rejoin manually' is the opposite."""
    if not any(cue in low for cue in _HUMAN_RESPONSE_CUES):
        return False
    return any(not is_negated(low, m.start()) for m in _HUMAN_RESPONSE.finditer(low))


_METRIC_AFTER = re.compile(r"[- ]?(?:rates?|ratio|count|metrics?|budget)\b")


def failure_planning(analysis: Analysis) -> Sentence | None:
    """A named failure in the running system plus what the system does about it."""
    for sentence, match in claims(analysis.doc, _FAILURE):
        if _NOT_A_SYSTEM_FAILURE.search(sentence.low) or _is_setting(sentence, match):
            continue
        if _METRIC_AFTER.match(sentence.low, match.end() - sentence.start):
            continue  # "crash rate", "join-failure rate": a metric, not a failure
        responders = [sentence]
        following = analysis.doc.next_in_line(sentence)
        if following is not None and _usable(following):
            responders.append(following)
        for responder in responders:
            text = responder.low
            if responder is sentence:
                start, end = match.start() - sentence.start, match.end() - sentence.start
                text = text[:start] + " " + text[end:]
            if _RESPONSE.search(text) and not _human_response(responder.low):
                return sentence
        if _conditional_response(sentence, match):
            return sentence
    return None


_CONDITION = re.compile(r"\b(?:if|when|whenever|once|in case|should)\b[^,;:→]{0,120}$")
_CONSEQUENCE_START = re.compile(
    r"\s+(?=(?:we|it|the|clients?|traffic|requests?|writes?|reads?|messages?|jobs?)\b)"
    r"|[^,;:→>]{0,120}?(?:,|:|→|->|\bthen\b)\s*"
)
_PERSON_SUBJECT = re.compile(
    r"(?:the |a |our )?(?:users?|customers?|people|they|you|shoppers?|viewers?|buyers?|riders?"
    r"|drivers?|someone|ops|devs?|support|on-?call|team)\b"
)
_SERVED = re.compile(r"\s+(?:still |instead )?(?:gets?|sees?|receives?|is shown|are shown)\b")
_ONLY_DETECTION = re.compile(
    r"\b(?:alarms?|alerts?|pages?|paged|paging|notif\w*|emails?|complain\w*|bad|toast|problem"
    r"|issue|outage|incident|sad|lose|lost|down|fails?|breaks?)\b"
)
_ACTION = re.compile(r"\b[a-z]{3,}(?:s|ed)\b|\b(?:we|it|they|the \w+) (?:just )?[a-z]{3,}\b")


def _conditional_response(sentence: Sentence, match: re.Match[str]) -> bool:
    """'If/when <failure>, <the system does something>': the guide's scenario + response
    shape, for responses phrased in words no list anticipates. Detection-only ("…, it
    pages on-call"), human ("…, ops will fix it") and empty consequences do not count."""
    start, end = match.start() - sentence.start, match.end() - sentence.start
    if _CONDITION.search(sentence.low[max(0, start - 140) : start]) is None:
        return False
    head = _CONSEQUENCE_START.match(sentence.low, end)
    if head is None:
        return False
    consequence = sentence.low[head.end() :]
    person = _PERSON_SUBJECT.match(consequence) or person_subject(consequence)
    if person and not _SERVED.match(consequence, person.end()):
        return False  # "…, the user just logs in again": what a person does is no plan
    words_after = consequence.split()
    if len(words_after) < 4 or _human_response(consequence):
        return False
    content = [w for w in words_after if not _ONLY_DETECTION.fullmatch(w.strip(".,;!"))]
    return len(content) >= 4 and _ACTION.search(consequence) is not None and not (
        _ONLY_DETECTION.search(" ".join(words_after[:3]))
    )


# --- operations_ready --------------------------------------------------------------------

_ALERTING = words(
    r"alarms?\b", r"alert(?:s|ing)?\b", r"paged\b", r"paging\b", r"pager(?:duty)?\b",
    r"opsgenie\b", r"dashboards?\b", r"metrics\b", r"metric(?=:| for| on| of)", r"signals?\b",
    r"slis?\b", r"slos?\b",
    r"we (?:watch|track|measure|emit|record)\b", r"beacons?\b",
    r"what we (?:watch|measure|track)\b",
    r"pages?\b(?= (?:the |an? |on-?call|us\b|someone|primary|secondary|sre|\())",
    r"→ ?pages?\b", r"-> ?pages?\b", r"then pages?\b", r"and pages?\b", r", ?pages?\b",
    r"<[^\n]{0,60}\bpages?\b", r">[^\n]{0,60}\bpages?\b", r"≥[^\n]{0,60}\bpages?\b",
    r"≤[^\n]{0,60}\bpages?\b", r"if\b[^\n]{0,60}\bpages?\b", r"when\b[^\n]{0,60}\bpages?\b",
    r"non-zero[^\n]{0,60}\bpages?\b", r"baseline[^\n]{0,60}\bpages?\b",
    r"to page\b", r"will page\b", r"should page\b", r"must page\b", r"would page\b",
    r"page (?:if|when|on)\b",
)
_SIGNAL = words(
    r"p\d{2,3}\b", r"latency", r"5xx", r"4xx", r"errors?\b", r"error[- ]rate", r"depth", r"lag\b",
    r"age\b", r"throttl", r"success rate", r"succeed\w*", r"failure rate", r"rate\b", r"count", r"backlog",
    r"iterator", r"queue", r"qps", r"rps", r"freshness", r"cpu\b", r"memory", r"disk",
    r"throughput", r"saturation", r"burn", r"budget", r"drops?\b", r"404s", r"timeouts?",
    r"heartbeat", r"stale", r"mismatch", r"oversell", r"duplicate", r"per minute", r"per hour",
    r"/min\b", r"cold start", r"rebuffer", r"first frame", r"play-start", r"connect failures",
    r"checksum", r"hit ratio", r"<\s*~?\d", r">\s*~?\d", r"≥\s*~?\d", r"≤\s*~?\d",
    r"utili[sz]ation", r"usage", r"health", r"fail(?:s|ed|ures?)?\b",
)
_PRACTICE = words(
    r"canar(?:y|ies)\b", r"one-?box\b", r"one box (?=first|→|->|then|,)", r"blue[/-]green",
    r"staged (?:rollout|deploy\w*)", r"rolling (?:deploy\w*|update)", r"bake(?:s|d)?\b",
    r"auto[- ]?rollback", r"roll(?:s|ed)?[- ]?back\b", r"rollback", r"shadow (?:mode|traffic)",
    r"dark launch", r"wave by wave", r"region[- ]by[- ]region", r"runbooks?\b", r"playbooks?\b",
    r"game ?days?\b", r"synthetic (?:checks?|canar\w*|probes?|tests?|traffic|load|monitor\w*)",
    r"chaos\b", r"error budget", r"restores? (?:is |are )?(?:tested|drilled|rehearsed)",
    r"test(?:ed|s)? (?:the )?restores?", r"restore drills?", r"dr drills?", r"failover drills?",
    r"post-?mortems?", r"ops review",
    r"escalat\w*", r"its (?:own )?(?:on-?call|pager|rotation)",
    r"their (?:own )?(?:on-?call|pager|rotation)", r"on-?call (?:rotation|for it)",
    r"weekly (?:\w+ )?(?:rotation|on-?call)", r"daily (?:\w+ )?(?:rotation|on-?call)",
    r"follow[- ]the[- ]sun", r"primary(?:/secondary)? (?:\w+ )?(?:rotation|on-?call)",
    r"secondary (?:\w+ )?(?:rotation|on-?call)", r"owns? [^\n.;]{0,40}on-?call",
    r"pager rotation", r"%\s?(?:→|->)\s?\d", r"roll(?:ed|s)? out (?:to )?(?:\d+%|one|a few)",
    r"rollouts? (?:to|of) \d+%", r"gradual rollout", r"percentage rollout", r"auto-?revert\w*",
    r"reverts? automatically",
)


_PRODUCT_ALERT = re.compile(
    r"\b(?:price|price-drop|stock|back-in-stock|restock|deal|fraud|news|weather|geofence|delivery"
    r"|shipping|order|balance|low-balance|login|sale|job|tweet|traffic|speed)[- ]$"
)
_PRODUCT_DASHBOARD = re.compile(r"dashboards? (?:query|queries|loads?|renders?|page|widget)")
_HYPOTHETICAL = re.compile(r"\bwould (?:need|require|mean|have)\b")
# "< 100 ms p95 — web pages stall", "every tracking page refresh": a page of the product,
# not paging someone
_WEB_PAGE_BEFORE = re.compile(
    r"(?:web|tracking|product|home|landing|detail|search|status|results|order|checkout|event"
    r"|cart|item|booking|login|error|static|html)[ -]$"
)
_WEB_PAGE_AFTER = re.compile(r"s?\b[ -](?:refresh\w*|loads?|views?|renders?|stalls?|weight|size)\b")
# "-- must update exactly N rows, else ROLLBACK": a database transaction, not a deploy
_TRANSACTION = re.compile(r"\b(?:txns?|transactions?|rows?|sql|saga)\b")
# "Runbooks: we'll have them.", "On-call: yes.": a heading with a promise and no content
_BARE_PROMISE = re.compile(
    r":\s*(?:yes|yep|sure|of course|obviously|tbd|todo|standard|the usual"
    r"|we'?ll (?:have|write|add) (?:them|it|one|some))\W*$"
)


def _is_web_page(low: str, end: int) -> bool:
    """Whether an alerting match that ends in "page" names a page of the product."""
    if not low[:end].rstrip("s").endswith("page"):
        return False
    page = low.rfind("page", 0, end)
    return bool(_WEB_PAGE_BEFORE.search(low, 0, page) or _WEB_PAGE_AFTER.match(low, page + 4))


def _live_alarms(analysis: Analysis) -> Iterator[Sentence]:
    """Sentences with an alarm/dashboard on a named signal, kept only if not deferred."""
    for sentence, match in claims(analysis.doc, _ALERTING):
        start = match.start() - sentence.start
        if _PRODUCT_DASHBOARD.match(sentence.low, start) or _PRODUCT_ALERT.search(
            sentence.low, 0, start
        ):
            continue  # "a dashboard query returns in < 2 s", "price-drop alerts": the product
        if _is_web_page(sentence.low, match.end() - sentence.start):
            continue
        if analysis.index(sentence) in analysis.committed:
            continue  # "someone watches the dashboard" is team_will_handle, not operability
        if _SIGNAL.search(sentence.low) and not _deferred(sentence):
            yield sentence


def _deferred(sentence: Sentence) -> bool:
    return deferred_monitoring(sentence.low) is not None


def has_live_alarms(analysis: Analysis) -> bool:
    """Whether the answer already has concrete alarms or dashboards in place now."""
    return next(_live_alarms(analysis), None) is not None


def operations_ready(analysis: Analysis) -> Sentence | None:
    """Concrete operability: signals with alarms, safe deploys, runbooks, on-call."""
    alarm = next(_live_alarms(analysis), None)
    if alarm is not None:
        return alarm
    for sentence, match in claims(analysis.doc, _PRACTICE):
        if _not_a_practice(sentence, match):
            continue
        before = sentence.low[: match.start() - sentence.start]
        if not _deferred(sentence) and _HYPOTHETICAL.search(before) is None:
            return sentence
    return None


def _not_a_practice(sentence: Sentence, match: re.Match[str]) -> bool:
    """A transaction rollback, or a practice only promised ("Runbooks: we'll have them")."""
    if _BARE_PROMISE.search(sentence.low):
        return True
    rollback = match.group(0).startswith("roll")
    return rollback and (sentence.code or _TRANSACTION.search(sentence.low) is not None)


DETECTORS: dict[str, Detector] = {
    "customer_first": customer_first,
    "numbers_always": numbers_always,
    "failure_planning": failure_planning,
    "operations_ready": operations_ready,
    "team_ownership": team_ownership,
}
