"""Weakest item and drill prompt choice."""

from dataclasses import dataclass

from bot.progress.drills import DrillReason, choose_prompt, drill_targets
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
    assert drill_targets(tallies)[0].reason is DrillReason.ALL_MET


def test_no_reviews_starts_with_the_first_item() -> None:
    target = drill_targets(tallies_from_counts({}, total=0))[0]
    assert (target.item, target.reason) == ("customer_first", DrillReason.NO_REVIEWS)


def test_overdue_cards_come_first_then_the_weakest_then_every_other_item() -> None:
    tallies = tallies_from_counts({"customer_first": 1, "numbers_always": 1}, 2)
    targets = drill_targets(tallies, due_items=["team_ownership", "numbers_always"])
    assert [(t.item, t.reason) for t in targets[:3]] == [
        ("team_ownership", DrillReason.OVERDUE),
        ("numbers_always", DrillReason.OVERDUE),
        ("failure_planning", DrillReason.WEAKEST),
    ]
    assert sorted(t.item for t in targets) == sorted(CHECKLIST_ITEMS)  # each item once


def test_drill_skips_recently_seen_prompts() -> None:
    targets = drill_targets(
        tallies_from_counts({"customer_first": 2, "failure_planning": 2, "numbers_always": 0}, 2)
    )
    assert targets[0].item == "numbers_always"
    for seed in range(6):
        choice = choose_prompt(PROMPTS, targets[:1], recent_ids={"d1", "d3"}, seed=seed)
        assert choice is not None and choice.prompt.id == "d4"


def test_seed_rotates_through_candidates_in_roadmap_order() -> None:
    targets = drill_targets(tallies_from_counts({"customer_first": 1}, 1))
    assert targets[0].item == "numbers_always"
    picks = [choose_prompt(PROMPTS, targets, (), seed).prompt.id for seed in range(3)]
    assert picks == ["d1", "d3", "d4"]


def test_an_item_with_every_prompt_seen_falls_back_to_the_next_item_never_a_repeat() -> None:
    targets = drill_targets(tallies_from_counts({"customer_first": 1}, 1))
    choice = choose_prompt(PROMPTS, targets, recent_ids={"d1", "d3", "d4"}, seed=0)
    assert choice is not None
    assert (choice.prompt.id, choice.target.item) == ("d2", "failure_planning")
    assert choose_prompt(PROMPTS, targets, recent_ids={"d1", "d2", "d3", "d4"}, seed=0) is None


def test_a_named_item_is_the_only_target() -> None:
    tallies = tallies_from_counts({"customer_first": 1}, 1)
    [target] = drill_targets(tallies, due_items=["numbers_always"], forced="team_ownership")
    assert (target.item, target.reason) == ("team_ownership", DrillReason.REQUESTED)
    assert target.tally is not None and target.tally.total == 1
    assert choose_prompt(PROMPTS, [target], (), 0) is None  # no prompt stresses it
