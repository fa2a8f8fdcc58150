"""Parse and validate rubric.yaml: success formula, failure modes, phases, principles."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import TypeVar

from bot.content._reader import Entry, Problems, check_ids
from bot.content.model import (
    CHECKLIST_IDS,
    FAILURE_MODE_IDS,
    PHASE_IDS,
    PRINCIPLE_IDS,
    ChecklistItem,
    Deliverable,
    FailureMode,
    HasId,
    Phase,
    Principle,
    Rubric,
)

MAX_PHASE_MINUTES = 30


_Parsed = TypeVar("_Parsed", bound=HasId)


def parse_rubric(data: object, problems: Problems) -> Rubric:
    root = Entry(data, "", problems)
    rubric = Rubric(
        checklist=_section(root, "checklist", "item", _checklist_item, CHECKLIST_IDS),
        failure_modes=_section(root, "failure_modes", "failure mode", _failure_mode, FAILURE_MODE_IDS),
        phases=_section(root, "phases", "phase", _phase, PHASE_IDS),
        principles=_section(root, "principles", "principle", _principle, None),
    )
    found = {principle.id for principle in rubric.principles}
    for missing in (p for p in PRINCIPLE_IDS if p not in found):
        problems.add("principles", f"missing principle {missing!r}")
    root.finish()
    return rubric


def _section(
    root: Entry,
    key: str,
    noun: str,
    parse_one: Callable[[Entry], _Parsed],
    expected: Sequence[str] | None,
) -> tuple[_Parsed, ...]:
    """Parse every entry of a list section and check its ids (exact and ordered if given)."""
    label = "checklist item" if key == "checklist" else noun
    parsed = tuple(parse_one(entry) for entry in root.entries(key, label))
    check_ids(root.problems, key, noun, [entry.id for entry in parsed], expected)
    return parsed


def _checklist_item(entry: Entry) -> ChecklistItem:
    item = ChecklistItem(
        id=entry.ident("id"),
        name=entry.title("name"),
        means=entry.text("means"),
        example=entry.text("example"),
        tip=entry.text("tip"),
        phase_tips=_phase_tips(entry),
    )
    entry.finish()
    return item


def _phase_tips(entry: Entry) -> MappingProxyType[str, str]:
    tips = entry.child("phase_tips", required=False)
    found = {phase: tips.text(phase) for phase in PHASE_IDS if tips.has(phase)}
    tips.finish()
    return MappingProxyType(found)


def _failure_mode(entry: Entry) -> FailureMode:
    mode = FailureMode(
        id=entry.ident("id"),
        mistake=entry.text("mistake"),
        why=entry.text("why"),
        instead=entry.text("instead"),
    )
    entry.finish()
    return mode


def _phase(entry: Entry) -> Phase:
    phase = Phase(
        id=entry.ident("id"),
        name=entry.title("name"),
        min_minutes=entry.integer("min_minutes", 1, MAX_PHASE_MINUTES),
        max_minutes=entry.integer("max_minutes", 1, MAX_PHASE_MINUTES),
        focus=entry.texts("focus"),
        deliverables=tuple(
            _deliverable(deliverable)
            for deliverable in entry.entries("deliverables", "deliverable", label_key="name")
        ),
    )
    if phase.min_minutes > phase.max_minutes:
        entry.report(f"min_minutes ({phase.min_minutes}) exceeds max_minutes ({phase.max_minutes})")
    entry.finish()
    return phase


def _deliverable(entry: Entry) -> Deliverable:
    name = entry.title("name")
    cues = entry.texts("cues", limit=200)
    valid = [cue for cue in cues if _cue_is_valid(entry, cue)]
    entry.finish()
    return Deliverable(name=name, cues=tuple(valid))


def _cue_is_valid(entry: Entry, cue: str) -> bool:
    """A cue must compile and must not match empty text (it would mark every answer covered)."""
    try:
        compiled = re.compile(cue, re.IGNORECASE)
    except re.error as error:
        entry.problem("cues", f"{cue!r} is not a valid regular expression ({error})")
        return False
    if compiled.search("") is not None:
        entry.problem("cues", f"{cue!r} matches empty text, so every answer would cover it")
        return False
    return True


def _principle(entry: Entry) -> Principle:
    principle = Principle(
        id=entry.ident("id"),
        name=entry.title("name"),
        application=entry.text("application"),
        key_questions=entry.texts("key_questions"),
    )
    entry.finish()
    return principle
