"""``python -m bot check``: review answers from a terminal, in batch, or against labels.

    python -m bot check answer.md            # text review
    python -m bot check - --format json      # stdin, JSON
    python -m bot check --jsonl answers.jsonl   # one JSON review per input line
    python -m bot check --eval labeled.jsonl    # per-label P/R/F1 and macro-F1

Exit codes: 0 ok, 2 the input file is missing or malformed (the message says
which line and what is wrong).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.content import ContentError
from bot.review import Reviewer, default_reviewer
from bot.review.evaluate import EvalReport, evaluate, format_report
from bot.review.model import LABELS, Review

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """The input file cannot be used; the message is shown as is."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check`` command to ``python -m bot``."""
    parser = subparsers.add_parser(
        "check", help="review a design answer against the success-formula checklist"
    )
    parser.add_argument("file", nargs="?", help="answer file, or - for stdin")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--phase", help="phase id: requirements, high_level, deep_dive, ...")
    parser.add_argument("--question", help="question id from questions.yaml, for tips")
    parser.add_argument("--prompt", help="the prompt text (its numbers are not the answer's)")
    parser.add_argument("--jsonl", metavar="FILE", help="batch: one JSON object per line")
    parser.add_argument("--eval", metavar="FILE", help="compare with the file's labels")
    parser.set_defaults(func=run)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``check`` on its own (tests, and before bot/cli.py registers it)."""
    parser = argparse.ArgumentParser(prog="python -m bot")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["check", *(argv or [])])
    return int(args.func(args))


def run(args: argparse.Namespace) -> int:
    try:
        if args.eval:
            print(format_report(_evaluate(args.eval)))
        elif args.jsonl:
            _batch(args.jsonl, _reviewer(), sys.stdout)
        elif args.file:
            text = _read_answer(args.file)
            result = _reviewer().review(
                text, phase=args.phase, question=args.question, prompt=args.prompt
            )
            if args.format == "json":
                print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
            else:
                print(format_text(result))
        else:
            raise BadInput("give an answer FILE (or - for stdin), --jsonl FILE or --eval FILE")
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _reviewer() -> Reviewer:
    """The content-backed reviewer (tips, names); detection alone if content is broken."""
    try:
        return default_reviewer()
    except ContentError as error:
        print(f"warning: content not loaded, reviewing without tips ({error})", file=sys.stderr)
        return Reviewer()


def _read_answer(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read {name}: {error}") from error


def _records(name: str, need_labels: bool = False) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line of a JSONL file as a validated object, with its line number."""
    for number, line in enumerate(_read_answer(name).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise BadInput(f"{name} line {number}: not valid JSON ({error.msg})") from error
        if not isinstance(record, dict) or not isinstance(record.get("answer"), str):
            raise BadInput(f"{name} line {number}: expected an object with a string 'answer'")
        for key in ("phase", "prompt"):
            if record.get(key) is not None and not isinstance(record[key], str):
                raise BadInput(f"{name} line {number}: '{key}' must be a string")
        if need_labels and not isinstance(record.get("labels"), dict):
            raise BadInput(f"{name} line {number}: expected a 'labels' object")
        yield number, record


def _batch(name: str, reviewer: Reviewer, out: TextIO) -> None:
    records = list(_records(name))
    for _, record in records:
        result = reviewer.review(
            record["answer"], phase=record.get("phase"), prompt=record.get("prompt")
        )
        line = {"id": record.get("id"), **result.to_dict()}
        line["evidence"] = {
            **{item.id: item.evidence for item in result.items},
            **{mode.id: mode.evidence for mode in result.failure_modes},
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def _evaluate(name: str) -> EvalReport:
    reviewer = Reviewer()
    pairs: list[tuple[dict[str, int], dict[str, int]]] = []
    for number, record in _records(name, need_labels=True):
        labels = record["labels"]
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise BadInput(f"{name} line {number}: unknown label(s) {', '.join(sorted(unknown))}")
        predicted = reviewer.review(record["answer"], prompt=record.get("prompt")).labels()
        pairs.append((labels, predicted))
    if not pairs:
        raise BadInput(f"{name} has no labeled answers")
    return evaluate(pairs)


def format_text(result: Review) -> str:
    """The review as plain text for a terminal."""
    if result.problem:
        return result.problem
    lines = [
        f"Score: {result.score}/{result.max_score} items met, "
        f"{result.failure_count} failure mode(s) committed"
    ]
    for item in result.items:
        detail = f'"{item.evidence}"' if item.met else f"tip: {item.tip or 'missing'}"
        lines.append(f"{'[x]' if item.met else '[ ]'} {item.name}: {detail}")
    for mode in result.committed:
        lines.append(f"[!] {mode.name}: \"{mode.evidence}\"")
        if mode.instead:
            lines.append(f"    instead: {mode.instead}")
    if result.deliverables:
        covered = ", ".join(f"{'+' if d.covered else '-'}{d.name}" for d in result.deliverables)
        lines.append(f"Phase {result.phase} deliverables: {covered}")
    lines.extend(f"note: {notice}" for notice in result.notices)
    return "\n".join(lines)
