"""The end-of-round scorecard: time per phase, deliverables, checklist, votes, calibration.

The automatic review is an *input* (``AutoReview``), produced by whichever
checker the service is given, so the scorecard logic is tested on its own and
the group's scores can be laid beside any checker's verdicts. Where the group's
majority and the checker disagree, the scorecard says so: that is the point of
scoring together, to calibrate judgement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.content import Rubric
from bot.mock.feedback import public_notes
from bot.mock.model import CastVote, Decision, MockState, Note, Score, TranscriptEntry, Vote
from bot.mock.roles import on_panel
from bot.review import Reviewer

if TYPE_CHECKING:
    from bot.mock.panel import PanelCard


@dataclass(frozen=True)
class AutoReview:
    """What an automatic checker found: evidence per met checklist item and failure mode."""

    met: Mapping[str, str]
    committed: Mapping[str, str]


AutoReviewer = Callable[[str, str], AutoReview]
"""Reviews a candidate's whole transcript (text, question id)."""


def engine_reviewer(reviewer: Reviewer) -> AutoReviewer:
    """Adapt the answer checker (``bot.review``) to the scorecard's ``AutoReviewer``.

    The question is passed so that the numbers in its brief do not count as the
    candidate's own.
    """

    def review(text: str, question_id: str) -> AutoReview:
        verdict = reviewer.review(text, question=question_id)
        return AutoReview(
            met={item.id: item.evidence or "" for item in verdict.items if item.met},
            committed={mode.id: mode.evidence or "" for mode in verdict.committed},
        )

    return review


@dataclass(frozen=True)
class PhaseCard:
    index: int
    name: str
    box_minutes: int
    planned_minutes: int
    used_minutes: float
    reached: bool
    covered: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def over_box(self) -> bool:
        return self.used_minutes > self.box_minutes


@dataclass(frozen=True)
class ChecklistLine:
    item_id: str
    name: str
    auto_met: bool | None
    evidence: str | None
    group_met: int  # the panel's (interviewers and bar raiser): only they make the verdict
    group_total: int
    watch_met: int = 0  # watchers' scores, shown apart and never counted in the verdict
    watch_total: int = 0

    @property
    def group_verdict(self) -> bool | None:
        """The panel's majority, ``None`` with no scores or a tie."""
        if self.group_total == 0 or self.group_met * 2 == self.group_total:
            return None
        return self.group_met * 2 > self.group_total

    @property
    def disagrees(self) -> bool:
        verdict = self.group_verdict
        return verdict is not None and self.auto_met is not None and verdict != self.auto_met


@dataclass(frozen=True)
class FailureLine:
    mode_id: str
    mistake: str
    instead: str
    evidence: str


@dataclass(frozen=True)
class Scorecard:
    candidate_user_id: int
    phases: tuple[PhaseCard, ...]
    checklist: tuple[ChecklistLine, ...]
    failures: tuple[FailureLine, ...]
    notes: tuple[Note, ...]  # public notes only: private ones reach the candidate alone
    votes: Mapping[Vote, int]
    reviewed: bool
    words: int
    panel: PanelCard | None = None  # a voice round's ticks (bot.mock.panel)
    panel_votes: tuple[CastVote, ...] = ()
    decision: Decision | None = None

    @property
    def disagreements(self) -> tuple[ChecklistLine, ...]:
        return tuple(line for line in self.checklist if line.disagrees)


def tally(votes: Sequence[CastVote], candidate_user_id: int) -> dict[Vote, int]:
    """Votes for one candidate, every option present (zero when nobody chose it)."""
    counts = Counter(v.vote for v in votes if v.candidate_user_id == candidate_user_id)
    return {option: counts.get(option, 0) for option in Vote}


def build_scorecard(
    *,
    rubric: Rubric,
    state: MockState,
    question_id: str,
    candidate_user_id: int,
    transcript: Sequence[TranscriptEntry],
    notes: Sequence[Note],
    scores: Sequence[Score],
    votes: Sequence[CastVote],
    reviewer: AutoReviewer | None,
    decisions: Sequence[Decision] = (),
) -> Scorecard:
    """One candidate's scorecard from everything stored about the round."""
    said = [e for e in transcript if e.author_user_id == candidate_user_id]
    whole = "\n".join(e.text for e in said)
    review = reviewer(whole, question_id) if reviewer is not None and whole.strip() else None
    mine = [s for s in scores if s.candidate_user_id == candidate_user_id]
    return Scorecard(
        candidate_user_id=candidate_user_id,
        phases=tuple(_phase_card(rubric, state, i, said) for i in range(len(state.phases))),
        checklist=tuple(_checklist_line(item.id, item.name, review, mine, state)
                        for item in rubric.checklist),
        failures=_failures(rubric, review),
        notes=public_notes(notes),
        votes=tally(votes, candidate_user_id),
        reviewed=review is not None,
        words=len(whole.split()),
        panel_votes=tuple(v for v in votes if v.candidate_user_id == candidate_user_id),
        decision=next((d for d in decisions if d.candidate_user_id == candidate_user_id), None),
    )


def _phase_card(
    rubric: Rubric, state: MockState, index: int, said: Sequence[TranscriptEntry]
) -> PhaseCard:
    slot = state.phases[index]
    phase = rubric.phases[index]
    text = "\n".join(e.text for e in said if e.phase_index == index)
    covered = tuple(d.name for d in phase.deliverables if d.covered_by(text))
    return PhaseCard(
        index=index,
        name=phase.name,
        box_minutes=slot.minutes,
        planned_minutes=slot.planned_minutes,
        used_minutes=round(slot.used_seconds() / state.minute_seconds, 1),
        reached=slot.started_at is not None,
        covered=covered,
        missing=tuple(d.name for d in phase.deliverables if d.name not in covered),
    )


def _checklist_line(
    item_id: str, name: str, review: AutoReview | None, scores: Sequence[Score],
    state: MockState,
) -> ChecklistLine:
    judged = [s for s in scores if s.item_id == item_id]
    panel = [s for s in judged if on_panel(state, s.scorer_user_id)]
    watchers = [s for s in judged if not on_panel(state, s.scorer_user_id)]
    return ChecklistLine(
        item_id=item_id,
        name=name,
        auto_met=None if review is None else item_id in review.met,
        evidence=None if review is None else review.met.get(item_id),
        group_met=sum(1 for s in panel if s.met),
        group_total=len(panel),
        watch_met=sum(1 for s in watchers if s.met),
        watch_total=len(watchers),
    )


def _failures(rubric: Rubric, review: AutoReview | None) -> tuple[FailureLine, ...]:
    if review is None:
        return ()
    return tuple(
        FailureLine(mode.id, mode.mistake, mode.instead, review.committed[mode.id])
        for mode in rubric.failure_modes
        if mode.id in review.committed
    )
