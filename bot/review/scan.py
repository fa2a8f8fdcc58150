"""The one-pass scan: every registered word pattern's matches in a text, read once.

Every word pattern's alternatives begin with a literal prefix ("customer" in
"customers?\\b", "fail" in "fail(?:s|ed)"). All alternatives of all registered patterns
are compiled into one gate regex that the regex engine runs over the text once: it
skips, in C, every word start and every non-word character (such as "'" or ">") where
no alternative of any pattern matches, and stops only where one does. Only there does
Python look up the first three characters in one table built from all registered
patterns and try the alternatives whose prefix agrees with them, in their list order.
Per pattern the matches are kept non-overlapping, as ``finditer`` keeps them, so a
pattern's matches are the ones its own scan would find, for every pattern at once, less
any that runs on across a newline: the text is a document's sentences joined by newlines,
and such a match joins two sentences (``Document.matches``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from bot.review.patterns import ASCII_ALNUM, SPECIAL, WordPattern, words

_KEY = 3
_REGISTRY: list[WordPattern] = []
Entries = tuple[tuple[int, tuple[str, ...] | None, re.Pattern[str]], ...]


def _register(pattern: WordPattern) -> int:
    if pattern.scan_id < 0:
        _REGISTRY.append(pattern)
        _INDEX.clear()
        pattern.scan_id = len(_REGISTRY) - 1
    return pattern.scan_id


def prepare(patterns: Iterable[WordPattern]) -> None:
    """Register ``patterns`` and build the tables now (at rule-load time): registering
    one later rebuilds every table, on the next review."""
    for pattern in patterns:
        _register(pattern)
    _index()


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
            # a capturing group could clash with another pattern's in the gate: own scan
            if pattern.regex.groups or any(prefix is None for prefix, _ in pairs):
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
                    # the prefixes are tested first: a C string test is cheaper than a regex try,
                    # and needless when the key the text agreed with already holds each one
                    prefixes = tuple(sorted({p for p, _ in chosen}))
                    spelled = all(key.startswith(p) for p in prefixes)
                    regex = re.compile("|".join(f"(?:{a})" for _, a in chosen))
                    found.append((scan_id, None if spelled else prefixes, regex))
            return tuple(found)

        self.d3 = {key: entries(key) for key in keys3}
        self.d2 = {key: entries(key) for key in keys2}
        self.d1 = {key: entries(key) for key in keys1}
        self.gate = _gate([a for _, pairs in prefixed for _, a in pairs])


def _gate(alternatives: list[str]) -> re.Pattern[str]:
    """One regex whose group 1 starts at each position where some alternative matches.

    It consumes, possessively (no backtracking), runs of characters that cannot start a
    match, whole words where no word alternative matches at the word start, and
    special characters where no special alternative matches, then takes the word (or
    the one special character) where something does; group 1 is unset at the end of the
    text. Words are only ever entered at their start, so no word-boundary test is needed.
    The gate is exact: every position it reports has a match and it misses none, because
    it asks the same alternatives (an alternation matches where any of its branches does).
    """
    word = [a for a in alternatives if a[0] in ASCII_ALNUM]
    special = [a for a in alternatives if a[0] not in ASCII_ALNUM]
    firsts = "".join(sorted({re.escape(a[1] if a[0] == "\\" else a[0]) for a in special}))
    skips = [f"[^a-z0-9{firsts}]++"]
    skips.append(f"(?!(?:{words(*word).regex.pattern}))[a-z0-9]++" if word else "[a-z0-9]++")
    if special:
        skips.append(f"(?!(?:{words(*special).regex.pattern}))[{firsts}]")
    return re.compile(f"(?:{'|'.join(skips)})*+(?:([a-z0-9]++|[\\s\\S])|\\Z)")


_INDEX: list[_Index] = []


def _index() -> _Index:
    if not _INDEX:
        _INDEX.append(_Index(list(_REGISTRY)))
    return _INDEX[0]


class Scan:
    """Every registered word pattern's matches in one text, from one pass over it.

    The pass runs on the first question a detector asks of the document; almost every
    review reads the whole text for some pattern, so reading it all at once costs
    nothing extra and keeps the scan a single regex run.
    """

    __slots__ = ("_extra", "_starts", "hits", "index", "text")

    def __init__(self, text: str) -> None:
        index = self.index = _index()
        self.text = text
        self.hits: list[list[re.Match[str]]] = [[] for _ in range(index.size)]
        self._extra: dict[int, list[re.Match[str]]] = {}
        self._starts: dict[int, list[int]] = {}
        self._read()

    def _read(self) -> None:
        """Try, at each position the gate reports, the patterns whose prefixes agree there."""
        text, index, hits = self.text, self.index, self.hits
        d3, d2, d1 = index.d3, index.d2, index.d1
        ends = [0] * index.size
        line_end = -1  # the newline ending the sentence ``start`` is in (or the text's end)
        for found in index.gate.finditer(text):
            start = found.start(1)
            if start < 0:
                continue  # the end of the text
            if start > line_end:  # the gate's positions only grow: one find per sentence
                line_end = text.find("\n", start)
                if line_end < 0:
                    line_end = len(text)
            entries = d3.get(text[start : start + _KEY])
            if entries is None:
                entries = d2.get(text[start : start + 2])
                if entries is None:
                    entries = d1.get(text[start], ())
            for scan_id, prefixes, regex in entries:
                # prefixes is None when the key found already spells every prefix out
                if start >= ends[scan_id] and (prefixes is None or text.startswith(prefixes, start)):
                    match = regex.match(text, start)
                    if match is not None:
                        end = ends[scan_id] = match.end()
                        if end <= line_end:  # within one sentence
                            hits[scan_id].append(match)

    def _found(self, pattern: WordPattern) -> list[re.Match[str]]:
        """``pattern``'s matches: from the pass, or, when it was registered after this
        scan's tables were built or is not indexable, from its own scan."""
        scan_id = pattern.scan_id
        if scan_id < 0:
            scan_id = _register(pattern)
        index = self.index
        if scan_id < index.size and scan_id not in index.unindexed:
            return self.hits[scan_id]
        found = self._extra.get(scan_id)
        if found is None:
            text = self.text
            found = self._extra[scan_id] = [m for m in pattern.finditer(text)
                                            if text.find("\n", m.start(), m.end()) < 0]
        return found

    def matches(self, pattern: WordPattern) -> Iterator[re.Match[str]]:
        """``pattern``'s matches in the text, as ``pattern.finditer(text)`` yields those
        that do not cross a newline."""
        return iter(self._found(pattern))

    def first(self, pattern: WordPattern, start: int, end: int) -> re.Match[str] | None:
        """The first of ``pattern``'s matches that starts in ``[start, end)``."""
        found = self._found(pattern)
        if not found:
            return None  # most patterns asked about a sentence match nowhere in the answer
        starts = self._starts.get(pattern.scan_id)
        if starts is None or len(starts) < len(found):
            starts = self._starts[pattern.scan_id] = [m.start() for m in found]
        index = bisect_left(starts, start)
        return found[index] if index < len(starts) and starts[index] < end else None
