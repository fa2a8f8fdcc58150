"""/guide covers the roadmap: every Must/Should/Nice topic of every week, each leadership
principle, each interview phase and the bar-raiser round; autocomplete finds them all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import FixedClock
from bot.content import load_content
from bot.content.topics import find_topic, roadmap_coverage_problems, roadmap_topic_names
from bot.daily.study import StudyService

CONTENT = load_content()


@pytest.fixture(scope="module")
def study() -> StudyService:
    return StudyService(None, CONTENT, FixedClock(datetime(2026, 12, 6, tzinfo=UTC)))  # type: ignore[arg-type]


def test_every_roadmap_topic_principle_phase_and_the_bar_raiser_has_an_entry() -> None:
    topics = CONTENT.guide_topics()
    assert roadmap_coverage_problems(topics, CONTENT.roadmap, CONTENT.rubric) == []
    assert len(roadmap_topic_names(CONTENT.roadmap)) == 25


@pytest.mark.parametrize("name", roadmap_topic_names(CONTENT.roadmap))
def test_each_roadmap_topic_entry_says_what_the_guide_has(name: str) -> None:
    topic = find_topic(CONTENT.guide_topics(), name)
    assert topic is not None, name
    text = "\n".join(topic.lines)
    assert len(topic.lines) >= 2
    if topic.kind == "roadmap":  # written for the roadmap: says where the guide stops
        assert "Beyond the guide:" in text and "nothing more" in text, topic.id
    # and points at the roadmap days that practise it
    assert "Practise it: /prompt week" in text, topic.id


def test_the_coverage_check_fails_when_a_topic_loses_its_entry() -> None:
    topics = [t for t in CONTENT.guide_topics() if t.id not in {"cqrs", "lp_frugality"}]
    problems = roadmap_coverage_problems(topics, CONTENT.roadmap, CONTENT.rubric)
    assert "roadmap topic 'CQRS' has no /guide entry (add it to roadmap_topics)" in problems
    assert "principle 'frugality' has no /guide entry" in problems


@pytest.mark.parametrize(("typed", "first"), [
    ("cap", "cap_theorem"), ("ops", "operational_excellence"), ("bar raiser", "bar_raiser_round"),
    ("sns", "sqs_sns"), ("star", "behavioral_stories"), ("dynamo", "dynamodb"),
    ("ownership", "lp_ownership"), ("requirements", "phase_requirements"),
])
def test_aliases_and_parts_of_names_rank_the_best_match_first(
    study: StudyService, typed: str, first: str
) -> None:
    assert study.guide_choices(typed)[0].id == first


def test_phase_and_kafka_find_every_match(study: StudyService) -> None:
    phases = [t.id for t in study.guide_choices("phase")]
    assert phases[:5] == ["phase_requirements", "phase_high_level", "phase_deep_dive",
                          "phase_scale", "phase_operations"]
    assert {"kinesis", "event_sourcing"} <= {t.id for t in study.guide_choices("kafka")}


def test_empty_text_shows_the_25_roadmap_topics_in_study_order(study: StudyService) -> None:
    shown = study.guide_choices("")
    assert len(shown) == 25
    expected = [find_topic(CONTENT.guide_topics(), n) for n in roadmap_topic_names(CONTENT.roadmap)]
    assert shown == expected


def test_every_entry_is_reachable_by_typing_part_of_its_name(study: StudyService) -> None:
    topics = CONTENT.guide_topics()
    assert len(topics) > 25  # more than Discord can list at once
    for topic in topics:
        assert study.guide_choices(topic.name)[0] == topic, topic.id
        word = max(topic.name.replace(":", " ").split(), key=len)
        assert topic in study.guide_choices(word[:6]), (topic.id, word[:6])


def test_principle_and_phase_entries_come_from_the_rubric() -> None:
    topics = {t.id: t for t in CONTENT.guide_topics()}
    for principle in CONTENT.rubric.principles:
        entry = topics[f"lp_{principle.id}"]
        assert principle.application in "\n".join(entry.lines)
        assert entry.kind == "principle"
    for phase in CONTENT.rubric.phases:
        entry = topics[f"phase_{phase.id}"]
        assert phase.time_box in entry.lines[0]
    assert "can veto" in "\n".join(topics["bar_raiser_round"].lines)
