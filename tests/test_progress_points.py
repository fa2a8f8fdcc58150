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
    assert "not a question): 7, once per day" in text
    assert "adds nothing): 3, plus 1 for each checklist item the answer meets (3 to 8)" in text
    assert "Each mock session, as candidate: 15" in text
    assert "Each mock session, as interviewer or bar raiser: 10" in text


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


def _table_rows(text: str, heading: str) -> list[tuple[str, str]]:
    """The rows of the first markdown table after ``heading``."""
    after = text.split(heading, 1)[1]
    lines = [line for line in after.split("\n\n")[1].splitlines() if line.startswith("|")]
    return [
        (cells[0], cells[1])
        for line in lines[2:]
        for cells in [[c.strip() for c in line.strip().strip("|").split("|")]]
    ]


def test_docs_and_readme_points_tables_are_the_rules_applied() -> None:
    """docs/PROGRESS.md and README.md are what members read: both tables must be exactly
    the rows PointsRules.table() produces (the README lower-cases the first letter)."""
    rules = PointsRules()
    root = Path(__file__).resolve().parent.parent
    assert _table_rows((root / "docs" / "PROGRESS.md").read_text(), "## Points") == rules.table()
    readme = _table_rows((root / "README.md").read_text(), "### Points")
    assert readme == [(a[0].lower() + a[1:], p) for a, p in rules.table()]
    assert rules.for_mock("bar_raiser") == rules.for_mock("interviewer")


def test_points_for_a_members_activity_add_up_every_source() -> None:
    rules = PointsRules()
    activity = MemberActivity(
        user_id=1, answers=3, reviews=2, items_met=7,
        mock_roles={"candidate": 1, "observer": 2, "note_taker": 1},
    )
    assert rules.points_for(activity) == 3 * 10 + (2 * 2 + 7) + (15 + 2 * 5 + 5)
