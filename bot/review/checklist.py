"""Detectors for two of the guide's five success-formula items (GUIDE section 2).

An item is met by one clear instance anywhere in the answer (rule 2), so each
detector offers the sentences that could meet it, best first, and the first one
that no other label has taken (``yields_to``) is the evidence. Stuffed lines,
questions and negated phrases never meet an item (rules 4 and 6). The other three
items have modules of their own (customer.py, failures.py, ownership.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.review.alarms import live_alarms, signal_count
from bot.review.analysis import Analysis, Firm
from bot.review.deferral import deferred_monitoring
from bot.review.document import Sentence
from bot.review.rules import lazy_regex, lazy_words
from bot.review.stance import claims, is_retracted


def _usable(sentence: Sentence) -> bool:
    return not (sentence.stuffing or sentence.question)


# --- numbers_always ----------------------------------------------------------------------


_WAVED_AWAY = lazy_regex("numbers_always", "waved_away")


def numbers_always(analysis: Analysis) -> Iterator[Sentence]:
    """The writer's own number on scale, latency, availability or cost, with a unit, and not
    taken back after it ("pages if the heartbeat is 2 min stale… actually scratch that")."""
    doc = analysis.doc
    for sentence in doc.sentences:
        if not _usable(sentence) or _WAVED_AWAY.search(sentence.low) is not None:
            continue
        if any(not is_retracted(doc, sentence, q.end) for q in analysis.own_quantities(sentence)):
            yield sentence


# --- operations_ready --------------------------------------------------------------------

_PRACTICE = lazy_words("operations_ready", "practice")
_OPS_CONTEXT = lazy_regex("operations_ready", "ops_context")
_HYPOTHETICAL = lazy_regex("operations_ready", "hypothetical")
# "-- must update exactly N rows, else ROLLBACK": a database transaction, not a deploy
_TRANSACTION = lazy_regex("operations_ready", "transaction")
# "Runbooks: we'll have them.", "On-call: yes.": a heading with a promise and no content
_BARE_PROMISE = lazy_regex("operations_ready", "bare_promise")


def operations_ready(analysis: Analysis) -> Iterator[Sentence | Firm]:
    """Concrete operability: signals with alarms, safe deploys, runbooks, on-call.

    An alarm yields: "someone watches the dashboard" commits team_will_handle and is not
    operability (operations_ready.yaml's ``yields_to``). A named practice is firm: "we
    run it on Kubernetes with canary deploys" is a canary deploy whatever else it is."""
    yield from _ranked_alarms(analysis)
    for sentence, match in claims(analysis.doc, _PRACTICE):
        if _not_a_practice(sentence, match):
            continue
        before = sentence.low[: match.start() - sentence.start]
        if deferred_monitoring(sentence.low) is None and _HYPOTHETICAL.search(before) is None:
            yield Firm(sentence)


def _ranked_alarms(analysis: Analysis) -> Iterator[Sentence]:
    """The alarm sentences in the order the card would rather quote them: those under an
    operations heading ("Ops:", "Monitoring") first, then the rest by how many signals
    they name, so the card quotes the monitoring paragraph rather than a DLQ aside in the
    failure section. Ties keep the answer's order (``sorted`` is stable)."""
    elsewhere = []
    for sentence in live_alarms(analysis.doc):
        if _OPS_CONTEXT.search(sentence.context):
            yield sentence
        else:
            elsewhere.append(sentence)
    yield from sorted(elsewhere, key=lambda sentence: -signal_count(sentence))


def _not_a_practice(sentence: Sentence, match: re.Match[str]) -> bool:
    """A transaction rollback, or a practice only promised ("Runbooks: we'll have them")."""
    if _BARE_PROMISE.search(sentence.low):
        return True
    rollback = match.group(0).startswith("roll")
    return rollback and (sentence.code or _TRANSACTION.search(sentence.low) is not None)
