"""Parse and validate guide.yaml: everything in the study guide not in the other files."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeVar

from bot.content._reader import Entry, Problems, check_ids
from bot.content.guide import (
    ComparisonRow,
    Concept,
    Diagram,
    Guide,
    InternalTool,
    InterviewRound,
    Pattern,
    QuestionCategory,
    QuickReference,
    RoadmapTopic,
    Technology,
    Tenet,
)

_Row = TypeVar("_Row")


def parse_guide(data: object, problems: Problems, questions: Collection[str]) -> Guide:
    """``questions`` are the ids questions.yaml defines, for category cross references."""
    root = Entry(data, "", problems)
    guide = Guide(
        quick_reference=_quick_reference(root.child("quick_reference")),
        comparison=_rows(root, "comparison", "aspect", _comparison, label_key="aspect"),
        concepts=_rows(root, "concepts", "concept", _concept),
        patterns=_rows(root, "patterns", "pattern", _pattern),
        technologies=_rows(root, "technologies", "technology", _technology),
        question_categories=_rows(
            root,
            "question_categories",
            "category",
            lambda entry: _category(entry, questions),
            label_key="name",
        ),
        interview_loop=_rows(root, "interview_loop", "round", _round, label_key="name"),
        equation=root.text("equation"),
        day_one=_rows(root, "day_one", "tenet", _tenet, label_key="name"),
        internal_stack=_rows(root, "internal_stack", "tool", _tool, label_key="internal", minimum=0),
        diagrams=_rows(root, "diagrams", "diagram", _diagram, minimum=0),
        roadmap_topics=_rows(root, "roadmap_topics", "roadmap topic", _roadmap_topic, minimum=0),
        topic_aliases=_aliases(root),
    )
    root.finish()
    check_ids(problems, "guide", "topic id", [topic.id for topic in guide.topics()])
    return guide


def _rows(
    root: Entry,
    key: str,
    noun: str,
    parse_one: Callable[[Entry], _Row],
    *,
    label_key: str = "id",
    minimum: int = 1,
) -> tuple[_Row, ...]:
    rows = []
    for entry in root.entries(key, noun, minimum=minimum, label_key=label_key):
        rows.append(parse_one(entry))
        entry.finish()
    return tuple(rows)


def _quick_reference(entry: Entry) -> QuickReference:
    quick = QuickReference(
        focus=entry.text("focus"),
        unique=entry.text("unique"),
        scale=entry.text("scale"),
        mindset=entry.text("mindset"),
    )
    entry.finish()
    return quick


def _comparison(entry: Entry) -> ComparisonRow:
    return ComparisonRow(
        aspect=entry.title("aspect"),
        amazon=entry.text("amazon"),
        google_meta=entry.text("google_meta"),
        microsoft=entry.text("microsoft"),
    )


def _concept(entry: Entry) -> Concept:
    return Concept(
        id=entry.ident("id"),
        name=entry.title("name"),
        implementation=entry.texts("implementation"),
        anti_pattern=entry.text("anti_pattern"),
        detail=entry.text("detail"),
    )


def _pattern(entry: Entry) -> Pattern:
    return Pattern(
        id=entry.ident("id"),
        name=entry.title("name"),
        when=entry.text("when"),
        example=entry.text("example"),
        benefit=entry.text("benefit"),
        detail=entry.text("detail"),
        benefits=entry.texts("benefits", minimum=0),
    )


def _technology(entry: Entry) -> Technology:
    return Technology(
        id=entry.ident("id"),
        name=entry.title("name"),
        use_case=entry.text("use_case"),
        scale=entry.text("scale"),
        strength=entry.text("strength"),
        weakness=entry.text("weakness"),
        detail=entry.optional_text("detail"),
    )


def _category(entry: Entry, questions: Collection[str]) -> QuestionCategory:
    return QuestionCategory(
        name=entry.title("name"),
        examples=entry.texts("examples"),
        challenges=entry.text("challenges"),
        leadership_focus=entry.texts("leadership_focus"),
        questions=entry.refs("questions", questions, "question"),
    )


def _round(entry: Entry) -> InterviewRound:
    return InterviewRound(
        stage=entry.title("stage"),
        name=entry.title("name"),
        minutes=entry.text("minutes", limit=20),
        detail=entry.text("detail"),
    )


def _tenet(entry: Entry) -> Tenet:
    return Tenet(name=entry.title("name"), text=entry.text("text"))


def _tool(entry: Entry) -> InternalTool:
    return InternalTool(
        internal=entry.title("internal"),
        capability=entry.text("capability"),
        aws=entry.text("aws"),
    )


def _diagram(entry: Entry) -> Diagram:
    return Diagram(id=entry.ident("id"), name=entry.title("name"), lines=entry.texts("lines"))


def _roadmap_topic(entry: Entry) -> RoadmapTopic:
    return RoadmapTopic(
        id=entry.ident("id"),
        name=entry.title("name"),
        covers=entry.texts("covers", minimum=0),
        aliases=entry.texts("aliases", minimum=0),
        lines=entry.texts("lines"),
        beyond=entry.text("beyond"),
    )


def _aliases(root: Entry) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``topic_aliases: {topic id: [names]}``; ids are checked against every topic later."""
    raw = root.raw("topic_aliases", required=False) or {}
    if not isinstance(raw, dict):
        root.problem("topic_aliases", "must be a mapping of topic id to a list of names")
        return ()
    found = []
    for topic_id, names in raw.items():
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            root.problem(f"topic_aliases.{topic_id}", "must be a list of non-empty names")
            continue
        found.append((str(topic_id), tuple(n.strip() for n in names)))
    return tuple(found)
