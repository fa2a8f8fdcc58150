"""Every ``/guide`` topic in one list, and the check that the roadmap's topics all have one.

guide.yaml's sections, the tables kept in rubric.yaml, one topic per leadership
principle and per interview phase (from the rubric, which is the guide's matrix and
round breakdown), plus the aliases members type. ``roadmap_coverage_problems`` makes
content validation fail when a week names a topic that ``/guide`` cannot show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.content.guide import Guide, GuideTopic, rubric_topics
from bot.content.model import Roadmap, Rubric

PRACTISE_LIMIT = 4


def fold(name: str) -> str:
    """"Two-Pizza Teams", "two pizza teams" and "two_pizza_teams" are one name."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.casefold()).split())


def all_topics(guide: Guide, rubric: Rubric, roadmap: Roadmap) -> list[GuideTopic]:
    """Guide entries, rubric tables, one per principle and phase; aliases and practice added."""
    topics = [*guide.topics(), *rubric_topics(rubric), *principle_topics(rubric, guide),
              *phase_topics(rubric)]
    extra = dict(guide.topic_aliases)
    return [_with_practice(_with_aliases(topic, extra.get(topic.id, ())), roadmap)
            for topic in topics]


def principle_topics(rubric: Rubric, guide: Guide) -> list[GuideTopic]:
    """A leadership principle as the guide's matrix applies it to a design."""
    tenets = {fold(t.name): t.text for t in guide.day_one}
    categories = guide.question_categories
    topics = []
    for principle in rubric.principles:
        lines = [f"In a design: {principle.application}.",
                 f"Key questions: {' '.join(principle.key_questions)}"]
        if fold(principle.name) in tenets:
            lines.append(f"It's Always Day 1: {tenets[fold(principle.name)]}")
        asked = [c.name for c in categories
                 if fold(principle.name) in {fold(f) for f in c.leadership_focus}]
        if asked:
            lines.append(f"Question categories that probe it: {', '.join(asked)}.")
        lines.append(f"Beyond the guide: it has nothing more on {principle.name} than this row "
                     "of its Leadership Principles matrix; tell your own story in STAR form.")
        topics.append(GuideTopic(f"lp_{principle.id}", principle.name, "principle", tuple(lines),
                                 (f"LP {principle.name}", principle.id.replace("_", " "))))
    return topics


def phase_topics(rubric: Rubric) -> list[GuideTopic]:
    """An interview phase: its time box, focus and deliverables from the round breakdown."""
    return [
        GuideTopic(
            f"phase_{phase.id}",
            f"Phase {number}: {phase.name}",
            "phase",
            (f"Time box: {phase.time_box} of the 45-60 minute design round.",
             f"Focus: {', '.join(phase.focus)}.",
             f"Deliverables: {', '.join(d.name for d in phase.deliverables)}.",
             "Beyond the guide: the round breakdown table is all it says about this phase; "
             "/mock start paces the phases with timers."),
            (phase.name, "phase", "interview phase", phase.id.replace("_", " ")),
        )
        for number, phase in enumerate(rubric.phases, start=1)
    ]


def roadmap_topic_names(roadmap: Roadmap) -> list[str]:
    """Every topic name the roadmap's weeks list (Must, Should, Nice), first mention first."""
    names: dict[str, None] = {}
    for week in roadmap.weeks:
        for name in (*week.must, *week.should, *week.nice):
            names.setdefault(name, None)
    return list(names)


def find_topic(topics: Sequence[GuideTopic], name: str) -> GuideTopic | None:
    """The topic whose id, else name, else alias is ``name`` (folded), or None.

    Ids and names win over aliases, so an alias can never hide another entry.
    """
    wanted = fold(name)
    for rank in ("id", "name", "aliases"):
        for topic in topics:
            names = topic.aliases if rank == "aliases" else (getattr(topic, rank),)
            if wanted in {fold(n) for n in names}:
                return topic
    return None


def unknown_alias_targets(topics: Sequence[GuideTopic], guide: Guide) -> list[str]:
    """topic_aliases entries naming a topic id that does not exist (a load-time error)."""
    ids = {topic.id for topic in topics}
    return [f"topic_aliases names unknown topic {topic_id!r}"
            for topic_id, _ in guide.topic_aliases if topic_id not in ids]


def roadmap_coverage_problems(topics: Sequence[GuideTopic], roadmap: Roadmap,
                              rubric: Rubric) -> list[str]:
    """Roadmap topics, principles, phases and the bar raiser without a /guide entry.

    Checked by the content tests for the shipped roadmap, not at load: an operator's
    own roadmap may name topics the guide never covered.
    """
    problems = [f"roadmap topic {name!r} has no /guide entry (add it to roadmap_topics)"
                for name in roadmap_topic_names(roadmap) if find_topic(topics, name) is None]
    ids = {topic.id for topic in topics}
    problems += [f"principle {p.id!r} has no /guide entry" for p in rubric.principles
                 if f"lp_{p.id}" not in ids]
    problems += [f"phase {p.id!r} has no /guide entry" for p in rubric.phases
                 if f"phase_{p.id}" not in ids]
    if find_topic(topics, "bar raiser") is None:
        problems.append("the bar-raiser round has no /guide entry")
    return problems


def _with_aliases(topic: GuideTopic, extra: Iterable[str]) -> GuideTopic:
    aliases = tuple(dict.fromkeys((*topic.aliases, *extra)))
    return topic if aliases == topic.aliases else GuideTopic(
        topic.id, topic.name, topic.kind, topic.lines, aliases)


def _with_practice(topic: GuideTopic, roadmap: Roadmap) -> GuideTopic:
    """An entry for a roadmap topic ends with the days that practise it (/prompt week: day:)."""
    covered = {fold(n) for n in (topic.name, *topic.aliases)}
    days = [p for p in roadmap.all_prompts() if fold(p.topic) in covered]
    if not days:
        return topic
    shown = "; ".join(f"week {p.week} day {p.day} ({p.title.split(':')[0]})"
                      for p in days[:PRACTISE_LIMIT])
    more = f" and {len(days) - PRACTISE_LIMIT} more" if len(days) > PRACTISE_LIMIT else ""
    line = f"Practise it: /prompt {shown}{more}."
    return GuideTopic(topic.id, topic.name, topic.kind, (*topic.lines, line), topic.aliases)
