"""Tools for a round of fresh unseen labelled answers (docs/CONTENT.md, 'Measure on fresh writing').

A rule change is judged on answers nobody tuned on: writers who never read the rules write
them from the labelling guide alone, a second labeller labels them again blind, and the
disagreements are settled before the checker is measured on them, once. The briefs the
writers and labellers follow are in ``tools/unseen_round/``; this script does the
mechanical steps around them:

    python tools/unseen_round.py prepare ROUND_DIR        # briefs, guide and prompts.tsv
    python tools/unseen_round.py blind ROUND_DIR/mixed11.jsonl     # mixed11_input.jsonl
    python tools/unseen_round.py agree ROUND_DIR/mixed11.jsonl ROUND_DIR/mixed11_relabel.jsonl

Keep ROUND_DIR outside the repository until the round is measured: a writer or labeller
who can see the rules or the fixtures writes what the rules already know.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content import load_content  # noqa: E402  (after the path is set)

KIT = Path(__file__).resolve().parent / "unseen_round"
GUIDE = ROOT.parent / "shared" / "rubric-eval" / "GUIDE.md"
SHOWN = ("id", "prompt", "phase", "answer")
"""What a blind labeller sees of a line: never its labels, notes or class."""


def prepare(round_dir: Path, guide: Path = GUIDE) -> int:
    """Copy the briefs and the labelling guide into ``round_dir`` and write prompts.tsv,
    one line per probe of every question ("<title> (<phase>): <probe>"); returns its lines."""
    round_dir.mkdir(parents=True, exist_ok=True)
    for brief in sorted(KIT.glob("*.md")):
        shutil.copy(brief, round_dir / brief.name)
    shutil.copy(guide, round_dir / "GUIDE.md")
    rows = [f"{q.id}\t{phase}\t{q.title} ({phase}): {probe}"
            for q in load_content().questions.values()
            for phase, probes in q.probes.items() for probe in probes]
    (round_dir / "prompts.tsv").write_text(
        "question_id\tphase\tprompt\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def blind(written: Path) -> Path:
    """``<name>_input.jsonl`` beside ``written``: each line with only what a blind
    labeller may see."""
    target = written.with_name(f"{written.stem}_input.jsonl")
    target.write_text("".join(json.dumps({key: line[key] for key in SHOWN}, ensure_ascii=False)
                              + "\n" for line in _lines(written)), encoding="utf-8")
    return target


def disagreements(written: Path, relabelled: Path) -> tuple[int, list[tuple[str, str, int, int]]]:
    """How many labels both files give, and each (id, label, writer, relabeller) that
    differs, in the writer's order."""
    second = {str(line["id"]): line["labels"] for line in _lines(relabelled)}
    total, differ = 0, []
    for line in _lines(written):
        ident, other = str(line["id"]), second[str(line["id"])]
        for label, value in line["labels"].items():
            total += 1
            if other.get(label) != value:
                differ.append((ident, label, int(value), int(other.get(label, -1))))
    return total, differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare").add_argument("round_dir", type=Path)
    commands.add_parser("blind").add_argument("written", type=Path)
    agree = commands.add_parser("agree")
    agree.add_argument("written", type=Path)
    agree.add_argument("relabelled", type=Path)
    args = parser.parse_args(argv)
    if args.command == "prepare":
        print(f"{prepare(args.round_dir)} prompts in {args.round_dir / 'prompts.tsv'}")
    elif args.command == "blind":
        print(blind(args.written))
    else:
        total, differ = disagreements(args.written, args.relabelled)
        for ident, label, first, second in differ:
            print(f"{ident} {label}: writer {first}, relabeller {second}")
        print(f"{total - len(differ)} of {total} labels agree")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
