"""The bench's outputs: the console table, the JSON file and the Markdown table for the docs.

All three are built from the same rows so they cannot disagree. A missed
target is printed as ``MISSED`` with the check that failed, and a figure that
could not run says ``not measured: <why>``: nothing is left blank or hidden.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import psutil

from benchmarks.model import FigureResult, Status, format_number

COLUMNS = ("figure", "value", "spread", "target", "held against", "ratio", "status")


@dataclass(frozen=True)
class Machine:
    """Where the run happened: timings mean nothing without it."""

    cpu: str
    cores: int
    memory_gb: float
    system: str
    python: str
    discord_py: str
    load: float | None = None
    """1-minute load average at the start: other work on the box skews every timing."""

    @classmethod
    def current(cls) -> Machine:
        return cls(_cpu_name(), os.cpu_count() or 0,
                   round(psutil.virtual_memory().total / 2**30, 1),
                   f"{platform.system()} {platform.release()}", platform.python_version(),
                   _package_version("discord.py"), round(psutil.getloadavg()[0], 2))

    def line(self) -> str:
        load = f", load {self.load:.2f} at start" if self.load is not None else ""
        return (f"{self.cpu}, {self.cores} cores, {self.memory_gb} GB RAM, {self.system}, "
                f"Python {self.python}, discord.py {self.discord_py}{load}")


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def value_text(result: FigureResult) -> str:
    m = result.measurement
    return f"{format_number(m.value)} {m.unit}".strip() if m else "—"


def spread_text(result: FigureResult) -> str:
    m = result.measurement
    if m is None or len(m.samples) < 2:
        return "—" if m is None else f"n={len(m.samples)}"
    low, high = m.spread
    return f"{format_number(low)}–{format_number(high)} (n={len(m.samples)})"


def ratio_text(result: FigureResult) -> str:
    m = result.measurement
    if m is None or m.ratio is None:
        return "—"
    return f"{m.ratio:.2f}× {m.reference_label}".strip()


def status_text(result: FigureResult) -> str:
    if result.status in (Status.MET,):
        return "met"
    return f"{result.status}: {result.reason}" if result.reason else str(result.status)


def rows(results: list[FigureResult]) -> list[tuple[str, ...]]:
    """One row per figure, in the column order of ``COLUMNS``."""
    return [(r.figure.title, value_text(r), spread_text(r), r.figure.target, r.figure.held_against,
             ratio_text(r), status_text(r)) for r in results]


def text_table(results: list[FigureResult], machine: Machine) -> str:
    """A plain, aligned table for the terminal, status last so a miss reads at line end."""
    table = [COLUMNS, *rows(results)]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS) - 1)]
    lines = [f"machine: {machine.line()}"]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    lines.append(summary(results))
    return "\n".join(lines)


def summary(results: list[FigureResult]) -> str:
    """``8 figures: 3 missed, 4 met, 1 not measured, 0 errors``."""
    counts = {status: sum(r.status is status for r in results) for status in Status}
    return (f"{len(results)} figures: {counts[Status.MISSED]} missed, {counts[Status.MET]} met, "
            f"{counts[Status.NOT_MEASURED]} not measured, {counts[Status.ERROR]} errors")


def markdown_table(results: list[FigureResult], machine: Machine, when: datetime) -> str:
    """The table for docs/BENCHMARKS.md and the README, with the machine it ran on."""
    header = "| " + " | ".join(COLUMNS) + " |"
    rule = "|" + "---|" * len(COLUMNS)
    body = ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
            for row in rows(results)]
    stamp = when.strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join([f"Run {stamp} on {machine.line()}.", "", header, rule, *body])


def as_json(results: list[FigureResult], machine: Machine, when: datetime,
            quick: bool) -> dict[str, Any]:
    """Everything the table shows plus every sample, check and detail, for tooling."""
    return {
        "when": when.isoformat(),
        "quick": quick,
        "machine": machine.__dict__,
        "figures": [_figure_json(r) for r in results],
    }


def _figure_json(result: FigureResult) -> dict[str, Any]:
    m = result.measurement
    data: dict[str, Any] = {
        "name": result.figure.name, "title": result.figure.title, "target": result.figure.target,
        "held_against": result.figure.held_against, "status": result.status.value,
        "reason": result.reason, "seconds": round(result.seconds, 3),
    }
    if m is not None:
        data.update(
            value=m.value, unit=m.unit, samples=list(m.samples),
            spread={"min": m.spread[0], "max": m.spread[1]},
            reference=m.reference, reference_label=m.reference_label, ratio=m.ratio,
            checks=[{"name": c.name, "value": c.value, "target": str(c.target),
                     "passed": c.passed} for c in m.checks],
            details=m.details,
        )
    return data


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")


def now() -> datetime:
    """The report's timestamp (the CLI may read the clock; services may not)."""
    return datetime.now(UTC)


def stderr_line(text: str) -> None:
    """Progress lines go to stderr so ``--json -`` style piping of stdout stays clean."""
    print(text, file=sys.stderr, flush=True)
