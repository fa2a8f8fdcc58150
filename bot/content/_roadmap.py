"""Parse and validate roadmap.yaml: twelve weeks of seven daily prompts."""

from __future__ import annotations

from collections.abc import Collection

from bot.content._reader import SLUG_PATTERN, Entry, Problems, check_ids
from bot.content.model import (
    BLOCKS,
    CHECKLIST_IDS,
    DAYS_PER_WEEK,
    PROMPT_KINDS,
    TIERS,
    WEEKS,
    DailyPrompt,
    Roadmap,
    Week,
)

MIN_HINTS, MAX_HINTS = 2, 4


class _Known:
    """The ids other files define, which roadmap prompts may reference."""

    def __init__(self, principles: Collection[str], questions: Collection[str]) -> None:
        self.principles = principles
        self.questions = questions


def parse_roadmap(
    data: object,
    problems: Problems,
    principles: Collection[str],
    questions: Collection[str],
) -> Roadmap:
    root = Entry(data, "", problems)
    known = _Known(principles, questions)
    week_entries = root.entries("weeks", "week", minimum=WEEKS, maximum=WEEKS, label_key="week")
    weeks = tuple(_week(entry, position, known) for position, entry in enumerate(week_entries, 1))
    root.finish()
    prompt_ids = [prompt.id for week in weeks for prompt in week.prompts]
    check_ids(problems, "weeks", "prompt id", prompt_ids)
    return Roadmap(weeks=weeks)


def _week(entry: Entry, position: int, known: _Known) -> Week:
    number = entry.integer("week", 1, WEEKS)
    if number != position:
        entry.problem("week", f"weeks go 1-{WEEKS} in order: expected {position}, got {number}")
    prompt_entries = entry.entries(
        "prompts", "day", minimum=DAYS_PER_WEEK, maximum=DAYS_PER_WEEK, label_key="day"
    )
    week = Week(
        number=position,
        block=entry.choice("block", BLOCKS),
        theme=entry.title("theme"),
        summary=entry.text("summary"),
        must=entry.texts("must"),
        should=entry.texts("should", minimum=0),
        nice=entry.texts("nice", minimum=0),
        prompts=tuple(_prompt(prompt, position, day, known) for day, prompt in enumerate(prompt_entries, 1)),
    )
    entry.finish()
    return week


def _prompt(entry: Entry, week: int, position: int, known: _Known) -> DailyPrompt:
    day = entry.integer("day", 1, DAYS_PER_WEEK)
    if 1 <= day <= DAYS_PER_WEEK and day != position:
        entry.problem("day", f"days must go 1-{DAYS_PER_WEEK} in order: expected {position}")
    question = entry.optional_text("question")
    if question is not None and question not in known.questions:
        entry.problem("question", f"unknown question {question!r}")
    prompt = DailyPrompt(
        id=entry.ident("id", SLUG_PATTERN),
        week=week,
        day=position,
        tier=entry.choice("tier", TIERS),
        kind=entry.choice("kind", PROMPT_KINDS),
        topic=entry.title("topic"),
        title=entry.title("title"),
        prompt=entry.text("prompt"),
        hints=entry.texts("hints", minimum=MIN_HINTS, maximum=MAX_HINTS),
        probes=entry.texts("probes", minimum=MIN_HINTS, maximum=MAX_HINTS),
        principles=entry.refs("principles", known.principles, "principle"),
        stresses=entry.refs("stresses", CHECKLIST_IDS, "checklist item"),
        question=question,
    )
    entry.finish()
    return prompt
