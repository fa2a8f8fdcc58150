"""team_will_handle (GUIDE 3.5): people relied on instead of a mechanism.

Two readings. Word level: a person or team plus a "handling" verb ("ops will
switch over manually", "devs will remember", "someone checks the dashboard").
Shape level: "if <a problem>, <a person> will/can/just …" for verbs no list
anticipates ("if jobs pile up, an engineer will SSH in and clear them"). Either
way, a mechanism in the same sentence (alarm, runbook, script, pipeline) or a
negation ("we can't rely on people remembering") means no anti-pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain

from bot.review.alarms import names_a_signal
from bot.review.analysis import Analysis, distinct
from bot.review.deferral import deferred_monitoring
from bot.review.document import Sentence
from bot.review.rules import lazy_regex, lazy_words
from bot.review.stance import claims, is_claim, is_negated

# "wrong timetables are left to school admins spotting them", "it's up to the supervisor
# to notice": the work is handed to people by the sentence itself, like "rely on".
_MODALS = ("will", "'ll", "'d", "can", "should", "would", "to", "just", "are expected", "is expected")
# "<team> is around during business hours and will take care of …", "support will email
# customers … and make sure they've updated …": a second predicate shares the first one's
# subject, which can sit further back than the usual 30 characters.
_COORDINATED = ("and",)
_HANDLE = lazy_words("team_will_handle", "handle")
_HANDED_OFF = lazy_words("team_will_handle", "handed_off")
_IT_DEPARTMENT = lazy_regex("team_will_handle", "it_department_cased")
_ACTOR_BEFORE = lazy_regex("team_will_handle", "actor_before")
_SUBJECT_OF_COORDINATED = lazy_regex("team_will_handle", "subject_of_coordinated")
_PRESENT_TENSE_ACTOR = lazy_regex("team_will_handle", "present_tense_actor")
_ANY_HUMAN = lazy_regex("team_will_handle", "any_human")
_WE_ONLY = lazy_regex("team_will_handle", "we_only")
_WE_HANDLING = lazy_regex("team_will_handle", "we_handling")
_DUTY_OBJECT = lazy_regex("team_will_handle", "duty_object")
# An admin console or tool is where people act by hand, not something that notices or acts
# for them ("the city ops manager will handle it manually from the admin console"), so it
# is not on this list.
_MECHANISM = lazy_regex("team_will_handle", "mechanism")
_ALARM = lazy_regex("team_will_handle", "alarm")


def team_will_handle(analysis: Analysis) -> Iterator[Sentence]:
    """People relied on to notice, fix or remember, with no mechanism around them: the
    word-level reading first, then the "if <problem>, <person> will" shape, work handed
    off to people, and "IT will …"."""
    yield from distinct(chain(
        _word_level(analysis), _shape_level(analysis), _handed_off(analysis),
        _it_department(analysis),
    ))


def _handed_off(analysis: Analysis) -> Iterator[Sentence]:
    """"Capacity is the SREs' problem", "… is the platform team's job later": work handed
    to people by naming them as its owner of last resort, with no mechanism."""
    for sentence, _ in claims(analysis.doc, _HANDED_OFF):
        if not _has_mechanism(sentence.low):
            yield sentence


def _it_department(analysis: Analysis) -> Iterator[Sentence]:
    """"IT will add disks": the IT department, told apart from "it" by its capitals."""
    if "IT" not in analysis.doc.text:
        return
    for sentence in analysis.doc.sentences:
        match = _IT_DEPARTMENT.search(sentence.text)
        if match is None or _has_mechanism(sentence.low):
            continue
        if is_claim(analysis.doc, sentence, match.start(), match.end()):
            yield sentence


def _word_level(analysis: Analysis) -> Iterator[Sentence]:
    for sentence, match in claims(analysis.doc, _HANDLE):
        start = match.start() - sentence.start
        text = match.group(0)
        if _CUSTOMER_CONSEQUENCE.search(sentence.low, max(0, start - 16), start):
            continue  # "… or they'd notice it on every request": the customer, reacting
        if text.startswith(("rely on", "left to", "up to", "whoever", "someone", "somebody")):
            pass  # the match names the people relied on
        elif text.startswith("we "):
            if not _WE_HANDLING.search(sentence.low):
                continue
        elif text.startswith(("by hand", "manually")):
            if _ANY_HUMAN.search(sentence.low) is None:
                continue
        else:
            actor = _actor_of(sentence.low, start, text)
            present_tense = not text.startswith(_MODALS + _COORDINATED)
            if present_tense and actor and _PRESENT_TENSE_ACTOR.search(actor.group(0)) is None:
                actor = None
            if actor is None:
                continue
            if _WE_ONLY.match(actor.group(0)) and not _WE_HANDLING.search(sentence.low):
                continue
        duty = _DUTY_OBJECT.match(sentence.low, match.end() - sentence.start)
        if _has_mechanism(sentence.low) or duty:
            continue  # "the platform team handles upgrades and on-call": a duty, not a hope
        if deferred_monitoring(_part_holding(sentence.low, start)):
            continue  # "monitoring is something we'd figure out after launch": monitor_later
        yield sentence


def _actor_of(low: str, start: int, verb: str) -> re.Match[str] | None:
    """The person or team doing ``verb``: just before it, or the subject of the first
    predicate when ``verb`` is the second one ("support will email … and make sure")."""
    if verb.startswith(_COORDINATED):
        return _SUBJECT_OF_COORDINATED.search(low, 0, start + len("and"))
    actor = _ACTOR_BEFORE.search(low, 0, start)
    if actor is None and low.endswith("and ", 0, start):  # "… and will take care of it"
        return _SUBJECT_OF_COORDINATED.search(low, 0, start)
    return actor


_PART_BREAK = lazy_regex("team_will_handle", "part_break")
_CUSTOMER_CONSEQUENCE = lazy_regex("team_will_handle", "customer_consequence")


def _part_holding(low: str, position: int) -> str:
    """The ';'/dash-separated part of the sentence that holds ``position``."""
    start = 0
    for match in _PART_BREAK.finditer(low):
        if match.start() >= position:
            return low[start : match.start()]
        start = match.end()
    return low[start:]


def _has_mechanism(low: str) -> bool:
    """A mechanism named in a part of the sentence that does not defer it: an alarm only
    when it watches a named signal."""
    return any(
        (_MECHANISM.search(part) or (_ALARM.search(part) and names_a_signal(part)))
        and deferred_monitoring(part) is None
        for part in _PART_BREAK.split(low)
    )


_PROBLEM_CONDITION = lazy_words("team_will_handle", "problem_condition")
_PERSON_WILL = lazy_regex("team_will_handle", "person_will")


def _shape_level(analysis: Analysis) -> Iterator[Sentence]:
    """'If <problem>, <person> will …' with no mechanism in the sentence."""
    for sentence in analysis.doc.sentences_matching(_PROBLEM_CONDITION):
        if sentence.stuffing or sentence.question or _has_mechanism(sentence.low):
            continue
        condition = _PROBLEM_CONDITION.search(sentence.low)
        if condition is None:
            continue
        person = _PERSON_WILL.search(sentence.low, condition.end())
        if person is None or is_negated(sentence.low, person.start()):
            continue
        if is_claim(analysis.doc, sentence, person.start(), person.end()):
            yield sentence
