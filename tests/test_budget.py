"""Each shard process paces its REST calls to its share of Discord's global limit."""

from __future__ import annotations

import pytest

from bot.budget import DISCORD_GLOBAL_PER_SECOND, HEADROOM, SLACK, RequestBudget
from bot.sharding import Ownership


def test_calls_are_spaced_by_the_rate_in_call_order_without_a_burst() -> None:
    budget = RequestBudget(10)
    assert [budget.delay_for(100.0) for _ in range(4)] == pytest.approx([0.0, 0.1, 0.2, 0.3])
    # An idle stretch gives no saved-up burst: the next call goes at once, the one after waits.
    assert budget.delay_for(200.0) == 0.0
    assert budget.delay_for(200.0) == pytest.approx(0.1)


def test_calls_held_up_together_still_go_one_interval_apart() -> None:
    """A stalled event loop wakes three calls at once, long after their slots: they go
    out spaced, not as a burst; a call that wakes a little late is not held back."""
    budget = RequestBudget(10)
    slots = [100.0 + budget.delay_for(100.0) for _ in range(3)]  # 100.0, 100.1, 100.2
    woke = 100.5
    assert budget.wait_for(slots[0], woke) <= 0
    budget.went(woke)
    assert budget.wait_for(slots[1], woke) == pytest.approx(0.1 - SLACK)
    assert budget.wait_for(slots[2], woke) == pytest.approx(0.1 - SLACK)
    budget.went(woke + 0.1 - SLACK)
    assert budget.wait_for(slots[2], woke + 0.1 - SLACK) == pytest.approx(0.1 - SLACK)
    # On schedule, a wake-up within SLACK of its slot does not delay the next call.
    steady = RequestBudget(10)
    first, second = (200.0 + steady.delay_for(200.0) for _ in range(2))
    steady.went(first + SLACK)
    assert steady.wait_for(second, second) <= 0


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
