"""What detectors read: an answer as ``Sentence`` objects and one lowercase search buffer.

``bot.review.text.parse`` builds a ``Document``; detectors only query it. All sentences
are joined with newlines into ``Document.low`` so that each detector can run one compiled
regex over the whole answer (fast) and map every hit back to its sentence with a binary
search; word patterns are read for all detectors at once by the one-pass scan.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from bot.review.scan import Scan

_WORD = re.compile(r"[A-Za-z]{2,}")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class Finder(Protocol):
    """A compiled ``re.Pattern`` or a ``patterns.WordPattern``."""

    def finditer(self, text: str, /) -> Iterator[re.Match[str]]: ...


class Sentence(NamedTuple):
    """One sentence (or bullet, or code line) of the answer, with its reading context.

    A NamedTuple rather than a frozen dataclass: a review builds dozens of these,
    and tuple construction is several times cheaper.
    """

    text: str
    low: str
    start: int
    line: int
    question: bool
    stuffing: bool
    code: bool
    context: str
    """Lowercased section heading and inline label ("customer side | alarms")."""


@dataclass(frozen=True)
class Document:
    """The normalised answer split into sentences, plus a lowercase search buffer."""

    text: str
    sentences: tuple[Sentence, ...]
    low: str
    starts: tuple[int, ...]
    truncated: bool
    listing_lines: frozenset[int] = frozenset()
    """Lines with enough separators for a list of terms (``text.listed_terms``), counted
    while parsing so that relevance reads only those."""
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Per-answer data computed once on first use (the one-pass scan of ``low``)."""

    def matches(self, pattern: Finder) -> Iterator[re.Match[str]]:
        """Every match of ``pattern`` in ``low`` that lies within one sentence, as
        ``pattern.finditer(low)`` yields them; a word pattern's come from the one pass that
        reads ``low`` for all of them. A match that runs on into the next sentence (a
        ``\\s`` in a pattern reads the newline between them: "ownership:" + "the routing
        team …") joins what the writer kept apart, so no label may read it."""
        if hasattr(pattern, "scan_id"):  # the pass drops them as it reads
            return self._scan().matches(pattern)  # type: ignore[arg-type]
        low = self.low
        return (m for m in pattern.finditer(low) if low.find("\n", m.start(), m.end()) < 0)

    def _scan(self) -> Scan:
        scan = self.derived.get("scan")
        if scan is None:
            scan = self.derived["scan"] = Scan(self.low)
        return scan

    def has(self, pattern: Finder, sentence: Sentence) -> bool:
        """Whether ``pattern.search(sentence.low)`` finds something, read from the one pass."""
        if not hasattr(pattern, "scan_id"):
            return pattern.search(sentence.low) is not None  # type: ignore[attr-defined]
        end = sentence.start + len(sentence.low)
        return self._scan().first(pattern, sentence.start, end) is not None  # type: ignore[arg-type]

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence containing ``offset`` of ``low``."""
        return self.sentences[bisect_right(self.starts, offset) - 1]

    def index_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def next_in_line(self, sentence: Sentence) -> Sentence | None:
        """The sentence after ``sentence`` when it is on the same line."""
        index = self.index_at(sentence.start) + 1
        if index < len(self.sentences) and self.sentences[index].line == sentence.line:
            return self.sentences[index]
        return None

    def sentences_matching(self, pattern: Finder) -> Iterator[Sentence]:
        """Each sentence with at least one match of ``pattern``, in order, once (lazily)."""
        last = -1
        for match in self.matches(pattern):
            index = self.index_at(match.start())
            if index != last:
                yield self.sentences[index]
                last = index

    def has_words(self) -> bool:
        return _WORD.search(self.text) is not None

    def mostly_non_latin(self) -> bool:
        """True for answers written mainly in a script the detectors cannot read."""
        if self.text.isascii():
            return False
        if len(self.text) - len(self.text.encode("ascii", "ignore")) <= 20:
            return False  # 20 non-ASCII characters or fewer: cheaper than finding them
        foreign = sum(1 for char in _NON_ASCII.findall(self.text) if char.isalpha())
        return foreign > 20 and len(_LATIN_LETTER.findall(self.text)) < foreign

    def only_code(self) -> bool:
        return bool(self.sentences) and all(s.code for s in self.sentences)
