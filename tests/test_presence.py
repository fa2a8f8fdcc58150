"""Shard processes pace to their share of the live ones, a shard held twice counted twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.budget import DISCORD_GLOBAL_PER_SECOND, HEADROOM, RequestBudget, rate_for
from bot.presence import GONE_AFTER, Presence
from bot.sharding import Ownership
from storage.presence import PresenceRepository

LIMIT = DISCORD_GLOBAL_PER_SECOND * HEADROOM


def test_a_shard_held_twice_halves_each_holders_part_never_above_the_fixed_share() -> None:
    shard0 = Ownership(2, (0,))
    assert rate_for(shard0) == pytest.approx(LIMIT / 2)  # nobody seen yet: the fixed share
    assert rate_for(shard0, shards_held=1) == pytest.approx(LIMIT / 2)  # shard 1 not up yet
    assert rate_for(shard0, shards_held=3) == pytest.approx(LIMIT / 3)  # a duplicate of one
    assert rate_for(Ownership(4, (0, 1)), shards_held=5) == pytest.approx(LIMIT * 2 / 5)


def _process(db, clock, shard: int, name: str) -> Presence:
    ownership = Ownership(2, (shard,))
    return Presence(PresenceRepository(db), clock, ownership, RequestBudget.share_of(ownership),
                    name)


async def test_processes_slow_down_while_a_duplicate_lives_and_speed_up_once_it_is_gone(
        db, clock) -> None:
    first, other = _process(db, clock, 0, "first"), _process(db, clock, 1, "other")
    assert await first.beat() == pytest.approx(LIMIT / 2)
    assert await other.beat() == pytest.approx(LIMIT / 2)
    duplicate = _process(db, clock, 0, "duplicate")
    await duplicate.join()  # announced, and holding its calls until the others have seen it
    assert duplicate.budget.per_second == pytest.approx(LIMIT / 3)
    assert await first.beat() == pytest.approx(LIMIT / 3)
    assert await other.beat() == pytest.approx(LIMIT / 3)
    # Together they now stay within the limit: 3 × a third.
    assert sum(p.budget.per_second for p in (first, other, duplicate)) <= LIMIT + 1e-9
    # The duplicate dies without a word (SIGKILL): once its row is stale, the rest speed up.
    clock.set(clock.now() + GONE_AFTER + timedelta(seconds=1))
    assert await other.beat() == pytest.approx(LIMIT / 2)
    assert await first.beat() == pytest.approx(LIMIT / 2)


async def test_a_process_that_leaves_stops_counting_at_once(db, clock) -> None:
    first, duplicate = _process(db, clock, 0, "first"), _process(db, clock, 0, "duplicate")
    await first.beat()
    await duplicate.beat()
    assert await first.beat() == pytest.approx(LIMIT / 2)  # 2 held: still the fixed share
    await duplicate.leave()
    assert await PresenceRepository(db).shards_held(clock.now() - GONE_AFTER) == 1
