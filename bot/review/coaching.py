"""Coaching on the question asked: tips built from the question's own system and probes.

When the review knows the question (``/check`` with a question, the roadmap's daily
prompt), a missing item's tip names that system and quotes its numbers and the
interviewer's probes from questions.yaml, instead of the rubric's general tip and
its cart-and-payment examples. An answer that meets every item gets the next push:
the probes a bar raiser would ask next for the phase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.content import Question

# Which probe is about which item: the first probe (in phase order) that matches.
_PROBE_TOPICS = {
    "customer_first": re.compile(r"\b(?:customer|user|who is|feel|see|tap|wait|experience)"),
    "failure_planning": re.compile(
        r"\b(?:fail\w*|down|outage|dies|crash\w*|lost|loses?|goes wrong|breaks?|offline|slow"
        r"|region|az\b|retry|twice|double)"
    ),
    "operations_ready": re.compile(r"\b(?:metric|page|pages|alarm|alert|detect|deploy|roll|monitor)"),
    # "which team", not any team: "One team starts tagging metrics…" is not about owners
    "team_ownership": re.compile(r"\b(?:own\w*|which team|what team|who runs|on-?call|audit|pager)"),
    "numbers_always": re.compile(r"\b(?:how (?:many|much|fast)|rate|qps|storage|cost|egress|size)"),
}
_PHASE_ORDER = ("requirements", "high_level", "deep_dive", "scale", "operations")
_LATER_PHASES = _PHASE_ORDER[2:]  # where a bar raiser goes once the design stands
_CUSTOMER_LINE = re.compile(r"\b(?:or (?:people|users|they)|users?|customers?|people|feel|see)\b")


def _probes(question: Question, phase: str | None) -> list[str]:
    """The question's probes, the requested phase's first."""
    order = [phase] if phase in _PHASE_ORDER else []
    order += [p for p in _PHASE_ORDER if p != phase]
    return [probe for p in order for probe in question.probes.get(p, ())]


def question_tips(
    labels: Iterable[str], question: Question, phase: str | None
) -> dict[str, str]:
    """Tips for the missing ``labels``, in the question's own terms.

    Each tip may end with one of the question's probes on its topic, and no probe is
    given twice in one review ("which metric pages on-call" fits operations and
    ownership alike: it goes to the first). A label added as data has only its probe,
    and no tip here when none fits (the rule file's tip is used).
    """
    probes = _probes(question, phase)
    tips: dict[str, str] = {}
    for label in labels:
        topic = _PROBE_TOPICS.get(label)
        probe = next((p for p in probes if topic and topic.search(p.lower())), None)
        if probe is not None:
            probes.remove(probe)
        tip = _tip(label, question, probe)
        if tip is not None:
            tips[label] = tip
    return tips


def _tip(label: str, question: Question, probe: str | None) -> str | None:
    title = question.title
    then = f" {probe}" if probe else ""
    if label == "numbers_always" and question.scale:
        return f"For {title}, start from: {'; '.join(question.scale[:2])}. Derive one more number from them."
    if label == "customer_first":
        line = next((s for s in question.scale if _CUSTOMER_LINE.search(s.lower())), None)
        line = line or (question.non_functional[0] if question.non_functional else None)
        then = f" Then: {probe}" if probe else ""
        if line:
            return f"Say who feels {title} and how, in numbers: \"{line}\".{then}"
        return f"Name the customer of {title} and one thing they feel.{then}"
    if label == "failure_planning":
        return f"Pick one part of {title} that fails, and say what the system does about it.{then}"
    if label == "operations_ready":
        return f"Name the metric that pages for {title}, its threshold, and how you deploy it safely.{then}"
    if label == "team_ownership":
        return f"Say which team owns which part of {title} and holds its pager.{then}"
    return probe


def next_push(question: Question | None, phase: str | None, limit: int = 3) -> tuple[str, ...]:
    """What a bar raiser would probe next: the phase's probes. A whole answer (no phase, or
    "full") that met every item has been through the requirements and the boxes, so its
    push is the first probe of each later phase (deep dive, scale, operations): asking it
    "what are the read and write rates?" again would read as if the answer went unread."""
    if question is None:
        return ()
    if phase is not None and phase in question.probes:
        return tuple(question.probes[phase][:limit])
    later = [p for p in _LATER_PHASES if question.probes.get(p)] or list(question.probes)
    return tuple(question.probes[p][0] for p in later if question.probes[p])[:limit]
