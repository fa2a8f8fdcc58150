"""Load prompts/*.yaml into one validated ``Content``, or say everything that is wrong.

The bot loads content once at startup and refuses to start on a broken copy: a typo in
an operator's ``CONTENT_DIR`` should fail loudly with every problem listed, not post a
half-empty prompt to a study channel three weeks later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.content._guide import parse_guide
from bot.content._questions import parse_questions
from bot.content._reader import Problems
from bot.content._roadmap import parse_roadmap
from bot.content._rubric import parse_rubric
from bot.content.guide import Guide, GuideTopic, rubric_topics
from bot.content.model import PRINCIPLE_IDS, Question, Roadmap, Rubric

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent.parent / "prompts"
FILES = ("rubric.yaml", "questions.yaml", "roadmap.yaml", "guide.yaml")


class ContentError(Exception):
    """The content files are invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Content:
    """All study content, validated and cross-referenced."""

    roadmap: Roadmap
    questions: Mapping[str, Question]
    rubric: Rubric
    guide: Guide

    def question(self, question_id: str) -> Question:
        """The question with this id; KeyError if there is none."""
        return self.questions[question_id]

    def guide_topics(self) -> list[GuideTopic]:
        """Every ``/guide`` topic: guide.yaml's entries plus the tables kept in rubric.yaml."""
        return [*self.guide.topics(), *rubric_topics(self.rubric)]


def load_content(directory: Path | None = None) -> Content:
    """Parse and validate the four content files; raise ContentError listing every problem."""
    content, problems = _load(directory or DEFAULT_DIRECTORY)
    if problems or content is None:
        raise ContentError(problems)
    return content


def validate_content_dir(path: Path) -> list[str]:
    """Every problem in a content directory (empty when it is fine), for ``bot doctor``."""
    return _load(path)[1]


def _load(directory: Path) -> tuple[Content | None, list[str]]:
    data: dict[str, object] = {}
    problems: dict[str, Problems] = {name: Problems(name) for name in FILES}
    for name in FILES:
        data[name] = _read_yaml(directory / name, problems[name])
    rubric = parse_rubric(data["rubric.yaml"], problems["rubric.yaml"])
    # A broken rubric should not also flood every question with "unknown principle".
    principles = {p.id for p in rubric.principles} | set(PRINCIPLE_IDS)
    questions = parse_questions(data["questions.yaml"], problems["questions.yaml"], principles)
    roadmap = parse_roadmap(data["roadmap.yaml"], problems["roadmap.yaml"], principles, questions)
    guide = parse_guide(data["guide.yaml"], problems["guide.yaml"], questions)
    found = [message for name in FILES for message in problems[name].messages]
    content = Content(roadmap=roadmap, questions=questions, rubric=rubric, guide=guide)
    return (None if found else content), found


def _read_yaml(path: Path, problems: Problems) -> object:
    """The parsed file, or None with the reason recorded when it is missing or not YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        problems.add("", f"cannot read {path}: {error.strerror or error}")
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        problems.add("", f"not valid YAML: {error}")
        return None
