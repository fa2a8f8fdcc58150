"""Numbers written in words, read as digits: "twenty thousand a second" is 20000 a second.

Part of the linguistic core beside ``numbers``: the quantity reader classifies digit
runs by the words around them, so a sentence that writes its numbers in words
("a hundred and twenty-five thousand writes per second", "half a kilobyte",
"fifty to sixty terabytes", "three and a half nines") is rewritten with digits and
short units first and then read the same way. A bare "a"/"an" is never a number,
so "once a day" stays a phrase.
"""

from __future__ import annotations

import re

from bot.review.patterns import words

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_VAGUE = {"few": 3.0, "couple": 2.0}  # only before a scale: "a few hundred", "a couple of million"
_UNIT_WORDS = {
    "kilobyte": "kb", "kilobytes": "kb", "megabyte": "mb", "megabytes": "mb", "megs": "mb",
    "gigabyte": "gb", "gigabytes": "gb", "gigs": "gb", "terabyte": "tb", "terabytes": "tb",
    "petabyte": "pb", "petabytes": "pb", "percent": "%", "per cent": "%",
}  # fmt: skip
_WORDS = sorted({*_UNITS, *_SCALES, "hundred", "half", *_VAGUE, *_UNIT_WORDS}, key=len, reverse=True)
# One scan decides whether a sentence needs rewriting at all (most do not); a word
# pattern, so the scan skips ahead on literal first letters (patterns.py).
CUE = words(*(rf"{word}\b" for word in _WORDS))
_TOKEN = re.compile(r"[a-z]+|-|\S")
_HUNDRED_OR_SCALE = frozenset(("hundred", *_SCALES))


def _number_at(tokens: list[str], i: int) -> tuple[float, int] | None:
    """The number spelled from ``tokens[i]`` on, and the index after it; None if none."""
    total, current, j, seen = 0.0, 0.0, i, False
    if tokens[j] in ("a", "an") and j + 1 < len(tokens):
        nxt = tokens[j + 1]
        if nxt in _HUNDRED_OR_SCALE:
            current, j = 1.0, j + 1
        elif nxt in _VAGUE and j + 2 < len(tokens):
            skip = 3 if tokens[j + 2] == "of" else 2
            if j + skip < len(tokens) and tokens[j + skip] in _HUNDRED_OR_SCALE:
                current, j = _VAGUE[nxt], j + skip
            else:
                return None
        else:
            return None
    elif tokens[j] == "half" and j + 2 < len(tokens) and tokens[j + 1] == "a":
        if tokens[j + 2] in _SCALES:
            return 0.5 * _SCALES[tokens[j + 2]], j + 3  # "half a million"
        if tokens[j + 2] in _UNIT_WORDS:
            return 0.5, j + 2  # "half a kilobyte": the unit is written short next
        return None
    while j < len(tokens):
        word = tokens[j]
        if word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word == "-" and seen and j + 1 < len(tokens) and tokens[j + 1] in _UNITS:
            pass  # "twenty-five"
        elif word == "hundred":
            current = (current or 1) * 100
            seen = True
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current, seen = 0.0, True
        elif word == "and" and seen and j + 1 < len(tokens):
            if tokens[j + 1] == "a" and j + 2 < len(tokens) and tokens[j + 2] == "half":
                current += 0.5  # "three and a half nines"
                j += 3
                continue
            if tokens[j + 1] in _UNITS and (total or current >= 100):
                pass  # "a hundred and twenty"
            else:
                break
        else:
            break
        j += 1
    if not seen and current == 0:
        return None
    return total + current, j


def _digits(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


# "under a second", "less than a minute", "within a minute": a bound of one unit, said with "a"
_ONE_UNIT = re.compile(
    r"\b(under|below|less than|faster than|within) an? "
    r"(second|minute|hour|millisecond|day)\b"
)
_UNIT_NAMES = (" a second", " a minute", " an hour", " a millisecond", " a day")
# "within a second or two": two of the unit, the bound the writer means
_UNIT_OR_TWO = re.compile(r"\ban? (second|minute|hour|day) or two\b")
# "half a second", "a tenth of a second", "a quarter of an hour": a fraction of one unit,
# written in the next smaller unit so the quantity reader sees a whole number
_FRACTION = re.compile(r"\b(?:an? )?(half|tenth|quarter|fifth) (?:of )?an? (second|minute|hour)\b")
_FRACTIONS = {"half": 2, "tenth": 10, "quarter": 4, "fifth": 5}
_SMALLER = {"second": (1000, "ms"), "minute": (60, "seconds"), "hour": (60, "minutes")}


def _fraction(match: re.Match[str]) -> str:
    size, unit = _SMALLER[match[2]]
    return f"{_digits(size / _FRACTIONS[match[1]])} {unit}"



def spell_digits(low: str) -> str | None:
    """``low`` with spelled-out numbers and byte units written short; None if unchanged."""
    if any(unit in low for unit in _UNIT_NAMES):
        # "a second or two" before "within a second", which would eat its "a second"
        bounded = _ONE_UNIT.sub(r"\1 1 \2", _UNIT_OR_TWO.sub(r"2 \1s", _FRACTION.sub(_fraction, low)))
        if bounded != low:
            return spell_digits(bounded) or bounded
    if CUE.search(low) is None:
        return None
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(low)]
    words = [t[0] for t in tokens]
    out: list[str] = []
    last, i, changed = 0, 0, False
    while i < len(tokens):
        word, start, _ = tokens[i]
        found = _number_at(words, i) if word in _UNITS or word in ("a", "an", "half") else None
        if found is not None:
            value, after = found
            out.append(low[last:start] + _digits(value))
            last, i, changed = tokens[after - 1][2], after, True
            continue
        if word in _UNIT_WORDS:
            out.append(low[last:start] + _UNIT_WORDS[word])
            last, changed = tokens[i][2], True
        i += 1
    out.append(low[last:])
    return "".join(out) if changed else None
