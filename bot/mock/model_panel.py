"""Plain records of voice rounds and Run it back (the only part of them ``storage`` imports)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tick:
    """A panel member's judgement that the candidate delivered one deliverable of a phase."""

    scorer_user_id: int
    phase_index: int
    deliverable: int  # index into the rubric phase's deliverables


@dataclass(frozen=True)
class Suggestion:
    """Who the lobby suggests as candidate: in the fewest started rounds as candidate here."""

    user_id: int
    rounds: int
