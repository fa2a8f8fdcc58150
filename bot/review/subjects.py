"""Who a sentence is about: a person noun as its subject ("Pickers get…", "A backer's pledge…").

Shared by customer_first (a person who feels the system) and failure_planning (a person
doing the recovery is no plan); the patterns are lists in customer_first.yaml.
"""

from __future__ import annotations

import re

from bot.review.rules import lazy_regex

_AGENT_SUBJECT = lazy_regex("customer_first", "agent_subject")
_ACTS = lazy_regex("customer_first", "acts")
MACHINE_NOUNS = frozenset((
    "server", "worker", "consumer", "producer", "broker", "router", "scheduler", "container",
    "handler", "reader", "writer", "buffer", "controller", "logger", "tracker", "crawler",
    "indexer", "processor", "balancer", "poller", "aggregator", "sweeper", "reconciler",
    "monitor", "operator", "timer", "cluster", "filter", "mapper", "layer", "tier", "number",
    "order", "error", "counter", "header", "folder", "parameter", "identifier", "master",
    "primary", "other", "either", "neither", "after", "never", "over", "under", "rather",
    "whether", "together", "later", "faster", "slower", "higher", "lower", "better", "for",
    "per", "major", "minor", "prior", "sensor", "actor", "factor", "vector", "connector",
    "selector", "executor", "allocator", "validator", "generator", "orchestrator", "adapter",
))


def person_subject(low: str) -> re.Match[str] | None:
    """A sentence that opens with a person noun ("Pickers get…", "A backer's pledge…"):
    roles no list can enumerate, told apart from machines by a short stop list."""
    match = _AGENT_SUBJECT.match(low)
    if match is None:
        return None
    noun = match.group(1).removesuffix("'").removesuffix("'s").removesuffix("s")
    if low.startswith(" who", match.end()):
        return match  # "a reader who highlights…": "who" settles it
    if noun in MACHINE_NOUNS:
        return None
    possessive = match.group(1).endswith(("'s", "'"))
    return match if possessive or _ACTS.match(low, match.end()) else None
