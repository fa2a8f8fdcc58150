"""Load prompts/*.yaml into one validated ``Content``, or say everything that is wrong.

The bot loads content once at startup and refuses to start on a broken copy: a typo in
an operator's ``CONTENT_DIR`` should fail loudly with every problem listed, not post a
half-empty prompt to a study channel three weeks later.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import yaml

from bot.content._guide import parse_guide
from bot.content._questions import parse_questions
from bot.content._reader import Problems
from bot.content._review import parse_review_dir
from bot.content._roadmap import parse_roadmap
from bot.content._rubric import parse_rubric
from bot.content.guide import Guide, GuideTopic
from bot.content.model import PRINCIPLE_IDS, Question, Roadmap, Rubric
from bot.content.topics import all_topics, unknown_alias_targets

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent.parent / "prompts"
FILES = ("rubric.yaml", "questions.yaml", "roadmap.yaml", "guide.yaml")

_Parsed = TypeVar("_Parsed")
# The C loader has the same safe semantics as yaml.safe_load and parses ~10x faster.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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

    def questions_matching(self, typed: str, limit: int = 25) -> list[Question]:
        """Questions whose id or title contains ``typed``, by title: what a question
        option's autocomplete offers (Discord shows at most 25)."""
        needle = typed.strip().lower()
        found = [q for q in self.questions.values() if needle in q.id or needle in q.title.lower()]
        return sorted(found, key=lambda q: q.title)[:limit]

    def guide_topics(self) -> list[GuideTopic]:
        """Every ``/guide`` topic: guide.yaml's entries, the rubric's tables, one per
        leadership principle and per interview phase (built once: autocomplete asks often)."""
        return list(self._guide_topics)

    @cached_property
    def _guide_topics(self) -> tuple[GuideTopic, ...]:
        return tuple(all_topics(self.guide, self.rubric, self.roadmap))


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
    problems = {name: Problems(name) for name in FILES}
    raw = {name: _read_yaml(directory / name, problems[name]) for name in FILES}
    # A file that cannot be read is reported once, not once per missing field.
    readable = {name: raw[name] for name in FILES if not problems[name].messages}

    def parse(name: str, parser: Callable[[object, Problems], _Parsed]) -> _Parsed | None:
        return parser(readable[name], problems[name]) if name in readable else None

    rubric = parse("rubric.yaml", parse_rubric)
    # A broken rubric should not also flood every question with "unknown principle".
    principles = set(PRINCIPLE_IDS) | ({p.id for p in rubric.principles} if rubric else set())
    questions = parse("questions.yaml", lambda d, p: parse_questions(d, p, principles))
    question_ids: Collection[str] = questions if questions is not None else _Unchecked()
    roadmap = parse("roadmap.yaml", lambda d, p: parse_roadmap(d, p, principles, question_ids))
    guide = parse("guide.yaml", lambda d, p: parse_guide(d, p, question_ids))
    # The answer checker's rules (prompts/review/*.yaml): a copy of prompts/ without its own
    # review/ folder uses the shipped one, which is validated either way.
    review = directory / "review" if (directory / "review").is_dir() else DEFAULT_DIRECTORY / "review"
    review_problems = Problems("review")
    parse_review_dir(review, review_problems)
    found = [message for name in FILES for message in problems[name].messages]
    found += review_problems.messages
    if found or rubric is None or questions is None or roadmap is None or guide is None:
        return None, found
    content = Content(roadmap=roadmap, questions=questions, rubric=rubric, guide=guide)
    unknown = unknown_alias_targets(content.guide_topics(), guide)
    if unknown:
        return None, [f"guide.yaml: {problem}" for problem in unknown]
    return content, []


class _Unchecked(Collection[str]):
    """Stands in for the ids of a file that could not be read: every reference passes.

    The unreadable file is already reported; flagging every reference to it as unknown
    would bury that one real problem under dozens of consequences.
    """

    def __contains__(self, item: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _read_yaml(path: Path, problems: Problems) -> object:
    """The parsed file, or None with the reason recorded when it is missing or not YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        problems.add("", f"cannot read {path}: {error.strerror or error}")
        return None
    except UnicodeDecodeError as error:
        problems.add("", f"{path} is not valid UTF-8 (byte {error.start})")
        return None
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        problems.add("", f"not valid YAML: {error}")
        return None
