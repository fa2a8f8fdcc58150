"""Parse and validate questions.yaml: the full design questions behind designs and mocks."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType

from bot.content._reader import Entry, Problems, check_ids
from bot.content.model import CATEGORIES, PHASE_IDS, Question

MIN_QUESTIONS = 24
MIN_PROBES, MAX_PROBES = 2, 4


def parse_questions(data: object, problems: Problems, principles: Collection[str]) -> Mapping[str, Question]:
    """Questions keyed by id, in file order; ``principles`` are the ids rubric.yaml defines."""
    root = Entry(data, "", problems)
    parsed = [_question(entry, principles) for entry in root.entries("questions", "question")]
    root.finish()
    if 0 < len(parsed) < MIN_QUESTIONS:
        problems.add("questions", f"needs at least {MIN_QUESTIONS} questions, got {len(parsed)}")
    check_ids(problems, "questions", "question", [question.id for question in parsed])
    return MappingProxyType({question.id: question for question in parsed})


def _question(entry: Entry, principles: Collection[str]) -> Question:
    question = Question(
        id=entry.ident("id"),
        title=entry.title("title"),
        category=entry.choice("category", CATEGORIES),
        from_guide=entry.flag("from_guide"),
        brief=entry.text("brief"),
        scale=entry.texts("scale"),
        functional=entry.texts("functional"),
        non_functional=entry.texts("non_functional"),
        principles=entry.refs("principles", principles, "principle", minimum=1),
        probes=_probes(entry),
    )
    entry.finish()
    return question


def _probes(entry: Entry) -> MappingProxyType[str, tuple[str, ...]]:
    """Interviewer follow-ups for every phase of the round, 2-4 each."""
    if not entry.has("probes"):
        entry.raw("probes")  # reports it missing once, not once per phase
        return MappingProxyType({})
    probes = entry.child("probes")
    by_phase = {phase: probes.texts(phase, minimum=MIN_PROBES, maximum=MAX_PROBES) for phase in PHASE_IDS}
    probes.finish()
    return MappingProxyType(by_phase)
