"""A regex built from the rule files on first use, for the label modules' module-level names.

The label modules keep their names (``_PERCEIVED.search(...)``) while the phrases live in
prompts/review/; nothing is read at import, so a broken rule file is reported by the content
check at start-up, not by an import error. Word patterns need no stand-in (a ``WordPattern``
can itself be deferred); a compiled ``re.Pattern`` cannot be, so this stands in for one.

This module is never compiled (``native.py``): the stand-in copies the pattern's bound
methods into its own ``__dict__`` on first use, so a call costs what a call on the pattern
costs, and a compiled class has no ``__dict__`` to copy them into.
"""

from __future__ import annotations

import re
from collections.abc import Callable


class LazyRegex:
    """Stands in for the ``re.Pattern`` that ``build`` returns, built on first use."""

    _COPIED = ("search", "finditer", "match", "fullmatch", "sub", "findall", "pattern", "groups",
               "split")

    def __init__(self, build: Callable[[], re.Pattern[str]]) -> None:
        self._build = build

    def __getattr__(self, attribute: str) -> object:
        if attribute.startswith("__") or attribute == "_build":
            raise AttributeError(attribute)
        compiled = self._build()
        for copied in self._COPIED:
            setattr(self, copied, getattr(compiled, copied))
        return getattr(compiled, attribute)
