"""Weakest item and drill prompt choice."""

from dataclasses import dataclass

import pytest

from bot.errors import BotError
from bot.progress.drills import DrillReason, choose_prompt, drill_target
from bot.progress.model import CHECKLIST_ITEMS, tallies_from_counts, weakest_item


@dataclass(frozen=True)
class FakePrompt:
    id: str
    stresses: tuple[str, ...]
    cohort_day: int


PROMPTS = (
    FakePrompt("d3", ("numbers_always",), 3),
    FakePrompt("d1", ("numbers_always", "customer_first"), 1),
    FakePrompt("d2", ("failure_planning",), 2),
    FakePrompt("d4", ("numbers_always",), 4),
)


def test_weakest_is_the_lowest_hit_rate() -> None:
    tallies = tallies_from_counts({"customer_first": 4, "numbers_always": 1}, total=4)
    weakest = weakest_item(tallies)
    assert weakest is not None
    assert weakest.item == "failure_planning"  # 0/4, first in checklist order among ties


def test_perfect_record_has_no_weakest_item() -> None:
    tallies = tallies_from_counts({item: 3 for item in CHECKLIST_ITEMS}, total=3)
    assert weakest_item(tallies) is None
    assert drill_target(tallies).reason is DrillReason.ALL_MET


def test_no_reviews_starts_with_the_first_item() -> None:
    target = drill_target(tallies_from_counts({}, total=0))
    assert (target.item, target.reason) == ("customer_first", DrillReason.NO_REVIEWS)


def test_drill_skips_recently_answered_prompts() -> None:
    target = drill_target(tallies_from_counts({item: 1 for item in CHECKLIST_ITEMS[2:]}, 1))
    assert target.item == "customer_first"
    target = drill_target(
        tallies_from_counts({"customer_first": 2, "failure_planning": 2, "numbers_always": 0}, 2)
    )
    assert target.item == "numbers_always"
    for seed in range(6):
        choice = choose_prompt(PROMPTS, target, recent_ids={"d1", "d3"}, seed=seed)
        assert choice.prompt.id == "d4"
        assert choice.fresh


def test_seed_rotates_through_candidates_in_roadmap_order() -> None:
    target = drill_target(tallies_from_counts({"customer_first": 1}, 1))
    picks = [choose_prompt(PROMPTS, target, (), seed).prompt.id for seed in range(3)]
    assert picks == ["d1", "d3", "d4"]


def test_all_recent_falls_back_to_reuse_and_says_so() -> None:
    target = drill_target(tallies_from_counts({"customer_first": 1}, 1))
    choice = choose_prompt(PROMPTS, target, recent_ids={"d1", "d3", "d4"}, seed=0)
    assert choice.prompt.id == "d1"
    assert not choice.fresh


def test_no_prompt_for_the_item_is_a_user_facing_error() -> None:
    target = drill_target(tallies_from_counts({"customer_first": 1, "numbers_always": 1}, 1))
    assert target.item == "failure_planning"
    with pytest.raises(BotError):
        choose_prompt(PROMPTS[:1], target, (), 0)


def test_a_reminder_forces_its_item_over_the_weakest() -> None:
    tallies = tallies_from_counts({"customer_first": 1}, 1)
    target = drill_target(tallies, forced="team_ownership")
    assert (target.item, target.reason) == ("team_ownership", DrillReason.REMINDER)
    assert target.tally is not None and target.tally.total == 1
