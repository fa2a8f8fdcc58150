"""Scorecard logic: time per phase, deliverables, group vs review calibration, the real checker."""

from __future__ import annotations

from bot.clock import FixedClock
from bot.content import load_content
from bot.mock import machine
from bot.mock.model import CastVote, MockState, Score, TranscriptEntry, Vote
from bot.mock.scorecard import AutoReview, ChecklistLine, build_scorecard, engine_reviewer, tally
from bot.review import Reviewer
from tests.test_mock_support import (
    CANDIDATE,
    HOST,
    INTERVIEWER,
    RAISER,
    T0,
    WATCHER,
    minutes,
    running,
)

CONTENT = load_content()


def ended_round(clock: FixedClock) -> MockState:
    state = running(clock)
    clock.advance(minutes(3))
    state = machine.next_phase(state, HOST, clock.now())  # requirements: 3 of 5 min
    clock.advance(minutes(4))
    return machine.end(state, HOST, clock.now(), can_manage_threads=False)


def test_time_used_and_deliverables_per_phase() -> None:
    clock = FixedClock(T0)
    state = ended_round(clock)
    said = [TranscriptEntry(0, CANDIDATE, "Use cases: add to cart, view cart.", T0),
            TranscriptEntry(0, WATCHER, "SLA 99.99%", T0)]  # not the candidate's words
    card = build_scorecard(rubric=CONTENT.rubric, state=state, question_id="shopping_cart",
                           candidate_user_id=CANDIDATE, transcript=said, notes=[], scores=[],
                           votes=[], reviewer=None)
    first, second, third = card.phases[:3]
    assert (first.used_minutes, first.box_minutes, first.reached) == (3.0, 5, True)
    assert first.covered == ("Use cases list",) and len(first.missing) == 2
    assert (second.used_minutes, second.reached) == (4.0, True)
    assert not third.reached and not card.reviewed and card.words == 7


def test_group_majority_against_the_review_flags_disagreement() -> None:
    assert ChecklistLine("x", "X", True, "e", group_met=0, group_total=2).disagrees
    assert not ChecklistLine("x", "X", True, "e", group_met=2, group_total=3).disagrees
    tie = ChecklistLine("x", "X", False, None, group_met=1, group_total=2)
    assert tie.group_verdict is None and not tie.disagrees
    assert not ChecklistLine("x", "X", None, None, group_met=0, group_total=1).disagrees


def test_scores_and_votes_are_counted_per_candidate() -> None:
    clock = FixedClock(T0)
    scores = [Score(WATCHER, CANDIDATE, "numbers_always", False),
              Score(RAISER, CANDIDATE, "numbers_always", False),
              Score(RAISER, 777, "numbers_always", True)]
    votes = [CastVote(RAISER, CANDIDATE, Vote.HIRE), CastVote(INTERVIEWER, CANDIDATE, Vote.HIRE),
             CastVote(RAISER, 777, Vote.NO_HIRE)]
    card = build_scorecard(
        rubric=CONTENT.rubric, state=ended_round(clock), question_id="shopping_cart",
        candidate_user_id=CANDIDATE,
        transcript=[TranscriptEntry(0, CANDIDATE, "x", T0)], notes=[], scores=scores, votes=votes,
        reviewer=lambda _t, _q: AutoReview(met={"numbers_always": "100M DAU"}, committed={}),
    )
    numbers = next(line for line in card.checklist if line.item_id == "numbers_always")
    # The panel (here the bar raiser) makes the verdict; the watcher's score is shown apart.
    assert (numbers.group_met, numbers.group_total, numbers.disagrees) == (0, 1, True)
    assert (numbers.watch_met, numbers.watch_total) == (0, 1)
    assert card.disagreements == (numbers,)
    assert card.votes == tally(votes, CANDIDATE) == {
        Vote.STRONG_HIRE: 0, Vote.HIRE: 2, Vote.NO_HIRE: 0, Vote.STRONG_NO_HIRE: 0}


def test_the_real_checker_feeds_evidence_and_failure_modes() -> None:
    review = engine_reviewer(Reviewer(CONTENT.rubric, CONTENT.questions))
    verdict = review(
        "I'd size it for 20M DAU and 5K writes/s at peak. "
        "We will deploy everything on Kubernetes with Helm and Istio.", "shopping_cart",
    )
    assert "numbers_always" in verdict.met and "20M DAU" in verdict.met["numbers_always"]
    assert "kubernetes_first" in verdict.committed
