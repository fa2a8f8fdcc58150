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

from bot.review.analysis import Analysis
from bot.review.deferral import deferred_monitoring
from bot.review.patterns import expand, words
from bot.review.stance import claims, is_claim, is_negated
from bot.review.text import Sentence

_HUMAN = (
    r"(?:(?:the |our |a |an )?(?:[\w-]+ )?(?:team|ops|devs?|developers|engineers?|support|on-?call"
    r"|people|managers?|dispatchers?|admins?|operators?|sres?|folks|humans?|staff|customer service"
    r"|attendants?|clerks?|agents?|technicians?|employees?|compliance|finance|legal|security"
    r"|mods|moderators?|reviewers?|community managers?|volunteers?|field (?:workers|techs?|staff"
    r"|teams?|ops|crews?)|techs?|crews?"
    r"|qa|accounting|engineering|dbas?|(?:night |day |the )?shift"
    r"|editors?|supervisors?|interns?|coordinators?|receptionists?|planners?|analysts?)"
    r"|someone|somebody|whoever(?:'s| is)?(?: online| around)?|they|we)"
)
_HANDLE_VERB = (
    r"\s+(?:\w+\s+){0,2}?(?:handle|take care of|fix|notice|remember|clean(?: up)?|check|watch"
    r"|keep an eye|figure|sort|deal with|look after|re-?run|restart|switch|coordinate|reassign"
    r"|make sure|step in|jump in|eyeball|babysit|intervene|ignore|live with|put up with|cope"
    r"|work around|ssh|log in|clear|unstick|kick|nudge|purge|reboot|promote|redeploy|look into"
    r"|investigate|dig in|jump on|take a look|be on top of|be on it|look at|triage|swap|recharge"
    r"|rebalance|relocate|visit|drive out|go out|refund|take it from there|catch|chase)\b"
)
# "wrong timetables are left to school admins spotting them", "it's up to the supervisor
# to notice": the work is handed to people by the sentence itself, like "rely on".
_LEFT_TO_PEOPLE = expand(
    "left to|up to",
    rf" {_HUMAN}(?: to)? (?:spot|catch|notic|call|clear|chas|fix|check|watch|flag|correct"
    r"|handl|sort|clean|remember|review|reconcil|re-?run|restart)\w*",
)
_MODALS = ("will", "'ll", "'d", "can", "should", "would", "to", "just")
# "<team> is around during business hours and will take care of …", "support will email
# customers … and make sure they've updated …": a second predicate shares the first one's
# subject, which can sit further back than the usual 30 characters.
_COORDINATED = ("and",)
_COORDINATED_VERB = (
    r" (?:then )?(?:make sure|remember|take care of|keep an eye|deal with|step in|jump in"
    r"|follow up|chase|double-check|sort (?:it|things|them) out|fix (?:it|them|things)"
    r"|handle (?:it|them|things))\b"
)
_HANDLE = words(
    r"rely on (?:users|customers|people|support|the team|someone|ops|devs|humans)\b",
    # "we rely on the night shift to catch stuck orders", "X is responsible for noticing …"
    rf"rely on {_HUMAN} to (?:catch|notice|remember|check|fix|spot|flag|handle|watch|clean"
    r"|restart|re-?run)\b",
    r"responsible for (?:noticing|remembering|checking|watching|catching|spotting|restarting)\b",
    *_LEFT_TO_PEOPLE,
    r"we (?:just |manually |then )?(?:check|eyeball|look at|restart|rerun|re-run|fix|clean up)\b",
    *expand("|".join(_MODALS), _HANDLE_VERB), *expand("|".join(_COORDINATED), _COORDINATED_VERB),
    r"by hand\b", r"manually\b", r"war room\b",
    r"watching (?:the )?(?:graphs?|dashboards?|metrics|it|logs|charts?|queues?)\b",
    r"as (?:they|things|issues|problems) come up\b", r"fixing (?:things|stuff|issues)\b",
    *expand(
        "checks|watches|fixes|handles|notices|restarts|cleans up|re-runs|reruns|reassigns"
        "|eyeballs|babysits|sorts out|figures out|looks at|keeps an eye|takes it from there",
        r"\b",
    ),
)
_ACTOR_BEFORE = re.compile(rf"\b{_HUMAN}\b[^\n;.]{{0,30}}?$")
_SUBJECT_OF_COORDINATED = re.compile(rf"\b{_HUMAN}\b[^\n;.,]{{0,90}}?\band\s*$")
_PRESENT_TENSE_ACTOR = re.compile(
    r"(?:someone|somebody|whoever|the team|our team|ops|devs|support|on-?call|people|staff"
    r"|attendants?|managers?|mods|moderators?|dbas?|sres?|admins?|operators?|[\w-]+ team)\b"
    r"[^\n;.]{0,30}?$"
)
_ANY_HUMAN = re.compile(rf"\b{_HUMAN}\b")
_WE_ONLY = re.compile(r"^we\b")
_WE_HANDLING = re.compile(
    r"by hand|manually|remember|keep an eye|eyeball|figure|sort it|watch"
    r"|(?:look at|check|watch)\w* (?:the )?(?:\w+ )?(?:dashboard|logs|graphs|console|metrics|ui"
    r"|queue|table|inbox)|when (?:someone|somebody|a user|users|customers?) (?:reports?|complains?)"
    r"|(?:complain|tell us|report|let us know|call us|email us)[^\n]*\bfix"
)
_DUTY_OBJECT = re.compile(r"\s*(?:upgrades|patching|on-?call|the pager|paging|deploys|capacity)\b")
# An admin console or tool is where people act by hand, not something that notices or acts
# for them ("the city ops manager will handle it manually from the admin console"), so it
# is not on this list.
_MECHANISM = re.compile(
    r"\b(?:alarms?|alerts?|paged|pages|paging|runbooks?|playbooks?|scripts?|automat\w*|pipeline"
    r"|ci\b|cron|scheduled|reconciler|one-click|rotation|primary ?(?:\+|/|and) ?secondary"
    r"|approval step|sop|workflow)"
)


def team_will_handle(analysis: Analysis) -> Sentence | None:
    """People relied on to notice, fix or remember, with no mechanism around them."""
    found = _word_level(analysis)
    return found if found is not None else _shape_level(analysis)


def _word_level(analysis: Analysis) -> Sentence | None:
    for sentence, match in claims(analysis.doc, _HANDLE):
        start = match.start() - sentence.start
        text = match.group(0)
        if text.startswith(("rely on", "left to", "up to")):
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
        return sentence
    return None


def _actor_of(low: str, start: int, verb: str) -> re.Match[str] | None:
    """The person or team doing ``verb``: just before it, or the subject of the first
    predicate when ``verb`` is the second one ("support will email … and make sure")."""
    if verb.startswith(_COORDINATED):
        return _SUBJECT_OF_COORDINATED.search(low, 0, start + len("and"))
    actor = _ACTOR_BEFORE.search(low, 0, start)
    if actor is None and low.endswith("and ", 0, start):  # "… and will take care of it"
        return _SUBJECT_OF_COORDINATED.search(low, 0, start)
    return actor


_PART_BREAK = re.compile(r";|—|–")


def _part_holding(low: str, position: int) -> str:
    """The ';'/dash-separated part of the sentence that holds ``position``."""
    start = 0
    for match in _PART_BREAK.finditer(low):
        if match.start() >= position:
            return low[start : match.start()]
        start = match.end()
    return low[start:]


def _has_mechanism(low: str) -> bool:
    """A mechanism named in a part of the sentence that does not defer it."""
    return any(
        _MECHANISM.search(part) and deferred_monitoring(part) is None
        for part in _PART_BREAK.split(low)
    )


_PROBLEM_CONDITION = words(
    *expand(
        "if|when|whenever|once|in case",
        r"\b[^,;:→\n]{0,80}?\b(?:fail\w*|break\w*|broke|down|dies|crash\w*|stuck|pile\w* up"
        r"|backs? up|issues?|problems?|goes wrong|weird|errors?|mismatch\w*|complain\w*|slow"
        r"|lag\w*|outage|anything)\b",
    )
)
_PERSON_WILL = re.compile(
    r"(?:the |an? |our |some )?(?:[\w-]+ )?(?:engineers?|devs?|developers|ops|sres?|on-?call"
    r"|support|team|admins?|operators?|someone|somebody|whoever|people|staff|managers?"
    r"|dispatchers?|attendants?|technicians?|humans?|folks|editors?|supervisors?|interns?"
    r"|coordinators?)\b[^\n;.]{0,25}?"
    r"\b(?:will|'ll|can|should|has to|have to|needs? to|must|just)\b"
)


def _shape_level(analysis: Analysis) -> Sentence | None:
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
            return sentence
    return None
