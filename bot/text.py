"""Plain-text helpers shared by services, the renderer and the error boundary (no discord here).

User text quoted back in a reply is cut with ``echo`` so a 6,000-character value
can never push a message over Discord's limits, and numbers typed by members
are read with ``ascii_int``: ``int()`` also accepts "²" or "١", which no
validator expects.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
ECHO_LIMIT = 100
_ASCII_INT = re.compile(r"[0-9]{1,9}", re.ASCII)  # 9 digits: no sane count is longer


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, ending in "…" when cut (at a word if close)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def echo(value: object, limit: int = ECHO_LIMIT) -> str:
    """A member's value quoted inside a refusal: at most ``limit`` characters, no backticks.

    Backticks are dropped so the value cannot close the code span it is shown in.
    """
    return truncate(str(value).replace("`", "'"), limit)


def ascii_int(text: str) -> int | None:
    """The whole number written with 1-9 ASCII digits 0-9, else None (no "²", "①", "١").

    The digit cap also keeps ``int()`` away from Python's 4,300-digit conversion limit.
    """
    cleaned = text.strip()
    return int(cleaned) if _ASCII_INT.fullmatch(cleaned) else None
