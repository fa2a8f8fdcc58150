"""Is a phrase the writer's own claim, or a question, negation, quote, or retraction?

GUIDE rule 4: claims count; questions, quotes, warnings and negations do not.
Rule 5: an explicit retraction ("jk") wins. Every detector asks ``stance()``
about the exact span it matched, so "we will NOT add monitoring later" and
"why not Kubernetes?" are read the way a human reader reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum

from bot.review.document import Document, Finder, Sentence
from bot.review.patterns import word_regex, word_start, words


class Stance(Enum):
    CLAIM = "claim"
    QUESTION = "question"
    NEGATED = "negated"
    QUOTED = "quoted"
    RETRACTED = "retracted"
    STUFFING = "stuffing"


_CLAUSE_WORDS = ("but", "however", "though", "so", "then")
_CLAUSE_BREAK = re.compile(r"[;:()\[\],—–]| - |" + "|".join(word_start(w) + r"\b" for w in _CLAUSE_WORDS))
# \b(?:...)\b, written letter-first (patterns.word_regex) so the engine skips ahead
_NEGATION = word_regex(
    r"no|not|never|nobody|no one|won't|wont|wouldn't|wouldnt|don't|dont|doesn't|doesnt"
    r"|didn't|didnt|isn't|isnt|aren't|arent|can't|cant|cannot"
    r"|shouldn't|nothing|neither|nor|nope|nah|no need for|zero|was going to|was gonna"
    r"|tempted to|first instinct|considered|thought about", r"\b"
)
# Verbs and prepositions that reject only what directly follows them ("skip k8s",
# "instead of EKS"), not a phrase further along ("skip the posts if it's exceeded").
_NEAR_REJECTION = word_regex(
    r"without|avoid\w*|skip\w*|ditch\w*|against|instead of|rather than|unlike", r"\b"
)
_SUBORDINATOR = word_regex(r"if|when|whenever|unless|because|while|once|since", r"\b")
_ADJACENT_REJECTION = word_regex(r"over|vs\.?|versus", r"\s*$")
_DOUBLE_QUOTED = re.compile(r'"[^"\n]{1,200}"')
# A single quote opens before a word and closes after one; an apostrophe inside a word
# ("we'll", "it's") does neither, so quoted speech may hold contractions.
_SINGLE_QUOTED = re.compile(
    r"'(?<![a-z0-9]')(?=[a-z0-9$#@<(\[])[^\n]{1,160}?(?<!\s)'(?![a-z0-9])")  # quote-first: fast
_WARNING = words(
    r"red flag", r"anti-?pattern", r"never say", r"don'?t say", r"do not say", r"wouldn'?t say",
    r"dinged", r"interviewers? (?:hate|dislike|push back)", r"used to think", r"thing to avoid",
    r"myth\b", r"trap\b", r"pitfall", r"people say", r"someone said", r"my mentor", r"is a smell",
    r"classic mistake", r"common mistake",
    # a hypothetical not adopted: "in a hypothetical world with unlimited budget we'd …"
    r"in a hypothetical\b", r"hypothetically\b", r"in an ideal world", r"in a perfect world",
)
# A heading or label that frames what follows as mistakes: "Red flags:", a table of
# "Mistake | Why it fails | Do instead" rows. Not "avoid" alone ("How we avoid downtime:").
_WARNING_CONTEXT = re.compile(
    r"\b(?:mistakes?|anti-?patterns?|red flags?|pitfalls?|things? to avoid|what not to (?:do|say)"
    r"|don'?ts|bad ideas?)\b"
)
_WARNING_WITH_QUOTE = re.compile(r"\b(?:avoid|hate|mistake|wrong|bad idea|say|said|says)\b")
_SAYING = frozenset(("say", "said", "says"))
# "the order page just says 'processing'": a screen's copy, not a person's words judged
_SCREEN_SAYS = re.compile(
    r"\b(?:page|screen|app|banner|button|email|toast|label|dialog|card|badge|sms|push)"
    r"(?: just| now| still)? $")
_WARNING_REACH = 40  # characters either side of the quote
_RETRACTION = words(
    r"jk\b", r"j/k\b", r"just kidding\b", r"kidding\b", r"lol no\b", r"scratch that\b",
    r"nvm\b", r"never ?mind\b", r"on second thought\b", r"actually,? no\b", r"no wait\b",
    r"not really\b", r"seriously though\b", r" /s(?:$|[\s.!])",
    # a self-correction: "Lambda scales infinitely. Ok no, that's wrong", "… ok, not quite."
    r"ok(?:ay)?,? no\b", r"not quite\b", r"that'?s wrong\b", r"i take (?:that|it) back\b",
    r"strike that\b", r"wait,? no\b",
)


def clause_before(low: str, start: int) -> str:
    """The text of the clause that precedes position ``start`` in ``low``."""
    prefix = low[max(0, start - 80) : start]
    last = None
    for last in _CLAUSE_BREAK.finditer(prefix):  # noqa: B007  (only the last break counts)
        pass
    return prefix[last.end() :] if last is not None else prefix


def clause_after(low: str, end: int) -> str:
    suffix = low[end : end + 80]
    match = _CLAUSE_BREAK.search(suffix)
    return suffix[: match.start()] if match else suffix


def is_negated(low: str, start: int, words: int = 6) -> bool:
    """A negation cue within the last ``words`` words of the same clause."""
    before = clause_before(low, start).split()
    window = " ".join(before[-words:])
    cue = None
    for cue in _NEGATION.finditer(window):  # noqa: B007  (only the last cue counts)
        pass
    if cue is not None and not _SUBORDINATOR.search(window, cue.end()):
        return True  # "never loses time if the connection drops": the 'if' ends its scope
    if _NEAR_REJECTION.search(" ".join(before[-3:])):
        return True
    return _ADJACENT_REJECTION.search(low[max(0, start - 12) : start]) is not None


def _quotes(low: str) -> Iterator[re.Match[str]]:
    """Every quoted stretch of ``low``: the double-quoted ones, then the single-quoted."""
    if '"' not in low and "'" not in low:
        return
    for pattern in (_DOUBLE_QUOTED, _SINGLE_QUOTED):
        yield from pattern.finditer(low)


def quoted_span(low: str, start: int) -> re.Match[str] | None:
    """The quoted stretch that holds position ``start``, if any."""
    return next((quote for quote in _quotes(low) if quote.start() < start < quote.end()), None)


def has_quote(low: str, longest: int) -> bool:
    """Whether ``low`` quotes a stretch of at most ``longest`` characters: a screen or a
    message rather than a whole pasted passage."""
    return any(len(quote.group(0)) <= longest for quote in _quotes(low))


def without_quotes(low: str) -> str:
    """``low`` with every quoted stretch blanked (same length): what the writer says in
    their own voice ("'we'll add an alarm later' → no: a gauge pages from day one")."""
    if '"' not in low and "'" not in low:
        return low
    for pattern in (_DOUBLE_QUOTED, _SINGLE_QUOTED):
        low = pattern.sub(lambda match: " " * len(match.group(0)), low)
    return low


def in_quotes(low: str, start: int) -> bool:
    return quoted_span(low, start) is not None


def is_quoted(sentence: Sentence, start: int) -> bool:
    """Inside a quotation. In code a quoted stretch is a string: a token ("rate_limited")
    is a value, quoted; words with spaces (owner: "cart team builds and runs cart-svc")
    are the writer's own prose, written as a string."""
    if not sentence.code:
        return in_quotes(sentence.low, start)
    span = quoted_span(sentence.low, start)
    return span is not None and " " not in span.group(0)


def is_warning(low: str, context: str = "") -> bool:
    """A sentence that talks *about* a mistake ("'monitor later' is a red flag"), or sits
    under a heading that lists mistakes (``context``: "red flags", a "mistake" column)."""
    if _WARNING.search(low) or (context and _WARNING_CONTEXT.search(context)):
        return True
    # the judging word beside the quote ("'monitor later' is wrong"), not anywhere in the
    # sentence ("the 'in stock' badge … so nobody ever sees a wrong count")
    return any(_judged(low, quote) for quote in _quotes(low))


def _judged(low: str, quote: re.Match[str]) -> bool:
    """A judging word beside the quote, other than a screen saying it."""
    for word in _WARNING_WITH_QUOTE.finditer(
            low, max(0, quote.start() - _WARNING_REACH), quote.end() + _WARNING_REACH):
        if not (word.group(0) in _SAYING and _SCREEN_SAYS.search(low, 0, word.start())):
            return True
    return False


def is_retracted(doc: Document, sentence: Sentence, end: int) -> bool:
    """An explicit retraction after the span: later in the sentence or the next one."""
    if _RETRACTION.search(sentence.low, end):
        return True
    index = doc.index_at(sentence.start) + 1
    if index < len(doc.sentences):
        following = doc.sentences[index]
        if following.line - sentence.line <= 2:  # the next line, or after one blank line
            return _RETRACTION.search(following.low[:40]) is not None
    return False


def stance(doc: Document, sentence: Sentence, start: int, end: int) -> Stance:
    """How the writer holds the span ``sentence.low[start:end]``."""
    if sentence.stuffing:
        return Stance.STUFFING
    if sentence.question:
        return Stance.QUESTION
    if is_retracted(doc, sentence, end):
        return Stance.RETRACTED
    if is_quoted(sentence, start) or is_warning(sentence.low, sentence.context):
        return Stance.QUOTED
    if is_negated(sentence.low, start):
        return Stance.NEGATED
    return Stance.CLAIM


def is_claim(doc: Document, sentence: Sentence, start: int, end: int) -> bool:
    """``stance(...) is Stance.CLAIM``, testing the cheap and the likely disqualifiers first
    (anti-pattern words are mostly negated: "we will NOT use k8s")."""
    low = sentence.low
    return not (
        sentence.stuffing
        or sentence.question
        or is_quoted(sentence, start)
        or is_negated(low, start)
        or is_retracted(doc, sentence, end)
        or is_warning(low, sentence.context)
    )


def claims(doc: Document, pattern: Finder) -> Iterator[tuple[Sentence, re.Match[str]]]:
    """Every match of ``pattern`` the writer holds as a claim, with its sentence (lazily:
    detectors stop at the first one that qualifies)."""
    for match in doc.matches(pattern):
        sentence = doc.sentence_at(match.start())
        start = match.start() - sentence.start
        if is_claim(doc, sentence, start, match.end() - sentence.start):
            yield sentence, match


def local(sentence: Sentence, match: re.Match[str]) -> tuple[int, int]:
    """The match's span relative to its sentence."""
    return match.start() - sentence.start, match.end() - sentence.start
