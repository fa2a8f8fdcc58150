"""Who a round's posts ping: its participants, and only those who still want pings.

Phase starts, two-minute warnings and the scorecard name the round's participants
in the message text and allow pings for exactly those users (the outbox stores the
ids beside the post, ``outbox_mentions``): never @everyone, @here or a role, and
never anyone a member's own words mention. A member who turned mock pings off
(``/mock pings off``, per server) is left out of every list, here and in anything
else that pings about mock rounds (call ``to_ping`` with ``quiet_among``'s answer).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.mock.model import MockState
from bot.mock.timeline import Kind

PINGING_KINDS = frozenset({Kind.PHASE, Kind.WARNING, Kind.SCORECARD})


def to_ping(state: MockState, quiet: Iterable[int] = ()) -> tuple[int, ...]:
    """The participants to ping, in the order they joined, without the quiet ones."""
    muted = set(quiet)
    return tuple(p.user_id for p in state.participants if p.user_id not in muted)


def pings_for(kind: Kind, state: MockState, quiet: Iterable[int] = ()) -> tuple[int, ...]:
    """Whom a post of ``kind`` pings: the participants for a phase start, a warning or the
    scorecard; nobody for anything else."""
    return to_ping(state, quiet) if kind in PINGING_KINDS else ()
