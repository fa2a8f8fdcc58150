"""guide.yaml's model: the rest of the study guide, flattened into topics for ``/guide``.

Each section keeps its own typed shape (so a template can lay out the comparison table
or a technology's trade-offs properly), and ``Guide.topics()`` flattens everything into
``GuideTopic`` entries so one command can list and show every part of the guide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.model import Rubric


@dataclass(frozen=True)
class GuideTopic:
    """One entry ``/guide topic:`` can list and show."""

    id: str
    name: str
    kind: str
    lines: tuple[str, ...]
    aliases: tuple[str, ...] = ()  # other names members type: "cap", "kafka", "ops"


@dataclass(frozen=True)
class RoadmapTopic:
    """A roadmap topic (week N's Must/Should/Nice) told from what the guide says about it.

    ``covers`` are the roadmap's own names for it; ``beyond`` says where the guide
    has nothing more, so a member knows the entry is all the guide offers.
    """

    id: str
    name: str
    covers: tuple[str, ...]
    aliases: tuple[str, ...]
    lines: tuple[str, ...]
    beyond: str


@dataclass(frozen=True)
class QuickReference:
    focus: str
    unique: str
    scale: str
    mindset: str


@dataclass(frozen=True)
class ComparisonRow:
    """One aspect of "Amazon vs other tech companies"."""

    aspect: str
    amazon: str
    google_meta: str
    microsoft: str


@dataclass(frozen=True)
class Concept:
    """One idea of "The Amazon Difference", how it shows in a design, and its anti-pattern."""

    id: str
    name: str
    implementation: tuple[str, ...]
    anti_pattern: str
    detail: str


@dataclass(frozen=True)
class Pattern:
    """An architecture pattern from the pattern selection guide."""

    id: str
    name: str
    when: str
    example: str
    benefit: str
    detail: str
    benefits: tuple[str, ...] = ()


@dataclass(frozen=True)
class Technology:
    """An AWS building block with its scale and trade-offs."""

    id: str
    name: str
    use_case: str
    scale: str
    strength: str
    weakness: str
    detail: str | None = None


@dataclass(frozen=True)
class QuestionCategory:
    """A family of interview questions and the leadership principles it probes."""

    name: str
    examples: tuple[str, ...]
    challenges: str
    leadership_focus: tuple[str, ...]
    questions: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return slug(self.name)


@dataclass(frozen=True)
class InterviewRound:
    """A round of the phone screen or onsite loop."""

    stage: str
    name: str
    minutes: str
    detail: str


@dataclass(frozen=True)
class Tenet:
    """A named line of "It's Always Day 1"."""

    name: str
    text: str


@dataclass(frozen=True)
class InternalTool:
    """An Amazon-internal tool and the AWS service that plays its part outside."""

    internal: str
    capability: str
    aws: str


@dataclass(frozen=True)
class Diagram:
    """One of the guide's diagrams told as text lines (Discord cannot render mermaid)."""

    id: str
    name: str
    lines: tuple[str, ...]


def slug(name: str) -> str:
    """``"E-Commerce"`` -> ``"e_commerce"``: a stable topic id for entries without one."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@dataclass(frozen=True)
class Guide:
    quick_reference: QuickReference
    comparison: tuple[ComparisonRow, ...]
    concepts: tuple[Concept, ...]
    patterns: tuple[Pattern, ...]
    technologies: tuple[Technology, ...]
    question_categories: tuple[QuestionCategory, ...]
    interview_loop: tuple[InterviewRound, ...]
    equation: str
    day_one: tuple[Tenet, ...]
    internal_stack: tuple[InternalTool, ...] = ()
    diagrams: tuple[Diagram, ...] = ()
    roadmap_topics: tuple[RoadmapTopic, ...] = ()
    topic_aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (topic id, aliases)

    def topics(self) -> list[GuideTopic]:
        """Every entry of the guide, in reading order."""
        quick = self.quick_reference
        return [
            GuideTopic(
                "quick_reference",
                "Quick Reference",
                "reference",
                (
                    f"Focus: {quick.focus}",
                    f"Unique: {quick.unique}",
                    f"Scale: {quick.scale}",
                    f"Mindset: {quick.mindset}",
                ),
            ),
            GuideTopic(
                "comparison",
                "Amazon vs Other Tech Companies",
                "comparison",
                tuple(
                    f"{row.aspect}: Amazon: {row.amazon} | Google/Meta: {row.google_meta} | "
                    f"Microsoft: {row.microsoft}"
                    for row in self.comparison
                ),
            ),
            *(_concept_topic(concept) for concept in self.concepts),
            *(_pattern_topic(pattern) for pattern in self.patterns),
            *(_technology_topic(technology) for technology in self.technologies),
            *(_category_topic(category) for category in self.question_categories),
            GuideTopic(
                "interview_loop",
                "Interview Process",
                "process",
                tuple(f"{r.stage}: {r.name} ({r.minutes} min): {r.detail}" for r in self.interview_loop),
            ),
            *self._optional_topics(),
            GuideTopic("equation", "The Amazon System Design Equation", "reference", (self.equation,)),
            GuideTopic(
                "day_one",
                "It's Always Day 1",
                "reference",
                tuple(f"{tenet.name}: {tenet.text}" for tenet in self.day_one),
            ),
        ]

    def _optional_topics(self) -> list[GuideTopic]:
        topics = [GuideTopic(t.id, t.name, "roadmap", (*t.lines, f"Beyond the guide: {t.beyond}"),
                             (*t.covers, *t.aliases))
                  for t in self.roadmap_topics]
        topics += [GuideTopic(d.id, d.name, "diagram", d.lines) for d in self.diagrams]
        if self.internal_stack:
            lines = tuple(f"{t.internal} ({t.capability}) -> AWS: {t.aws}" for t in self.internal_stack)
            topics.append(GuideTopic("internal_stack", "Amazon Internal Stack", "reference", lines))
        return topics


def _concept_topic(concept: Concept) -> GuideTopic:
    lines = (
        *(f"• {step}" for step in concept.implementation),
        f'Anti-pattern: "{concept.anti_pattern}"',
        concept.detail,
    )
    return GuideTopic(concept.id, concept.name, "concept", lines)


def _pattern_topic(pattern: Pattern) -> GuideTopic:
    lines = (
        f"When to use: {pattern.when}",
        f"Amazon example: {pattern.example}",
        f"Key benefit: {pattern.benefit}",
        *(f"• {benefit}" for benefit in pattern.benefits),
        pattern.detail,
    )
    return GuideTopic(pattern.id, pattern.name, "pattern", lines)


def _technology_topic(tech: Technology) -> GuideTopic:
    lines = [
        f"Use case: {tech.use_case}",
        f"Scale: {tech.scale}",
        f"✅ {tech.strength}",
        f"❌ {tech.weakness}",
    ]
    if tech.detail:
        lines.append(tech.detail)
    return GuideTopic(tech.id, tech.name, "technology", tuple(lines))


def _category_topic(category: QuestionCategory) -> GuideTopic:
    lines = (
        f"Example questions: {', '.join(category.examples)}",
        f"Key challenges: {category.challenges}",
        f"Leadership focus: {', '.join(category.leadership_focus)}",
    )
    return GuideTopic(category.id, category.name, "category", lines)


def rubric_topics(rubric: Rubric) -> list[GuideTopic]:
    """The guide's tables that live in rubric.yaml, as topics for the same ``/guide`` list."""
    return [
        GuideTopic(
            "success_formula",
            "Success Formula",
            "rubric",
            tuple(f'{item.name}: "{item.example}"' for item in rubric.checklist),
        ),
        GuideTopic(
            "failure_modes",
            "Common Failure Modes",
            "rubric",
            tuple(f'"{m.mistake}" fails: {m.why}. Do instead: {m.instead}' for m in rubric.failure_modes),
        ),
        GuideTopic(
            "round_breakdown",
            "System Design Round Breakdown",
            "rubric",
            tuple(
                f"{p.name} ({p.time_box}): {', '.join(p.focus)}; deliver "
                f"{', '.join(d.name for d in p.deliverables)}"
                for p in rubric.phases
            ),
        ),
        GuideTopic(
            "leadership_principles",
            "Leadership Principles -> System Design",
            "rubric",
            tuple(f"{p.name}: {p.application}. Ask: {' '.join(p.key_questions)}" for p in rubric.principles),
        ),
    ]
