"""Every daily and study template renders for all content within Discord's limits, uncut."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.content import Content, load_content
from bot.daily.cohort import GRADUATION_DAY, must_prompts, plan_for_day
from bot.daily.messages import DailyMessages, post_marker, prompt_variables, status_variables
from bot.daily.models import Attention, PostKind, PostRecord, Schedule
from bot.daily.service import DailyStatus
from bot.render import Renderer
from tests.render_checks import assert_fits

ON = date(2026, 11, 24)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def test_every_roadmap_day_renders_its_post_and_opener(
    content: Content, renderer: Renderer
) -> None:
    messages = DailyMessages(renderer, content)
    lengths = []
    for day in range(1, content.roadmap.TOTAL_DAYS + 1):
        plan = plan_for_day(content.roadmap, day)
        marker = post_marker(day, ON)
        post, opener = messages.post(plan, marker), messages.opener(plan, marker)
        assert_fits(post)
        assert_fits(opener)
        assert post.embed.title.startswith(f"Day {day} · ")
        assert marker in post.embed.footer and marker in opener.content
        # Two hints in the post, the rest in the thread: every hint is shown, spoilered.
        shown = post.embed.description.count("||") + opener.content.count("||")
        assert shown == 2 * len(plan.prompt.hints)
        stressed = next(line for line in post.embed.description.splitlines()
                        if line.startswith("**Stresses:**"))
        assert all(content.rubric.item(i).name in stressed for i in plan.prompt.stresses)
        # The definitions live behind "What counts", not in the public post.
        assert all(content.rubric.item(i).means not in post.as_text()
                   for i in plan.prompt.stresses)
        assert not post.embed.fields
        assert "/check" in opener.content and "Check against checklist" in opener.content
        lengths.append(len(post.as_text()))
    lengths.sort()
    assert lengths[len(lengths) // 2] <= 900, "a phone-sized post: median about 900 characters"
    assert lengths[-1] <= 1200


def test_behavioural_prompts_ask_for_a_star_story_not_numbers(
    content: Content, renderer: Renderer
) -> None:
    messages = DailyMessages(renderer, content)
    behavioural = [p for p in content.roadmap.all_prompts() if p.kind == "behavioral"]
    assert behavioural
    for prompt in behavioural:
        plan = plan_for_day(content.roadmap, prompt.cohort_day)
        opener = messages.opener(plan, "m").content
        assert "STAR story" in opener and "with numbers" not in opener
        assert "STAR story" in messages.post(plan, "m").embed.description
        assert "STAR story" in messages.what_counts(prompt.id).embed.description
    design = next(p for p in content.roadmap.all_prompts() if p.kind == "design")
    assert "with numbers" in messages.opener(plan_for_day(content.roadmap, design.cohort_day),
                                             "m").content


def test_the_ping_mentions_only_the_role_and_what_counts_has_the_definitions(
    content: Content, renderer: Renderer
) -> None:
    messages = DailyMessages(renderer, content)
    plan = plan_for_day(content.roadmap, 1)
    assert messages.post(plan, "m", ping_role_id=42).content == "<@&42>"
    assert messages.post(plan, "m").content is None
    extras = messages.extras(plan, 42)
    assert (extras.ping_role_id, extras.what_counts) == (42, plan.prompt.id)
    counts = messages.what_counts(plan.prompt.id)
    assert_fits(counts)
    for item_id in plan.prompt.stresses:
        assert content.rubric.item(item_id).means in counts.embed.description


def test_graduation_and_two_laps_of_the_review_cycle_render(
    content: Content, renderer: Renderer
) -> None:
    messages = DailyMessages(renderer, content)
    graduation = messages.post(plan_for_day(content.roadmap, GRADUATION_DAY), "m")
    assert_fits(graduation)
    assert str(len(must_prompts(content.roadmap))) in graduation.embed.description
    for day in range(GRADUATION_DAY + 1, GRADUATION_DAY + 1 + 2 * len(must_prompts(
            content.roadmap))):
        plan = plan_for_day(content.roadmap, day)
        post, opener = messages.post(plan, "m"), messages.opener(plan, "m")
        assert_fits(post)
        assert_fits(opener)
        assert plan.angle in post.embed.description and plan.angle in opener.content


def test_every_prompt_renders_for_slash_prompt(content: Content, renderer: Renderer) -> None:
    for prompt in content.roadmap.all_prompts():
        message = renderer.render("study/prompt.md.j2", **prompt_variables(content, prompt),
                                  is_today=prompt.cohort_day == 1)
        assert_fits(message)
        assert prompt.prompt in message.embed.description


@pytest.mark.parametrize("current", [None, *range(1, 13)])
def test_roadmap_renders_with_the_current_week_marked(
    content: Content, renderer: Renderer, current: int | None
) -> None:
    weeks = content.roadmap.weeks
    focus = weeks[(current or 1) - 1]
    message = renderer.render("study/roadmap.md.j2", weeks=weeks, focus=focus,
                              current_week=current, day=(current - 1) * 7 + 3 if current else None)
    assert_fits(message)
    marked = [line for line in message.embed.description.splitlines() if line.startswith("▶")]
    assert marked == ([f"▶ **Week {current}** · {focus.block}: {focus.theme}"] if current else [])
    assert all(item in message.as_text() for item in focus.must)


def test_every_guide_topic_and_question_renders(content: Content, renderer: Renderer) -> None:
    for topic in content.guide_topics():
        assert_fits(renderer.render("study/guide_topic.md.j2", topic=topic))
    for question in content.questions.values():
        message = renderer.render("study/question.md.j2", question=question,
                                  phases=content.rubric.phases)
        assert_fits(message)


def status(schedule: Schedule, day: int, last: PostRecord | None,
           next_post: datetime | None) -> DailyStatus:
    return DailyStatus(schedule, ON, day, None, next_post, last)


SINCE = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
BASE = Schedule(7, 55, time(9, 0), "Europe/London", date(2026, 11, 1))
NEXT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DONE = PostRecord(1, 7, 1, 23, date(2026, 11, 23), PostKind.PROMPT, 55, SINCE, 901, 902, True,
                  SINCE)


def test_status_names_the_problem_channel_and_since_when(renderer: Renderer) -> None:
    flagged = Schedule(**{**{f: getattr(BASE, f) for f in BASE.__slots__},
                          "attention": Attention.MISSING_PERMISSIONS,
                          "attention_detail": "Create Public Threads", "attention_since": SINCE})
    message = renderer.render("daily/status.md.j2",
                              **status_variables(status(flagged, 24, DONE, NEXT)))
    assert_fits(message)
    assert ("missing permission Create Public Threads in <#55> since 2026-11-20"
            in message.embed.description)
    text = message.as_text()
    assert "Wed 25 Nov 2026, 09:00 GMT" in text and "<t:1795597200:F>" in text
    assert "Day 24 of 84 · week 4 of 12" in text
    assert "https://discord.com/channels/7/55/901" in text


@pytest.mark.parametrize(("changes", "day", "expected"), [
    ({"paused_at_day": 9}, 9, "Paused** at day 9"),
    ({"attention": Attention.CHANNEL_GONE, "attention_detail": "gone",
      "attention_since": SINCE}, 30, "the daily channel was deleted (since 2026-11-20)"),
    ({"start_date": date(2026, 12, 1)}, -6, "Starts on 2026-12-01"),
    ({}, 85, "Graduation day"),
    ({}, 120, "review cycle, day 120"),
])
def test_status_in_every_state(renderer: Renderer, changes: dict, day: int, expected: str) -> None:
    schedule = Schedule(**{**{f: getattr(BASE, f) for f in BASE.__slots__}, **changes})
    next_post = None if schedule.stopped else NEXT
    message = renderer.render("daily/status.md.j2",
                              **status_variables(status(schedule, day, None, next_post)))
    assert_fits(message)
    assert expected in message.as_text()


@pytest.mark.parametrize("outcome", ["posted", "already", "failed"])
def test_now_reply_in_every_outcome(renderer: Renderer, outcome: str) -> None:
    message = renderer.render("daily/now.md.j2", outcome=outcome, record=DONE,
                              url="https://discord.com/channels/7/55/901")
    assert_fits(message)
    assert "day 23" in message.content.lower()
