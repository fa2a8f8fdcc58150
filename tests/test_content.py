"""Study content: the shipped files are valid and complete, and broken copies say why.

Broken copies are made the way an operator breaks theirs: copy prompts/ to tmp_path,
change one field of the loaded YAML, dump it back, and check the message names the file,
the entry and the field.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import (
    DEFAULT_DIRECTORY,
    PHASE_IDS,
    TOTAL_DAYS,
    Content,
    ContentError,
    Deliverable,
    load_content,
    validate_content_dir,
)

Data = Any  # parsed YAML: nested dicts and lists
Edit = Callable[[Data], object]

BLOCK_BY_WEEK = {1: "Foundations", 3: "Amazon Core", 5: "Patterns", 7: "AWS Deep Dive"}


def minimal_roadmap() -> dict[str, object]:
    """A valid 12 × 7 roadmap, so these tests do not depend on the shipped one's progress."""
    weeks = []
    for week in range(1, 13):
        block = BLOCK_BY_WEEK.get(week, BLOCK_BY_WEEK.get(week - 1, "Practice"))
        prompts = [
            {
                "id": f"w{week:02d}d{day}-fixture",
                "day": day,
                "tier": "must",
                "kind": "design" if day == 7 else "concept",
                "topic": "Fixture topic",
                "title": f"Week {week}, day {day}",
                "prompt": "Estimate the peak QPS of a cart service with 10M DAU.",
                "hints": ["Start from daily actions", "Multiply by a peak factor"],
                "probes": ["What breaks at 10x?", "What does it cost?"],
                "principles": ["dive_deep"],
                "stresses": ["numbers_always"],
                **({"question": "shopping_cart"} if day == 7 else {}),
            }
            for day in range(1, 8)
        ]
        weeks.append(
            {
                "week": week,
                "block": block,
                "theme": f"Theme {week}",
                "summary": "What this week is for.",
                "must": ["Must item"],
                "should": ["Should item"],
                "nice": ["Nice item"],
                "prompts": prompts,
            }
        )
    return {"weeks": weeks}


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def write_yaml(path: Path, data: object) -> None:
    text = yaml.dump(data, Dumper=SAFE_DUMPER, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")


def read_yaml(path: Path) -> Data:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506


def make_content_dir(directory: Path) -> Path:
    """The shipped rubric, questions and guide beside a generated valid roadmap."""
    for name in ("rubric.yaml", "questions.yaml", "guide.yaml"):
        shutil.copy(DEFAULT_DIRECTORY / name, directory / name)
    write_yaml(directory / "roadmap.yaml", minimal_roadmap())
    return directory


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    return make_content_dir(tmp_path)


def edit(directory: Path, filename: str, change: Edit) -> None:
    data = read_yaml(directory / filename)
    change(data)
    write_yaml(directory / filename, data)


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Content:
    """Loaded once per module: Content is immutable, so read-only tests can share it."""
    return load_content(make_content_dir(tmp_path_factory.mktemp("content")))


# --- the shipped files ---------------------------------------------------------------------


def test_shipped_content_has_no_problems() -> None:
    assert validate_content_dir(DEFAULT_DIRECTORY) == []
    assert len(load_content().roadmap.all_prompts()) == TOTAL_DAYS


def test_generated_roadmap_fixture_is_valid(content_dir: Path) -> None:
    assert validate_content_dir(content_dir) == []


def test_default_directory_is_the_repositorys_prompts() -> None:
    repository = Path(__file__).resolve().parent.parent
    assert repository / "prompts" == DEFAULT_DIRECTORY


def test_roadmap_lookups(content: Content) -> None:
    roadmap = content.roadmap
    prompts = roadmap.all_prompts()
    assert len(prompts) == TOTAL_DAYS == roadmap.TOTAL_DAYS
    assert [p.cohort_day for p in prompts] == list(range(1, 85))
    assert roadmap.prompt(3, 2).id == "w03d2-fixture"
    assert roadmap.prompt(3, 2).cohort_day == 16
    assert roadmap.prompt_by_id("w12d7-fixture") is roadmap.prompt(12, 7)
    assert roadmap.prompt_for_cohort_day(84) is roadmap.prompt(12, 7)
    assert roadmap.week(5).block == "Patterns"
    assert roadmap.prompt(1, 7).question == "shopping_cart"
    assert roadmap.prompt(1, 1).question is None
    for missing in (lambda: roadmap.prompt_by_id("nope"), lambda: roadmap.week(13)):
        with pytest.raises(KeyError):
            missing()
    with pytest.raises(KeyError):
        roadmap.prompt(1, 8)


def test_content_is_immutable(content: Content) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        content.rubric.checklist[0].name = "Changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        content.questions["new"] = content.questions["twitch"]  # type: ignore[index]
    assert isinstance(content.question("twitch").scale, tuple)


def test_questions_keep_file_order(content: Content) -> None:
    ids = list(content.questions)
    assert ids[:3] == ["product_catalog", "shopping_cart", "order_system"]
    assert ids[-1] == "search_autocomplete"


# --- everything in the guide is present ----------------------------------------------------

GUIDE_QUESTIONS = {
    "E-Commerce": ["product_catalog", "shopping_cart", "order_system"],
    "AWS Services": ["s3", "dynamodb", "lambda"],
    "Logistics": ["last_mile_delivery", "route_optimization", "inventory"],
    "Streaming": ["prime_video", "twitch", "music_streaming"],
}
CLASSICS = [
    "url_shortener",
    "rate_limiter",
    "notification_service",
    "chat",
    "news_feed",
    "payment_system",
    "web_crawler",
    "ride_hailing",
    "ticketing",
    "leaderboard",
    "metrics_pipeline",
    "search_autocomplete",
]
CATEGORY_PRINCIPLES = {
    "E-Commerce": {"customer_obsession", "frugality"},
    "AWS Services": {"think_big", "dive_deep"},
    "Logistics": {"deliver_results", "ownership"},
    "Streaming": {"customer_obsession", "invent_and_simplify"},  # the guide's "Innovation"
}


@pytest.mark.parametrize(
    ("category", "question_id"),
    [(c, q) for c, ids in GUIDE_QUESTIONS.items() for q in ids] + [("Classics", q) for q in CLASSICS],
)
def test_every_question_is_present_and_complete(content: Content, category: str, question_id: str) -> None:
    question = content.question(question_id)
    assert question.category == category
    assert question.from_guide is (category != "Classics")
    assert set(question.probes) == set(PHASE_IDS)
    assert all(2 <= len(probes) <= 4 for probes in question.probes.values())
    assert len(question.scale) >= 4
    assert CATEGORY_PRINCIPLES.get(category, set()) <= set(question.principles)


PRINCIPLES = {
    "customer_obsession": (
        "Customer Obsession",
        "Start with use cases, optimize for CX metrics",
        ["What's the customer impact?", "Latency SLA?"],
    ),
    "ownership": (
        "Ownership",
        "Design for operations, long-term thinking",
        ["Who owns this at 3am?", "5-year TCO?"],
    ),
    "invent_and_simplify": (
        "Invent & Simplify",
        "Remove complexity, innovate through constraints",
        ["Can we eliminate this component?"],
    ),
    "are_right_a_lot": (
        "Are Right, A Lot",
        "Data-driven decisions, learn from prod",
        ["What data supports this choice?"],
    ),
    "think_big": ("Think Big", "Design for 10x scale from day one", ["What breaks at 10x load?"]),
    "bias_for_action": (
        "Bias for Action",
        "MVP first, iterate fast, reversible decisions",
        ["Can we ship v1 in 2 weeks?"],
    ),
    "frugality": (
        "Frugality",
        "Cost-aware architecture, do more with less",
        ["What's the cost per transaction?"],
    ),
    "dive_deep": (
        "Dive Deep",
        "Know bottlenecks, understand failure modes",
        ["What's the p99 latency breakdown?"],
    ),
}


@pytest.mark.parametrize("principle_id", PRINCIPLES)
def test_every_principle_of_the_matrix(content: Content, principle_id: str) -> None:
    name, application, questions = PRINCIPLES[principle_id]
    principle = content.rubric.principle(principle_id)
    assert (principle.name, principle.application) == (name, application)
    assert set(questions) <= set(principle.key_questions)


def test_deliver_results_is_defined_for_the_logistics_category(content: Content) -> None:
    assert content.rubric.principle("deliver_results").key_questions


PHASES = [
    ("requirements", "Requirements", 5, 10, "Use cases list"),
    ("high_level", "High-Level", 10, 15, "Box & arrow diagram"),
    ("deep_dive", "Deep Dive", 15, 20, "Schema design"),
    ("scale", "Scale", 10, 15, "$/request analysis"),
    ("operations", "Operations", 5, 10, "Disaster recovery"),
]


def test_every_phase_with_its_time_box_in_order(content: Content) -> None:
    found = [(p.id, p.name, p.min_minutes, p.max_minutes, p.deliverables) for p in content.rubric.phases]
    assert [row[:4] for row in found] == [row[:4] for row in PHASES]
    for (*_, deliverables), (*_, expected) in zip(found, PHASES, strict=True):
        assert len(deliverables) == 3
        assert expected in [d.name for d in deliverables]
    assert content.rubric.phase("deep_dive").time_box == "15-20 min"


SUCCESS_FORMULA = [
    ("customer_first", "Customer First", "This reduces checkout time from 3 clicks to 1"),
    ("numbers_always", "Numbers Always", "At 100K QPS, this costs $0.002/request"),
    ("failure_planning", "Failure Planning", "When AZ fails, we failover in <30s"),
    ("operations_ready", "Operations Ready", "P99 latency dashboard, PagerDuty integration"),
    ("team_ownership", "Team Ownership", "6-person team owns build/run/iterate"),
]


def test_every_success_formula_item_with_its_example(content: Content) -> None:
    found = [(item.id, item.name, item.example) for item in content.rubric.checklist]
    assert found == SUCCESS_FORMULA
    for item in content.rubric.checklist:
        assert set(item.phase_tips) == set(PHASE_IDS)


FAILURE_MODES = [
    ("kubernetes_first", "We'll use Kubernetes", "Start with EC2 + ALB, evolve if needed"),
    ("infinite_scale", "Infinite scale design", "Design for 10x with cost targets"),
    ("perfect_consistency", "Perfect consistency", "Define consistency boundaries"),
    ("monitor_later", "We'll monitor later", "Metrics from day 1"),
    ("team_will_handle", "The team will handle it", "Automate everything possible"),
]


def test_every_failure_mode_with_its_do_instead(content: Content) -> None:
    found = [(m.id, m.mistake, m.instead) for m in content.rubric.failure_modes]
    assert found == FAILURE_MODES
    assert content.rubric.failure_mode("infinite_scale").why == "Ignores cost, unrealistic"


PATTERNS = {
    "cell_based": ("Multi-tenant isolation", "Route 53, DynamoDB", "Blast radius control"),
    "shuffle_sharding": ("Shared resource pools", "ALB target groups", "Failure isolation"),
    "backpressure": ("Async processing", "Kinesis, SQS", "System stability"),
    "circuit_breaker": ("External dependencies", "Service calls", "Fast failure"),
}


def test_every_pattern(content: Content) -> None:
    found = {p.id: (p.when, p.example, p.benefit) for p in content.guide.patterns}
    assert found == PATTERNS
    cell = content.guide.patterns[0]
    assert cell.benefits == (
        "Blast Radius Reduction",
        "Independent Scaling",
        "Simplified Testing",
    )


TECHNOLOGIES = {
    "dynamodb": ("NoSQL, high throughput", "Millions TPS", "Predictable performance"),
    "s3": ("Object storage", "Trillions of objects", "11 9s durability"),
    "sqs": ("Message queue", "Unlimited", "Simple, reliable"),
    "lambda": ("Event-driven compute", "1000s concurrent", "No servers"),
    "kinesis": ("Real-time streaming", "GB/sec", "Real-time processing"),
}


def test_every_technology(content: Content) -> None:
    found = {t.id: (t.use_case, t.scale, t.strength) for t in content.guide.technologies}
    assert found == TECHNOLOGIES
    weaknesses = [t.weakness for t in content.guide.technologies]
    assert weaknesses[-2:] == ["15min limit, cold starts", "7-day retention"]


CONCEPTS = {
    "operational_excellence": ("Runbooks for every alert", "We'll add monitoring later"),
    "cost_consciousness": ("$/request calculated", "Hardware is cheap"),
    "working_backwards": ("Start with press release", "Let's build it and see"),
    "two_pizza_teams": ("6-10 person ownership", "The platform team handles that"),
    "mechanisms_over_intentions": ("Policy as code", "The team will remember"),
}


def test_every_concept(content: Content) -> None:
    concepts = {c.id: c for c in content.guide.concepts}
    assert list(concepts) == list(CONCEPTS)
    for concept_id, (step, anti_pattern) in CONCEPTS.items():
        assert step in concepts[concept_id].implementation
        assert concepts[concept_id].anti_pattern == anti_pattern
        assert len(concepts[concept_id].implementation) == 3


def test_the_rest_of_the_guide(content: Content) -> None:
    guide = content.guide
    assert guide.quick_reference.scale == "Design for 10x growth, millions of RPS"
    assert [row.aspect for row in guide.comparison] == [
        "Primary Focus",
        "Scale Philosophy",
        "Team Structure",
        "Design Approach",
        "Key Metrics",
        "Failure Handling",
    ]
    assert guide.comparison[5].amazon == "Mechanisms > intentions"
    assert {c.name: c.questions for c in guide.question_categories} == {
        name: tuple(ids) for name, ids in GUIDE_QUESTIONS.items()
    }
    rounds = [(r.stage, r.name) for r in guide.interview_loop]
    assert rounds[0] == ("Phone Screen", "System Design")
    assert rounds[-1] == ("Onsite Loop", "Bar Raiser")
    assert len(rounds) == 7
    assert guide.equation == ("Customer Value × Operational Excellence × Cost Efficiency = Success")
    assert [t.name for t in guide.day_one] == [
        "Customer Obsession",
        "Long-term Value",
        "Mechanisms",
        "Frugality",
        "Ownership",
    ]
    assert [(t.internal, t.aws) for t in guide.internal_stack] == [
        ("Coral Service Framework", "App Mesh"),
        ("Brazil Build", "CodeBuild"),
        ("Apollo Deploy", "CodeDeploy"),
        ("Slapshot", "Distributed Load Testing"),
        ("Datapath", "Glue/EMR"),
    ]


def test_guide_topics_list_every_entry_once(content: Content) -> None:
    topics = content.guide_topics()
    ids = [topic.id for topic in topics]
    assert len(ids) == len(set(ids))
    expected = {"quick_reference", "comparison", "interview_loop", "equation", "day_one"}
    expected |= set(CONCEPTS) | set(PATTERNS) | set(TECHNOLOGIES)
    expected |= {"e_commerce", "aws_services", "logistics", "streaming"}
    expected |= {"success_formula", "failure_modes", "round_breakdown", "leadership_principles"}
    assert expected <= set(ids)
    for topic in topics:
        assert topic.lines
        # An embed description holds 4,096 characters; a topic must fit in one.
        assert sum(len(line) + 1 for line in topic.lines) <= 4096, topic.id


# --- the answer checker's cues -------------------------------------------------------------

CUE_EXAMPLES = [
    ("requirements", "Use cases list", "Users can add items from any device", "Hello there"),
    ("requirements", "Use cases list", "FR:\n- search songs\n- play a song", "highly available"),
    ("requirements", "Numbers (100M users, 10K QPS)", "assume 50M DAU", "lots of users"),
    ("requirements", "Numbers (100M users, 10K QPS)", "~40 creates/s", "millions of users"),
    ("requirements", "SLAs (99.9%, <100ms)", "the map can be 15 s stale", "low latency"),
    ("requirements", "SLAs (99.9%, <100ms)", "p99 < 100 ms, 99.95% available", "fast"),
    ("high_level", "REST/gRPC APIs", "POST /carts/{id}/items", "we store carts"),
    ("high_level", "Data flow", "scan → package service → driver app", "DynamoDB for metadata"),
    ("deep_dive", "Schema design", "a DynamoDB item per (sku, fc)", "we use Lambda"),
    ("deep_dive", "Schema design", "partition key is customerId", "we use Lambda"),
    ("deep_dive", "Consistency strategy", "reads are eventually consistent", "we use Lambda"),
    ("scale", "Caching strategy", "DAX in front with a 5 s TTL", "add more servers"),
    ("scale", "$/request analysis", "about $0.002 per request", "it is fine"),
    ("operations", "Metrics & alerts", "5xx > 1% pages the on-call", "it works"),
    ("operations", "Rollout strategy", "one-box, then one AZ, auto-rollback", "ship it"),
    ("operations", "Disaster recovery", "RPO 1 min via point-in-time restore", "it works"),
]


@pytest.mark.parametrize(("phase", "name", "covered", "not_covered"), CUE_EXAMPLES)
def test_deliverable_cues(content: Content, phase: str, name: str, covered: str, not_covered: str) -> None:
    deliverable = next(d for d in content.rubric.phase(phase).deliverables if d.name == name)
    assert deliverable.covered_by(covered)
    assert deliverable.covered_by(covered.upper())  # case-insensitive
    assert not deliverable.covered_by(not_covered)


def test_a_deliverable_without_cues_is_never_covered() -> None:
    assert not Deliverable(name="Nothing to look for", cues=()).covered_by("any answer at all")


def test_tip_for_prefers_the_phase_tip(content_dir: Path) -> None:
    def drop_scale_tip(data: Data) -> None:
        del data["checklist"][1]["phase_tips"]["scale"]

    edit(content_dir, "rubric.yaml", drop_scale_tip)
    item = load_content(content_dir).rubric.item("numbers_always")
    assert item.tip_for("requirements") == item.phase_tips["requirements"] != item.tip
    assert item.tip_for("scale") == item.tip
    assert item.tip_for(None) == item.tip


# --- broken copies say exactly what is wrong -----------------------------------------------


def _set(path: list[object], value: object) -> Edit:
    """An edit that sets the value at ``path`` (keys and list indexes) in the loaded YAML."""

    def change(data: Data) -> None:
        for step in path[:-1]:
            data = data[step]
        data[path[-1]] = value

    return change


def _delete(path: list[object]) -> Edit:
    def change(data: Data) -> None:
        for step in path[:-1]:
            data = data[step]
        del data[path[-1]]

    return change


def _swap_phases(data: Data) -> None:
    phases = data["phases"]
    phases[0], phases[1] = phases[1], phases[0]


def _duplicate_question(data: Data) -> None:
    data["questions"][1]["id"] = data["questions"][0]["id"]


def _drop_question(data: Data) -> None:
    data["questions"].pop()


def _duplicate_prompt_id(data: Data) -> None:
    data["weeks"][4]["prompts"][0]["id"] = "w01d1-fixture"


BROKEN = [
    (_set(["weeks", 2, "prompts", 6, "day"], 8),
     "roadmap.yaml: week 3, day 8: day must be 1-7, got 8"),
    (_set(["weeks", 2, "prompts", 3, "day"], 5),
     "roadmap.yaml: week 3, day 5: day: days must go 1-7 in order: expected 4"),
    (_set(["weeks", 0, "prompts", 0, "principles"], ["customer_obsesion"]),
     "roadmap.yaml: week 1, day 1: principles: unknown principle 'customer_obsesion'"),
    (_set(["weeks", 0, "prompts", 0, "stresses"], ["numbers"]),
     "roadmap.yaml: week 1, day 1: stresses: unknown checklist item 'numbers'"),
    (_set(["weeks", 1, "prompts", 6, "question"], "tiktok"),
     "roadmap.yaml: week 2, day 7: question: unknown question 'tiktok'"),
    (_set(["weeks", 0, "prompts", 0, "hints"], ["only one"]),
     "roadmap.yaml: week 1, day 1: hints: needs 2-4 items, got 1"),
    (_set(["weeks", 0, "prompts", 0, "tier"], "critical"),
     "roadmap.yaml: week 1, day 1: tier: must be one of must, should, nice; got 'critical'"),
    (_delete(["weeks", 11]),
     "roadmap.yaml: weeks: needs 12 items, got 11"),
    (_set(["weeks", 3, "week"], 5),
     "roadmap.yaml: week 5: week: weeks go 1-12 in order: expected 4, got 5"),
    (_duplicate_prompt_id,
     "roadmap.yaml: weeks: duplicate prompt id 'w01d1-fixture'"),
    (_set(["weeks", 0, "prompts", 0, "id"], "Week 1 Day 1"),
     "roadmap.yaml: week 1, day 1: id: 'Week 1 Day 1' must match"),
    (_set(["questions", 10, "probes", "scale"], ["Only one probe?"]),
     "questions.yaml: question 'twitch': probes.scale: needs 2-4 items, got 1"),
    (_delete(["questions", 10, "probes", "operations"]),
     "questions.yaml: question 'twitch': probes.operations: missing"),
    (_set(["questions", 0, "principles"], ["customer_obsesion"]),
     "questions.yaml: question 'product_catalog': principles: unknown principle 'customer_obsesion'"),
    (_set(["questions", 0, "breif"], "A typo of brief"),
     "questions.yaml: question 'product_catalog': unknown key breif"),
    (_set(["questions", 0, "probes", "scaling"], ["a?", "b?"]),
     "questions.yaml: question 'product_catalog': unknown key probes.scaling"),
    (_set(["questions", 0, "title"], "T" * 257),
     "questions.yaml: question 'product_catalog': title: too long (257 chars, the limit is 256)"),
    (_set(["questions", 0, "brief"], "B" * 1001),
     "questions.yaml: question 'product_catalog': brief: too long (1001 chars, the limit is 1000)"),
    (_set(["questions", 1, "functional", 0], "Hello {{ member.name }}"),
     "questions.yaml: question 'shopping_cart': functional[0]: contains template syntax '{{'"),
    (_set(["questions", 1, "brief"], "{% for x in y %}loop{% endfor %}"),
     "questions.yaml: question 'shopping_cart': brief: contains template syntax '{%'"),
    (_set(["questions", 2, "from_guide"], "yes please"),
     "questions.yaml: question 'order_system': from_guide: must be true or false, got text"),
    (_set(["questions", 2, "category"], "Social"),
     "questions.yaml: question 'order_system': category: must be one of"),
    (_delete(["questions", 2, "brief"]),
     "questions.yaml: question 'order_system': brief: missing"),
    (_set(["questions", 2, "scale"], "100M DAU"),
     "questions.yaml: question 'order_system': scale: must be a list, got text"),
    (_duplicate_question,
     "questions.yaml: questions: duplicate question 'product_catalog'"),
    (_drop_question,
     "questions.yaml: questions: needs at least 24 questions, got 23"),
    (_delete(["checklist", 4]),
     "rubric.yaml: checklist: missing item 'team_ownership'"),
    (_set(["checklist", 4, "id"], "team_work"),
     "rubric.yaml: checklist: unknown item 'team_work'"),
    (_delete(["checklist", 0, "example"]),
     "rubric.yaml: checklist item 'customer_first': example: missing"),
    (_set(["checklist", 0, "phase_tips", "design"], "A tip for no phase"),
     "rubric.yaml: checklist item 'customer_first': unknown key phase_tips.design"),
    (_delete(["failure_modes", 3]),
     "rubric.yaml: failure_modes: missing failure mode 'monitor_later'"),
    (_swap_phases,
     "rubric.yaml: phases: phases must be in this order: requirements, high_level,"),
    (_set(["phases", 0, "min_minutes"], 12),
     "rubric.yaml: phase 'requirements': min_minutes (12) exceeds max_minutes (10)"),
    (_set(["phases", 2, "max_minutes"], 45),
     "rubric.yaml: phase 'deep_dive': max_minutes must be 1-30, got 45"),
    (_set(["phases", 2, "max_minutes"], "20 min"),
     "rubric.yaml: phase 'deep_dive': max_minutes: must be a whole number, got text"),
    (_set(["phases", 2, "deliverables", 0, "cues"], ["(unclosed"]),
     "rubric.yaml: phase 'deep_dive', deliverable 'Schema design': cues: '(unclosed' is "
     "not a valid regular expression"),
    (_set(["phases", 2, "deliverables", 0, "cues"], ["schema", "(?:index)?"]),
     "rubric.yaml: phase 'deep_dive', deliverable 'Schema design': cues: '(?:index)?' matches empty text"),
    (_delete(["principles", 8]),
     "rubric.yaml: principles: missing principle 'deliver_results'"),
    (_set(["concepts", 0, "detail"], "Hi {{ user }}"),
     "guide.yaml: concept 'operational_excellence': detail: contains template syntax '{{'"),
    (_set(["question_categories", 0, "questions"], ["product_catalog", "checkout"]),
     "guide.yaml: category 'E-Commerce': questions: unknown question 'checkout'"),
    (_set(["technologies", 0, "id"], "cell_based"),
     "guide.yaml: guide: duplicate topic id 'cell_based'"),
    (_set(["quick_reference", "focuss"], "typo"),
     "guide.yaml: unknown key quick_reference.focuss"),
    (_delete(["equation"]),
     "guide.yaml: equation: missing"),
]


@pytest.mark.parametrize(("change", "expected"), BROKEN)
def test_broken_copy_names_file_entry_and_field(content_dir: Path, change: Edit, expected: str) -> None:
    edit(content_dir, expected.split(":", 1)[0], change)  # the message names the file it is about
    with pytest.raises(ContentError) as raised:
        load_content(content_dir)
    assert any(problem.startswith(expected) for problem in raised.value.problems), raised.value.problems
    assert validate_content_dir(content_dir) == raised.value.problems


def test_every_problem_is_reported_at_once(content_dir: Path) -> None:
    edit(content_dir, "rubric.yaml", _delete(["checklist", 4]))
    edit(content_dir, "questions.yaml", _set(["questions", 0, "breif"], "typo"))
    edit(content_dir, "roadmap.yaml", _set(["weeks", 2, "prompts", 6, "day"], 8))
    with pytest.raises(ContentError) as raised:
        load_content(content_dir)
    problems = raised.value.problems
    assert [p.split(":")[0] for p in problems] == ["rubric.yaml", "questions.yaml", "roadmap.yaml"]
    assert str(raised.value) == "\n".join(problems)


def test_missing_and_unparsable_files(content_dir: Path) -> None:
    (content_dir / "guide.yaml").unlink()
    (content_dir / "questions.yaml").write_text("questions: [unclosed\n", encoding="utf-8")
    problems = validate_content_dir(content_dir)
    assert any(p.startswith("guide.yaml: cannot read ") for p in problems)
    assert any(p.startswith("questions.yaml: not valid YAML: ") for p in problems)
    # A missing guide is one problem, not one per section.
    assert len([p for p in problems if p.startswith("guide.yaml")]) == 1


def test_a_file_that_is_not_a_mapping(content_dir: Path) -> None:
    (content_dir / "rubric.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    problems = validate_content_dir(content_dir)
    assert problems[0] == "rubric.yaml: file: must be a mapping, got a list"
