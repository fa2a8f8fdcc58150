"""Points rules and leaderboard ranking."""

from pathlib import Path

from bot.progress.points import MemberActivity, PointsRules, Standing, rank_members


def test_review_points_grow_with_items_met() -> None:
    rules = PointsRules()
    assert rules.for_review(0) == rules.review_base
    assert rules.for_review(5) == rules.review_base + 5 * rules.review_per_item_met


def test_unknown_mock_role_gets_the_fallback() -> None:
    rules = PointsRules()
    assert rules.for_mock("candidate") == 15
    assert rules.for_mock("note_taker") == rules.mock_other_role


def test_described_rules_quote_the_numbers_applied() -> None:
    rules = PointsRules(daily_answer=7, review_base=3)
    text = "\n".join(rules.describe())
    assert "daily prompt in its thread: 7" in text
    assert "Each review: 3 +" in text
    assert "candidate 15" in text


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    board = rank_members([(1, 50), (2, 40), (3, 40), (4, 10)], invoker_id=4)
    assert [(s.rank, s.user_id) for s in board.top] == [(1, 1), (2, 2), (2, 3), (4, 4)]


def test_invoker_outside_the_top_is_still_reported() -> None:
    totals = [(user, 100 - user) for user in range(1, 16)]
    board = rank_members(totals, invoker_id=15, size=10)
    assert len(board.top) == 10
    assert board.invoker == Standing(rank=15, user_id=15, points=85)
    assert not board.invoker_in_top


def test_members_without_points_are_not_ranked() -> None:
    board = rank_members([(1, 5), (2, 0)], invoker_id=2)
    assert [s.user_id for s in board.top] == [1]
    assert board.invoker is None


def test_docs_points_table_states_the_rules_applied() -> None:
    """docs/PROGRESS.md is what members read; it must quote the numbers the code uses."""
    rules = PointsRules()
    doc = (Path(__file__).resolve().parent.parent / "docs" / "PROGRESS.md").read_text()
    table = doc.split("## Points", 1)[1].split("\n\n")[1]
    rows = {
        cells[0]: cells[1]
        for line in table.splitlines()[2:]
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    assert rows["Answering the daily prompt in its thread"] == f"{rules.daily_answer}, once per day"
    low, high = rules.for_review(0), rules.for_review(5)
    assert rows["Each review"] == (
        f"{rules.review_base}, plus {rules.review_per_item_met} for each checklist item the "
        f"answer meets ({low} to {high})"
    )
    assert rows["Each mock session, as candidate"] == str(rules.for_mock("candidate"))
    assert rows["Each mock session, as interviewer or bar raiser"] == str(
        rules.for_mock("interviewer")
    )
    assert rules.for_mock("bar_raiser") == rules.for_mock("interviewer")
    assert rows["Each mock session, as observer"] == str(rules.for_mock("observer"))


def test_points_for_a_members_activity_add_up_every_source() -> None:
    rules = PointsRules()
    activity = MemberActivity(
        user_id=1, answers=3, reviews=2, items_met=7,
        mock_roles={"candidate": 1, "observer": 2, "note_taker": 1},
    )
    assert rules.points_for(activity) == 3 * 10 + (2 * 2 + 7) + (15 + 2 * 5 + 5)
