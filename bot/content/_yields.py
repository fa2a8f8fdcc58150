"""``yields_to`` in prompts/review/<label>.yaml: which labels a label gives way to.

A rule file may say ``yields_to: [perfect_consistency, …]``: a sentence quoted as
evidence of one of those labels is never this label's evidence ("customers should never
see stale data, so everything is strongly consistent" commits perfect_consistency; it
does not also show customer focus). The checker settles each label after every label it
yields to, so the order comes from the data; for that the labels a rule yields to must
exist and must never lead back to it.
"""

from __future__ import annotations

import graphlib
from collections.abc import Mapping
from typing import Protocol


class Yielding(Protocol):
    """What this module reads of a rule: its label and the labels it yields to."""

    @property
    def yields_to(self) -> tuple[str, ...]: ...


class YieldCycle(ValueError):
    """Labels that yield to each other in a ring: none of them could be settled first."""

    def __init__(self, ring: tuple[str, ...]) -> None:
        super().__init__(" → ".join(ring))
        self.ring = ring


def settling_order(rules: Mapping[str, Yielding]) -> tuple[str, ...]:
    """Every label, each after the labels it yields to (labels without a rule are skipped:
    ``yield_problems`` reports them). Raises ``YieldCycle`` when there is no such order."""
    graph = {label: [other for other in rule.yields_to if other in rules]
             for label, rule in rules.items()}
    try:
        return tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        # graphlib lists the ring against the arrows; reversed, each label yields to the next
        raise YieldCycle(tuple(reversed(error.args[1]))) from None


def yield_problems(rules: Mapping[str, Yielding]) -> list[tuple[str, str]]:
    """(label, message) for each unknown label yielded to, and for a ring of yields."""
    found = [(label, f"yields_to[{index}]: no rule file review/{other}.yaml")
             for label, rule in rules.items()
             for index, other in enumerate(rule.yields_to) if other not in rules]
    try:
        settling_order(rules)
    except YieldCycle as cycle:
        found.append((cycle.ring[0], f"yields_to: labels yield to each other in a ring "
                                     f"({cycle}), so none can be settled first"))
    return found
