"""Fast word-list regexes: the reason a review takes well under a millisecond.

CPython's regex engine skips quickly over text only when every top-level
alternative starts with a literal character; a leading ``\\b`` or character
class makes it try every alternative at every position (10x slower on a
1,500-character answer). ``words()`` therefore compiles alternatives that each
start with a literal and checks the word boundary in Python instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from bot.content._review import expand_leading

ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class WordPattern:
    """Alternatives matched only at the start of a word (or at a non-word character).

    A word pattern that a detector asks a document for (``Document.matches``) joins the
    one-pass scan (``bot.review.scan.Scan``): from then on every document is read once for
    all such patterns, and each detector gets its pattern's matches from that pass.

    A pattern may be ``deferred``: built from the rule files on first use, so a label
    module can name it at import without reading any file (``rules.lazy_words``). It is a
    real ``WordPattern`` all along, not a stand-in, because the compiled checker
    (``tools/compile_checker.py``) checks the type of what a function is given.
    """

    __slots__ = ("_alternatives", "_build", "_regex", "scan_id")

    def __init__(self, alternatives: tuple[str, ...], regex: re.Pattern[str] | None,
                 build: Callable[[], WordPattern] | None = None) -> None:
        self._alternatives = alternatives
        self._regex = regex
        self._build = build
        self.scan_id = -1  # registered for the scan when a document first asks for it

    @classmethod
    def deferred(cls, build: Callable[[], WordPattern]) -> WordPattern:
        """A pattern whose alternatives ``build`` makes on first use."""
        return cls((), None, build)

    @property
    def alternatives(self) -> tuple[str, ...]:
        if self._build is not None:
            self._resolve()
        return self._alternatives

    @property
    def regex(self) -> re.Pattern[str]:
        regex = self._regex
        return regex if regex is not None else self._resolve()

    def _resolve(self) -> re.Pattern[str]:
        build = self._build
        if build is None:
            raise ValueError("a word pattern needs a regex or a build")
        built = build()
        self._alternatives, self._regex, self._build = built.alternatives, built.regex, None
        return built.regex

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        end = len(text) if endpos is None else endpos
        for match in self.regex.finditer(text, pos, end):
            if _starts_word(text, match.start()):
                yield match

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """The first match ``finditer`` would yield, without building a generator: detectors
        call this dozens of times per answer on single sentences, where that overhead shows."""
        end = len(text) if endpos is None else endpos
        first = self.regex.search(text, pos, end)
        if first is None or _starts_word(text, first.start()):
            return first  # finditer's first match: no generator needed for the usual answer
        for match in self.regex.finditer(text, pos, end):  # the first starts inside a word
            if _starts_word(text, match.start()):
                return match
        return None


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or text[start] not in ASCII_ALNUM or text[start - 1] not in ASCII_ALNUM


def words(*alternatives: str) -> WordPattern:
    """Compile lowercase alternatives; each must begin with a literal character.

    Alternatives are grouped by that first character ("fail…|falls…" becomes
    "f(?:ail…|alls…)"), so at each position the engine compares one character
    per group instead of trying every alternative: 2-3x faster on long lists.
    Order within a group is kept, so the match is the same as unfactored.
    """
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        if alternative[0] in "\\([.^$*+?{|" and not alternative.startswith("\\$"):
            raise ValueError(f"alternative must start with a literal: {alternative!r}")
        head = alternative[:2] if alternative[0] == "\\" else alternative[0]
        rest = alternative[len(head) :]
        if rest[:1] in ("?", "*", "+", "{"):  # the first character is quantified: keep whole
            head, rest = alternative, ""
        groups.setdefault(head, []).append(rest)
    factored = "|".join(head + _alternation(rests) for head, rests in groups.items())
    return WordPattern(alternatives, re.compile(factored))


def word_list(entries: Iterable[str], *, whole_words: bool = False) -> WordPattern:
    """A rule file's list as one fast word pattern. An entry that starts with a group of
    choices ("(?:store|shift) managers?") is expanded into one entry per choice, because a
    fast word pattern needs every entry to start with a literal; ``whole_words`` ends each
    entry at a word boundary, for lists of whole phrases ("low latency", not "low latencyish")."""
    end = r"\b" if whole_words else ""
    return words(*(f"{e}{end}" for entry in entries for e in expand_leading(entry)))


SPECIAL = frozenset("\\()[].^$*+?{|")
_QUANTIFIERS = frozenset("?*+{")


def _alternation(rests: list[str]) -> str:
    """``rests`` as one alternation, with shared leading literals pulled out level by level.

    "alarm(?:s)?|alert…|always" becomes "al(?:a…|e…|w…)": after the "a" of a group
    matches, the engine compares one character per branch again instead of
    re-reading "al" in every alternative. Branches are grouped only when every
    one starts with a literal, so two branches that could match the same text
    keep their order and the match is the same as unfactored.
    """
    if len(rests) == 1:
        return rests[0]
    groups: dict[str, list[str]] = {}
    for rest in rests:
        head = _literal_head(rest)
        if head is None:
            return "(?:" + "|".join(rests) + ")"
        groups.setdefault(head[-1], []).append(rest[len(head) :])  # "\\ " and " " are one
    branches = [re.escape(char) + _alternation(tails) for char, tails in groups.items()]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _literal_head(fragment: str) -> str | None:
    """The first character of a regex fragment when it is a plain, unquantified literal
    ("a", or escaped punctuation such as "\\$"); None for syntax, classes and ``\\b``."""
    if fragment.startswith("\\"):
        head = fragment[:2]
        if len(head) < 2 or head[1].isalnum():
            return None
    elif fragment and fragment[0] not in SPECIAL:
        head = fragment[0]
    else:
        return None
    return None if fragment[len(head) : len(head) + 1] in _QUANTIFIERS else head


def word_start(word: str) -> str:
    """``\\bword`` written to begin with a literal: ``word_start("but")`` is ``b(?<!\\wb)ut``.

    For plain ``re`` patterns used on every sentence: a leading ``\\b`` makes the
    engine try the whole pattern at every position (see the module docstring),
    while a literal first letter lets it skip ahead; the look-behind after that
    letter checks the same word boundary, so the matches are the same.
    """
    return f"{word[0]}(?<!\\w{word[0]}){word[1:]}"


def word_regex(alternatives: str, tail: str = "") -> re.Pattern[str]:
    """``\\b(?:alternatives)tail`` written to skip ahead: the same matches, faster.

    Each alternative must start with a letter. They are grouped by that letter, and each
    group opens with it and a look-behind for the word boundary (as ``word_start`` does),
    so the engine jumps to those letters instead of trying every position. At one position
    only one group can match, and order within a group is kept: the match is the same.
    """
    groups: dict[str, list[str]] = {}
    for alternative in alternatives.split("|"):
        if not alternative[:1].isalpha():
            raise ValueError(f"alternative must start with a letter: {alternative!r}")
        groups.setdefault(alternative[0], []).append(alternative[1:])
    branches = (f"{head}(?<!\\w{head})(?:{'|'.join(rests)})" for head, rests in groups.items())
    return re.compile(f"(?:{'|'.join(branches)}){tail}")


def expand(heads: str, tail: str) -> tuple[str, ...]:
    """``expand("is|are", " down")`` → ``("is down", "are down")``: literal-first alternatives."""
    return tuple(head + tail for head in heads.split("|"))
