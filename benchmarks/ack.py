"""Interaction acknowledgement: a burst of simultaneous ``/check`` submits, INTERACTION_CREATE → callback.

Absolute milliseconds mean little on a small box: a trivial discord.py bot on
the same stand-in already needs a hundred milliseconds or more for a 200-burst.
So each burst is sent to a reference bot that only answers "ok" (the floor set
by discord.py's gateway and HTTP handling here) and, right after, to Bar
Raiser; the figure is Bar Raiser's p99 as a ratio of the reference's p99. Both
bots run as their own processes, as in production, so the stand-in's work (in
this process) is not billed to either. Every burst uses fresh members so no
per-member rate limit turns reviews into refusals.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from benchmarks.model import Check, Measurement, NotMeasuredError, RunConfig, Target
from benchmarks.reference_bot import READY_LINE as REFERENCE_READY
from benchmarks.sample import answer
from benchmarks.stats import median, percentile
from benchmarks.world import bench_env, running_standin, start_process, wait_for_output

if TYPE_CHECKING:
    from standin import InteractionRecord, StandIn
    from standin.harness import BotProcess

ANSWER_CHARS = 1500
MAX_RATIO = 1.25
DEADLINE_MS = 3000.0
# The stand-in keys buckets by channel, guild or webhook id; interaction callbacks have
# none, so its default 50/s bucket would throttle every callback of the burst together.
# Discord has no shared limit there, so the ack figure lifts the bucket for both bots.
UNSHARED_BUCKET = {"bucket_limit": 1_000_000}
WAIT_SECONDS = 10.0
BOT_READY = "ready as"
Burst = Callable[[], Awaitable[list[float]]]


def required_options(definition: dict[str, Any]) -> dict[str, Any]:
    """Values for the command's required options: the first choice, or a plausible literal."""
    values: dict[str, Any] = {}
    for option in definition.get("options") or []:
        if not option.get("required"):
            continue
        choices = option.get("choices")
        if choices:
            values[option["name"]] = choices[0]["value"]
        else:
            values[option["name"]] = option.get("min_value", 1) if option["type"] in (4, 10) else "x"
    return values


def modal_values(modal: dict[str, Any], text: str) -> dict[str, str]:
    """The answer in paragraph inputs, the shortest filler in required short ones, optional left empty."""
    from standin.actions import TEXT_INPUT, walk_components

    values = {}
    for component in walk_components(modal["components"]):
        if component["type"] != TEXT_INPUT or not component.get("required", True):
            continue
        low, high = component.get("min_length", 0), component.get("max_length", 4000)
        body = text if component.get("style") == 2 else "x"
        values[component["custom_id"]] = body[:high].ljust(max(low, 1), ".")
    return values


def latency_ms(record: InteractionRecord) -> float:
    """Callback latency; an interaction never answered counts as infinitely late."""
    return math.inf if record.latency is None else record.latency * 1000


async def _answered(standin: StandIn, records: list[InteractionRecord]) -> None:
    """Until every record has its callback (or ``WAIT_SECONDS`` pass).

    One waiter for the whole burst: a waiter per record would wake 200 coroutines
    on every stand-in change, and that cost would land in the latencies measured.
    """
    def all_answered() -> bool:
        return all(r.callback_type is not None for r in records)

    with contextlib.suppress(TimeoutError):
        await standin.wait_until(all_answered, timeout=WAIT_SECONDS, what="every callback")


def burst_runner(standin: StandIn, size: int, text: str) -> Burst:
    """A function sending one burst of ``size`` submits from fresh members; returns latencies."""
    guild = standin.add_guild("ack-burst")
    channel_id = next(iter(guild.channels))
    definition = standin.commands.find(None, "check", 1)
    options = required_options(definition)

    async def burst() -> list[float]:
        members = [guild.add_member(f"member-{index}") for index in range(size)]
        opened = [standin.slash(member, channel_id, "check", options) for member in members]
        await _answered(standin, opened)
        if any(r.modal is None for r in opened):
            kinds = sorted({r.callback_type for r in opened if r.modal is None}, key=str)
            raise NotMeasuredError(f"/check did not answer with a form (callback types {kinds})")
        submits = [standin.submit_modal(r, modal_values(r.modal, text)) for r in opened]
        await _answered(standin, submits)
        return [latency_ms(r) for r in submits]

    return burst


async def _p99(burst: Burst, config: RunConfig) -> float:
    """p99 of one measured burst, after the warm-up bursts (fresh connections are cold)."""
    for _ in range(max(config.warmups, 0)):
        await burst()
    return percentile(await burst(), 99)


async def _measured(standin: StandIn, process: BotProcess, ready_line: str, size: int, text: str,
                    config: RunConfig) -> float:
    """Wait for the bot process to be ready, measure its bursts, stop it."""
    try:
        await wait_for_output(process, ready_line, within=60)
        if not any(c["name"] == "check" for c in standin.registered_commands()):
            raise NotMeasuredError("Bar Raiser registers no /check command yet")
        return await _p99(burst_runner(standin, size, text), config)
    finally:
        if process.process.returncode is None:
            await process.terminate()


async def reference_p99(standin: StandIn, size: int, text: str, config: RunConfig, tag: str) -> float:
    env = {"DISCORD_TOKEN": standin.token, "DISCORD_API_BASE": standin.api_base,
           "DISCORD_GATEWAY": standin.gateway.url}
    process = await start_process("benchmarks.reference_bot", [], env, config.workdir,
                                  f"ack-reference-{tag}")
    return await _measured(standin, process, REFERENCE_READY, size, text, config)


async def bot_p99(standin: StandIn, size: int, text: str, config: RunConfig, tag: str) -> float:
    """Bar Raiser on a fresh database, so it syncs its own /check over the reference's."""
    env = bench_env(standin, config.fresh_path("ack"), LOG_LEVEL="INFO")
    process = await start_process("bot", ["run"], env, config.workdir, f"ack-bot-{tag}")
    return await _measured(standin, process, BOT_READY, size, text, config)


async def measure(config: RunConfig) -> Measurement:
    """Pairs of (reference, Bar Raiser) bursts, back to back, so load on the box hits both."""
    if importlib.util.find_spec("cogs.review") is None:
        raise NotMeasuredError("no /check yet: cogs/review does not exist")
    size, text = config.size(200, 20), answer(ANSWER_CHARS)
    pairs: list[tuple[float, float]] = []
    async with running_standin(**UNSHARED_BUCKET) as standin:
        for index in range(config.repetitions):
            floor = await reference_p99(standin, size, text, config, str(index))
            pairs.append((floor, await bot_p99(standin, size, text, config, str(index))))
    samples = [bot for _, bot in pairs]
    ratios = [bot / floor for floor, bot in pairs]
    value, ratio = median(samples), median(ratios)
    return Measurement(
        value=value, unit="ms", samples=tuple(samples), reference=median([f for f, _ in pairs]),
        reference_label="reference p99", ratio=ratio,
        checks=(Check("p99 ÷ reference p99", ratio, Target("<=", MAX_RATIO, "×")),
                Check("p99", value, Target("<", DEADLINE_MS, " ms"))),
        details={"burst": size, "reference_p99_ms": [f for f, _ in pairs], "pair_ratios": ratios,
                 "answer_chars": len(text)},
    )
