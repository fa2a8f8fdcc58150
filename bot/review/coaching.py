"""Coaching on the question asked: tips built from the question's own system and probes.

When the review knows the question (``/check`` with a question, the roadmap's daily
prompt), a missing item's tip names that system and quotes its numbers and the
interviewer's probes from questions.yaml, instead of the rubric's general tip and
its cart-and-payment examples. An answer that meets every item gets the next push:
the probes a bar raiser would ask next for the phase.
"""

from __future__ import annotations

import re

from bot.content import Question

# Which probe is about which item: the first probe (in phase order) that matches.
_PROBE_TOPICS = {
    "customer_first": re.compile(r"\b(?:customer|user|who is|feel|see|tap|wait|experience)"),
    "failure_planning": re.compile(
        r"\b(?:fail\w*|down|outage|dies|crash\w*|lost|loses?|goes wrong|breaks?|offline|slow"
        r"|region|az\b|retry|twice|double)"
    ),
    "operations_ready": re.compile(r"\b(?:metric|page|pages|alarm|alert|detect|deploy|roll|monitor)"),
    "team_ownership": re.compile(r"\b(?:own\w*|team|who runs|on-?call|audit)"),
    "numbers_always": re.compile(r"\b(?:how (?:many|much|fast)|rate|qps|storage|cost|egress|size)"),
}
_PHASE_ORDER = ("requirements", "high_level", "deep_dive", "scale", "operations")
_CUSTOMER_LINE = re.compile(r"\b(?:or (?:people|users|they)|users?|customers?|people|feel|see)\b")


def _probes(question: Question, phase: str | None) -> list[str]:
    """The question's probes, the requested phase's first."""
    order = [phase] if phase in _PHASE_ORDER else []
    order += [p for p in _PHASE_ORDER if p != phase]
    return [probe for p in order for probe in question.probes.get(p, ())]


def _probe_about(label: str, question: Question, phase: str | None) -> str | None:
    topic = _PROBE_TOPICS.get(label)  # a label added as data has no probe topic: no probe
    if topic is None:
        return None
    return next((p for p in _probes(question, phase) if topic.search(p.lower())), None)


def question_tip(label: str, question: Question, phase: str | None) -> str | None:
    """A tip for a missing item, in the question's own terms; None if it has nothing."""
    title = question.title
    if label == "numbers_always" and question.scale:
        return f"For {title}, start from: {'; '.join(question.scale[:2])}. Derive one more number from them."
    if label == "customer_first":
        line = next((s for s in question.scale if _CUSTOMER_LINE.search(s.lower())), None)
        line = line or (question.non_functional[0] if question.non_functional else None)
        probe = _probe_about(label, question, phase)
        then = f" Then: {probe}" if probe else ""
        if line:
            return f"Say who feels {title} and how, in numbers: \"{line}\".{then}"
        return f"Name the customer of {title} and one thing they feel.{then}"
    probe = _probe_about(label, question, phase)
    if probe is None:
        return None
    if label == "failure_planning":
        return f"Pick one part of {title} that fails, and say what the system does about it. {probe}"
    if label == "operations_ready":
        return f"Name the metric that pages for {title}, its threshold, and how you deploy it safely. {probe}"
    if label == "team_ownership":
        return f"Say which team owns which part of {title} and holds its pager. {probe}"
    return probe


def next_push(question: Question | None, phase: str | None, limit: int = 3) -> tuple[str, ...]:
    """What a bar raiser would probe next: the phase's probes (or the first of each)."""
    if question is None:
        return ()
    if phase is not None and phase in question.probes:
        return tuple(question.probes[phase][:limit])
    return tuple(probes[0] for probes in question.probes.values() if probes)[:limit]
