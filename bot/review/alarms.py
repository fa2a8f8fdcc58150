"""Alarms and dashboards on a named signal, in place now: shared by two labels.

GUIDE 2.4 counts "p99 latency > 300 ms pages on-call" towards ``operations_ready``;
GUIDE 3.4 does not flag "tracing can come later" as ``monitor_later`` when such alarms
are already there. Both need the same reading of a sentence: an alarm or dashboard word
that is not the product's own ("price-drop alerts", "the dashboard query", "web pages
stall"), a signal it watches (a signal word, or a metric named in the writer's own words:
"`orders_pending_over_15m`", "rejected plays per app version"), and no deferral ("alerts
after launch").
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.review.deferral import deferred_monitoring
from bot.review.document import Document, Sentence
from bot.review.rules import lazy_regex, lazy_words
from bot.review.stance import claims, without_quotes

_ALERTING = lazy_words("operations_ready", "alerting")
_SIGNAL = lazy_words("operations_ready", "signal")
_NAMED_METRIC = lazy_regex("operations_ready", "named_metric")
_PRODUCT_ALERT = lazy_regex("operations_ready", "product_alert")
_PRODUCT_DASHBOARD = lazy_regex("operations_ready", "product_dashboard")
_ALARM_HEADING = lazy_regex("operations_ready", "alarm_heading")
# "< 100 ms p95 — web pages stall", "every tracking page refresh": a page of the product,
# not paging someone
_WEB_PAGE_BEFORE = lazy_regex("operations_ready", "web_page_before")
_WEB_PAGE_AFTER = lazy_regex("operations_ready", "web_page_after")


def _is_web_page(low: str, end: int) -> bool:
    """Whether an alerting match that ends in "page" names a page of the product."""
    if not low[:end].rstrip("s").endswith("page"):
        return False
    page = low.rfind("page", 0, end)
    return bool(_WEB_PAGE_BEFORE.search(low, 0, page) or _WEB_PAGE_AFTER.match(low, page + 4))


def live_alarms(doc: Document) -> Iterator[Sentence]:
    """Sentences with an alarm/dashboard on a named signal, kept only if not deferred: those
    that say so themselves, in order, then the bullets under an alarm heading ("Page when:"
    / "- invoke API 5xx > 0.1%")."""
    yield from _alarms_said(doc)
    yield from _alarms_under_a_heading(doc)


def _alarms_under_a_heading(doc: Document) -> Iterator[Sentence]:
    """Bullets that name a signal under a heading that names the alarm ("Page when:"); a
    bullet that names its own alarm is read by ``_alarms_said`` already."""
    for sentence in doc.sentences:
        if sentence.stuffing or sentence.question or not sentence.context:
            continue
        if (_ALARM_HEADING.search(sentence.context) and not _ALERTING.search(sentence.low)
                and _watches_a_signal(doc, sentence)):
            yield sentence


def _watches_a_signal(doc: Document, sentence: Sentence) -> bool:
    """A signal word or a metric named in the writer's words, and no deferral."""
    named = doc.has(_SIGNAL, sentence) or _NAMED_METRIC.search(sentence.low) is not None
    return named and deferred_monitoring(without_quotes(sentence.low)) is None


def _alarms_said(doc: Document) -> Iterator[Sentence]:
    for sentence, match in claims(doc, _ALERTING):
        start = match.start() - sentence.start
        if _PRODUCT_DASHBOARD.match(sentence.low, start) or _PRODUCT_ALERT.search(
            sentence.low, 0, start
        ):
            continue  # "a dashboard query returns in < 2 s", "price-drop alerts": the product
        if _is_web_page(sentence.low, match.end() - sentence.start):
            continue
        if _watches_a_signal(doc, sentence):
            yield sentence  # a deferral quoted to be rejected defers nothing


def names_a_signal(low: str) -> bool:
    """Whether ``low`` names something an alarm could watch (``live_alarms``'s test, on
    plain text)."""
    return _SIGNAL.search(low) is not None or _NAMED_METRIC.search(low) is not None


def signal_count(sentence: Sentence) -> int:
    """How many different signals the sentence names ("p99 latency, error rate": two)."""
    return len(set(m.group(0) for m in _SIGNAL.finditer(sentence.low)))
