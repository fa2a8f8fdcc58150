"""Monitoring put off until later: shared by ``monitor_later`` and ``operations_ready``.

GUIDE 3.4 flags "we'll add monitoring later"; 2.4 says a deferred monitoring
plan does not make an answer operations-ready. Both need the same reading of
one clause: a monitoring term, a deferral, and no negation in front of either
("we will NOT add monitoring later" defers nothing).
"""

from __future__ import annotations

import re

from bot.review.rules import lazy_regex, lazy_words
from bot.review.stance import is_negated

_MONITORING = lazy_regex("monitor_later", "monitoring")
_PRODUCT_REPORTING = lazy_regex("monitor_later", "product_reporting")
_PRODUCT_ONLY = lazy_regex("monitor_later", "product_only")
_CORE_ALERTING = lazy_regex("monitor_later", "core_alerting")
DEFERRAL = lazy_words("monitor_later", "deferral")
_CLAUSE = lazy_regex("monitor_later", "clause")


_LATER_IN_TIME = lazy_regex("monitor_later", "later_in_time")
_POINTER = lazy_regex("monitor_later", "pointer")
_BETWEEN_NEGATION = lazy_regex("monitor_later", "between_negation")


def deferred_monitoring(low: str, asked: bool = False) -> re.Match[str] | None:
    """The deferral in a clause that puts monitoring off, or None.

    A clause counts when it holds a monitoring term and a deferral, or a
    deferral of "that/it/them" after a clause naming monitoring ("metrics would
    be nice, but I'd leave that for after launch"). Product reporting ("the
    finance dashboard is v2") is not operational monitoring. ``asked`` says the
    sentence is a short answer to a question about monitoring ("Monitoring? Later.").
    """
    clauses = _CLAUSE.split(low)
    for number, clause in enumerate(clauses):
        deferral = DEFERRAL.search(clause)
        if deferral is None or _LATER_IN_TIME.search(clause, 0, deferral.end()):
            continue
        if _PRODUCT_ONLY.search(clause) and not _CORE_ALERTING.search(clause):
            continue  # "merchant analytics in v2" defers a product feature, not monitoring
        operational = _PRODUCT_REPORTING.sub("", clause)
        term = _MONITORING.search(operational)
        if term is None and not asked:
            previous = clauses[number - 1] if number else ""
            labelled = _is_label_then_value(previous, clause)  # "Metrics/alerts — post-MVP"
            # "panels for queue length, admit rate, …: build them after that": the pointer
            # may stand for a list that began clauses back
            earlier = ",".join(clauses[:number])
            if not labelled and not (_POINTER.search(clause) and _MONITORING.search(earlier)):
                continue
        if not _negated(clause, deferral, term):
            return deferral
    return None


def _is_label_then_value(label: str, value: str) -> bool:
    """A short monitoring label and a short deferral, split by a dash: "alerts — v2"."""
    return (0 < len(label.split()) <= 4 and len(value.split()) <= 4
            and _MONITORING.search(label) is not None)


def _negated(clause: str, deferral: re.Match[str], term: re.Match[str] | None) -> bool:
    first = min(deferral.start(), term.start()) if term else deferral.start()
    if is_negated(clause, first):
        return True
    if term is not None and term.end() < deferral.start():
        return _BETWEEN_NEGATION.search(clause, term.end(), deferral.start()) is not None
    return False


def asks_about_monitoring(question: str) -> bool:
    """A question naming monitoring, such as "Monitoring?" or "what about alerts?"."""
    return question.rstrip().endswith("?") and _MONITORING.search(question) is not None
