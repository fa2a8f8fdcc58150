"""Each shard process paces its REST calls to its share of Discord's global limit."""

from __future__ import annotations

import pytest

from bot.budget import DISCORD_GLOBAL_PER_SECOND, HEADROOM, RequestBudget
from bot.sharding import Ownership


def test_calls_are_spaced_by_the_rate_in_call_order_without_a_burst() -> None:
    budget = RequestBudget(10)
    assert [budget.delay_for(100.0) for _ in range(4)] == pytest.approx([0.0, 0.1, 0.2, 0.3])
    # An idle stretch gives no saved-up burst: the next call goes at once, the one after waits.
    assert budget.delay_for(200.0) == 0.0
    assert budget.delay_for(200.0) == pytest.approx(0.1)


@pytest.mark.parametrize(("ownership", "share"), [
    (Ownership(), 1.0),
    (Ownership(2, (0,)), 0.5),
    (Ownership(4, (1, 2)), 0.5),
    (Ownership(3, (2,)), 1 / 3),
])
def test_each_process_gets_its_shards_share_of_the_global_limit(ownership: Ownership,
                                                               share: float) -> None:
    budget = RequestBudget.share_of(ownership)
    assert budget.per_second == pytest.approx(DISCORD_GLOBAL_PER_SECOND * HEADROOM * share)


class _Route:
    def __init__(self, path: str) -> None:
        self.path = path


async def test_interaction_responses_are_never_paced_and_other_calls_are() -> None:
    budget = RequestBudget(0.001)  # one slot per 1,000 s: a paced second call would hang
    sent: list[str] = []

    async def request(route: _Route, **kwargs: object) -> str:
        sent.append(route.path)
        return route.path

    paced = budget.wrap(request)
    assert await paced(_Route("/channels/1/messages")) == "/channels/1/messages"
    await paced(_Route("/interactions/5/tok/callback"))
    await paced(_Route("/webhooks/9/tok/messages/@original"))
    assert sent == ["/channels/1/messages", "/interactions/5/tok/callback",
                    "/webhooks/9/tok/messages/@original"]
    assert budget.delay_for(0.0) > 900  # the one paced call took the only free slot


def test_a_rate_of_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        RequestBudget(0)
