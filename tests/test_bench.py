"""``python -m bot bench``: the runner, the judgement of targets and the three outputs.

Timings are never asserted: figures here are stand-ins returning fixed
measurements, so what is tested is how results are judged and reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import exit_code, main
from benchmarks.model import (
    Check,
    Figure,
    Measurement,
    NotMeasuredError,
    RunConfig,
    Status,
    Target,
    format_number,
)
from benchmarks.report import Machine, as_json, markdown_table, text_table
from benchmarks.runner import UnknownFigureError, run_all, run_figure, select
from benchmarks.sample import answer
from benchmarks.stats import percentile

MACHINE = Machine("Test CPU", 2, 4.0, "Linux", "3.11", "2.7.1")


def fixed(value: float, target: Target, *, ratio: float | None = None):
    async def measure(config: RunConfig) -> Measurement:
        return Measurement(value=value, unit="ms", samples=(value * 0.9, value, value * 1.1),
                           checks=(Check("p99", value, target),), reference=10.0 if ratio else None,
                           reference_label="reference p99" if ratio else "", ratio=ratio,
                           details={"quick": config.quick})
    return measure


async def not_ready(config: RunConfig) -> Measurement:
    raise NotMeasuredError("cogs/review does not exist")


async def broken(config: RunConfig) -> Measurement:
    raise ZeroDivisionError("division by zero")


FAST = Figure("fast", "fast thing", "< 2 ms", "", fixed(1.0, Target("<", 2, " ms")))
SLOW = Figure("slow", "slow thing", "< 2 ms", "a reference", fixed(5.0, Target("<", 2, " ms"), ratio=0.5))
PENDING = Figure("pending", "pending thing", "< 1 s", "", not_ready)
BROKEN = Figure("broken", "broken thing", "< 1 s", "", broken)


@pytest.fixture(autouse=True)
def _logging_restored():
    """The CLI quiets discord.http; put it back so other tests see its warnings."""
    import logging

    logger = logging.getLogger("discord.http")
    level = logger.level
    yield
    logger.setLevel(level)


@pytest.fixture
def config(tmp_path: Path) -> RunConfig:
    return RunConfig.build(quick=True, workdir=tmp_path)


def test_target_comparisons_and_text() -> None:
    assert Target("<", 2, " ms").met_by(1.99) and not Target("<", 2, " ms").met_by(2)
    assert Target(">=", 5000, "/s").met_by(5000) and not Target(">=", 5000, "/s").met_by(4999)
    assert Target("==", 0).met_by(0) and not Target("==", 0).met_by(1)
    assert str(Target(">=", 5000, "/s")) == "≥ 5,000/s"
    with pytest.raises(ValueError, match="unknown comparison"):
        Target("~", 1)


def test_format_number_keeps_small_values_readable() -> None:
    assert [format_number(v) for v in (12345.6, 250.4, 57.64, 8.314, 0.01234, 0)] == [
        "12,346", "250", "57.6", "8.31", "0.0123", "0"]


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)
    assert percentile([7], 99) == 7
    with pytest.raises(ValueError):
        percentile([], 50)


async def test_met_missed_not_measured_and_error_are_told_apart(config: RunConfig) -> None:
    results = await run_all([FAST, SLOW, PENDING, BROKEN], config)
    assert [r.status for r in results] == [Status.MET, Status.MISSED, Status.NOT_MEASURED, Status.ERROR]
    assert results[1].reason == "p99 5 ms (target < 2 ms)"
    assert results[2].reason == "cogs/review does not exist"
    assert results[3].reason == "ZeroDivisionError: division by zero"


async def test_a_figure_that_overruns_its_time_limit_is_an_error(config: RunConfig) -> None:
    async def forever(_: RunConfig) -> Measurement:
        import asyncio
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    result = await run_figure(Figure("hang", "hang", "", "", forever, timeout_seconds=0.01), config)
    assert result.status is Status.ERROR and result.reason == "did not finish within 0 s"


async def test_a_wait_timing_out_inside_a_figure_is_not_blamed_on_its_time_limit(
        config: RunConfig) -> None:
    async def gives_up(_: RunConfig) -> Measurement:
        raise TimeoutError("stand-in: timed out after 5s waiting for a callback")

    result = await run_figure(Figure("inner", "inner", "", "", gives_up), config)
    assert result.reason == "timed out inside the figure: stand-in: timed out after 5s waiting for a callback"


async def test_table_flags_the_missed_target_on_its_row(config: RunConfig) -> None:
    table = text_table(await run_all([FAST, SLOW, PENDING], config), MACHINE)
    lines = table.splitlines()
    assert lines[0] == "machine: Test CPU, 2 cores, 4.0 GB RAM, Linux, Python 3.11, discord.py 2.7.1"
    slow_row = next(line for line in lines if line.startswith("slow thing"))
    assert slow_row.endswith("MISSED: p99 5 ms (target < 2 ms)")
    assert "0.50× reference p99" in slow_row and "4.5–5.5 (n=3)" in slow_row
    assert next(line for line in lines if line.startswith("fast thing")).endswith("met")
    assert next(line for line in lines if line.startswith("pending thing")).endswith(
        "not measured: cogs/review does not exist")
    assert lines[-1] == "3 figures: 1 missed, 1 met, 1 not measured, 0 errors"


async def test_json_carries_samples_checks_and_reasons(config: RunConfig) -> None:
    from datetime import UTC, datetime

    results = await run_all([SLOW, PENDING], config)
    data = as_json(results, MACHINE, datetime(2026, 11, 24, tzinfo=UTC), quick=True)
    slow, pending = data["figures"]
    assert data["quick"] is True and data["machine"]["cores"] == 2
    assert slow["status"] == "MISSED" and slow["value"] == 5.0 and slow["ratio"] == 0.5
    assert slow["samples"] == [4.5, 5.0, 5.5] and slow["spread"] == {"min": 4.5, "max": 5.5}
    assert slow["checks"] == [{"name": "p99", "value": 5.0, "target": "< 2 ms", "passed": False}]
    assert slow["details"] == {"quick": True}
    assert pending["status"] == "not measured" and "value" not in pending
    json.dumps(data)


async def test_markdown_table_has_one_row_per_figure_and_escapes_pipes(config: RunConfig) -> None:
    from datetime import UTC, datetime

    piped = Figure("piped", "a | b", "< 2 ms", "", fixed(1.0, Target("<", 2, " ms")))
    text = markdown_table(await run_all([piped, SLOW], config), MACHINE,
                          datetime(2026, 11, 24, 1, 30, tzinfo=UTC))
    lines = text.splitlines()
    assert lines[0].startswith("Run 2026-11-24 01:30 UTC on Test CPU")
    assert lines[2].startswith("| figure | value |") and len(lines) == 6
    assert lines[4].startswith("| a \\| b | 1 ms |")


def test_only_selects_in_table_order_and_rejects_unknown_names() -> None:
    assert select([FAST, SLOW, PENDING], ["pending", "fast"]) == [FAST, PENDING]
    assert select([FAST, SLOW], None) == [FAST, SLOW]
    with pytest.raises(UnknownFigureError, match="nope"):
        select([FAST, SLOW], ["nope"])


def test_main_writes_json_and_markdown_and_exits_by_outcome(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out, md = tmp_path / "bench.json", tmp_path / "bench.md"
    code = main(["--quick", "--only", "fast,slow", "--json", str(out), "--markdown", str(md)],
                figures=[FAST, SLOW, BROKEN])
    assert code == 0  # a missed target is reported, not fatal, unless --strict
    assert [f["name"] for f in json.loads(out.read_text())["figures"]] == ["fast", "slow"]
    assert "MISSED" in md.read_text() and "MISSED" in capsys.readouterr().out
    assert main(["--quick", "--only", "slow", "--strict"], figures=[SLOW]) == 1
    assert main(["--quick", "--only", "broken"], figures=[BROKEN]) == 1
    assert main(["--only", "nope"], figures=[FAST]) == 2


def test_exit_code_ignores_not_measured() -> None:
    from benchmarks.model import FigureResult

    assert exit_code([FigureResult(PENDING, Status.NOT_MEASURED, reason="x")], strict=True) == 0


def test_list_names_every_figure_of_the_issue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert names == ["review-throughput", "review-p99", "progress", "progress-pg", "ack", "fanout",
                     "fanout-pg", "timers", "restart", "restart-shard", "memory"]


def test_bot_bench_forwards_its_arguments_to_the_benchmarks(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import build_parser, cmd_handed_over

    args = build_parser().parse_args(["bench", "--list"])
    assert args.func is cmd_handed_over and args.handed_args == ["--list"]
    assert cmd_handed_over(args) == 0
    assert capsys.readouterr().out.split()[0] == "review-throughput"


def test_sample_answer_is_cut_at_a_word_boundary() -> None:
    text = answer(1500)
    assert 1400 < len(text) <= 1500 and not text.endswith(" ")
    assert answer(1500) == text


@pytest.mark.slow
def test_a_real_quick_figure_runs_end_to_end(tmp_path: Path) -> None:
    """The memory figure on 20 guilds: a real bot process against the stand-in, judged."""
    out = tmp_path / "bench.json"
    assert main(["--quick", "--only", "memory", "--json", str(out)]) == 0
    (memory,) = json.loads(out.read_text())["figures"]
    assert memory["status"] in ("met", "MISSED"), memory["reason"]
    assert memory["value"] > 10 and memory["details"]["guilds"] == 20


def test_machine_line_names_the_load_the_run_started_under() -> None:
    busy = Machine("Test CPU", 2, 4.0, "Linux", "3.11", "2.7.1", load=1.5)
    assert busy.line().endswith("discord.py 2.7.1, load 1.50 at start")


def _request(method: str, path: str, status: int, at: float):
    from standin import RecordedRequest

    route = "/channels/{channel_id}/messages" if path.endswith("/messages") else "/other"
    return RecordedRequest(method, route, path, {}, None, [], at, status=status)


def test_fanout_counts_rate_duplicates_and_misses_from_the_record() -> None:
    from benchmarks.fanout import analyse

    records = [
        _request("POST", "/channels/1/messages", 200, 9.0),    # before the due instant: ignored
        _request("POST", "/channels/1/messages", 200, 10.5),
        _request("POST", "/channels/1/messages", 200, 11.0),   # a second daily post: duplicate
        _request("POST", "/channels/2/messages", 429, 11.5),   # throttled, then never posted
        _request("POST", "/channels/9/messages", 200, 12.0),   # a thread opener, not a daily channel
    ]
    run = analyse(records, {1, 2, 3}, due_at=10.0)
    assert (run.requests, run.throttled, run.duplicates, run.misses) == (3, 1, 1, 2)
    assert run.seconds == 2.0 and run.rate == 1.5 and run.start_delay == 0.5


def test_ack_fills_required_inputs_and_leaves_optional_ones_empty() -> None:
    from benchmarks.ack import modal_values, required_options

    modal = {"components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "answer", "style": 2, "max_length": 10}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "phase", "style": 1, "required": False}]},
        {"type": 18, "component": {"type": 4, "custom_id": "code", "style": 1, "min_length": 3}},
    ]}
    assert modal_values(modal, "a long answer") == {"answer": "a long ans", "code": "x.."}
    command = {"options": [
        {"name": "length", "type": 4, "required": True, "choices": [{"name": "45", "value": 45}]},
        {"name": "count", "type": 4, "required": True, "min_value": 3},
        {"name": "topic", "type": 3, "required": True},
        {"name": "note", "type": 3},
    ]}
    assert required_options(command) == {"length": 45, "count": 3, "topic": "x"}


def test_a_phase_end_is_timed_against_the_deadline_it_closes() -> None:
    from datetime import UTC, datetime, timedelta
    from types import SimpleNamespace

    from benchmarks.timers import phase_end_deadline

    start = datetime(2026, 11, 24, tzinfo=UTC)
    phases = [SimpleNamespace(started_at=start + timedelta(minutes=5 * i),
                              deadline=start + timedelta(minutes=5 * (i + 1))) for i in range(3)]
    session = SimpleNamespace(state=SimpleNamespace(phases=phases))
    post = SimpleNamespace

    assert phase_end_deadline(session, post(kind="phase", variables={"number": 1})) is None
    assert phase_end_deadline(session, post(kind="phase", variables={"number": 3})) == phases[2].started_at
    assert phase_end_deadline(session, post(kind="scorecard", variables={})) == phases[2].deadline
    assert phase_end_deadline(session, post(kind="warning", variables={"number": 2})) is None


def test_every_repetition_gets_a_fresh_file(config: RunConfig) -> None:
    first, second = config.fresh_path("restart"), config.fresh_path("restart")
    assert first != second and first.parent == config.workdir and first.suffix == ".db"
    assert first.name.startswith("restart-")
