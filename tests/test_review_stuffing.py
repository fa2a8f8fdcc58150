"""The keyword-stuffing check's faster forms (bot.review.text) judge exactly as the plain ones."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from bot.review import detect, text
from bot.review.rules import default_rules

FIXTURE = Path(__file__).parent / "fixtures" / "review" / "extra.jsonl"
PLAIN_BUZZ = re.compile("|".join(f"(?:{w})" for w in text._BUZZ_WORDS))
PLAIN_CHECK_MARKS = re.compile("[✅☑✔✓🟢💯🔥⭐]\ufe0f?")
PLAIN_LIST_SPLIT = re.compile(r"[,/|+&✅☑✔✓🟢💯🔥⭐]")
PIECES = ("customer", "obsession", "-", " ", "first", "cost", "s", "costs", "p99", "p1000", "99", ".9",
          "%", "ops", "auto", "scal", "ing", "canary", "canaries", " deploys", "the", "all", "lps",
          "high", "ly", "availab", "x", "ux", "great", "day 1", "on", "call", "two", "pizza", "é", "✅")


def _items() -> list[str]:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    answers = [json.loads(line)["answer"].lower() for line in lines if line.strip()]
    found = {word for answer in answers for word in answer.split()}
    found |= {item.strip() for answer in answers for item in re.split(r"[,\n]", answer)}
    rng = random.Random(3)
    found |= {"".join(rng.choice(PIECES) for _ in range(rng.randint(1, 4))) for _ in range(20_000)}
    return sorted(found)


def test_the_factored_buzzwords_fullmatch_what_the_plain_alternation_does() -> None:
    for item in _items():
        assert (text._BUZZ.fullmatch(item) is None) == (PLAIN_BUZZ.fullmatch(item) is None), item


def test_check_marks_and_list_splits_agree_with_their_regexes() -> None:
    rng = random.Random(4)
    for _ in range(5_000):
        line = "".join(rng.choice((*PIECES, ",", "/", "|", "+", "&", " and ", "☑", "⭐\ufe0f", "→"))
                       for _ in range(rng.randint(0, 10)))
        ticked = text._has_check_mark(line)
        assert ticked == (PLAIN_CHECK_MARKS.search(line) is not None), line
        if not ticked:
            ascii_split = line.replace("/", ",").replace("|", ",").replace("+", ",").replace("&", ",")
            assert ascii_split.split(",") == PLAIN_LIST_SPLIT.split(line), line


def test_a_ticked_checklist_is_read_whatever_its_capitals() -> None:
    """A ticked item longer than a term is judged as a buzzword on its lowercase text, as
    ``is_stuffing`` judges comma lists: "✅ You build it, you run it" is the slogan."""
    line = "✅ Ownership ✅ You build it, you run it ✅ Two-pizza teams ✅ Runbooks ✅ Golden signals"
    assert text.is_stuffing(line)
    assert text.is_stuffing(line.lower())
    owned = "✅ Ownership ✅ The feed team builds and runs the ranker and its pager ✅ Runbooks"
    assert not text.is_stuffing(owned)


def test_operations_jargon_listed_bare_is_stuffing() -> None:
    assert text.is_stuffing("on-call, runbooks, COEs")
    assert text.is_stuffing("golden signals, error budgets, blameless postmortems")
    assert not text.is_stuffing("on-call, runbooks, and a 5xx > 1% alarm on the redirect fleet")


def test_terms_after_a_dash_label_or_run_on_as_sentences_are_stuffing() -> None:
    assert text.is_stuffing("Ops — golden signals, SLOs, error budgets, on-call")
    assert text.is_stuffing("Metrics: latency, traffic, errors, saturation. p50/p90/p99. Apdex.")
    # a sentence after the terms says something specific: not a list of terms
    assert not text.is_stuffing("Metrics: latency, traffic, errors. We page when checkout 5xx "
                                "passes 1% for five minutes.")


def test_resilience_patterns_named_bare_are_stuffing() -> None:
    assert text.is_stuffing("circuit breakers, retries, bulkheads, timeouts")
    assert not text.is_stuffing("circuit breakers on the card processor, retries with jitter, "
                                "a 2 s timeout on the fraud check")


def test_a_slogan_with_three_hashtags_is_stuffing() -> None:
    assert text.is_stuffing("Eleven nines = our #1 promise to the customer 💯 #durability #11nines #DiveDeep")
    assert text.is_stuffing("#CustomerObsession #Ownership all the way")
    # one tag beside a real sentence leaves it a sentence
    assert not text.is_stuffing("Checkout p99 stays under 300 ms at 2K orders/s #perf")


def test_words_struck_through_are_taken_back() -> None:
    struck = ("~~On a processor timeout we retry the auth 3 times. The payments on-call refunds "
              "any double charge by hand.~~\n- ~~Fan-out runs on our EKS cluster and scales forever.~~")
    assert [s.stuffing for s in text.parse(struck).sentences] == [True, True, True]
    found = detect(struck, None)[0].evidence
    assert found["team_will_handle"] is None and found["infinite_scale"] is None
    assert found["kubernetes_first"] is None
    # words struck inside a sentence are blanked; the rest of it still counts
    partly = text.parse("We run ~~Kubernetes~~ ECS tasks behind the ALB.").sentences[0]
    assert not partly.stuffing and "kubernetes" not in partly.low and "ecs" in partly.low
    assert len(partly.low) == len(partly.text)  # offsets into the answer are kept
    # in a code block "~~" is code, not markdown
    assert "~~x" in text.parse("```\ny = ~~x  # double negation\n```").sentences[0].low


def test_three_kinds_of_praise_in_a_sentence_are_fluent_stuffing() -> None:
    praise = ("We're customer obsessed, so latency is super low, availability is high-nines and we "
              "have full observability with proactive alerting.")
    marked = default_rules().relevance.generic(text.parse(praise), "Design a chat service.")
    assert [s.stuffing for s in marked.sentences] == [True]
    # one word of praise beside a real alarm leaves the sentence its own
    real = "Robust by design: an alarm on p99 > 300 ms for 5 min pages the chat on-call."
    marked = default_rules().relevance.generic(text.parse(real), "Design a chat service.")
    assert [s.stuffing for s in marked.sentences] == [False]
