"""``python -m bot bench``: every performance figure of the issue in one run, on the local stand-in.

``python -m benchmarks`` and ``python -m bot bench`` (a thin entry that imports
this package only when asked) both call ``main(argv)``.
See docs/BENCHMARKS.md for what each figure measures and the latest table.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.model import Figure, FigureResult, RunConfig, Status

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, one repetition (CI smoke run; timings not judged)")
    parser.add_argument("--only", metavar="NAME[,NAME]", type=_names,
                        help="run only these figures (see --list)")
    parser.add_argument("--list", action="store_true", help="list the figures and exit")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the results as JSON")
    parser.add_argument("--markdown", metavar="FILE", type=Path,
                        help="also write the table as Markdown (for docs/BENCHMARKS.md)")
    parser.add_argument("--repetitions", type=int, metavar="N",
                        help="repetitions per figure (default 3, or 1 with --quick)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--verbose", action="store_true", help="show the bot's INFO logs")


def main(argv: Sequence[str] | None = None, figures: Sequence[Figure] | None = None) -> int:
    """Run the bench as the CLI would; ``figures`` replaces the issue's table (for tests)."""
    parser = argparse.ArgumentParser(prog="python -m bot bench")
    add_arguments(parser)
    return run_command(parser.parse_args(argv), figures)


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def run_command(args: argparse.Namespace, table: Sequence[Figure] | None = None) -> int:
    from benchmarks.report import Machine, now, stderr_line, text_table
    from benchmarks.runner import UnknownFigureError, run_all, select

    if table is None:
        from benchmarks.figures import FIGURES as table
    if args.list:
        for figure in table:
            print(f"{figure.name:18} {figure.title} (target {figure.target})")
        return EXIT_OK
    try:
        figures = select(table, args.only)
    except UnknownFigureError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    _quiet_logs(args.verbose)
    started, machine = now(), Machine.current()
    with tempfile.TemporaryDirectory(prefix="bar-raiser-bench-") as workdir:
        config = RunConfig.build(quick=args.quick, workdir=Path(workdir),
                                 repetitions=args.repetitions)
        results = asyncio.run(run_all(figures, config, progress=stderr_line))
    print(text_table(results, machine))
    _write_outputs(args, results, machine, started)
    return exit_code(results, strict=args.strict)


def _quiet_logs(verbose: bool) -> None:
    """Warnings and errors only; discord.py's 429 notices are the fan-out working as intended."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not verbose:
        logging.getLogger("discord.http").setLevel(logging.ERROR)


def _write_outputs(args: argparse.Namespace, results: list[FigureResult], machine: Any,
                   started: Any) -> None:
    from benchmarks.report import as_json, markdown_table, write_json

    if args.json:
        write_json(args.json, as_json(results, machine, started, args.quick))
    if args.markdown:
        args.markdown.write_text(markdown_table(results, machine, started) + "\n", encoding="utf-8")


def exit_code(results: list[FigureResult], *, strict: bool) -> int:
    """1 when a figure crashed (the bench itself is broken), or a target missed under --strict."""
    if any(r.status is Status.ERROR for r in results):
        return EXIT_PROBLEM
    if strict and any(r.status is Status.MISSED for r in results):
        return EXIT_PROBLEM
    return EXIT_OK
