"""What a benchmark figure is, what it returns, and how a result is judged.

A figure measures one number the issue sets a target for. It returns a
``Measurement``: the headline value (median over repetitions), every
repetition's sample, the reference it is held against (when the issue names
one) and the ``Check``s that decide whether the target was met. Keeping the
judgement here, out of the figures, is what makes a missed target impossible
to hide: the runner marks it, the reporter prints it, the JSON carries it.
"""

from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from uuid import uuid4

_COMPARATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
}
_SYMBOLS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "="}


class NotMeasuredError(Exception):
    """A figure cannot run yet (a piece it measures is missing); the reason goes in the table."""


class Status(StrEnum):
    MET = "met"
    MISSED = "MISSED"
    NOT_MEASURED = "not measured"
    ERROR = "error"


@dataclass(frozen=True)
class Target:
    """A bound such as ``< 2 ms`` or ``≥ 5,000/s``; ``unit`` is only for display."""

    op: str
    bound: float
    unit: str = ""

    def __post_init__(self) -> None:
        if self.op not in _COMPARATORS:
            raise ValueError(f"unknown comparison {self.op!r}")

    def met_by(self, value: float) -> bool:
        return _COMPARATORS[self.op](value, self.bound)

    def __str__(self) -> str:
        return f"{_SYMBOLS[self.op]} {format_number(self.bound)}{self.unit}"


@dataclass(frozen=True)
class Check:
    """One condition of a target; a figure is met only when all of its checks pass."""

    name: str
    value: float
    target: Target

    @property
    def passed(self) -> bool:
        return self.target.met_by(self.value)

    def describe(self) -> str:
        return f"{self.name} {format_number(self.value)}{self.target.unit} (target {self.target})"


@dataclass(frozen=True)
class Measurement:
    """What a figure measured: the median of ``samples``, its reference and its checks."""

    value: float
    unit: str
    samples: tuple[float, ...]
    checks: tuple[Check, ...]
    reference: float | None = None
    reference_label: str = ""
    ratio: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def spread(self) -> tuple[float, float]:
        """Lowest and highest repetition: how far one run can be trusted."""
        return (min(self.samples), max(self.samples)) if self.samples else (self.value, self.value)


@dataclass(frozen=True)
class RunConfig:
    """Sizes and repetitions for one run; ``quick`` is the CI smoke mode (small, once)."""

    quick: bool
    workdir: Path
    repetitions: int
    warmups: int

    @classmethod
    def build(cls, *, quick: bool, workdir: Path, repetitions: int | None = None) -> RunConfig:
        default = 1 if quick else 3
        return cls(quick, workdir, repetitions or default, 0 if quick else 1)

    def size(self, full: int, quick: int) -> int:
        """The workload size for this mode: the issue's number, or a small one for --quick."""
        return quick if self.quick else full

    def fresh_path(self, stem: str, suffix: str = ".db") -> Path:
        """A new file name in the work directory: every repetition starts from scratch."""
        return self.workdir / f"{stem}-{uuid4().hex[:8]}{suffix}"


Measure = Callable[[RunConfig], Awaitable[Measurement]]


@dataclass(frozen=True)
class Figure:
    """One row of the issue's table: a name for ``--only``, its target text and how to measure."""

    name: str
    title: str
    target: str
    held_against: str
    measure: Measure
    timeout_seconds: float = 600.0


@dataclass(frozen=True)
class FigureResult:
    """A figure after running: its status and (when measured) the measurement."""

    figure: Figure
    status: Status
    measurement: Measurement | None = None
    reason: str = ""
    seconds: float = 0.0

    @property
    def missed_checks(self) -> list[Check]:
        return [c for c in self.measurement.checks if not c.passed] if self.measurement else []


def judge(figure: Figure, measurement: Measurement, seconds: float) -> FigureResult:
    """Met only when every check passes; otherwise MISSED, naming each failed check."""
    failed = [check.describe() for check in measurement.checks if not check.passed]
    status = Status.MISSED if failed else Status.MET
    return FigureResult(figure, status, measurement, "; ".join(failed), seconds)


def format_number(value: float) -> str:
    """Thousands separators for big numbers, three significant digits for small ones."""
    if value != value:  # NaN
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100 or value == int(value):
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"
