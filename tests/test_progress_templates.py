"""Every progress template renders with real jinja2 and real content, within Discord's limits."""

from datetime import date

import pytest

from bot.erasure import HandedOn
from bot.progress.digest import Participation, WeekPreview, build_digest
from bot.progress.drills import choose_prompt, drill_targets
from bot.progress.model import tallies_from_counts, weakest_item
from bot.progress.points import PointsRules, rank_members
from bot.progress.service import Drill, MemberProgress
from bot.progress.streaks import Streaks
from bot.progress.trends import Trends, week_starts
from bot.render import Renderer
from storage.progress import Preferences
from tests.test_progress_support import content

TALLIES = tallies_from_counts({"customer_first": 3, "numbers_always": 1}, total=4)
NAMES = {item.id: item.name for item in content().rubric.checklist}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def progress(**changes: object) -> MemberProgress:
    values = dict(
        user_id=11, today=date(2026, 11, 23), days_answered=9, streaks=Streaks(4, 6),
        reviews=4, tallies=TALLIES, weakest=weakest_item(TALLIES),
        weakest_tip="Say what fails.", mock_roles={"candidate": 2}, activity={},
        trends=Trends(week_starts(date(2026, 11, 23)), {}, (0,) * 8, (0,) * 8),
    )
    values.update(changes)
    return MemberProgress(**values)  # type: ignore[arg-type]


def test_progress_card_escapes_the_member_name_and_flags_the_weakest_item(
    renderer: Renderer,
) -> None:
    message = renderer.render("progress/progress.md.j2", progress=progress(),
                              member_name="**boss** @everyone", names=NAMES)
    assert message.embed is not None
    assert message.embed.title == "Progress · \\*\\*boss\\*\\* @everyone"
    card = message.as_text()
    assert "streak **4** (longest 6)" in card
    assert "freezes banked: **0**/2 · days saved: **0**" in card
    assert "⚠️ **Failure Planning**: 0% (0/4)" in card
    assert "Say what fails." in card
    assert "Candidate: 2" in card


def test_progress_card_with_freezes_shows_them(renderer: Renderer) -> None:
    card = renderer.render("progress/progress.md.j2", names=NAMES, member_name="m", own=True,
                           progress=progress(streaks=Streaks(9, 9, 2, 1))).as_text()
    assert "freezes banked: **2**/2 · days saved: **1**" in card


def test_progress_card_without_any_data_says_how_to_start(renderer: Renderer) -> None:
    empty = tallies_from_counts({}, 0)
    message = renderer.render(
        "progress/progress.md.j2", names=NAMES, member_name="new", own=True,
        progress=progress(days_answered=0, reviews=0, tallies=empty, weakest=None,
                          weakest_tip=None, mock_roles={}),
    )
    card = message.as_text()
    assert "How to start" in card and "/check" in card and "40+ words" in card
    assert "Checklist hit rate" not in card  # nothing empty is shown


def test_leaderboard_shows_rules_and_an_invoker_outside_the_top(renderer: Renderer) -> None:
    board = rank_members([(user, 100 - user) for user in range(1, 16)], invoker_id=14)
    rules = PointsRules()
    message = renderer.render("progress/leaderboard.md.j2", board=board, period="week",
                              invoker_id=14, rules=rules.describe())
    text = message.as_text()
    assert "1. <@1>: 99 pts" in text and "<@11>" not in text
    assert "#14 with 86 pts (outside the top 10)" in text
    for line in rules.describe():
        assert line in text


def test_drill_explains_why_and_mentions_only_for_reminders(renderer: Renderer) -> None:
    targets = drill_targets(TALLIES)
    choice = choose_prompt(content().roadmap.all_prompts(), targets, (), seed=0)
    drill = Drill(choice, NAMES[targets[0].item], "A tip.", 0)
    quiet = renderer.render("progress/drill.md.j2", drill=drill, mention=False, user_id=0)
    assert quiet.content is None
    assert "your weakest checklist item (0% of your reviews meet it)" in quiet.as_text()
    overdue = drill_targets(TALLIES, due_items=["team_ownership"])
    due = Drill(choose_prompt(content().roadmap.all_prompts(), overdue, (), 0), "Team", "Tip", 3)
    loud = renderer.render("progress/drill.md.j2", drill=due, mention=True, user_id=11)
    assert loud.content == ("<@11> 3 checklist items are due for review. Here is a drill for "
                            "the most overdue one.")
    assert "**Team** is your most overdue checklist item" in loud.as_text()


def test_digest_lists_leaders_most_missed_and_next_week(renderer: Renderer) -> None:
    week = content().roadmap.week(3)
    digest = build_digest(2, Participation(3, 12, 5, 1), {11: 6, 12: 2}, TALLIES,
                          {"failure_planning": "Name the failure."},
                          WeekPreview(3, week.theme, week.must))
    message = renderer.render("progress/digest.md.j2", digest=digest, names=NAMES,
                              marker="[digest 1.2]")
    text = message.as_text()
    assert "**3** members took part: 12 answers, 5 reviews, 1 mock session." in text
    assert "1. <@11>: 6 days" in text
    assert "Tip: Name the failure." in text
    assert f"Week 3: {week.theme}" in text and week.must[0] in text
    assert "No checklist item rose" in text
    better = build_digest(2, Participation(3, 12, 5, 1), {}, TALLIES, {}, None,
                          tallies_from_counts({"customer_first": 1}, total=4))
    text = renderer.render("progress/digest.md.j2", digest=better, names=NAMES,
                           marker="[digest 1.2]").as_text()
    assert f"📈 **{NAMES['customer_first']}**: 25% → 75% of reviews met it." in text
    assert message.embed is not None and "[digest 1.2]" in (message.embed.footer or "")


@pytest.mark.parametrize("enabled", [True, False])
def test_reminder_settings_and_privacy_messages_render(renderer: Renderer, enabled: bool) -> None:
    text = renderer.render("progress/reminders.md.j2", preferences=Preferences(enabled, "dm"),
                           following=None, dms_closed=enabled, due_count=2).as_text()
    assert ("**on**" in text and "by DM" in text) if enabled else "**off**" in text
    assert ("Your DMs are closed" in text) is enabled
    assert "12 rows from 2 tables (a, b)" in renderer.render(
        "progress/privacy_export.md.j2", rows=12, tables=["a", "b"]).as_text()
    assert "nothing stored" in renderer.render(
        "progress/privacy_deleted.md.j2", rows=0, tables=[], cleared=0, handed_on=(),
        wiped=True).as_text()
    handed = renderer.render(
        "progress/privacy_deleted.md.j2", rows=3, tables=["a"], cleared=2, handed_on=(
            HandedOn("host_passed", 7, 8), HandedOn("round_ended", 9), HandedOn("round_ended", None)
        ), wiped=False).as_text()
    assert "overwritten on disk (its last copy leaves" in handed
    assert "Deleted 3 rows about you from 1 table, and cleared your name from 2 rows" in handed
    assert "<#7>: <@8> is its host now" in handed
    assert "in <#9> with nobody else in it: it has ended" in handed
    assert "You hosted the round with nobody else" in handed
    assert "cannot be undone" in renderer.render("progress/privacy_confirm.md.j2").as_text()
