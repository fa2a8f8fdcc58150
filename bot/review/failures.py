"""failure_planning (GUIDE 2.3): a failure in the running system and what the system does.

Both halves are needed: "multi-AZ" names no failure, "what if S3 goes down?"
names no response, and "ops will fix it" is people, not a plan. A response is
looked for in the failure's sentence, the next one on its line, an "if <failure>,
<consequence>" shape, or the bullets under a heading that names the failure.
"""

from __future__ import annotations

import re

from bot.review.analysis import Analysis
from bot.review.customer import person_subject
from bot.review.patterns import expand, words
from bot.review.stance import claims, is_negated
from bot.review.text import Sentence


def _usable(sentence: Sentence) -> bool:
    return not (sentence.stuffing or sentence.question)


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
    *expand("uplink|link|connection|connectivity|network|wifi|internet|vpn", r" drop(?:s|ped|outs?)?\b"),
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
    r"re-?deliver\w*", r"resend\w*",
    *expand("go|goes|went|put|sent|land", r" back (?:on|in|into|to) (?:the )?(?:queue|pool)"),
    r"scale[sd]? out", r"absorb", r"re-?elect\w*", r"park\w*",
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
    rf"|\brely on (?:the |our )?(?:night |day )?(?:shift|{_HUMAN_RESPONDER})\b"
)

# Every match contains one of these; testing them first skips a scan that cannot skip ahead.
_HUMAN_RESPONSE_CUES = ("by hand", "manually", "will", "'ll", "rely on")


def _human_response(low: str) -> bool:
    """People doing the recovery by hand ('ops will fix it manually'); 'nobody has to
    rejoin manually' is the opposite."""
    if not any(cue in low for cue in _HUMAN_RESPONSE_CUES):
        return False
    return any(not is_negated(low, m.start()) for m in _HUMAN_RESPONSE.finditer(low))


_METRIC_AFTER = re.compile(r"[- ]?(?:rates?|ratio|count|metrics?|budget)\b")
# "Alarms: 5xx > 0.5%, fallback-mode > 1%": in an alarm list, "<signal> > <threshold>" names
# what is measured; neither the failure nor the response word in it is a plan
_ALARM_LINE = re.compile(r"\b(?:alarms?|alerts?|dashboards?|slos?|pages?)\b")
_COMPARATORS = ("<", ">", "≤", "≥")
_THRESHOLD = re.compile(r"[\w-]+\s?[<>≤≥]=?\s?~?\d[\w.%]*")


def _thresholds_blanked(low: str) -> str:
    """``low`` with every "<signal> > <threshold>" of an alarm line blanked out."""
    if not any(sign in low for sign in _COMPARATORS) or _ALARM_LINE.search(low) is None:
        return low  # the substring tests skip both regexes on almost every sentence
    return _THRESHOLD.sub(lambda m: " " * len(m.group(0)), low)


def failure_planning(analysis: Analysis) -> Sentence | None:
    """A named failure in the running system plus what the system does about it."""
    for sentence, match in claims(analysis.doc, _FAILURE):
        if _NOT_A_SYSTEM_FAILURE.search(sentence.low) or _is_setting(sentence, match):
            continue
        if _METRIC_AFTER.match(sentence.low, match.end() - sentence.start):
            continue  # "crash rate", "join-failure rate": a metric, not a failure
        if _thresholds_blanked(sentence.low)[match.start() - sentence.start] == " ":
            continue
        responders = [sentence]
        following = analysis.doc.next_in_line(sentence)
        if following is not None and _usable(following):
            responders.append(following)
        for responder in responders:
            text = _thresholds_blanked(responder.low)
            if responder is sentence:
                start, end = match.start() - sentence.start, match.end() - sentence.start
                text = text[:start] + " " + text[end:]
            if _RESPONSE.search(text) and not _human_response(responder.low):
                return sentence
        if _conditional_response(sentence, match):
            return sentence
    return _response_under_failure_heading(analysis)


# "Failures:" or "What can fail:" names no failure; "Service down:" or "When a provider
# throttles:" does, and the bullets under it are the responses.
_GENERIC_FAILURE_HEADING = re.compile(
    r"\b(?:what (?:can |could )?(?:fails?|goes wrong|breaks)|failures?(?: modes?| handling"
    r"| planning| scenarios| cases)?)\b"
)


def _names_a_failure(heading: str) -> bool:
    """Headings are stored without their colon; it is put back so "service down:" reads
    like the inline "service down: …" that ``_FAILURE`` expects."""
    specific = _GENERIC_FAILURE_HEADING.sub(" ", heading) + ":"
    return bool(_FAILURE.search(specific)) and not _NOT_A_SYSTEM_FAILURE.search(heading)


def _response_under_failure_heading(analysis: Analysis) -> Sentence | None:
    """A response bullet under a heading that names a specific failure."""
    named: dict[str, bool] = {}
    for sentence in analysis.doc.sentences:
        heading = sentence.context.partition(" | ")[0]
        if not heading or not _usable(sentence):
            continue
        if heading not in named:
            named[heading] = _names_a_failure(heading)
        if named[heading] and _RESPONSE.search(sentence.low) and not _human_response(sentence.low):
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
