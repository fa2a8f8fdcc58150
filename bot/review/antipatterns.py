"""Detectors for the guide's five common failure modes (GUIDE section 3).

A failure mode is flagged only when the writer commits it as their own
position: every match goes through ``stance.claims`` first, so questions,
quotes, warnings, negations and retractions never count. Each detector then
checks the one thing that makes its mistake a mistake: Kubernetes without a
requirement-based reason, unbounded scale with no number attached, strong
consistency with no boundary anywhere, monitoring deferred, people instead of
a mechanism.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.review.analysis import Analysis
from bot.review.checklist import has_live_alarms
from bot.review.deferral import DEFERRAL, asks_about_monitoring, deferred_monitoring
from bot.review.document import Sentence
from bot.review.people import team_will_handle
from bot.review.rules import lazy_regex
from bot.review.stance import (
    in_quotes,
    is_retracted,
    is_warning,
)

Detector = Callable[[Analysis], Sentence | None]

# kubernetes_first, infinite_scale and perfect_consistency have no code: their rule files
# are read by the generic matcher (rules.CompiledRule), like any label added as data.


def monitor_later(analysis: Analysis) -> Sentence | None:
    """Monitoring, alerting or observability deferred to a later stage."""
    for sentence in analysis.doc.sentences_matching(DEFERRAL):
        if sentence.stuffing or sentence.question or sentence.code:
            continue
        deferral = deferred_monitoring(sentence.low, _answers_monitoring_question(analysis, sentence))
        if deferral is None:
            continue
        if _SECONDARY_MONITORING.search(sentence.low) and has_live_alarms(analysis):
            continue
        if in_quotes(sentence.low, deferral.start()) or is_warning(sentence.low):
            continue
        if is_retracted(analysis.doc, sentence, sentence.low.find(deferral.group(0))):
            continue  # "we could add monitoring later... actually no, scratch that"
        return sentence
    return None


def _answers_monitoring_question(analysis: Analysis, sentence: Sentence) -> bool:
    """A short sentence right after a question about monitoring ("Monitoring? later.")."""
    index = analysis.index(sentence)
    if index == 0 or len(sentence.low.split()) > 8:
        return False
    previous = analysis.doc.sentences[index - 1]
    return sentence.line - previous.line <= 1 and asks_about_monitoring(previous.low)


_SECONDARY_MONITORING = lazy_regex("monitor_later", "secondary_monitoring")


DETECTORS: dict[str, Detector] = {
    "monitor_later": monitor_later,
    "team_will_handle": team_will_handle,
}
