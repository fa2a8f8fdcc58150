"""The answer checker: which success-formula items an answer meets, with quoted
evidence, tips for the ones it misses, and the failure modes it commits.

``Reviewer(rubric).review(text, phase=..., question=...)`` is what the cogs use;
``review(text)`` is the convenience that loads the default content once.
Nothing in this package imports discord.
"""

from __future__ import annotations

from functools import lru_cache

from bot.review.native import use_sources_if_stale

use_sources_if_stale(__name__)  # before any module of the package loads: never an old build

from bot.content import Question, load_content  # noqa: E402
from bot.review.engine import Reviewer, detect  # noqa: E402
from bot.review.model import (  # noqa: E402
    ITEM_IDS,
    LABELS,
    MODE_IDS,
    DeliverableResult,
    FailureModeResult,
    ItemResult,
    Review,
)
from bot.review.text import MAX_CHARS  # noqa: E402

__all__ = [
    "ITEM_IDS",
    "LABELS",
    "MAX_CHARS",
    "MODE_IDS",
    "DeliverableResult",
    "FailureModeResult",
    "ItemResult",
    "Review",
    "Reviewer",
    "default_reviewer",
    "detect",
    "review",
]


@lru_cache(maxsize=1)
def default_reviewer() -> Reviewer:
    """A Reviewer over the default prompts/ content, loaded on first use only."""
    content = load_content()
    return Reviewer(content.rubric, content.questions)


def review(
    text: str,
    phase: str | None = None,
    question: str | Question | None = None,
    prompt: str | None = None,
) -> Review:
    """Review one answer with the default content (tips, names, deliverables)."""
    return default_reviewer().review(text, phase=phase, question=question, prompt=prompt)
