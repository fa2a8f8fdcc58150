"""The typed study content: frozen dataclasses built once at startup from prompts/*.yaml.

Everything here is immutable (tuples and read-only mappings) so that services can share
one ``Content`` object across coroutines without copying or locking. Lookups raise
``KeyError`` for unknown ids: by the time a service asks, the loader has already proved
every cross reference in the files, so a miss is a programming error, not user input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar, Protocol, TypeVar

TOTAL_DAYS = 84
DAYS_PER_WEEK = 7
WEEKS = TOTAL_DAYS // DAYS_PER_WEEK

# The identifiers shared across files (docs/CONTENT.md); order matters where the
# files must list them in order.
CHECKLIST_IDS = (
    "customer_first",
    "numbers_always",
    "failure_planning",
    "operations_ready",
    "team_ownership",
)
FAILURE_MODE_IDS = (
    "kubernetes_first",
    "infinite_scale",
    "perfect_consistency",
    "monitor_later",
    "team_will_handle",
)
PHASE_IDS = ("requirements", "high_level", "deep_dive", "scale", "operations")
PRINCIPLE_IDS = (
    "customer_obsession",
    "ownership",
    "invent_and_simplify",
    "are_right_a_lot",
    "think_big",
    "bias_for_action",
    "frugality",
    "dive_deep",
    "deliver_results",
)
TIERS = ("must", "should", "nice")
PROMPT_KINDS = ("concept", "design", "failure_drill", "behavioral")
BLOCKS = ("Foundations", "Amazon Core", "Patterns", "AWS Deep Dive", "Practice")
CATEGORIES = ("E-Commerce", "AWS Services", "Logistics", "Streaming", "Classics")


# --- rubric.yaml ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Principle:
    """A leadership principle and what it asks of a design."""

    id: str
    name: str
    application: str
    key_questions: tuple[str, ...]


@dataclass(frozen=True)
class ChecklistItem:
    """One item of the success formula, with the tip to give when an answer misses it."""

    id: str
    name: str
    means: str
    example: str
    tip: str
    phase_tips: Mapping[str, str]

    def tip_for(self, phase: str | None) -> str:
        """The phase-specific tip when there is one, else the general tip."""
        if phase is None:
            return self.tip
        return self.phase_tips.get(phase, self.tip)


@dataclass(frozen=True)
class FailureMode:
    """A common interview mistake, why it fails, and what to say instead."""

    id: str
    mistake: str
    why: str
    instead: str


@dataclass(frozen=True)
class Deliverable:
    """Something a phase should produce, with regex cues that show an answer covers it."""

    name: str
    cues: tuple[str, ...]
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Compiled once here so the answer checker never recompiles per answer. No cues
        # must mean "never covered" ((?!) never matches), not "always" (an empty regex).
        alternatives = "|".join(f"(?:{cue})" for cue in self.cues) or "(?!)"
        object.__setattr__(self, "pattern", re.compile(alternatives, re.IGNORECASE))

    def covered_by(self, text: str) -> bool:
        """Whether ``text`` mentions any of this deliverable's cues."""
        return self.pattern.search(text) is not None


@dataclass(frozen=True)
class Phase:
    """A time-boxed phase of the 45-60 minute system design round."""

    id: str
    name: str
    min_minutes: int
    max_minutes: int
    focus: tuple[str, ...]
    deliverables: tuple[Deliverable, ...]

    @property
    def time_box(self) -> str:
        """The guide's way of writing the box, e.g. ``"5-10 min"``."""
        return f"{self.min_minutes}-{self.max_minutes} min"


class HasId(Protocol):
    @property
    def id(self) -> str: ...


_Entry = TypeVar("_Entry", bound=HasId)


def _by_id(entries: tuple[_Entry, ...], wanted: str) -> _Entry:
    for entry in entries:
        if entry.id == wanted:
            return entry
    raise KeyError(wanted)


@dataclass(frozen=True)
class Rubric:
    """The success formula, failure modes, round phases and leadership principles."""

    checklist: tuple[ChecklistItem, ...]
    failure_modes: tuple[FailureMode, ...]
    phases: tuple[Phase, ...]
    principles: tuple[Principle, ...]

    def item(self, item_id: str) -> ChecklistItem:
        return _by_id(self.checklist, item_id)

    def failure_mode(self, mode_id: str) -> FailureMode:
        return _by_id(self.failure_modes, mode_id)

    def phase(self, phase_id: str) -> Phase:
        return _by_id(self.phases, phase_id)

    def principle(self, principle_id: str) -> Principle:
        return _by_id(self.principles, principle_id)


# --- questions.yaml ------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """A full design question with the numbers to assume and the interviewer's probes."""

    id: str
    title: str
    category: str
    from_guide: bool
    brief: str
    scale: tuple[str, ...]
    functional: tuple[str, ...]
    non_functional: tuple[str, ...]
    principles: tuple[str, ...]
    probes: Mapping[str, tuple[str, ...]]


# --- roadmap.yaml --------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyPrompt:
    """One day of the 12-week roadmap."""

    id: str
    week: int
    day: int
    tier: str
    kind: str
    topic: str
    title: str
    prompt: str
    hints: tuple[str, ...]
    probes: tuple[str, ...]
    principles: tuple[str, ...]
    stresses: tuple[str, ...]
    question: str | None

    @property
    def cohort_day(self) -> int:
        """1-based day number across the whole roadmap (1..84)."""
        return (self.week - 1) * DAYS_PER_WEEK + self.day


@dataclass(frozen=True)
class Week:
    """A roadmap week: its place in the plan, its priorities and its seven prompts."""

    number: int
    block: str
    theme: str
    summary: str
    must: tuple[str, ...]
    should: tuple[str, ...]
    nice: tuple[str, ...]
    prompts: tuple[DailyPrompt, ...]


@dataclass(frozen=True)
class Roadmap:
    """The twelve weeks, with lookups by position and by stable prompt id."""

    weeks: tuple[Week, ...]
    _prompts: tuple[DailyPrompt, ...] = field(init=False, repr=False, compare=False)
    _index: Mapping[str, DailyPrompt] = field(init=False, repr=False, compare=False)

    TOTAL_DAYS: ClassVar[int] = TOTAL_DAYS

    def __post_init__(self) -> None:
        # Built once: schedulers ask for prompts by id and in order on every post.
        prompts = tuple(prompt for week in self.weeks for prompt in week.prompts)
        object.__setattr__(self, "_prompts", prompts)
        object.__setattr__(self, "_index", MappingProxyType({p.id: p for p in prompts}))

    def week(self, number: int) -> Week:
        """Week ``number`` (1-based); KeyError outside the roadmap."""
        if not 1 <= number <= len(self.weeks):
            raise KeyError(number)
        return self.weeks[number - 1]

    def prompt(self, week: int, day: int) -> DailyPrompt:
        """The prompt for ``day`` (1-7) of ``week``; KeyError outside the roadmap."""
        prompts = self.week(week).prompts
        if not 1 <= day <= len(prompts):
            raise KeyError((week, day))
        return prompts[day - 1]

    def prompt_for_cohort_day(self, cohort_day: int) -> DailyPrompt:
        """The prompt for day 1..84 of the whole roadmap."""
        if not 1 <= cohort_day <= TOTAL_DAYS:
            raise KeyError(cohort_day)
        week, day = divmod(cohort_day - 1, DAYS_PER_WEEK)
        return self.prompt(week + 1, day + 1)

    def prompt_by_id(self, prompt_id: str) -> DailyPrompt:
        """The prompt with this stable id; KeyError if there is none."""
        return self._index[prompt_id]

    def all_prompts(self) -> tuple[DailyPrompt, ...]:
        """Every prompt in day order (84 of them)."""
        return self._prompts
