"""Which servers a shard process owns: Discord's rule, and the label its logs carry."""

from __future__ import annotations

from bot.sharding import Ownership, shard_of


def test_shard_of_follows_discords_rule() -> None:
    # The id's top 42 bits are its timestamp; the shard is that timestamp modulo the count.
    assert shard_of(81384788765712384, 1) == 0
    assert shard_of((7 << 22) | 12345, 4) == 3
    assert shard_of((8 << 22) | 4_194_303, 4) == 0


def test_a_process_owns_only_its_shards_servers() -> None:
    ownership = Ownership(4, (0, 1))
    guilds = [(n << 22) | 99 for n in range(8)]
    assert ownership.owned(guilds) == [g for g in guilds if (g >> 22) % 4 in (0, 1)]
    assert not ownership.is_everything and ownership.label() == "shards 0,1 of 4"


def test_the_single_process_owns_everything() -> None:
    assert Ownership().owns(123 << 22) and Ownership().is_everything


def test_direct_messages_belong_to_the_process_that_runs_shard_zero() -> None:
    # Discord delivers DMs on shard 0, so its process delivers the DM posts left pending.
    assert Ownership(2, (0,)).owns(None) and not Ownership(2, (1,)).owns(None)
