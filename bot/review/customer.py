"""customer_first (GUIDE 2.1): what the customer sees, feels or gains, in concrete terms.

A sentence qualifies in one of three ways: a person (shopper, viewer, "I" on
my phone) experiences something concrete (a number or a stretch of time they
feel, "never", "X, not Y", a quoted screen); or it sits under a customer-framed
heading or label ("Customer view:", "For callers:"), or names a party's side itself ("from
the API client's side …"), and says something concrete;
or a customer-facing surface (add-to-cart, first frame, the push) gets a latency
target that is not an internal alarm.
Only sentences with a person, a surface or a customer heading are examined.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from bot.review.analysis import Analysis
from bot.review.document import Document, Sentence
from bot.review.rules import lazy_regex, lazy_words
from bot.review.stance import has_quote, in_quotes, is_negated
from bot.review.subjects import person_subject

_ACTOR = lazy_words("customer_first", "actor", scanned=False)
_FIRST_PERSON = lazy_words("customer_first", "first_person", scanned=False)
_EXPERIENCE = lazy_words("customer_first", "experience")
_CONCRETE = lazy_words("customer_first", "concrete")
_CUSTOMER_CONTEXT = lazy_regex("customer_first", "customer_context")
# the same framing said inside the sentence: "from the API client's side the limiter costs …"
_FRAMED_INLINE = lazy_regex("customer_first", "framed_inline")
_SURFACE = lazy_words("customer_first", "surface")
# the cheap gate: any person, first-person phrase or customer surface the lists name
_GATE = lazy_words("customer_first", "actor", "first_person", "surface")
_INTERNAL = lazy_words("customer_first", "internal", scanned=False)
_DIGIT = lazy_regex("customer_first", "digit")
_FELT_TIME = lazy_regex("customer_first", "felt_time")
_SURFACE_MEASURE = re.compile(r"\bp\d{2,3}\b|time to|success rate|ratio")
_NOT_ACTING = lazy_regex("customer_first", "not_acting")
_JUSTIFIES_CONSISTENCY = lazy_regex("customer_first", "justifies_consistency")


def _customer_quantity(analysis: Analysis, sentence: Sentence) -> bool:
    """A latency/freshness or success-rate number: what a customer can feel.

    Numbers from the prompt count here: restating "< 100 ms" is no estimate,
    but saying the shopper gets it is still customer framing.
    """
    return any(q.kind in ("time", "percent", "nines") for q in analysis.quantities(sentence))


_PAGING = lazy_regex("customer_first", "paging")
_REASON_BEFORE = lazy_regex("customer_first", "reason_before")


def _only_a_reason_to_page(low: str, actor_start: int) -> bool:
    """'> 5 min pages, because advertisers pace budgets off it': the customer justifies an
    alarm threshold, which GUIDE 2.1 does not count as customer framing."""
    return bool(_REASON_BEFORE.search(low, 0, actor_start)) and _PAGING.search(low) is not None


# "the PR shows 'runner lost, retrying' instead of a red X": a failure shown to the customer
# as a message, told against what they would otherwise see
_SHOWN_INSTEAD = lazy_regex("customer_first", "shown_instead")


def _shown_instead(low: str) -> bool:
    return ("instead of" in low or "rather than" in low) and _SHOWN_INSTEAD.search(low) is not None


class _Actor(NamedTuple):
    match: re.Match[str]
    listed: bool
    """Named by a list, not guessed from the sentence's subject (``person_subject``)."""


def _acting_person(low: str) -> _Actor | None:
    """The first person in the sentence who is really a person acting: not "no users", not
    "10K members" (a count) or "keyed by customer" (a key), not a customer named only as the
    reason to page, and not a third person inside a quoted remark ("'someone will keep an eye
    on it' is the failure mode"; "'your order shipped' buzzes the phone" quotes a message to
    the reader, so the first person still counts). Every listed person is tried, so "by 6:15,
    drivers stand around …, which people at home see" still finds the people after the clock
    time made "15, drivers" read as a count."""
    third = list(_ACTOR.finditer(low))
    first = list(_FIRST_PERSON.finditer(low))
    listed = bool(third or first)
    if not listed:  # a role no list names ("Pickers get…"): a guess, so only then
        subject = person_subject(low)
        third = [subject] if subject is not None else []
    candidates = [(actor, False) for actor in third] + [(actor, True) for actor in first]
    for actor, addressed in sorted(candidates, key=lambda pair: pair[0].start()):
        if is_negated(low, actor.start(), words=2) or _NOT_ACTING.search(low, 0, actor.start()):
            continue
        if not addressed and in_quotes(low, actor.start()):
            continue
        if not _only_a_reason_to_page(low, actor.start()):
            return _Actor(actor, listed)
    return None


_SCREEN_AT_MOST = 90  # characters, quotes included: longer is a passage quoted, not a screen


def _quoted_screen(low: str) -> bool:
    """Words a person is shown or sent: "email the customer 'we couldn't confirm your
    payment, nothing was charged'"."""
    return has_quote(low, _SCREEN_AT_MOST)


def _felt_time(low: str, actor: _Actor) -> bool:
    """A stretch of time a listed person lives through ("the rider sees it 20 s later"): the
    guessed subjects (person_subject) are too often machines ("a fetcher … after 60 s")."""
    return actor.listed and _FELT_TIME.search(low) is not None


def _is_customer_outcome(analysis: Analysis, sentence: Sentence) -> bool:
    low = sentence.low
    if _shown_instead(low):
        return True
    actor = _acting_person(low)
    doc = analysis.doc
    felt = doc.has(_EXPERIENCE, sentence)
    concrete = doc.has(_CONCRETE, sentence) or _customer_quantity(analysis, sentence)
    if actor and felt and (concrete or _quoted_screen(low) or _felt_time(low, actor)):
        return True
    if _CUSTOMER_CONTEXT.search(sentence.context) or _FRAMED_INLINE.search(low):
        if _customer_quantity(analysis, sentence) or _quoted_screen(low):
            return True
        if doc.has(_SURFACE, sentence) and _SURFACE_MEASURE.search(low):
            return True
        if concrete or (felt and _DIGIT.search(low)):
            return True
    return bool(
        doc.has(_SURFACE, sentence)
        and _customer_quantity(analysis, sentence)
        and not _INTERNAL.search(low)
    )


def _could_be_customer(doc: Document, sentence: Sentence, framed: dict[str, bool]) -> bool:
    """Cheap gate: a person, a customer surface, or a customer-framed heading."""
    if doc.has(_GATE, sentence) or person_subject(sentence.low):
        return True
    if _shown_instead(sentence.low) or _FRAMED_INLINE.search(sentence.low):
        return True
    if not sentence.context:
        return False
    if sentence.context not in framed:
        framed[sentence.context] = _CUSTOMER_CONTEXT.search(sentence.context) is not None
    return framed[sentence.context]


def customer_first(analysis: Analysis) -> Iterator[Sentence]:
    """Customer impact in concrete terms: what they see, feel or gain. A customer named
    only to justify a failure mode is not counted: customer_first.yaml yields to them."""
    framed: dict[str, bool] = {}
    for sentence in analysis.doc.sentences:
        if sentence.stuffing or sentence.question or sentence.code:
            continue
        if not _could_be_customer(analysis.doc, sentence, framed):
            continue
        if _JUSTIFIES_CONSISTENCY.search(sentence.low):
            continue
        if _is_customer_outcome(analysis, sentence):
            yield sentence
