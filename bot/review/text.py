"""Turning a pasted answer into sentences the detectors can judge one at a time.

Detectors never look at raw text: they look at ``Sentence`` objects (bot/review/document.py)
that already know whether they are a question, part of a keyword-stuffed line, inside a
code block, and which section heading they sit under ("**Customer side**", "Ops:"). No
regex can match across sentences because ``Document.low`` joins them with newlines and
none of the patterns matches a newline.
"""

from __future__ import annotations

import re
import unicodedata

from bot.review.document import Document, Sentence
from bot.review.patterns import words

MAX_CHARS = 20_000
"""Longer answers are cut here (with a notice): a review stays well under 2 ms."""
MAX_SENTENCE = 600
"""Longer run-on "sentences" are cut at spaces so no regex sees more than this at once."""

_INVISIBLE_CHARS = r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad"
_CONTROL_CHARS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_CONTROL = re.compile(f"[{_CONTROL_CHARS}]")
_HIDDEN = re.compile(f"[{_INVISIBLE_CHARS}{_CONTROL_CHARS}]")
_QUOTES = (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'))
_FENCES = ("```", "~~~")
_BULLET_MARKS = frozenset("-*+•▪◦")
_BULLET = re.compile(r"^\s*(?:[-*+•▪◦]|\d{1,2}[.)]|[a-z][.)](?=\s))\s+")
# A quoted screen's own "?" or "." ("they see \"update quantity?\" right there") ends no
# sentence when the writer's words go on in lowercase after the closing quote.
_SENTENCE_END = re.compile(r"[.!?](?![\"'][)*_\]]*\s+[a-z])[\"')*_\]]*\s+(?=\S)")
_HEADING_MARKS = re.compile(r"^#{1,6}\s+|\*\*|__|^\s*[>]\s*")
_QUESTION_TRAILERS = " \"')*_🙏🤔"
_new_tuple = tuple.__new__


def normalize(raw: str) -> tuple[str, bool]:
    """Drop invisible and control characters, unify quotes; cut at ``MAX_CHARS``."""
    truncated = len(raw) > MAX_CHARS
    text = raw[:MAX_CHARS] if truncated else raw
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not text.isascii():  # the fast path skips what plain ASCII cannot contain
        text = unicodedata.normalize("NFC", text)
        for fancy, plain in _QUOTES:
            text = text.replace(fancy, plain)
        if _HIDDEN.search(text) is None:
            return text, truncated  # one scan instead of one per character class
        text = _INVISIBLE.sub("", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return text, truncated


def parse(raw: str) -> Document:
    """Split an answer into sentences with their stance-relevant context."""
    text, truncated = normalize(raw)
    sentences: list[Sentence] = []
    lows: list[str] = []
    starts: list[int] = []
    offset = 0
    heading = ""
    columns = ""  # a table's header row, for the table's rows only
    in_code = False
    listing: list[int] = []
    lines = text.split("\n")
    for number, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(_FENCES):
            in_code = not in_code
            continue
        if not in_code and stripped[0] in "|:-" and _TABLE_RULE.fullmatch(stripped):
            continue  # a table's rule, or a horizontal one: no words
        if not in_code and "|" in stripped and _is_table_header(lines, number):
            # the columns' names: what the table's rows are about, not a claim; joined with
            # commas, as " | " separates a heading from a row's own label in ``context``
            columns = ", ".join(cell.strip() for cell in stripped.strip(" |").split("|"))
            columns = _HEADING_MARKS.sub("", columns).lower()
            continue
        if columns and "|" not in stripped:
            columns = ""  # the table has ended: the heading above it applies again
        if in_code:
            pieces = _bounded(stripped)
            label = ""
            stuffed = False
        else:
            # the cheap tests each helper opens with, made here: most lines need none of them
            if stripped[0] == "#" or stripped[-1] in ":*":
                new_heading = _heading(stripped)
                if new_heading is not None:
                    heading = new_heading
            # a bullet starts "- x", "• x", "1. x", "2) x" or "a) x"
            if stripped[0] in _BULLET_MARKS or stripped[1:2] in (".", ")") or stripped[2:3] in (".", ")"):
                body = _BULLET.sub("", stripped)
            else:
                body = stripped
            label = _inline_label(body) if ":" in body else ""
            pieces = _split_sentences(body)
            # is_stuffing's counts, made here once for it and for the list of terms test
            breaks = stripped.count(",") + stripped.count("|") + stripped.count(" and ")
            ticked = not stripped.isascii() and _has_check_mark(stripped)
            # a block quote ("> …", Discord's and markdown's) is someone else's words, as a
            # quoted phrase is (GUIDE rule 4), and a line struck through ("~~…~~") is taken
            # back by its writer (rule 5): each counts for nothing, like stuffing
            stuffed = (stripped[0] == ">" and _BLOCK_QUOTE.match(stripped) is not None) or (
                body[:1] == "~" and _STRUCK_LINE.fullmatch(body) is not None
            ) or is_stuffing(stripped, breaks, ticked)
            if breaks < TERMS_AT_LEAST - 1:  # the other breaks of ``listed_terms``
                breaks += stripped.count(";") + stripped.count("+")
                if ticked:
                    breaks += sum(stripped.count(tick) for tick in _TICKS)
            if breaks >= TERMS_AT_LEAST - 1:
                listing.append(number)
        section = columns or heading
        context = f"{section} | {label}" if label else section
        for piece in pieces:
            low = piece.lower()
            if "~~" in low and not in_code:  # struck-through words are taken back: blanked
                # (inside a code block "~~" is code: Discord renders no markdown there)
                low = _STRUCK.sub(lambda struck: " " * len(struck.group(0)), low)
            # "?" in piece: most sentences hold none, and then none can end with one
            question = not in_code and "?" in piece and piece.rstrip(_QUESTION_TRAILERS).endswith("?")
            # tuple.__new__ in field order: a NamedTuple's own __new__ is a Python function
            # (keywords would cost twice as much again)
            sentences.append(_new_tuple(Sentence, (piece, low, offset, number, question, stuffed,
                                                   in_code, context)))
            lows.append(low)
            starts.append(offset)
            offset += len(low) + 1
    return Document(text, tuple(sentences), "\n".join(lows), tuple(starts), truncated,
                    frozenset(listing))


# not a threshold that opens a line ("> 300 ms p99 pages"); Discord quotes with ">>> " too
_BLOCK_QUOTE = re.compile(r">{1,3}\s+(?![\d~$])")
# markdown's and Discord's strikethrough, over the whole line (a trailing mark may follow) or
# over words inside one sentence ("we run ~~k8s~~ ECS")
_STRUCK_LINE = re.compile(r"~~[^~]+~~\W*")
_STRUCK = re.compile(r"~~[^~\n]+?~~")
_TABLE_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")


def _is_table_header(lines: list[str], number: int) -> bool:
    """A markdown table's first row: the next line is its rule ("|---|---|", "---|---").
    Outer pipes are optional, but a rule without any pipe ("---") under a row that does
    not open with one is a heading's underline or a horizontal rule, not a table's."""
    following = lines[number + 1].strip() if number + 1 < len(lines) else ""
    if following[:1] not in ("|", ":", "-") or _TABLE_RULE.fullmatch(following) is None:
        return False
    return "|" in following or lines[number].lstrip().startswith("|")


def _split_sentences(line: str) -> list[str]:
    """Sentences of one line; the end punctuation stays with its sentence."""
    if _SENTENCE_END.search(line) is None:  # most lines hold one sentence: no loop needed
        if len(line) <= MAX_SENTENCE:
            return [line] if line else []
        return _bounded(line)
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        pieces.extend(_bounded(line[start : match.end()].rstrip()))
        start = match.end()
    if start < len(line):
        pieces.extend(_bounded(line[start:]))
    return pieces


def _bounded(sentence: str) -> list[str]:
    """Run-on text cut into pieces of at most ``MAX_SENTENCE`` characters at spaces.

    Real sentences are far shorter; the cap keeps every per-sentence regex linear
    on hostile pastes (20,000 characters without a full stop).
    """
    if len(sentence) <= MAX_SENTENCE:
        return [sentence]
    pieces: list[str] = []
    while len(sentence) > MAX_SENTENCE:
        cut = sentence.rfind(" ", MAX_SENTENCE // 2, MAX_SENTENCE)
        cut = cut if cut > 0 else MAX_SENTENCE
        pieces.append(sentence[:cut])
        sentence = sentence[cut:].lstrip()
    return [*pieces, sentence] if sentence else pieces


def _heading(stripped: str) -> str | None:
    """The heading text when a line is a heading: '# X', '**X**', or a short 'X:' line."""
    if stripped.startswith("#") or (stripped.startswith("**") and stripped.endswith("**")):
        return _HEADING_MARKS.sub("", stripped).strip(" :*").lower()
    if stripped[-1] not in ":*":
        return None  # stripped text ending in neither cannot end in ':' once '*' are off
    bare = stripped.rstrip("*").rstrip()
    if bare.endswith(":") and len(bare) <= 70 and len(bare.split()) <= 9:
        return _HEADING_MARKS.sub("", bare).strip(" :*").lower()
    return None


def _inline_label(body: str) -> str:
    """'Customer view' in 'Customer view: a paying customer …' (short prefixes only)."""
    if ":" not in body:
        return ""
    head, colon, rest = body[:72].partition(":")
    if not colon or rest.startswith("//"):
        return ""
    head = head.strip(" *")
    after = body[body.index(":") + 1 :].strip(" *")
    if not head[:1].isalpha() or len(head.split()) > 7 or not after:
        return ""
    return head.lower()


# --- keyword stuffing -------------------------------------------------------------------

_TICKS = ("✅", "☑", "✔", "✓")
"""The check marks ``listed_terms`` splits a list at; ``is_stuffing`` splits at the emoji too."""
_CHECK_MARK_CHARS = "".join(_TICKS) + "🟢💯🔥⭐"
_HASHTAG = re.compile(r"#\w+")
_LIST_SPLIT = re.compile(f"[,/|+&{_CHECK_MARK_CHARS}]")
_LABEL_PREFIX = re.compile(r"^[^:—–]{1,25}(?::|—|–| - )\s*")  # "Ops: …", "Ops — …"
_NOT_ITEM_TEXT = re.compile(r"[^\w%. -]")
_BUZZ_WORDS = (
    "customer[- ]?(?:obsession|first|focus(?:ed)?|centric)", "working backwards", "numbers?", "qps",
    "rps", "storage", r"p\d{2,3}", "nines", "9s", r"99(?:\.9+)?%?", "latency", "low latency", "cost",
    "costs", "frugal(?:ity)?", "failures?", "failure planning", "multi[- ]?(?:az|region)", "retries",
    "retry", "circuit[- ]?breakers?", "dlqs?", "failover", "fail[- ]?over", "bulkheads?", "backoff",
    "redundancy", "ops", "operations", "operational excellence", "observability", "monitoring",
    "logging", "logs", "alerting", "alerts?", "alarms?", "dashboards?", "metrics", "tracing",
    "pagerduty", "opsgenie", "canar(?:y|ies)", "runbooks?", "on[- ]?call", "game ?days?", "ownership",
    "owners?", "two[- ]pizza(?: teams?)?", "you build it,? you run it", "mechanisms",
    "scal(?:e|ability|able)", r"high(?:ly)? availab\w*", "availability", r"reliab\w*", r"resilien\w*",
    r"fault[- ]toleran\w*", "self[- ]healing", r"auto[- ]?scal\w*", "caching", "cache", "sharding",
    "replication", "security", "secure", "fast", "cheap", "available", "sla", "slos?", r"idempoten\w*",
    "consistency", "cx", "ux", "great ux", "canar(?:y|ies) (?:deploys?|deployments?|releases?)",
    "chaos(?: engineering| testing)?", "blue[- ]green(?: deploys?)?", "feature flags?",
    "auto[- ]?rollbacks?", "happy (?:users|customers)", "day 1", "dive deep", "bias for action",
    "think big", "deliver results", "invent and simplify", "are right a lot", "leadership principles?",
    "lps?", "the", "all", "everything", "amazon", "boxes", "checklist",
    # tool names with nothing measured (GUIDE 2.4) and practices named, not applied
    "cloudwatch", "grafana", "prometheus", "datadog", "splunk", "new relic", "sentry", "kibana",
    "x-ray", "incident management", "postmortems?", "continuous improvement", "best practices",
    "exactly[- ]once", "at[- ]least[- ]once", "sagas?", "customer[- ]obsessed",
    # operations jargon named, not applied: "on-call, runbooks, COEs", "golden signals"
    "coes?", "golden signals", "chaos drills?", "blameless postmortems?", "error budgets?",
    "slis?", "four[- ]eyes", "kill switch(?:es)?", "blast radius", "progressive delivery",
    # the golden signals and incident figures listed bare: "latency, traffic, errors, saturation"
    "traffic", "errors?", "saturation", "throughput", "utili[sz]ation", "apdex", "mttd", "mttr",
    "slo burn(?: rate)?", "burn rate",
    # resilience patterns named bare: "circuit breakers, retries, bulkheads, timeouts"
    "timeouts?", "rate[- ]limit(?:ing|s|ers?)?", "load[- ]shedding", "back[- ]?pressure", "jitter",
)
_BUZZ = words(*_BUZZ_WORDS).regex
"""Buzzwords, read only with ``fullmatch``: factored by shared prefixes (``patterns.words``),
which matches the same whole strings as the plain alternation, 3x faster."""


def is_stuffing(line: str, separators: int | None = None, ticked: bool | None = None) -> bool:
    """A line of checklist buzzwords not applied to this design (GUIDE rule 6).

    Emoji-ticked lines are judged item by item (one ticked buzzword is enough, as
    in "✅ Customer obsession"), and three or more check marks beside short terms are a
    checklist whatever the terms; plain comma lists need three or more items, and
    a line counts as stuffing when nearly all of its items are generic words that
    could be pasted under any prompt unchanged. ``separators`` (the line's count of ",",
    "|" and " and ") and ``ticked`` (whether it holds a check mark) are given when the
    caller has worked them out already.
    """
    if ticked is None:
        ticked = not line.isascii() and _has_check_mark(line)
    if "#" in line and _hashtag_slogan(line):
        return True
    if ticked and _ticked_terms(line):
        return True
    if not ticked:
        if separators is None:
            separators = line.count(",") + line.count("|") + line.count(" and ")
        # A stuffed list is three or more short items: a long line with few separators
        # cannot be one, and most prose lines stop here without a regex.
        if separators < 2 or len(line) > 34 * (separators + 1):
            return False
    listed = line.lower().replace(" and ", ",")
    if ticked:
        pieces = _LIST_SPLIT.split(listed)
    else:  # no check mark to split at: the ASCII separators, by str methods (cheaper); a
        # full stop too, for terms run on as sentences ("…, saturation. p50/p99. Apdex.")
        pieces = (listed.replace("/", ",").replace("|", ",").replace("+", ",").replace("&", ",")
                  .replace(". ", ",").split(","))
    items = [item for item in pieces if item.strip()]
    if not items or (not ticked and len(items) < 3):
        return False
    allowed_specific = len(items) * (0.25 if ticked else 0.2)
    if sum(1 for item in items if item.count(" ") > 6) > allowed_specific:
        return False  # several long items: this list says specific things
    items[0] = _LABEL_PREFIX.sub("", _BULLET.sub("", items[0].strip()))
    specific = 0
    for item in items:
        if item.count(" ") > 6 or not _is_buzz(_clean_item(item)):
            specific += 1
            if specific > allowed_specific:
                return False
    return True


# Hashtags against the words beside them: two beside a few words ("#CustomerObsession
# #OwnershipMindset all the way"), or three or more beside a short slogan ("Eleven nines = our
# #1 promise to the customer 💯 #durability #11nines #DiveDeep").
_HASHTAG_WORDS_AT_MOST = {2: 3, 3: 10}


def _hashtag_slogan(line: str) -> bool:
    hashtags = len(_HASHTAG.findall(line))
    if hashtags < 2:
        return False
    return len(_HASHTAG.sub("", line).split()) <= _HASHTAG_WORDS_AT_MOST[min(hashtags, 3)]


_TICK_SPLIT = re.compile(f"[{_CHECK_MARK_CHARS}]\ufe0f?")
_TICKED_AT_LEAST = 3


def _ticked_terms(line: str) -> bool:
    """"Other stuff: ✅ customer obsession ✅ 4 nines ✅ multi-region ✅ blameless COEs": three
    or more check marks, each beside a term of at most three words and no threshold. The
    shape says it is a checklist of terms, whatever the terms; a sentence sharing the line
    ("Messages: ~14K/s average. ✅ resilience ✅ ownership") makes it something else."""
    pieces = _TICK_SPLIT.split(_LABEL_PREFIX.sub("", _BULLET.sub("", line.strip())))
    items = [piece.strip(" ,;.-") for piece in pieces if piece.strip(" ,;.-")]
    return len(pieces) > _TICKED_AT_LEAST and all(
        (len(item.split()) <= _TERM_WORDS_AT_MOST or _is_buzz(_clean_item(item.lower())))
        and _THRESHOLD.search(item) is None for item in items)


def _has_check_mark(line: str) -> bool:
    """A check mark (optionally with its emoji selector) anywhere in ``line``: one substring
    test per mark is 4x cheaper than a regex whose class holds characters beyond the BMP
    (and a loop 3x cheaper than ``any()`` over a generator)."""
    for mark in _CHECK_MARK_CHARS:  # noqa: SIM110  (see above)
        if mark in line:
            return True
    return False


def _clean_item(item: str) -> str:
    item = _LABEL_PREFIX.sub("", item.strip())
    return _NOT_ITEM_TEXT.sub("", item).strip(" .-")


def _is_buzz(item: str) -> bool:
    if _BUZZ.fullmatch(item) is not None:
        return True
    words = item.split()
    if not words or len(words) > 4:
        return not words
    return all(_BUZZ.fullmatch(word) for word in words)


# --- lists of bare terms ----------------------------------------------------------------

TERMS_AT_LEAST = 5
"""Fewer terms read as a short enumeration in a sentence, not a list standing in for one."""
_TERM_WORDS_AT_MOST = 3  # "error budgets", "cost per request"; longer items say something
_LONGER_ONE_IN = 8  # a long list of terms may hold one longer item ("exp backoff w/ jitter")
_LEAD_WORDS_AT_MOST = 6  # "We follow operational excellence best practices —"
_LEAD_IN = re.compile(r"^[^:—–]*?(?::|\s[—–]\s)\s*")
# a comma before a digit is a thousands separator ("1,500"), not a list break
_TERM_BREAK = re.compile(f"[|;+{''.join(_TICKS)}]|,(?!\\d)|\\band\\b")
_IN_BRACKETS = re.compile(r"\([^()]*\)")
_TERM_WORD = re.compile(r"[\w%'/.-]+")
_THRESHOLD = re.compile(r"[<>=≤≥]\s*[~$]?\d|\d\s*[<>≤≥]")


def listed_terms(low: str) -> list[str] | None:
    """The terms of a lowercased sentence that only lists terms, or None.

    "Ops: observability, SLOs, error budgets, runbooks, game days, canaries" names
    practices without applying one to anything: whatever its vocabulary, such a list
    could be pasted under any prompt (GUIDE rule 6), which ``is_stuffing``'s list of
    buzzwords cannot know in advance. A list is five or more items of at most three
    words each (a long list may hold one longer item in eight), after an optional short
    lead-in ("Key concepts:"). Not a list of terms:
    a table row, a threshold ("p99 > 300 ms", not "mechanisms > intentions"), and field
    lists in brackets and identifiers ("home_id"), which name this system's own parts.
    """
    if low.startswith("|") or "_" in low or _THRESHOLD.search(low):
        return None
    body = _BULLET.sub("", low)
    lead = _LEAD_IN.match(body)
    if lead is not None:
        if len(_TERM_WORD.findall(lead.group(0))) > _LEAD_WORDS_AT_MOST:
            return None  # a clause that claims something, then lists what it covers
        body = body[lead.end():]
    terms = [term.strip(" .!") for term in _TERM_BREAK.split(_IN_BRACKETS.sub(" ", body))
             if _TERM_WORD.search(term)]
    if len(terms) < TERMS_AT_LEAST:
        return None
    longer = sum(1 for term in terms if len(_TERM_WORD.findall(term)) > _TERM_WORDS_AT_MOST)
    if longer * _LONGER_ONE_IN > len(terms):
        return None  # an enumeration of things said, not a list of terms
    return terms
