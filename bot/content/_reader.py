"""Problem-collecting access to parsed YAML, shared by the four file parsers.

The parsers never stop at the first mistake: every accessor records what is wrong and
returns a harmless default, so an operator editing their copy of prompts/ sees every
problem in one run. Messages name file, entry and field, e.g.
``questions.yaml: question 'twitch': probes.scale: needs 2-4 items, got 1``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

TITLE_LIMIT = 256  # Discord's embed title limit
TEXT_LIMIT = 1000  # below Discord's 1,024-char embed field value, leaving room for a prefix
TEMPLATE_MARKERS = ("{{", "{%", "{#")
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class Problems:
    """Every problem found in one file, each prefixed with the file name."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        prefix = f"{self.filename}: {where}" if where else self.filename
        self.messages.append(f"{prefix}: {message}")


def type_name(value: object) -> str:
    """A reader-friendly YAML type name for error messages."""
    names = {str: "text", bool: "true/false", int: "a number", float: "a number"}
    names |= {list: "a list", dict: "a mapping", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


def count_phrase(minimum: int, maximum: int | None) -> str:
    if maximum is None:
        return f"at least {minimum}"
    return f"{minimum}" if minimum == maximum else f"{minimum}-{maximum}"


def entry_label(noun: str, raw: object, index: int, key: str = "id") -> str:
    """``question 'twitch'`` when the entry has a usable id, else ``question #3``."""
    if isinstance(raw, dict) and isinstance(raw.get(key), str | int):
        return f"{noun} {raw[key]!r}"
    return f"{noun} #{index + 1}"


class Entry:
    """One YAML mapping read field by field; keys never read are reported as unknown."""

    def __init__(self, data: object, where: str, problems: Problems, prefix: str = "") -> None:
        self._where = where
        self._problems = problems
        self._prefix = prefix
        self._read: set[str] = set()
        if not isinstance(data, dict):
            self.report(f"{prefix.rstrip('.') or 'file'}: must be a mapping, got {type_name(data)}")
            data = {}
        self._data: dict[object, object] = data

    @property
    def where(self) -> str:
        return self._where

    @property
    def problems(self) -> Problems:
        return self._problems

    def report(self, message: str) -> None:
        self._problems.add(self._where, message)

    def problem(self, key: str, message: str) -> None:
        self.report(f"{self._prefix}{key}: {message}")

    def has(self, key: str) -> bool:
        return self._data.get(key) is not None

    def raw(self, key: str, *, required: bool = True) -> object | None:
        """The value as parsed, or None (reported when required) if absent."""
        self._read.add(key)
        value = self._data.get(key)
        if value is None and required:
            self.problem(key, "missing")
        return value

    def text(self, key: str, *, limit: int = TEXT_LIMIT, required: bool = True) -> str:
        value = self.raw(key, required=required)
        if value is None:
            return ""
        return self._check_text(key, value, limit)

    def title(self, key: str) -> str:
        return self.text(key, limit=TITLE_LIMIT)

    def optional_text(self, key: str) -> str | None:
        if not self.has(key):
            self.raw(key, required=False)
            return None
        return self.text(key)

    def integer(self, key: str, low: int, high: int) -> int:
        value = self.raw(key)
        if value is None:
            return low
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(key, f"must be a whole number, got {type_name(value)}")
            return low
        if not low <= value <= high:
            self.report(f"{self._prefix}{key} must be {low}-{high}, got {value}")
        return value

    def flag(self, key: str) -> bool:
        value = self.raw(key)
        if value is not None and not isinstance(value, bool):
            self.problem(key, f"must be true or false, got {type_name(value)}")
        return value is True

    def ident(self, key: str, pattern: re.Pattern[str] = ID_PATTERN) -> str:
        value = self.text(key, limit=64)
        if value and not pattern.fullmatch(value):
            self.problem(key, f"{value!r} must match {pattern.pattern}")
        return value

    def choice(self, key: str, options: Sequence[str]) -> str:
        value = self.text(key)
        if value and value not in options:
            self.problem(key, f"must be one of {', '.join(options)}; got {value!r}")
        return value

    def texts(
        self,
        key: str,
        *,
        minimum: int = 1,
        maximum: int | None = None,
        limit: int = TEXT_LIMIT,
    ) -> tuple[str, ...]:
        items = self.items(key, minimum=minimum, maximum=maximum)
        checked = (self._check_text(f"{key}[{i}]", item, limit) for i, item in enumerate(items))
        return tuple(text for text in checked if text)

    def refs(self, key: str, known: Collection[str], noun: str, *, minimum: int = 0) -> tuple[str, ...]:
        """A list of ids that must each name something defined elsewhere."""
        values = self.texts(key, minimum=minimum, limit=64)
        for value in values:
            if value not in known:
                self.problem(key, f"unknown {noun} {value!r}")
        if len(set(values)) != len(values):
            self.problem(key, "lists an id twice")
        return values

    def items(self, key: str, *, minimum: int = 0, maximum: int | None = None) -> list[object]:
        """A raw YAML list with its length checked."""
        value = self.raw(key, required=minimum > 0)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, f"must be a list, got {type_name(value)}")
            return []
        too_many = maximum is not None and len(value) > maximum
        if len(value) < minimum or too_many:
            self.problem(key, f"needs {count_phrase(minimum, maximum)} items, got {len(value)}")
        return value

    def entries(
        self,
        key: str,
        noun: str,
        *,
        minimum: int = 1,
        maximum: int | None = None,
        label_key: str = "id",
    ) -> list[Entry]:
        """A list of mappings, each an Entry labelled like ``phase 'scale'`` for messages."""
        raws = self.items(key, minimum=minimum, maximum=maximum)
        labels = (entry_label(noun, raw, i, label_key) for i, raw in enumerate(raws))
        wheres = (f"{self._where}, {label}" if self._where else label for label in labels)
        return [Entry(raw, where, self._problems) for raw, where in zip(raws, wheres, strict=True)]

    def child(self, key: str, *, required: bool = True) -> Entry:
        """A nested mapping, read with ``key.`` in front of its field names."""
        value = self.raw(key, required=required)
        nested = Entry({} if value is None else value, self._where, self._problems, f"{key}.")
        return nested

    def finish(self) -> None:
        """Report every key nobody read: almost always a typo of a real field name."""
        for key in self._data:
            if key not in self._read:
                self.report(f"unknown key {self._prefix}{key}")

    def _check_text(self, key: str, value: object, limit: int) -> str:
        if not isinstance(value, str):
            self.problem(key, f"must be text, got {type_name(value)}")
            return ""
        text = value.strip()
        if not text:
            self.problem(key, "must not be empty")
        if len(text) > limit:
            self.problem(key, f"too long ({len(text)} chars, the limit is {limit})")
        marker = next((m for m in TEMPLATE_MARKERS if m in text), None)
        if marker:
            self.problem(key, f"contains template syntax {marker!r}; content is data, not a template")
        return text


def check_ids(
    problems: Problems,
    section: str,
    noun: str,
    found: Sequence[str],
    expected: Sequence[str] | None = None,
) -> None:
    """Ids in a section must be unique and, when ``expected`` is given, exactly it, in order."""
    seen: set[str] = set()
    for entry_id in found:
        if entry_id in seen:
            problems.add(section, f"duplicate {noun} {entry_id!r}")
        seen.add(entry_id)
    if expected is None:
        return
    for missing in (e for e in expected if e not in seen):
        problems.add(section, f"missing {noun} {missing!r}")
    for unknown in (f for f in seen if f and f not in expected):
        problems.add(section, f"unknown {noun} {unknown!r}; expected {', '.join(expected)}")
    present = [e for e in found if e in expected]
    if set(present) == set(expected) and present != list(expected):
        problems.add(section, f"{noun}s must be in this order: {', '.join(expected)}")
