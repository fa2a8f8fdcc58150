"""Which numbers in an answer are real estimates, targets or bounds.

GUIDE 2.2: a number counts when it is the writer's own estimate, target or bound
on load, size, latency, freshness, availability or cost, with a unit or an
unambiguous meaning. Settings the designer picks ("3 replicas", "TTL 24h",
"poll every 10 s", "canary to 10%"), numbers restated from the prompt and bare
numbers ("latency ~50") do not. Each number is classified by the few words on
either side of it, so the cost is one small regex step per digit run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.review.rules import RuleSet, lazy, lazy_regex

_NUMBER = re.compile(
    r"(?P<num>\d(?:\d{0,2}(?:,\d{3})+|\d*)(?:\.\d+)?)"
    r"(?P<mag>\s?(?:k|m|mm|b|bn|million|billion|trillion|thousand)\b)?"
)
_NOT_BEFORE_NUMBER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_./")

_MAGNITUDES = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "trillion": 1e12,
}  # fmt: skip

_SIZE_AFTER = re.compile(
    r"\s?(?:[kmgtpe]i?b|bytes?|[kmgt]bps|(?:kilo|mega|giga|tera|peta)(?:bits?|bytes?))\b")
_TIME_AFTER = re.compile(
    r"\s?(?:ms|msec|millis(?:econds?)?|µs|us|ns|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?)\b"
)
_PERCENT_AFTER = re.compile(r"\s?%")
_GROWTH_AFTER = re.compile(r"\s?x\b")
_RATIO_AFTER = re.compile(r"\s?:\s?1\b")
_MONEY_AFTER = re.compile(r"\s?(?:usd|dollars?|cents?)\b")

_RANGE_TAIL = re.compile(r"~?\d+(?:\.\d+)?\s?(?:[-–]|to)\s?$")
# the low end of a range of times: "5-8 s", "30–80 ms", "two to three seconds" (a setting is
# one value, picked)
_TIME_RANGE_TAIL = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s?(?:[-–]|\bto\b)\s?$")
_TIME_CUE = re.compile(
    r"(?:[<>≤≥=~≈]|under|below|within|less than|at most|faster than|p\d{2,3}|latency|rtt|lag"
    r"|stale|behind|\bin|takes?|took|adds?|added|costs?|target|budget|rto|rpo|sla|slo|fresher than|older than"
    r"|starts?|arrives?|returns?|renders?|loads?|responds?|round[- ]trip|about|around|goes over"
    r"|go over|is over|above|exceeds?|more than|higher than|greater than|longer than)"
    r"\W*(?:~|≈|about|around|roughly|<|under)?\s*$"
)
_SETTING_CUE = re.compile(
    r"(?:every|ttl|retention|timeout|time-out|bake|baking|poll\w*|interval|expir\w*|window|lease"
    r"|heartbeat|checkpoint\w*|cooldown|backoff|delay|sleep|visibility|after|for"
    r"|(?<!goes )(?<!go )(?<!is )(?<!are )over|last"
    r"|past|freeze|wait|hold|keep|kept|cache\w*|batch\w*|each|per|random|jitter\w*"
    r"|(?:each|every|per) (?:ring|stage|wave|step|phase)"
    # how long a state lasts before an alarm fires: "stuck in fallback for more than five minutes"
    r"|for (?:more|longer) than|for at least"
    # a breaker's or a restart alarm's counting window: "opens after 20 failures in 10 s"
    r"|(?:failures?|errors?|timeouts?|attempts?|retries|restarts?|strikes?) (?:in|within))"
    r"\W*(?:~|≈|about|around)?\s*$"
)
# what the time is the length of: work or a drive, a bake, or a setting the time sizes ("a 1–2 s
# in-memory cache", "a 30 s timeout")
_TIME_AFTER_SETTING = re.compile(
    r"\s?(?:of (?:work|compute|drive|driving)|drive|walk|ago|bake"
    r"|(?:in-memory |local |edge |cdn |client[- ]side )?(?:cache|ttl|lease|timeout|interval|heartbeat"
    r"|debounce|backoff|cool-?down)\b)")
_ALARM_CONTEXT = re.compile(r"\b(?:alarms?|alerts?|pages?|paged|paging|on-?call)\b")
_TRIGGER_THRESHOLD = re.compile(
    r"(?:until|once|when|after|before) (?:we |it |they )?(?:pass|hit|reach|get to|have|exceed)\w*"
    r"\s*(?:~|≈|about|around)?\s*$"
    r"|(?:haven'?t|hasn'?t|didn'?t|isn'?t|aren'?t|wasn'?t|not) \w+(?: \w+)? in\s*$"
    r"|(?:doesn'?t|does not|don'?t|didn'?t|fails? to|not) \w+(?: \w+)? within\s*$"
)
# "if the firmware doesn't report healthy (connected + sensors OK) within 10 min": the same
# health window with a longer condition, read over a wider span than ``before``
_HEALTH_WINDOW = re.compile(
    r"(?:doesn'?t|does not|don'?t|didn'?t|fails? to|not) [^.;\n]{1,60}? within\s*$"
    r"|\bno (?:answer|response|reply|ack|heartbeat)s? [^.;\n]{0,60}?within\s*$"
)
# "users with < 10K followers": a cutoff that splits a population, a setting like a TTL
_CUTOFF = re.compile(
    r"with (?:[<>≤≥]=?|under|over|fewer than|more than|less than|at least|at most)\s*~?\s*$"
)
# "fan-out on write for accounts under 10K followers": a cutoff that splits a population
_POPULATION_CUTOFF = re.compile(
    r"(?:accounts?|users?|people|customers?|members?|creators?|sellers?|tenants?|those|anyone"
    r"|ones?|channels?|groups?)\s+(?:with\s+)?(?:[<>≤≥]=?|under|over|below|above|fewer than"
    r"|more than|less than|at least|at most)\s*~?\s*$"
)
# "doesn't matter if it's 1x or 100x": growth waved away, not an estimate
_GROWTH_EITHER_WAY = re.compile(r"\s?x or \d|\d\s?x or\s*$")
_COMPARED = re.compile(r"[<>≤≥]=?\s*~?$")
_APPROX_CUE = re.compile(r"(?:~|≈|about|around|roughly|assume[sd]?|say|peak|avg|average|maybe|of)\s*$")
_PERCENT_GOOD = re.compile(
    r"availab|uptime|durab|\bsla\b|\bslo\b|success|error|5xx|4xx|fail|hit (?:ratio|rate)|cache hit"
    r"|accura|miss|loss|drop|conversion|abandon|visible|within|of (?:requests|calls|updates|reads)"
    r"|rebuffer|stall"
)
# a percentage a rule or a validation gate is set at, said in words (an alarm's is a target)
_PERCENT_GATE = re.compile(r"(?:at least|at most|more than|less than|fewer than|±|\+/-)\s*~?$")
_PERCENT_SETTING = re.compile(
    r"(?:of (?:the )?(?:hosts|fleet|traffic|users|new|instances|servers|cells?|canary|workers|nodes"
    r"|pods|machines|boxes|replicas|brokers|shards|gateways)|rollout"
    r"|roll out|canar(?:y|ies|ied)|%\s?(?:→|->)|(?:→|->)\s?\d+\s?%"
    r"|headroom|\bcpu\b|utili[sz]ation|memory|disk|capacity|then \d"
    # a share of a limit or a baseline the system keeps: "alarm at 80% of their limit"
    r"|% of (?:its|their|the|our|each|a) (?:[\w-]+ )?(?:limit|quota|max\w*|baseline|allowance)"
    r"|%\s?(?:battery|charge|discount|off\b|commission|fee|tip|tax))"
)
# "4 nines", "four 9s", "4nines"; "429s" and "499s" are status codes, not "42 nines": written
# "9s", the nines are always set apart from their count
_NINES = re.compile(r"\b(?:\d+|two|three|four|five|six|nine|eleven)(?:[ -]?nines|[ -]9s)\b")
_WORD_FRESHNESS = re.compile(
    r"\b(?:a|one|two|three|five|ten|thirty) (?:second|minute)s? (?:behind|stale|old|of lag)"
)
_SINGLE_DIGIT_MS = re.compile(r"single[- ]digit (?:ms|millis)")
_BARE_PERCENTILE = re.compile(r"\bp\d{2,3}\s?(?:[<>≤]=?|under|of|=|:|at|~)\s?~?\d+\b(?!\s?(?:ms|s|%))")
# Quantities written in words, each with the words every match of it contains: a plain
# substring test skips the scan (these patterns start with \b, which cannot skip ahead).
_WORD_QUANTITIES = (
    (_NINES, "nines", ("nines", "9s")),
    (_SINGLE_DIGIT_MS, "time", ("single",)),
    (_WORD_FRESHNESS, "freshness", ("second", "minute")),
)
# "within 300 m": metres, not millions
_GROWTH_SETTING_BEFORE = lazy_regex("numbers_always", "growth_setting_before")
_GROWTH_SETTING_AFTER = lazy_regex("numbers_always", "growth_setting_after")
_SIZE_SETTING_AFTER = lazy_regex("numbers_always", "size_setting_after")
_SIZE_SETTING_BEFORE = lazy_regex("numbers_always", "size_setting_before")
_SETTING_BEFORE = lazy_regex("numbers_always", "setting_before")
_SETTING_AFTER = lazy_regex("numbers_always", "setting_after")
_CAP_BEFORE = lazy_regex("numbers_always", "cap_before")
_RATE_LIMIT_AFTER = lazy_regex("numbers_always", "rate_limit_after")
# "a bit over 1,100 a second": a rate with no noun, said only of numbers in the thousands
_BARE_RATE = re.compile(r"\s?an? (?:second|sec|minute|hour|day)\b")
_DISTANCE_BEFORE = re.compile(r"(?:within|radius(?: of)?|away|distance of|walk of)\s*~?\s*$")
_MS_MENTION = re.compile(r"\b(?:ms|millisecond)")
_REPLICATION = re.compile(r"\s?(?:replicat|copies|retr)")


def _load_noun(rules: RuleSet) -> str:
    """What a count or a rate counts ("requests", "writes", "redirects"): a rule-file list."""
    return "(?:" + "|".join(rules.items("numbers_always", "load_nouns")) + ")"


def _rate_after(rules: RuleSet) -> re.Pattern[str]:
    load_noun = _load_noun(rules)
    return re.compile(
        # "5K highlights/s", "40 writes per second": any short gap before an explicit rate unit …
        r"\s?(?:(?!(?:times|attempts|retries|polls?|checks?|heartbeats?|pings?|tries)\b)"
        r"[a-z][\w-]*\s?){0,3}?(?:/\s?(?:s|sec|second|min|minute|h|hr|hour|day|d|wk|week|mo|month"
        r"|yr|year)\b|per (?:second|sec|minute|min|hour|day|week|month|year)\b|qps\b|rps\b|tps\b"
        r"|wps\b|iops\b|wcu\b|rcu\b)"
        # … but "50 … a day" only after a load noun ("2 cart writes a day", not "50 pile up in an hour")
        rf"|\s?(?:(?:[a-z][\w-]*\s){{0,2}}?{load_noun}\s?(?:each\s|avg\s|average\s|total\s)?)"
        r"an? (?:second|minute|hour|day|week|month|year)\b"
    )


_RATE_AFTER = lazy(_rate_after)
_COUNT_AFTER = lazy(lambda rules: re.compile(rf"\s?(?:[a-z][\w-]*\s){{0,2}}?{_load_noun(rules)}\b"))


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number the reader can identify: its kind, value and place in the sentence."""

    kind: str  # rate | size | time | percent | growth | count | ratio | money | nines | freshness
    value: float
    start: int
    end: int


def _value(number: str, magnitude: str | None) -> float:
    scale = _MAGNITUDES.get((magnitude or "").strip(), 1.0)
    return float(number.replace(",", "")) * scale


def _kind(low: str, match: re.Match[str]) -> str | None:
    """What the number measures, read from the words around it; None when unclear."""
    end = match.end()
    before = low[max(0, match.start() - 32) : match.start()]
    if before.rstrip().endswith("$"):
        return None if _is_bind_parameter(low, match, before) else "money"
    if _MONEY_AFTER.match(low, end):
        return "money"
    if _SIZE_AFTER.match(low, end):
        return "size"
    if _PERCENT_AFTER.match(low, end):
        return "percent"
    if _RATIO_AFTER.match(low, end):
        return "ratio"
    if _GROWTH_AFTER.match(low, end):
        return "growth"
    if _TIME_AFTER.match(low, match.end("num")) and not match.group("mag"):
        return "time"
    if _RATE_AFTER.match(low, end):
        return "rate"
    if _COUNT_AFTER.match(low, end):
        return "count"
    if _BARE_RATE.match(low, end) and (match.group("mag") or "," in match.group("num")):
        return "rate"
    return None


# "VALUES ($1, $2)", "WHERE id = $3 AND …": a query's numbered parameter, not a price
_BIND_BEFORE = re.compile(r"(?:[,=\[]|\b(?:values|and|or|where|set|by|then|in))\s*\$$")
_BIND_AFTER = re.compile(r"\s*(?:[),;\]]|::|$|(?:and|or|where|on|returning|limit|order|group)\b)")


def _is_bind_parameter(low: str, match: re.Match[str], before: str) -> bool:
    """``$1``: one or two digits, set off like a value in a query, no cents and no scale."""
    number = match.group("num")
    if match.group("mag") or not number.isdigit() or len(number) > 2:
        return False
    if before.rstrip("$ ").endswith("("):  # "($1, $2)" is a list; "(about $5)" or "($5)" a price
        return low.startswith(",", match.end())
    return _BIND_BEFORE.search(before) is not None and _BIND_AFTER.match(low, match.end()) is not None


def _counts(low: str, match: re.Match[str], kind: str) -> bool:
    """Whether a classified number is an estimate/target rather than a setting."""
    before = _RANGE_TAIL.sub("", low[max(0, match.start() - 32) : match.start()])
    if _TRIGGER_THRESHOLD.search(before):
        return False  # "until we pass 1M users", "haven't reported in 6 h": a condition
    if _SETTING_BEFORE.search(before) or _SETTING_AFTER.match(low, match.end()):
        return False  # "burst limit is 3,000", "or 1,000 points, whichever first": a setting
    value = _value(match.group("num"), match.group("mag"))
    if kind == "time":
        return _time_counts(low, match, before)
    if kind == "percent":
        if 99 <= value < 100 or _quality_threshold(low, match.start(), before):
            return True
        if _PERCENT_SETTING.search(low):
            return False
        if _COMPARED.search(before) or _alarm_threshold(low, match.start(), before):
            return True
        if _PERCENT_GATE.search(before):
            return False  # "overlap must be at least 70%", "a drop of more than 50%": a gate
        return _PERCENT_GOOD.search(low) is not None
    if kind == "growth":
        if _GROWTH_EITHER_WAY.match(low, match.end()) or _GROWTH_EITHER_WAY.search(before):
            return False
        if _GROWTH_SETTING_BEFORE.search(before) or _GROWTH_SETTING_AFTER.match(low, match.end()):
            return False  # "capped at 3x", "2x the expected peak": a setting, not an estimate
        return _REPLICATION.match(low, match.end() + 1) is None and "retr" not in before
    if kind == "size" and (_SIZE_SETTING_AFTER.match(low, match.end("num"))
                           or _SIZE_SETTING_BEFORE.search(before)):
        return False  # "8 MB parts", "uploads over 100 MB": a piece size or a cutoff
    if kind in ("rate", "count") and _CAP_BEFORE.search(before):
        return False  # "keep max 5,000 events on the device": a cap the designer sets
    if kind == "rate" and _RATE_LIMIT_AFTER.match(low, match.end()):
        return False  # "free: 10 req/s per key": the limit a rate limiter enforces
    if kind == "rate" and before.endswith("+"):
        return False  # "creeps back up +1 connection per minute": a step size, not a load
    if kind == "count":
        if _CUTOFF.search(before) or _POPULATION_CUTOFF.search(before):
            return False
        has_scale = bool(match.group("mag")) or "," in match.group("num") or value >= 1000
        return has_scale or (value >= 10 and _APPROX_CUE.search(before) is not None)
    if kind == "ratio":
        return "read" in low or "write" in low
    return True


# errors, success or availability, named up to a clause before a bound on them ("5xx rate
# per region, if it is more than 0.5%"); not _PERCENT_GOOD, whose "drop" or "loss" names gates
_QUALITY = re.compile(r"error|5xx|4xx|fail|success|availab|uptime|timeout")
_QUALITY_REACH = 60  # characters before the number


def _quality_threshold(low: str, start: int, before: str) -> bool:
    """"rolls back if the canary's error rate goes above 0.3%": a bound on a quality the
    customer feels (errors, success, availability), set right before the number, is a
    target even in a sentence about a rollout's percentages (GUIDE 2.2: thresholds). The
    quality may be named a clause earlier ("5xx rate per region, if it is more than 0.5%");
    the bound is read like an alarm's threshold (``_THRESHOLD_BEFORE``)."""
    return (_THRESHOLD_BEFORE.search(before) is not None
            and _QUALITY.search(low, max(0, start - _QUALITY_REACH), start) is not None)



# "page if it's over 5 s for 3 min", "alarm when lag passes 2 min": an alarm's threshold
_THRESHOLD_BEFORE = re.compile(
    r"(?:over|above|exceeds?|exceeding|passes|more than|longer than|\bat|[>≥])\W*(?:~|≈|about)?\s*$"
)
# Not ``_ALARM_CONTEXT``: a bare "page" there may be a web page; here it must page someone.
_PAGING_BEFORE = re.compile(r"\b(?:alarm(?:s|ed)?|alert(?:s|ed)?|paged|paging|page (?:if|when|on-?call)|pages"
                            r" (?:the |our )?(?:[\w-]+ )?on-?call)\b")


def _alarm_threshold(low: str, start: int, before: str) -> bool:
    """The threshold of "page if <quantity> > N" (GUIDE 2.2 counts it as a target): the
    alarm comes first, so "stuck for > 15 min …, and alarms if …" is not one."""
    if _THRESHOLD_BEFORE.search(before) is None:
        return False
    return _PAGING_BEFORE.search(low, max(0, start - 80), start) is not None


# "2-3 s extra latency", "~40 ms of lag": a time the words after it call a latency
# "up to 10 minutes late", "up to 3 s stale": how late or stale a person may find it; "30 ms
# at p99": a percentile after the time
_LATENCY_AFTER = re.compile(
    r"\s?(?:(?:of )?(?:extra |added |more |additional )?(?:latency|lag)|late|stale|behind"
    r"|(?:at )?p\d{2,3})\b")


def _time_counts(low: str, match: re.Match[str], before: str) -> bool:
    """A latency, freshness or recovery target, not a window, wait or bake time."""
    if _alarm_threshold(low, match.start(), before):
        return True
    unit = _TIME_AFTER.match(low, match.end())
    if unit is not None and _TIME_AFTER_SETTING.match(low, unit.end()):
        return False
    if _TIME_RANGE_TAIL.search(low, max(0, match.start() - 12), match.start()):
        return _SETTING_CUE.search(before) is None  # "a ~5-8 s stall": a range is an estimate
    wider = max(0, match.start() - 90)
    if before.endswith("within ") and _HEALTH_WINDOW.search(low, wider, match.start()):
        return False
    if before.rstrip().endswith("older than") and not _ALARM_CONTEXT.search(low):
        return False  # "prices older than 24 h get a label": a setting, unless alarmed on
    # "maybe 2-3 s extra latency": the words after the time call it a latency
    named = _TIME_CUE.search(before) is not None or (
        unit is not None and _LATENCY_AFTER.match(low, unit.end()) is not None)
    return named and _SETTING_CUE.search(before) is None


def quantities(low: str) -> list[Quantity]:
    """The counted quantities of one sentence (lowercased)."""
    found: list[Quantity] = []
    for match in _NUMBER.finditer(low):
        if match.start() and low[match.start() - 1] in _NOT_BEFORE_NUMBER:
            continue
        if match.group("mag") == " m" and _DISTANCE_BEFORE.search(low, 0, match.start()):
            continue
        kind = _kind(low, match)
        if kind is not None and _counts(low, match, kind):
            value = _value(match.group("num"), match.group("mag"))
            found.append(Quantity(kind, value, match.start(), match.end()))
    for pattern, kind, cues in _WORD_QUANTITIES:
        if any(cue in low for cue in cues):
            found.extend(Quantity(kind, -1.0, m.start(), m.end()) for m in pattern.finditer(low))
    if _MS_MENTION.search(low):
        found.extend(Quantity("time", -1.0, m.start(), m.end()) for m in _BARE_PERCENTILE.finditer(low))
    return found


def prompt_values(prompt: str | None) -> frozenset[tuple[str, float]]:
    """Every number the prompt gives, as (time|other, value), to spot restating."""
    if not prompt:
        return frozenset()
    low = prompt.lower()
    values: set[tuple[str, float]] = set()
    for match in _NUMBER.finditer(low):
        if match.start() and low[match.start() - 1] in _NOT_BEFORE_NUMBER:
            continue
        is_time = bool(_TIME_AFTER.match(low, match.end("num"))) and not match.group("mag")
        values.add(("time" if is_time else "other", _value(match.group("num"), match.group("mag"))))
    return frozenset(values)


def is_restated(quantity: Quantity, given: frozenset[tuple[str, float]]) -> bool:
    """A number the prompt gave, or (for growth) the ratio of two it gave: "from 2M to
    20M" makes "at 10x" a restatement too."""
    family = "time" if quantity.kind == "time" else "other"
    if (family, quantity.value) in given:
        return True
    return quantity.kind == "growth" and _is_prompt_ratio(quantity.value, given)


def _is_prompt_ratio(value: float, given: frozenset[tuple[str, float]]) -> bool:
    numbers = [number for family, number in given if family == "other" and number > 0]
    return any(abs(big / small - value) < 1e-6 for big in numbers for small in numbers)
