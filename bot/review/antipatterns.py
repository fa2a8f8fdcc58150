"""monitor_later (GUIDE 3.4): monitoring, alerting or observability deferred to later.

A failure mode is flagged only when the writer commits it as their own position:
questions, quotes, warnings and retractions never count. The other four failure
modes: kubernetes_first, infinite_scale and perfect_consistency have no code (their
rule files are read by the generic matcher, rules.CompiledRule, like any label added
as data); team_will_handle's shape is in people.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.review.alarms import live_alarms
from bot.review.analysis import Analysis, Firm
from bot.review.deferral import DEFERRAL, asks_about_monitoring, deferred_monitoring
from bot.review.document import Sentence
from bot.review.rules import lazy_regex
from bot.review.stance import is_quoted, is_retracted, is_warning


def monitor_later(analysis: Analysis) -> Iterator[Firm]:
    """Monitoring, alerting or observability deferred to a later stage. A deferral is
    firm ("we'll run Kubernetes and add monitoring later" commits both); only the alarms
    read as already in place yield (monitor_later.yaml's ``yields_to``)."""
    for sentence in analysis.doc.sentences_matching(DEFERRAL):
        if sentence.stuffing or sentence.question:
            continue
        deferral = deferred_monitoring(sentence.low, _answers_monitoring_question(analysis, sentence))
        if deferral is None:
            continue
        if _SECONDARY_MONITORING.search(sentence.low) and (
                _ALARMS_NOW.search(sentence.low) or _has_live_alarms(analysis)):
            continue  # "tracing can come later" beside alarms already in place
        at = sentence.low.find(deferral.group(0))  # the deferral was found in one clause
        if is_quoted(sentence, at) or is_warning(sentence.low, sentence.context):
            continue
        if is_retracted(analysis.doc, sentence, at):
            continue  # "we could add monitoring later... actually no, scratch that"
        yield Firm(sentence)


def _has_live_alarms(analysis: Analysis) -> bool:
    """An alarm on a named signal in place now, which no failure mode quotes ("someone
    watches the dashboard" is team_will_handle, not an alarm in place)."""
    in_place = analysis.untaken("monitor_later", live_alarms(analysis.doc))
    return next(in_place, None) is not None


def _answers_monitoring_question(analysis: Analysis, sentence: Sentence) -> bool:
    """A short sentence right after a question about monitoring ("Monitoring? later.")."""
    index = analysis.index(sentence)
    if index == 0 or len(sentence.low.split()) > 8:
        return False
    previous = analysis.doc.sentences[index - 1]
    return sentence.line - previous.line <= 1 and asks_about_monitoring(previous.low)


_SECONDARY_MONITORING = lazy_regex("monitor_later", "secondary_monitoring")
_ALARMS_NOW = lazy_regex("monitor_later", "alarms_now")
