"""``python -m bot preview`` prints what the bot would post, through the real CLI parser."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.cli import build_parser
from bot.content import load_content
from bot.daily.cohort import plan_for_day
from bot.daily.messages import DailyMessages, post_marker
from bot.render import Renderer


def preview(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    args = build_parser(("bot.daily.preview",)).parse_args(["preview", *argv])
    code = args.func(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def no_env_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where no .env can leak settings in; CONTENT_DIR unset means the shipped prompts/."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONTENT_DIR", raising=False)


def test_a_day_prints_the_post_thread_and_opener_exactly(capsys) -> None:
    code, out, _ = preview(capsys, "--week", "2", "--day", "3")
    content = load_content()
    plan = plan_for_day(content.roadmap, 10)
    messages = DailyMessages(Renderer(), content)
    marker = post_marker(10, datetime.now(UTC).date())
    assert code == 0
    assert out.startswith(messages.post(plan, marker).as_text())
    assert f"--- thread: {plan.thread_name} ---" in out
    assert out.endswith(messages.opener(plan, marker).as_text())


def test_a_question_prints_the_mock_brief(capsys) -> None:
    code, out, _ = preview(capsys, "--question", "twitch")
    question = load_content().question("twitch")
    assert code == 0
    assert out.startswith(f"# 📋 {question.title}")
    assert question.brief in out
    assert all(line in out for line in question.scale)


def test_list_names_every_prompt_and_question(capsys) -> None:
    code, out, _ = preview(capsys, "--list")
    content = load_content()
    assert code == 0
    assert all(p.id in out for p in content.roadmap.all_prompts())
    assert all(q in out for q in content.questions)


@pytest.mark.parametrize(("argv", "message"), [
    (("--week", "13"), "no roadmap day week 13, day 1: weeks are 1-12, days 1-7"),
    (("--week", "1", "--day", "8"), "no roadmap day week 1, day 8: weeks are 1-12, days 1-7"),
    (("--question", "nope"), "no question 'nope'; --list shows the ids"),
])
def test_unknown_targets_exit_1_with_a_clear_line(capsys, argv, message) -> None:
    code, out, err = preview(capsys, *argv)
    assert (code, out) == (1, "")
    assert err.strip() == f"error: {message}"


def test_the_preview_shows_the_short_post_its_buttons_and_what_counts(capsys) -> None:
    code, out, _ = preview(capsys, "--week", "1", "--day", "1")
    post, _, rest = out.partition("[📋 What counts]")
    assert code == 0 and rest, "the buttons are listed under the post"
    assert "🔔 Subscribe / Unsubscribe" in rest.splitlines()[0]
    assert "--- What counts (shown only to whoever presses it) ---" in rest
    content = load_content()
    means = content.rubric.item(content.roadmap.prompt(1, 1).stresses[0]).means
    assert means not in post and means in rest  # definitions only behind the button
