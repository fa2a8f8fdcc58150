"""Time boxes for a mock round, derived from the rubric's per-phase ranges.

The guide gives each phase a range (Requirements 5-10 min, ...). A 45-minute
round runs every phase at its minimum; longer rounds hand out the extra minutes
in proportion to how much room each phase has below its maximum, so no phase
ever exceeds the range the guide recommends. Groups that want a different
shape pass an explicit override such as ``"5,10,15,10,5"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.errors import BotError
from bot.text import ascii_int

LENGTHS = (45, 60)
"""The round lengths ``/mock start length:`` offers."""

OVERRIDE_MIN_MINUTES = 1
OVERRIDE_MAX_MINUTES = 30


class PhaseRange(Protocol):
    """The part of a rubric phase the plan needs (``content.rubric.phases`` items)."""

    @property
    def min_minutes(self) -> int: ...

    @property
    def max_minutes(self) -> int: ...


def plan_minutes(
    phases: Sequence[PhaseRange], length: int, override: str | None = None
) -> tuple[int, ...]:
    """Return the time box of every phase, in minutes.

    ``override`` wins when given; otherwise ``length`` is spread over the
    rubric ranges. Raises ``BotError`` for a length or override the rubric
    cannot honour, because both come straight from a slash command.
    """
    if override is not None and override.strip():
        return parse_override(override, len(phases))
    return spread_length(phases, length)


def spread_length(phases: Sequence[PhaseRange], length: int) -> tuple[int, ...]:
    """Spread ``length`` minutes over the phases within their min-max ranges.

    Every phase gets its minimum; the extra minutes go out in proportion to each
    phase's slack (largest remainder first, earlier phases winning ties), so the
    result is deterministic and sums exactly to ``length``.
    """
    minimum = sum(phase.min_minutes for phase in phases)
    slack = [phase.max_minutes - phase.min_minutes for phase in phases]
    if not minimum <= length <= minimum + sum(slack):
        raise BotError(
            f"A round can last between {minimum} and {minimum + sum(slack)} minutes; "
            f"{length} does not fit the rubric's phase ranges."
        )
    extra = length - minimum
    total_slack = sum(slack) or 1
    shares = [extra * room // total_slack for room in slack]
    remainders = sorted(
        range(len(phases)), key=lambda i: (-(extra * slack[i] % total_slack), i)
    )
    for index in remainders[: extra - sum(shares)]:
        shares[index] += 1
    return tuple(phase.min_minutes + share for phase, share in zip(phases, shares, strict=True))


def parse_override(text: str, phase_count: int) -> tuple[int, ...]:
    """Parse a comma-separated per-phase override such as ``"5,10,15,10,5"``."""
    parts = [part.strip() for part in text.split(",")]
    example = ",".join(["10"] * phase_count)
    numbers = [ascii_int(part) for part in parts]
    if len(parts) != phase_count or None in numbers:
        raise BotError(
            f"`minutes` needs {phase_count} whole numbers (digits 0-9) separated by commas, "
            f"e.g. `{example}`."
        )
    minutes = tuple(n for n in numbers if n is not None)
    if not all(OVERRIDE_MIN_MINUTES <= value <= OVERRIDE_MAX_MINUTES for value in minutes):
        raise BotError(
            f"Each phase in `minutes` must last {OVERRIDE_MIN_MINUTES}-{OVERRIDE_MAX_MINUTES} "
            "minutes."
        )
    return minutes
