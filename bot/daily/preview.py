"""``python -m bot preview``: proof-read posts in a terminal, exactly as the bot sends them.

    python -m bot preview --week 3 --day 2     # the daily post, its thread name and opener
    python -m bot preview --question twitch    # a mock-interview brief
    python -m bot preview --list               # every prompt and question id

It reads the same content and templates as the bot (``CONTENT_DIR`` included)
and renders through the same ``DailyMessages``, so what an organiser reads here
is what the group gets.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from bot.config import load_settings
from bot.content import Content, ContentError, load_content
from bot.daily.cohort import DAYS_PER_WEEK, plan_for_day
from bot.daily.messages import (
    SUBSCRIBE_LABEL,
    WHAT_COUNTS_LABEL,
    DailyMessages,
    post_marker,
)
from bot.render import TEMPLATES_DIR, Renderer

EXIT_OK, EXIT_PROBLEM = 0, 1
MOCK_BRIEF = "mock/brief.md.j2"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "preview", help="print a daily prompt or question exactly as the bot would post it"
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--week", type=int, help="roadmap week, 1-12 (with --day)")
    what.add_argument("--question", metavar="ID", help="a question id from questions.yaml")
    what.add_argument("--list", action="store_true", help="list prompt and question ids")
    parser.add_argument("--day", type=int, default=1, help="day of the week, 1-7 (default 1)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(os.environ, env_file=Path(".env"), require_token=False)
    try:
        content = load_content(settings.content_dir)
    except ContentError as error:
        print(f"error: content does not validate:\n{error}", file=sys.stderr)
        return EXIT_PROBLEM
    templates = settings.content_dir / "templates" if settings.content_dir else TEMPLATES_DIR
    renderer = Renderer(templates)
    try:
        if args.list:
            text = list_ids(content)
        elif args.question:
            text = render_question(content, renderer, args.question)
        else:
            text = render_day(content, renderer, args.week, args.day, datetime.now(UTC).date())
    except LookupError as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return EXIT_PROBLEM
    print(text, end="")
    return EXIT_OK


def render_day(content: Content, renderer: Renderer, week: int, day: int, on: date) -> str:
    """The post, then the thread it opens and the opener inside it."""
    if not (1 <= week <= len(content.roadmap.weeks) and 1 <= day <= DAYS_PER_WEEK):
        raise LookupError(f"no roadmap day week {week}, day {day}: weeks are 1-12, days 1-7")
    cohort_day = (week - 1) * DAYS_PER_WEEK + day
    plan = plan_for_day(content.roadmap, cohort_day)
    assert plan is not None  # noqa: S101 - cohort_day >= 1 by the check above
    messages, marker = DailyMessages(renderer, content), post_marker(cohort_day, on)
    opener = messages.opener(plan, marker).as_text()
    post = (f"{messages.post(plan, marker).as_text()}\n"
            f"[📋 {WHAT_COUNTS_LABEL}]  [🔔 {SUBSCRIBE_LABEL}] (the bell only with a ping role)\n")
    counts = ""
    if plan.prompt is not None:
        counts = (f"\n--- {WHAT_COUNTS_LABEL} (shown only to whoever presses it) ---\n\n"
                  f"{messages.what_counts(plan.prompt.id).as_text()}")
    return f"{post}{counts}\n--- thread: {plan.thread_name} ---\n\n{opener}"


def render_question(content: Content, renderer: Renderer, question_id: str) -> str:
    """The mock round's brief when the mock feature ships its template, else ours."""
    try:
        question = content.question(question_id)
    except KeyError:
        raise LookupError(f"no question {question_id!r}; --list shows the ids") from None
    phases = content.rubric.phases
    if (renderer.templates_dir / MOCK_BRIEF).exists():
        minutes = [phase.max_minutes for phase in phases]
        message = renderer.render(MOCK_BRIEF, question=question, phases=phases,
                                  minutes=minutes, session_id="preview")
    else:
        message = renderer.render("study/question.md.j2", question=question, phases=phases)
    return message.as_text()


def list_ids(content: Content) -> str:
    lines = ["Daily prompts (--week W --day D):"]
    lines += [f"  w{p.week:02d} d{p.day}  {p.id}  {p.title}" for p in content.roadmap.all_prompts()]
    lines += ["", "Questions (--question ID):"]
    lines += [f"  {q.id}  {q.title} ({q.category})" for q in content.questions.values()]
    return "\n".join(lines) + "\n"
