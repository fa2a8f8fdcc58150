"""Agreement with hand labels: the checker's quality bar, measured on labeled answers.

Two kinds of gate, kept apart (issue 16):

* Generalisation gates, on sets no rule was tuned on: ``blind.jsonl`` and ``blind2.jsonl``
  (written from the labeling guide alone; blind2 was partly tuned on for team_will_handle in
  an earlier change, see git log), and every ``*_unseen.jsonl``: per-class, adversarial and
  ordinary answers written from the guide alone by people who never read the rules, outside
  this repository, relabelled blind and measured once (the comments below say when and at
  what). Thresholds sit at what was measured; the sets are small, so they gate on wrong
  labels.
* Tune gates, on the sets rules were tuned on: ``extra.jsonl`` (this project's, from the
  guide's definitions), the shared ``dev.jsonl`` when present, and every ``*_tune.jsonl``.
  Several were unseen sets once; after their errors were studied they were renamed, so they
  say nothing about generalisation any more.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.review import ITEM_IDS, LABELS, MODE_IDS, Reviewer
from bot.review.evaluate import EvalReport, LabelScore, evaluate

FIXTURES = Path(__file__).parent / "fixtures" / "review"
DEV = Path(__file__).resolve().parents[2] / "shared" / "rubric-eval" / "dev.jsonl"


def _report(path: Path) -> EvalReport:
    reviewer = Reviewer()
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        predicted = reviewer.review(record["answer"], prompt=record["prompt"]).labels()
        pairs.append((record["labels"], predicted))
    return evaluate(pairs)


def _assert_quality(report: EvalReport) -> None:
    weak = {s.label: round(s.f1, 2) for s in report.scores if s.f1 < 0.8}
    assert report.items_macro_f1 >= 0.9
    assert report.modes_macro_f1 >= 0.9
    assert not weak


def test_extra_set_is_big_enough_and_fully_labeled() -> None:
    records = [json.loads(line) for line in (FIXTURES / "extra.jsonl").read_text().splitlines()]
    assert len(records) >= 60
    assert all(set(r["labels"]) == set(LABELS) for r in records)
    assert len({r["id"] for r in records}) == len(records)


def test_quality_on_extra_set() -> None:
    _assert_quality(_report(FIXTURES / "extra.jsonl"))


@pytest.mark.skipif(not DEV.exists(), reason="shared dev set not present")
def test_quality_on_dev_set() -> None:
    _assert_quality(_report(DEV))


def _wrong_labels(path: Path) -> tuple[int, int]:
    report = _report(path)
    wrong = sum(s.false_positives + s.false_negatives for s in report.scores)
    return wrong, report.examples * len(LABELS)


# --- generalisation gates: sets no rule was tuned on ---------------------------------------
# Measured when issue 16's rules were done (python -m bot check --eval):
#   blind    items 0.971, modes 1.000, weakest customer_first 0.95
#   blind2   items 0.921, modes 0.935, weakest monitor_later 0.85
#   classes_unseen 6 wrong of 320 labels; adversarial_unseen 1 wrong of 150


@pytest.mark.parametrize(
    ("name", "items", "modes", "weakest"),
    [("blind.jsonl", 0.96, 0.98, 0.93), ("blind2.jsonl", 0.91, 0.92, 0.83)],
)
def test_quality_on_blind_sets(name: str, items: float, modes: float, weakest: float) -> None:
    report = _report(FIXTURES / name)
    assert report.items_macro_f1 >= items
    assert report.modes_macro_f1 >= modes
    assert {s.label: round(s.f1, 2) for s in report.scores if s.f1 < weakest} == {}


# classes4 (80 answers, 10 per failure class) and adversarial4_unseen (30) were written
# from the labelling guide alone by an annotator who never read the rules, and labelled again
# blind by a second one: 1,098 of 1,100 labels agreed; the two that differed were settled to
# customer_first=1 (c4u-041, a4u-030). Measured once on the rules as they stand: 31 wrong of
# 800 (items 0.828, modes 0.876) and 14 wrong of 300 (items 0.579, modes 1.000). A third round
# of class rules, studied on the round-2 sets, scored 32 and 14 on them and was not kept.
# The fourth round studied classes4's errors, so it is tune data now (classes4_round3_tune).
# classes5_unseen (80, 10 per class), adversarial5_unseen (30) and mixed5_unseen (40 ordinary
# answers) were written the same way during the fourth round, outside this repository, and
# relabelled blind (1,497 of 1,500 labels agreed; c5-036 and c5-038 settled numbers_always=1,
# m5-19 customer_first=1). Measured once, after the fourth round's rule changes: 38 wrong of
# 800, 9 of 300 and 13 of 400 (the rules as they stood before that round: 42, 12 and 13).
# During the rest of the fourth round those three, with the older unseen sets, were used only
# as vetoes: a rule change that added a wrong label on one was dropped (two were), so they are
# no longer fully unseen. classes6_unseen (80), adversarial6_unseen (30) and mixed6_unseen (40)
# were written the same way while the round went on, relabelled blind (1,496 of 1,500 labels
# agreed; c6-028 and c6-064 settled numbers_always=0, c6-071 numbers_always=1, m6-33
# failure_planning=1) and measured once, when the round's rules were final: 52, 17 and 21
# wrong (the rules at the round's start: 58, 18 and 21). Their errors were then studied for a
# last set of class rules, so they are tune data now (classes6_tune and the others).
# classes7_unseen (80), adversarial7_unseen (30) and mixed7_unseen (40) were written the same way
# during that last set, relabelled blind (1,494 of 1,500 agreed; c7-040 numbers_always=1, c7-028
# customer_first=1 and a7-24 failure_planning=1 settled) and measured once on its final rules:
# 30, 8 and 11 wrong (the rules at the stop's start: 31, 9 and 11; after the sixth-round
# measurement: 31, 9 and 11). The next stop studied their errors, so they are tune data now
# (classes7_tune and the others).
# classes8_unseen (80: two writers, 40 each), adversarial8_unseen (30) and mixed8_unseen (40)
# were written the same way at the start of that stop, relabelled blind (1,496 of 1,500
# agreed; m8-028 customer_first=1 and failure_planning=0, c8a-001 customer_first=1, c8b-021
# failure_planning=0 settled) and measured once on the rules the seventh round ended with:
# 43, 9 and 25 wrong (items 0.847 / 0.831 / 0.860, failure modes 0.727 / 0.893 / 0.833).
# Measured again, counts only (no error read), after that stop's class rules (people who use
# an internal system, learning the outcome "within 5 s", fractions of a unit in words, a
# supplier that "drops out"), which fixed 12 wrong labels on tune and veto sets: 44, 9 and 24.
# Their errors were then studied for the next class rules, so they are tune data now
# (classes8_tune and the others).
# mixed9_unseen (80 ordinary answers: two writers, short chat and long structured) and
# adversarial9_unseen (30) were written the same way while those rules were made, relabelled
# blind (1,091 of 1,100 agreed; nine settled, named in each line's notes) and measured once,
# on the final rules: 57 and 11 wrong. Counted afterwards on the rules that stop began with:
# 55 and 11; after its first class rules: 56 and 11. Its class rules fixed 32 wrong labels on
# tune and veto sets and none on fresh writing.
# The next stop read lists of bare terms as stuffing by their shape, not their words
# (relevance.py, text.listed_terms), studied on the adversarial tune sets: tune and veto sets
# 7 wrong labels fewer, none added; measured once on round 9, counts only: 57 and 10.
# mixed10_unseen (50 ordinary answers) and adversarial10_unseen (30, five per adversarial class)
# were written the same way at that stop's start, relabelled blind (796 of 800 labels agreed;
# m10-009 numbers_always=1, m10-012 failure_planning=1, m10-038 kubernetes_first=0 and m10-050
# operations_ready=0 settled, each named in its line's notes) and measured once, when that
# stop's class rules were final (term lists, blanks, table headers, cross-sentence matches,
# failure_planning yielding to team_will_handle, an error shown as no response; 19 wrong labels
# fewer on tune and veto sets): 22 and 18 wrong, items 0.911 / 0.821, failure modes 0.945 /
# 0.943. The rules that stop began with give the same verdict on every one of those 800 labels.
# The stop after it studied their errors for its class rules, so they are tune data now
# (mixed10_tune, adversarial10_tune).
# mixed11_unseen (50 ordinary answers, two writers) and adversarial11_unseen (30) were written
# the same way while that stop studied round 10, relabelled blind (789 of 800 labels agreed;
# eleven settled, m11-046 failure_planning=0 against its writer, the rest with the writer,
# most of them the relabeller's own notes agreeing), and measured once on its final rules
# ("429s" is no count of nines; a label yields every sentence its yielded-to labels accept):
# 38 and 24 wrong, items 0.871 / 0.822, failure modes 0.851 / 0.781. The rules that stop
# began with: 39 and 24. The stop after it studied their errors for its class rules, so they
# are tune data now (mixed11_tune, adversarial11_tune).
# mixed12_unseen (50 ordinary answers, two writers) and adversarial12_unseen (30) were written
# the same way while that stop studied round 11, relabelled blind (794 of 800 labels agreed;
# six settled, m12-048 operations_ready=1 against its writer, the rest with the writer, each
# named in its line's notes) and measured once on its final rules (single quotes around
# contractions, owners named by their own name, the prompt's failing part, bounds on errors,
# metrics named in the writer's words, alarms that watch nothing named, …): 37 and 16 wrong,
# items 0.864 / 0.897, failure modes 0.927 / 0.829. The rules that stop began with: 40 and 17.
# The same stop then studied their errors for a second set of class rules, so they are tune
# data now (mixed12_tune, adversarial12_tune).
# mixed13_unseen (50, two writers) and adversarial13_unseen (30) were written the same way while
# round 12 was studied, relabelled blind (797 of 800 labels agreed; m13-017, a13-008 and a13-011
# failure_planning=0 settled with their writers, named in each line's notes) and measured once
# on that second set's final rules (a quoted screen's "?", owners' own names with own verbs,
# ticked checklists by shape, code read as prose, a dependency's 429s, quoted deferrals, …):
# 35 and 19 wrong, items 0.848 / 0.860, failure modes 0.923 / 0.889. The rules that stop began
# with: 39 and 21; after its first set (when round 12 was measured): 36 and 19. The stop after
# it studied their errors for its class rules, so they are tune data now (mixed13_tune,
# adversarial13_tune).
# mixed14_unseen (50, two writers) and adversarial14_unseen (30) were written the same way while
# round 13 was studied, relabelled blind by three more helpers (795 of 800 labels agreed; five
# settled by a third reader from the guide, three with the writer and two with the relabeller,
# named in each line's notes) and measured once on that stop's final rules (customer framing
# said as "X, not Y", a party's own side, ranges of times, alarms as counts against a bound,
# self-corrections, failures said with common verbs, …): 28 and 23 wrong, items 0.903 / 0.878,
# failure modes 0.888 / 0.736. The rules that stop began with: 31 and 23. The stop after it
# studied their errors for its class rules, so they are tune data now (mixed14_tune,
# adversarial14_tune).
# mixed15_unseen (50, two writers) and adversarial15_unseen (30) were written the same way while
# round 14 was studied, relabelled blind by two more helpers (797 of 800 labels agreed; three
# settled by a third reader from the guide, all with the relabeller, named in each line's notes)
# and measured once on that stop's final rules (past-tense experiences, a host as a person only
# with a person's verb, growth waved away, alarm windows and relative thresholds as settings,
# "they own" with the group named earlier, trust in people in place of a mechanism, …): 23 and
# 11 wrong, items 0.942 / 0.917, failure modes 0.865 / 0.971. The rules that stop began with:
# 25 and 10. The stop after it studied their errors for its class rules, so they are tune data
# now (mixed15_tune, adversarial15_tune).
# mixed16 (50, two writers) and adversarial16 (30) were written the same way while round 15 was
# studied, relabelled blind by two more helpers (800 of 800 labels agreed) and measured once on
# the rules that had studied round 15 (12b43c0): 25 and 18 wrong, items 0.896 / 0.872, failure
# modes 0.924 / 0.893. The rules that stop began with (0af6cdd): 25 and 19. The same stop then
# studied their errors for a second set of class rules, so they are tune data now
# (mixed16_tune, adversarial16_tune).
# mixed17 (50, two writers) and adversarial17 (30) were written the same way while round 16 was
# studied, relabelled blind (793 of 800 labels agreed; m17-008 customer_first=1 settled with the
# relabeller, six with the writer, by a third reader from the guide, each named in its line's
# notes) and measured once on the rules that had studied round 16 (4222e14): 32 and 13 wrong,
# items 0.884 / 0.882, failure modes 0.918 / 1.000. The rules that stop began with (0af6cdd):
# 33 and 14. The same stop then studied their errors for a third set of class rules, so they
# are tune data now (mixed17_tune, adversarial17_tune).
# mixed18_unseen (50, two writers) and adversarial18_unseen (30) were written the same way while
# round 17 was studied, relabelled blind (796 of 800 labels agreed; four settled by a third
# reader from the guide, all with the relabeller, named in each line's notes) and measured once
# on that stop's final rules (151d6c6): 35 and 18 wrong, items 0.873 / 0.845, failure modes
# 0.893 / 0.903. The rules that stop began with (0af6cdd): 35 and 18, label for label the same.
# The next stop studied their errors for its class rules (how a person reacts and what they
# are left holding, parties on the other end, a part that chokes or starts erroring, work handed
# to what is left, alarms on progress, allocations and misses in a row, ceilings denied, people
# who will pick it up, topics announced inline, "like the guide says"), so they are tune data
# now (mixed18_tune 35 -> 24, adversarial18_tune 18 -> 7).
# mixed19_unseen (50, two writers) and adversarial19_unseen (30) were written the same way at the
# start of the next stop, relabelled blind (799 of 800 labels agreed; m19-028 customer_first=1
# settled with the writer by a third reader from the guide, named in its line's notes) and
# measured once, before any rule studied round 18, on the rules of c611085: 18 and 16 wrong,
# items 0.946 / 0.833, failure modes 0.728 / 0.625. The rules of 0af6cdd: 19 and 20. Measured
# again after that stop studied round 18 (932f253): 18 and 16, label for label the same. The
# same stop then studied adversarial19's errors (struck-through lines, a lead-in that disowns
# the list after it, "[link TBD]", people handling "whatever comes up", "nothing anywhere is
# ever stale"), so it is tune data now (adversarial19_tune, 16 -> 8); mixed19_unseen stays
# unseen (18 after that too).
# mixed20_unseen (50, two writers) and adversarial20_unseen (30, asked for new disguises: fake
# content in code blocks and YAML, slide outlines, pasted interviewer feedback, "what NOT to do"
# lists) were written the same way while round 18 was studied, relabelled blind (800 of 800
# labels agreed) and measured once on 932f253: 23 and 27 wrong, items 0.945 / 0.723, failure
# modes 0.600 / 0.533. The rules that stop began with (c611085): the same figures. Measured
# again after adversarial19 was studied: 23 and 27, unchanged.
# The gates of the older sets stand where that stop left them (each was measured once at
# first; the comments above say at what).
@pytest.mark.parametrize(
    ("name", "most_wrong"), [("classes_unseen.jsonl", 1), ("adversarial_unseen.jsonl", 0),
                             ("adversarial4_unseen.jsonl", 6), ("classes5_unseen.jsonl", 25),
                             ("adversarial5_unseen.jsonl", 5), ("mixed5_unseen.jsonl", 8),
                             ("mixed9_unseen.jsonl", 42), ("adversarial9_unseen.jsonl", 7),
                             ("mixed19_unseen.jsonl", 18),
                             ("mixed20_unseen.jsonl", 23), ("adversarial20_unseen.jsonl", 27)]
)
def test_wrong_labels_on_unseen_halves(name: str, most_wrong: int) -> None:
    wrong, total = _wrong_labels(FIXTURES / name)
    assert total >= 150
    assert wrong <= most_wrong


# --- tune gates: the sets rules were tuned on ------------------------------------------------


# classes3_tune / adversarial3_tune (issue 16, second round; from the checker-sets branch):
# before the class changes 38 wrong of 600 and 12 of 150, after them 3 and 0.
# classes3_round2_tune / adversarial3_round2_tune (the second round's unseen halves): measured
# once unseen at 57 wrong of 600 and 11 of 150, then studied in a third round, so they are tune
# data now. classes4_round3_tune: measured once unseen at 31 wrong of 800, then studied.
# classes7_tune / adversarial7_tune / mixed7_tune: the seventh round, unseen at 30, 8 and 11,
# then studied for the eighth stop's class rules.
# adversarial12_tune's gate is 8: three kinds of praise in one sentence are stuffing now (ten
# tune labels fixed), and one such sentence also claims infinite scale, which it no longer
# commits (adversarial10_tune's ACID sentence the same, within its gate).
# classes3_tune's gate is 3: a latency threshold crossed is a failure now ("if hold p99 goes
# over 200 ms the controller cuts admissions", two tune answers fixed), and one answer labels a
# deploy's auto-halt on p99 0 for failure_planning.
TUNE_GATES = {"classes_tune.jsonl": 1, "adversarial_tune.jsonl": 0, "classes3_tune.jsonl": 3,
              "adversarial3_tune.jsonl": 0, "classes3_round2_tune.jsonl": 15,
              "adversarial3_round2_tune.jsonl": 3, "classes4_round3_tune.jsonl": 13,
              "classes6_tune.jsonl": 21, "adversarial6_tune.jsonl": 5, "mixed6_tune.jsonl": 13,
              "classes7_tune.jsonl": 8, "adversarial7_tune.jsonl": 4, "mixed7_tune.jsonl": 6,
              "classes8_tune.jsonl": 11, "adversarial8_tune.jsonl": 1, "mixed8_tune.jsonl": 8,
              "mixed10_tune.jsonl": 10, "adversarial10_tune.jsonl": 6,
              "mixed11_tune.jsonl": 13, "adversarial11_tune.jsonl": 4,
              "mixed12_tune.jsonl": 15, "adversarial12_tune.jsonl": 8,
              "mixed13_tune.jsonl": 12, "adversarial13_tune.jsonl": 8,
              "mixed14_tune.jsonl": 9, "adversarial14_tune.jsonl": 7,
              "mixed15_tune.jsonl": 8, "adversarial15_tune.jsonl": 2,
              "mixed16_tune.jsonl": 11, "adversarial16_tune.jsonl": 10,
              "mixed17_tune.jsonl": 11, "adversarial17_tune.jsonl": 5,
              "mixed18_tune.jsonl": 24, "adversarial18_tune.jsonl": 7,
              "adversarial19_tune.jsonl": 8}
UNSEEN = ("classes_unseen.jsonl", "adversarial_unseen.jsonl", "adversarial4_unseen.jsonl",
          "classes5_unseen.jsonl", "adversarial5_unseen.jsonl", "mixed5_unseen.jsonl",
          "mixed9_unseen.jsonl", "adversarial9_unseen.jsonl", "mixed19_unseen.jsonl",
          "mixed20_unseen.jsonl", "adversarial20_unseen.jsonl",
          "blind.jsonl", "blind2.jsonl")


@pytest.mark.parametrize(("name", "most_wrong"), sorted(TUNE_GATES.items()))
def test_wrong_labels_on_tune_halves(name: str, most_wrong: int) -> None:
    wrong, _ = _wrong_labels(FIXTURES / name)
    assert wrong <= most_wrong


def _answers(name: str) -> set[str]:
    return {json.loads(line)["answer"]
            for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines()}


def test_unseen_sets_share_no_answer_with_a_tune_set() -> None:
    tuned = set().union(*(_answers(name) for name in (*TUNE_GATES, "extra.jsonl")))
    for name in UNSEEN:
        unseen = _answers(name)
        assert unseen and not unseen & tuned, name


def test_label_score_ratios_and_macro_f1() -> None:
    expected = [{"customer_first": 1}, {"customer_first": 1}, {"customer_first": 0}]
    predicted = [{"customer_first": 1}, {"customer_first": 0}, {"customer_first": 1}]
    report = evaluate(zip(expected, predicted, strict=True))
    score = report.score("customer_first")
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 1, 1)
    assert score.precision == score.recall == score.f1 == 0.5
    assert report.score("numbers_always").f1 == 1.0  # never present, never flagged
    assert report.items_macro_f1 == pytest.approx((0.5 + 4 * 1.0) / len(ITEM_IDS))
    assert report.modes_macro_f1 == 1.0 and len(MODE_IDS) == 5


def test_f1_is_zero_when_everything_is_missed() -> None:
    assert LabelScore("x", 0, 0, 3).f1 == 0.0
