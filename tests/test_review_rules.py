"""The checker's rules as data: prompts/review/<label>.yaml, one generic matcher.

Every rule file's own examples must come out as labelled; a broken file is reported
with its name (by the content check that runs at start-up and in ``doctor``); the
order the detectors run in never changes a verdict; and a new label is a data file.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import yaml

from bot.content import DEFAULT_DIRECTORY, validate_content_dir
from bot.content._reader import Problems
from bot.content._review import parse_relevance, parse_review_dir
from bot.review import LABELS, Reviewer, detect
from bot.review.rules import RULES_DIRECTORY, RuleError, RuleSet, default_rules, load_rules
from bot.review.text import listed_terms, parse

FIXTURES = Path(__file__).parent / "fixtures" / "review"
DEV = Path(__file__).resolve().parents[2] / "shared" / "rubric-eval" / "dev.jsonl"


def _examples() -> list[tuple[str, str, bool, str | None]]:
    rules = default_rules()
    return [
        (label, example.text, example.found, example.prompt)
        for label, spec in rules.specs.items()
        for example in spec.examples
    ]


def test_every_label_has_a_rule_file() -> None:
    assert set(default_rules().specs) == set(LABELS)


@pytest.mark.parametrize(("label", "text", "found", "prompt"), _examples())
def test_rule_file_examples(label: str, text: str, found: bool, prompt: str | None) -> None:
    detection, _ = detect(text, prompt)
    assert (detection.evidence[label] is not None) == found, detection.evidence[label]


def _answers() -> list[tuple[str, str]]:
    files = sorted(FIXTURES.glob("*.jsonl")) + ([DEV] if DEV.exists() else [])
    return [
        (record["answer"], record["prompt"])
        for path in files
        for record in map(json.loads, path.read_text(encoding="utf-8").splitlines())
    ]


def test_detector_order_never_changes_a_verdict() -> None:
    """Every labelled answer, the ten detectors in the usual and in two shuffled orders."""
    shuffler = random.Random(16)
    answers = _answers()
    assert len(answers) > 800
    changed = []
    for answer, prompt in answers:
        usual = detect(answer, prompt)[0].evidence
        for _ in range(2):
            order = list(LABELS)
            shuffler.shuffle(order)
            if detect(answer, prompt, order)[0].evidence != usual:
                changed.append((answer[:60], order))
    assert changed == []


def test_rule_files_read_in_any_order_give_the_same_verdicts() -> None:
    """The rule set built from the files in a shuffled order: the same evidence everywhere."""
    shipped = default_rules()
    labels = list(shipped.specs)
    random.Random(17).shuffle(labels)
    shuffled = RuleSet({label: shipped.specs[label] for label in labels},
                       load_rules().relevance_data, shipped.order)
    assert list(shuffled.specs) != list(shipped.specs)
    for answer, prompt in _answers():
        assert detect(answer, prompt, rules=shuffled)[0].evidence == detect(answer, prompt)[0].evidence


# --- validation -------------------------------------------------------------------------


def _copy_rules(tmp_path: Path) -> Path:
    for name in ("rubric.yaml", "questions.yaml", "roadmap.yaml", "guide.yaml"):
        shutil.copy(DEFAULT_DIRECTORY / name, tmp_path / name)
    shutil.copytree(RULES_DIRECTORY, tmp_path / "review")
    return tmp_path


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_shipped_rules_validate() -> None:
    problems = Problems("review")
    parse_review_dir(RULES_DIRECTORY, problems)
    assert problems.messages == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["cues"].append("(unclosed"), "review/kubernetes_first.yaml: cues[15]: not a valid"),
        (lambda d: d["cues"].append(r"\bk8s"), "cues[15]: must start with a literal character"),
        (lambda d: d["cues"].append("Kubernetes"), "cues[15]: must be lowercase"),
        (lambda d: d.update(label="k8s_first"), "label: must match the file name 'kubernetes_first'"),
        (lambda d: d.update(cue=["x"]), "review/kubernetes_first.yaml: unknown key cue"),
        (lambda d: d["unless"].update(paragraph=["x"]), "unknown key unless.paragraph"),
        (lambda d: d.update(examples=[{"text": "k8s", "found": False}] * 2), "needs at least one example"),
        (lambda d: d["cues"].append("k8s by {{cluster}}"), "uses {{cluster}}, which the file's terms"),
        (lambda d: d.update(terms={"a": "x", "b": "{{a}}y"}), "terms.b: a term cannot use another term"),
        (lambda d: d.update(terms=["x"]), "terms: must be a mapping"),
        (lambda d: d.update(terms={"long": "x" * 1001}), "terms.long: too long"),
    ],
)
def test_a_broken_rule_file_is_reported_by_name(tmp_path: Path, change: object, expected: str) -> None:
    directory = _copy_rules(tmp_path)
    _edit(directory / "review" / "kubernetes_first.yaml", change)
    problems = validate_content_dir(directory)
    assert any(expected in problem for problem in problems), problems
    with pytest.raises(RuleError, match="kubernetes_first"):
        load_rules(directory / "review")


def test_a_term_is_written_once_and_read_by_every_pattern_using_it(tmp_path: Path) -> None:
    directory = _copy_rules(tmp_path)

    def with_term(data: dict[str, object]) -> None:
        data["terms"] = {"orchestrator": "k8s|kubernetes|eks"}
        data["cues"] = ["we run {{orchestrator}} for (?:the|our) [\\w-]+ tier\\b"]
        data["examples"] = [{"text": "We run EKS for the ingest tier.", "found": True},
                            {"text": "We run ECS for the ingest tier.", "found": False}]

    _edit(directory / "review" / "kubernetes_first.yaml", with_term)
    rules = load_rules(directory / "review")
    cues = rules.rule("kubernetes_first").cues
    assert cues is not None
    assert cues.alternatives == ("we run (?:k8s|kubernetes|eks) for (?:the|our) [\\w-]+ tier\\b",)
    for text, found in (("We run EKS for the ingest tier.", True),
                        ("We run ECS for the ingest tier.", False)):
        detection, _ = detect(text, rules=rules)
        assert (detection.evidence["kubernetes_first"] is not None) == found, text


# --- adding a label is data ---------------------------------------------------------------

GOLD_PLATING = {
    "label": "gold_plating",
    "group": "failure_mode",
    "cues": ["blockchain\\b", "multi-cloud\\b"],
    "unless": {"sentence_and_next": ["regulat\\w*", "because the customer"]},
    "examples": [
        {"text": "Every click goes on a blockchain for auditability.", "found": True},
        {"text": "No blockchain here; a signed append-only log is enough.", "found": False},
    ],
}


COST_AWARE = {
    "label": "cost_aware",
    "group": "checklist",
    "name": "Cost Aware",
    "tip": "Put a monthly cost on the biggest line item.",
    "cues": ["\\$\\s?\\d[\\d.,]*\\s?(?:k|m)?\\s?(?:/|per |a )(?:month|mo|year|yr)\\b"],
    "examples": [
        {"text": "Egress is the big line item: about $4K/month at launch.", "found": True},
        {"text": "It should be cheap.", "found": False},
    ],
}


def _with_new_labels(tmp_path: Path) -> Path:
    """prompts/review/ plus two labels added the documented way: a rule file each, with
    examples, and the name in labels.yaml. No code knows either label."""
    folder = tmp_path / "review"
    shutil.copytree(RULES_DIRECTORY, folder)
    for spec in (GOLD_PLATING, COST_AWARE):
        (folder / f"{spec['label']}.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    _edit(folder / "labels.yaml", lambda d: (d["checklist"].append("cost_aware"),
                                             d["failure_modes"].append("gold_plating")))
    return folder


def test_a_new_label_is_one_data_file(tmp_path: Path) -> None:
    """The generic matcher reads any label's file: cues held as claims, minus exceptions."""
    rule = load_rules(_with_new_labels(tmp_path)).rule("gold_plating")
    found = rule.first(parse("Storage: S3. Every order is also written to a blockchain."))
    assert found is not None and "blockchain" in found.low
    assert rule.first(parse("Should we use a blockchain? No.")) is None  # a question
    assert rule.first(parse("Multi-cloud, because the customer is a bank regulator.")) is None
    assert rule.first(parse("We will not go multi-cloud.")) is None  # a negation


def test_a_new_label_is_reported_scored_and_rendered(tmp_path: Path) -> None:
    """Labels added as data only go through the whole checker: detected, counted in the
    score (a checklist item) or beside it (a failure mode), and shown on the card."""
    from bot.content import load_content
    from bot.render import Renderer

    rules = load_rules(_with_new_labels(tmp_path))
    assert rules.checklist[-1] == "cost_aware" and rules.failure_modes[-1] == "gold_plating"
    content = load_content()
    reviewer = Reviewer(content.rubric, content.questions, rules=rules)
    answer = ("Shoppers see their cart in < 100 ms p99. Egress is about $4K/month at launch. "
              "Every cart change is also written to a blockchain.")
    review = reviewer.review(answer)
    assert review.labels()["cost_aware"] == 1 and review.labels()["gold_plating"] == 1
    assert review.max_score == 6
    assert review.score == 1 + sum(item.met for item in review.items if item.id != "cost_aware")
    card = Renderer().render("review/card.md.j2", review=review, source_label=None).embed
    shown = {field.name: field.value for field in card.fields}
    assert "“Egress is about $4K/month at launch.”" in shown["✅ Cost Aware"]
    assert "blockchain" in shown["⚠️ Gold plating"]
    missed = reviewer.review("Shoppers see their cart in < 100 ms p99.")
    assert missed.labels()["cost_aware"] == 0 and missed.labels()["gold_plating"] == 0
    card = Renderer().render("review/card.md.j2", review=missed, source_label=None).embed
    assert {f.name: f.value for f in card.fields}["❌ Cost Aware"] == COST_AWARE["tip"]


def test_a_label_file_must_be_listed_and_a_listed_label_must_have_a_file(tmp_path: Path) -> None:
    folder = _with_new_labels(tmp_path)
    _edit(folder / "labels.yaml", lambda d: d["checklist"].remove("cost_aware"))
    problems = Problems("review")
    parse_review_dir(folder, problems)
    assert problems.messages == [
        "review/labels.yaml: review/cost_aware.yaml is not listed under checklist or failure_modes"]
    _edit(folder / "labels.yaml", lambda d: d["failure_modes"].append("cost_aware"))
    problems = Problems("review")
    parse_review_dir(folder, problems)
    assert problems.messages == [
        "review/labels.yaml: failure_modes[6]: cost_aware is a checklist rule (its 'group')"]
    (folder / "cost_aware.yaml").unlink()
    problems = Problems("review")
    parse_review_dir(folder, problems)
    assert problems.messages == ["review/labels.yaml: failure_modes[6]: no rule file review/cost_aware.yaml"]


# --- relevance ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["placeholders", "topic_headings", "copied_headings", "hype"])
def test_a_relevance_regex_that_does_not_compile_is_reported_by_its_list(name: str) -> None:
    data = {"pasted": [{"text": "Cuts checkout from 3 clicks to 1.", "about": ["checkout"]}],
            name: ["(unclosed"]}
    problems = Problems("review/relevance.yaml")
    relevance = parse_relevance(data, problems)
    assert len(problems.messages) == 1 and f"{name}[0]: not a valid regex" in problems.messages[0]
    assert getattr(relevance, name) == ()

@pytest.mark.parametrize("entry", [r"\bkeywords?", "(?:key )?concepts?", "[\\w-]+-minded"])
def test_a_relevance_phrase_that_does_not_open_with_a_literal_is_reported(entry: str) -> None:
    # the phrase lists are read in the one-pass scan, which needs a literal start; an
    # optional leading group is not a choice of starts, so it cannot be expanded into them
    data = {"pasted": [{"text": "Cuts checkout from 3 clicks to 1.", "about": ["checkout"]}],
            "topic_headings": [entry]}
    problems = Problems("review/relevance.yaml")
    parse_relevance(data, problems)
    assert len(problems.messages) == 1
    assert "topic_headings[0]: must start with a literal character" in problems.messages[0]


GUIDE_CART = "Cuts checkout from 3 clicks to 1. Add-to-cart returns in < 100 ms p99."


def test_a_guide_example_counts_under_its_own_system_only() -> None:
    shop = detect(GUIDE_CART, "Design the shopping cart service for an online store.")[0].evidence
    urls = detect(GUIDE_CART, "Design a URL shortener.")[0].evidence
    assert shop["customer_first"] is not None and shop["numbers_always"] is not None
    assert urls["customer_first"] is None and urls["numbers_always"] is None


def test_own_words_about_the_prompt_still_count() -> None:
    answer = "A short link should redirect in < 50 ms at the edge, or people think it is broken."
    found = detect(answer, "Design a URL shortener.")[0].evidence
    assert found["customer_first"] is not None and found["numbers_always"] is not None


def test_placeholders_count_for_nothing_with_or_without_a_prompt() -> None:
    for prompt in (None, "Design a chat service."):
        found = detect("Team X owns Service Y and carries its pager.", prompt)[0].evidence
        assert found["team_ownership"] is None and found["operations_ready"] is None
    real = detect("The chat team owns the gateway and carries its pager.", None)[0].evidence
    assert real["team_ownership"] is not None


def test_a_pasted_examples_topics_match_at_a_word_start() -> None:
    pasted = "Add-to-cart returns in < 100 ms p99."
    assert detect(pasted, "Design a key-value datastore.")[0].evidence["numbers_always"] is None
    assert detect(pasted, "Design an online store.")[0].evidence["numbers_always"] is not None
    # a topic of three letters is a whole word: the ride-hailing "car" is not a shopping "cart"
    rider = ("Rider view: the car on the map should never be more than ~5 s behind reality, "
             "or people walk to the wrong corner.")
    assert detect(rider, "Shopping Cart: which alarms on Prime Day?")[0].evidence["customer_first"] is None
    assert detect(rider, "Design a car-sharing app.")[0].evidence["customer_first"] is not None


def test_template_slots_count_for_nothing() -> None:
    template = ("[TEAM] owns [SERVICE] and its on-call.\n"
                "- If {dependency} fails, we fall back within <SECONDS> seconds.")
    found = detect(template, "Design a chat service.")[0].evidence
    assert found["team_ownership"] is None and found["failure_planning"] is None
    filled = detect("[Gateway] The chat team owns the gateway and its on-call.", None)[0].evidence
    assert filled["team_ownership"] is not None  # a bracketed label that is not a slot
    unfilled = detect("Runbook: [link]\nAlarm: [metric] > [threshold] pages the chat on-call.",
                      None)[0].evidence
    assert unfilled["operations_ready"] is None  # lowercase slot words are slots too
    assert _marked("Runbook: [link TBD]", None) == [True]  # a slot still to be filled, said so
    boxed = detect("[gateway] the chat team owns it and its on-call rotation.", None)[0].evidence
    assert boxed["team_ownership"] is not None  # a lowercase box in a diagram is not a slot


def test_a_pasted_example_is_recognised_in_the_plural_too() -> None:
    answer = "Dashboards of p99 redirect latency and 5xx rates per region."
    assert detect(answer, "Design a chat service.")[0].evidence["operations_ready"] is None
    assert detect(answer, "Design a URL shortener.")[0].evidence["operations_ready"] is not None


def test_a_list_of_bare_terms_counts_for_nothing_whatever_its_words() -> None:
    # none of these terms is in text._BUZZ_WORDS: the list's shape says it, not its words
    listed = ("Ops: error budgets, game days, golden signals, COEs, shift-left testing.\n"
              "Key concepts: Raft, Paxos, quorum, failover, idempotency, durability.")
    for prompt in (None, "Design a chat service."):
        found = detect(listed, prompt)[0].evidence
        assert found["operations_ready"] is None and found["failure_planning"] is None
    applied = "Ops: an alarm on error budget burn > 2x over 1 h pages the chat on-call."
    assert detect(applied, "Design a chat service.")[0].evidence["operations_ready"] is not None
    # a long list stays a list with one longer item in it
    long_list = ("Concepts: idempotency keys, saga, outbox, reconciliation, DLQ, exp backoff w/ "
                 "jitter, circuit breaker, bulkheads, on-call, runbook, dashboards")
    found = detect(long_list, "Design a payment system.")[0].evidence
    assert found["operations_ready"] is None and found["failure_planning"] is None
    said = ("We retry the processor call with backoff, then park it in a DLQ for replay, "
            "page on-call, open the runbook, check dashboards.")
    assert _marked(said, "Design a payment system.") == [False]


def _marked(answer: str, prompt: str | None) -> list[bool]:
    return [s.stuffing for s in default_rules().relevance.generic(parse(answer), prompt).sentences]


def test_terms_one_a_line_under_a_topics_heading_are_a_list_even_of_this_systems_words() -> None:
    prompt = "Key-Value Database (deep_dive): What happens when a partition's leader dies mid-write?"
    topics = ("Topics to hit:\n- multi-paxos / raft\n- leader lease\n- quorum writes (2 of 3)\n"
              "- idempotent client retries\n- log replay\n- hinted handoff")
    assert _marked(topics, prompt) == [False, True, True, True, True, True, True]
    assert detect(topics, prompt)[0].evidence["failure_planning"] is None
    # the same bullets under a heading that names a design, not topics, say what it does
    steps = topics.replace("Topics to hit:", "Recovery:")
    assert not any(_marked(steps, prompt))


def test_a_lead_in_that_announces_topics_makes_its_line_a_list_of_named_terms() -> None:
    prompt = "URL Shortener (requirements): What are the read and write rates?"
    terms = ("Key concepts for this one: read-heavy, base62, TTL, hot keys, cache-aside, p99, "
             "on-call, cost per redirect.")
    # "redirect" is this system's word, but the lead-in says the terms are named, not applied
    assert _marked(terms, prompt) == [True]
    assert detect(terms, prompt)[0].evidence["operations_ready"] is None
    assert _marked(terms.replace("Key concepts for this one", "Redirect path"), prompt) == [False]


def test_words_saying_a_line_is_the_guides_cover_the_rest_of_that_line() -> None:
    prompt = "Music Streaming (high_level): How do playlists sync between phone and desktop?"
    pasted = ("like the guide says: if I add something on my phone, it's in my cart on my laptop. "
              "and a viewer on bad hotel wifi drops to 480p instead of buffering, same idea for us.\n"
              "A playlist is ~300 tracks x ~40 bytes = ~12 KB, so we send the whole doc on change.")
    assert _marked(pasted, prompt) == [True, True, False]
    assert detect(pasted, prompt)[0].evidence["customer_first"] is None


def test_a_lead_in_that_disowns_a_list_takes_the_rest_of_its_line() -> None:
    prompt = "Metrics and Monitoring Pipeline (operations): How do you monitor the monitoring system?"
    disowned = ("Stuff I'm NOT going to claim: that it runs on k8s because it self-heals, that "
                "the alarm path is infinitely scalable.")
    assert all(_marked(disowned, prompt))
    found = detect(disowned, prompt)[0].evidence
    assert found["kubernetes_first"] is None and found["infinite_scale"] is None
    # as a heading, the lines under it are disowned too
    heading = ("Things I won't claim:\n- it runs on k8s because it self-heals\n"
               "- the alarm path is infinitely scalable")
    assert _marked(heading, prompt) == [True, True, True]
    # without the colon it is no lead-in: "I won't say it's simple, but …" keeps its claim
    said = "I won't say it's simple, but the alarm path is infinitely scalable."
    assert detect(said, prompt)[0].evidence["infinite_scale"] is not None


def test_lines_under_a_heading_that_says_they_are_copied_count_for_nothing() -> None:
    prompt = "Ride Hailing (high_level): Draw the request-to-match flow."
    copied = ("Notes I took from the examples, reworded a bit:\n"
              "- search team (7 eng) owns the indexer and carries the pager\n"
              "- ship one-box first, then 10% of hosts per AZ, auto-rollback on the error alarm")
    assert _marked(copied, prompt) == [True, True, True]
    found = detect(copied, prompt)[0].evidence
    assert found["team_ownership"] is None and found["operations_ready"] is None
    own = copied.replace("Notes I took from the examples, reworded a bit:", "Ownership and rollout:")
    assert not any(_marked(own, prompt))


def test_a_block_quote_is_someone_elses_words() -> None:
    quoted = "> an SLO burn-rate alert on the checkout error budget pages the on-call"
    assert parse(quoted).sentences[0].stuffing
    assert detect(quoted, None)[0].evidence["operations_ready"] is None
    # a threshold that opens a line is the writer's own alarm
    assert not parse("> 300 ms p99 for 5 min pages the on-call").sentences[0].stuffing


def test_a_list_naming_this_systems_own_parts_is_not_stuffing() -> None:
    parts = "Redirect path: edge cache, shortener API, link store, click stream, abuse filter."
    assert _marked(parts, "Design a URL shortener with a redirect service.") == [False]
    assert _marked(parts, "Design a chat service.") == [True]


@pytest.mark.parametrize("low", [
    "we follow operational excellence best practices — monitoring, logging, alerting, "
    "incident management, postmortems, continuous improvement.",
    "✅ customer obsession ✅ cold start p99 ✅ 4 nines ✅ multi-az ✅ on-call",
    "scalability, elasticity, availability and durability, resiliency",
    "✅ paxos ✅ cloudwatch + pagerduty ✅ two-pizza teams ✅ mechanisms > intentions",  # no number
])
def test_listed_terms_reads_a_list_standing_in_for_a_design(low: str) -> None:
    assert listed_terms(low) is not None


@pytest.mark.parametrize("low", [
    "redirects, writes, deletes, lookups",  # four: an enumeration in a sentence
    "hosts per region: 1,200, 1,500, 800 and 2,000",  # four numbers, not seven
    "schema: device (id, home_id, model), home (id, owner), schedule, zone, fw",  # identifiers
    "| anti-cheat slow | scores kept | retried | revoked | nothing |",  # a table row
    "alarms: p99 > 300 ms, 5xx > 1%, lag, dlq depth, disk",  # thresholds say something
    "both regions must always show identical data for everything — passengers, seats, bags, "
    "loyalty, gate info",  # a claim, then what it covers
    "dashboards of p99 latency per region, error rates split by client version, queue depth, "
    "lag, disk",  # an item of more than three words
])
def test_listed_terms_leaves_sentences_that_say_something(low: str) -> None:
    assert listed_terms(low) is None


def test_blanks_and_variables_left_to_fill_in_count_for_nothing() -> None:
    blank = "Owner: ____ team, rotation: ____\nCost per 1K reads = $X; hit ratio from A% to B%."
    found = detect(blank, "Design a product catalog.")[0].evidence
    assert found["team_ownership"] is None and found["numbers_always"] is None
    filled = "Owner: the catalog team, rotation: weekly.\nCost per 1K reads = $0.02 at a 95% hit ratio."
    kept = detect(filled, "Design a product catalog.")[0].evidence
    assert kept["team_ownership"] is not None and kept["numbers_always"] is not None
    assert _marked("We keep _one_ copy per region.", None) == [False]  # italics, not a blank


# --- tables ---------------------------------------------------------------------------------


def test_a_tables_header_row_is_the_heading_of_its_rows_not_a_claim() -> None:
    table = ("| **Failure** | Response |\n|---|:---:|\n| a node dies | its shard fails over |\n\n"
             "---\nafter the table")
    sentences = parse(table).sentences
    assert [s.text for s in sentences] == ["| a node dies | its shard fails over |", "after the table"]
    assert [s.context for s in sentences] == ["failure, response", ""]  # the table's rows only
    # the seed's own table header, pasted under a chat prompt, plans no failure
    header = "| Mistake | Why It Fails | Do Instead |\n|---|---|---|\n| k8s first | cost | ECS |"
    assert detect(header, "Design a chat service.")[0].evidence["failure_planning"] is None
    assert parse("| not a table | row |").sentences[0].context == ""  # no rule below: a row
    # outer pipes are optional; a bare "---" under a line is an underline, not a table's rule
    bare = parse("Failure | Response\n---|---\nnode dies | fail over\nafter").sentences
    assert [(s.text, s.context) for s in bare] == [("node dies | fail over", "failure, response"),
                                                   ("after", "")]
    assert parse("Latency | cost\n---\nnext").sentences[0].text == "Latency | cost"


def test_what_a_heading_calls_mistakes_commits_nothing() -> None:
    listed = ("Red flags:\n- just put it on Kubernetes\n- we'll add monitoring later\n\n"
              "| Mistake | Do instead |\n|---|---|\n| \"We'll use Kubernetes\" | ECS |")
    found = detect(listed, "Design a chat service.")[0].evidence
    assert found["kubernetes_first"] is None and found["monitor_later"] is None
    mine = "How we avoid downtime:\n- everything runs on Kubernetes because that's what we use"
    assert detect(mine, "Design a chat service.")[0].evidence["kubernetes_first"] is not None
