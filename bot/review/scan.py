"""The one-pass scan: every registered word pattern's matches in a text, read once.

Every word pattern's alternatives begin with a literal prefix ("customer" in
"customers?\\b", "fail" in "fail(?:s|ed)"). The scan visits each word start of the
text once (and each occurrence of a non-word first character such as "'" or ">"),
looks its first three characters up in one table built from all registered patterns,
and tries only the alternatives whose prefix agrees with them, in their list order.
Per pattern the matches are kept non-overlapping, as ``finditer`` keeps them, so a
pattern's matches are the ones its own scan would find, for every pattern at once.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from bot.review.patterns import ASCII_ALNUM, SPECIAL, WordPattern

_KEY = 3
_WORD_RUN = re.compile(r"[a-z0-9]+")
_REGISTRY: list[WordPattern] = []
Entries = tuple[tuple[int, tuple[str, ...], re.Pattern[str]], ...]


def _register(pattern: WordPattern) -> int:
    if pattern.scan_id < 0:
        _REGISTRY.append(pattern)
        _INDEX.clear()
        pattern.scan_id = len(_REGISTRY) - 1
    return pattern.scan_id


def literal_prefix(alternative: str) -> str | None:
    """The text every match of ``alternative`` starts with ("customer" for
    "customers?\\b"); None when the alternative is not a plain sequence at its top level."""
    depth, index = 0, 0
    for index, char in enumerate(alternative):  # a top-level "|" splits it: no one prefix
        if char == "(" and alternative[index - 1 : index] != "\\":
            depth += 1
        elif char == ")" and alternative[index - 1 : index] != "\\":
            depth -= 1
        elif char == "|" and depth == 0 and alternative[index - 1 : index] != "\\":
            return None
    out: list[str] = []
    index = 0
    while index < len(alternative):
        char = alternative[index]
        if char == "\\":
            following = alternative[index + 1 : index + 2]
            if not following or following.isalnum():
                break  # \\b, \\d, \\w, \\s: not a literal
            literal, width = following, 2
        elif char in SPECIAL:
            break
        else:
            literal, width = char, 1
        after = alternative[index + width : index + width + 1]
        if after in ("?", "*", "{"):
            break  # the character may be absent
        out.append(literal)
        if after == "+":
            break
        index += width
    return "".join(out) or None


class _Index:
    """The lookup tables of the one-pass scan, over every pattern registered so far."""

    def __init__(self, patterns: list[WordPattern]) -> None:
        self.size = len(patterns)
        self.unindexed: set[int] = set()
        prefixed: list[tuple[int, list[tuple[str, str]]]] = []
        for pattern in patterns:
            pairs = [(literal_prefix(a), a) for a in pattern.alternatives]
            if any(prefix is None for prefix, _ in pairs):
                self.unindexed.add(pattern.scan_id)
                continue
            prefixed.append((pattern.scan_id, pairs))  # type: ignore[arg-type]
        keys3 = {p[:_KEY] for _, pairs in prefixed for p, _ in pairs if len(p) >= _KEY}
        keys2 = {p for _, pairs in prefixed for p, _ in pairs if len(p) == 2}
        keys1 = {p for _, pairs in prefixed for p, _ in pairs if len(p) == 1}

        def entries(key: str) -> Entries:
            found = []
            for scan_id, pairs in prefixed:
                chosen = [(p, a) for p, a in pairs
                          if (p[:_KEY] == key if len(p) >= len(key) else key.startswith(p))]
                if chosen:
                    # the prefixes are tested first: a C string test is cheaper than a regex try
                    prefixes = tuple(sorted({p for p, _ in chosen}))
                    regex = re.compile("|".join(f"(?:{a})" for _, a in chosen))
                    found.append((scan_id, prefixes, regex))
            return tuple(found)

        def gated(key: str) -> tuple[tuple[str, ...], Entries]:
            found = entries(key)  # every prefix under the key first: most positions stop there
            return tuple(sorted({p for _, prefixes, _ in found for p in prefixes})), found

        self.d3 = {key: gated(key) for key in keys3}
        self.d2 = {key: gated(key) for key in keys2}
        self.d1 = {key: gated(key) for key in keys1}
        # a prefix that starts with a non-word character can match anywhere it occurs
        special = sorted({p for _, pairs in prefixed for p, _ in pairs if p[0] not in ASCII_ALNUM},
                         key=len)
        self.special = tuple(p for i, p in enumerate(special)
                             if not any(p.startswith(shorter) for shorter in special[:i]))


_INDEX: list[_Index] = []


def _index() -> _Index:
    if not _INDEX:
        _INDEX.append(_Index(list(_REGISTRY)))
    return _INDEX[0]


class Scan:
    """Every registered word pattern's matches in one text, from one pass over it.

    The pass is lazy: it reads the text a stretch of lines at a time, only as far as some
    detector has asked, so a detector that stops at its first good sentence stops the
    reading too (as its own ``finditer`` would have stopped).
    """

    __slots__ = ("_ends", "_extra", "_starts", "hits", "index", "scanned", "text")

    _STRETCH = 400
    """Characters read per step, rounded up to the end of a line (no match spans lines)."""

    def __init__(self, text: str) -> None:
        index = self.index = _index()
        self.text = text
        self.scanned = 0
        self.hits: list[list[re.Match[str]]] = [[] for _ in range(index.size)]
        self._ends = [0] * index.size
        self._extra: dict[int, list[re.Match[str]]] = {}
        self._starts: dict[int, list[int]] = {}

    def _advance(self, until: int) -> None:
        """Read on to the end of the line holding ``until`` (at least one stretch)."""
        text, begin = self.text, self.scanned
        stop = text.find("\n", max(until, begin + self._STRETCH))
        stop = len(text) if stop < 0 else stop + 1
        self.scanned = stop
        index, hits, ends = self.index, self.hits, self._ends
        d3, d2, d1 = index.d3, index.d2, index.d1
        positions = [m.start() for m in _WORD_RUN.finditer(text, begin, stop)]
        extra = [i for prefix in index.special if text.find(prefix, begin, stop) >= 0
                 for i in _occurrences(text, prefix, begin, stop)]
        if extra:
            positions = sorted(positions + extra)
        for start in positions:
            entry = d3.get(text[start : start + _KEY])
            if entry is None:
                entry = d2.get(text[start : start + 2])
                if entry is None:
                    entry = d1.get(text[start])
                    if entry is None:
                        continue
            gate, entries = entry
            if not text.startswith(gate, start):
                continue
            for scan_id, prefixes, regex in entries:
                if start >= ends[scan_id] and text.startswith(prefixes, start):
                    match = regex.match(text, start)
                    if match is not None:
                        hits[scan_id].append(match)
                        ends[scan_id] = match.end()

    def _indexed(self, pattern: WordPattern) -> bool:
        scan_id = _register(pattern)
        return scan_id < self.index.size and scan_id not in self.index.unindexed

    def _fallback(self, pattern: WordPattern) -> list[re.Match[str]]:
        """Registered after this scan's tables were built, or not indexable: its own scan."""
        found = self._extra.get(pattern.scan_id)
        if found is None:
            found = self._extra[pattern.scan_id] = list(pattern.finditer(self.text))
        return found

    def matches(self, pattern: WordPattern) -> Iterator[re.Match[str]]:
        """``pattern``'s matches in the text, as ``pattern.finditer(text)`` yields them."""
        if not self._indexed(pattern):
            yield from self._fallback(pattern)
            return
        hits, length, taken = self.hits[pattern.scan_id], len(self.text), 0
        while True:
            while taken < len(hits):
                yield hits[taken]
                taken += 1
            if self.scanned >= length:
                return
            self._advance(self.scanned)

    def first(self, pattern: WordPattern, start: int, end: int) -> re.Match[str] | None:
        """The first of ``pattern``'s matches that starts in ``[start, end)``."""
        if not self._indexed(pattern):
            found = self._fallback(pattern)
        else:
            if self.scanned < end:
                self._advance(end)
            found = self.hits[pattern.scan_id]
        starts = self._starts.setdefault(pattern.scan_id, [])
        if len(starts) < len(found):
            starts.extend(m.start() for m in found[len(starts) :])
        index = bisect_left(starts, start)
        return found[index] if index < len(starts) and starts[index] < end else None


def _occurrences(text: str, literal: str, begin: int, stop: int) -> Iterator[int]:
    index = text.find(literal, begin, stop)
    while index >= 0:
        yield index
        index = text.find(literal, index + 1, stop)
