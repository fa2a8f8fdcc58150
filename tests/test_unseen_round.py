"""The unseen-round tool: briefs and prompts for writers, blind input for the second labeller."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from bot.content import load_content

TOOL = Path(__file__).resolve().parent.parent / "tools" / "unseen_round.py"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unseen_round", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, lines: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_prepare_copies_the_briefs_and_lists_every_probe(tool: ModuleType, tmp_path: Path) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text("# the labelling guide\n", encoding="utf-8")
    rows = tool.prepare(tmp_path / "round", guide)
    probes = sum(len(p) for q in load_content().questions.values() for p in q.probes.values())
    assert rows == probes > 0
    round_dir = tmp_path / "round"
    assert (round_dir / "GUIDE.md").read_text(encoding="utf-8") == "# the labelling guide\n"
    assert {"BRIEF-WRITER.md", "BRIEF-RELABEL.md", "TASK-MIXED.md"} <= {p.name for p in round_dir.iterdir()}
    header, first = (round_dir / "prompts.tsv").read_text(encoding="utf-8").splitlines()[:2]
    assert header == "question_id\tphase\tprompt" and len(first.split("\t")) == 3


def test_blind_input_shows_no_labels_and_agree_names_each_difference(
    tool: ModuleType, tmp_path: Path
) -> None:
    written = _write(tmp_path / "mixed.jsonl", [
        {"id": "m-1", "prompt": "p", "phase": "scale", "answer": "a", "notes": "n", "class": "x",
         "labels": {"customer_first": 1, "numbers_always": 0}},
        {"id": "m-2", "prompt": "p", "phase": "scale", "answer": "b", "notes": "n", "class": "x",
         "labels": {"customer_first": 0, "numbers_always": 1}},
    ])
    shown = [json.loads(line) for line in tool.blind(written).read_text(encoding="utf-8").splitlines()]
    assert [set(line) for line in shown] == [{"id", "prompt", "phase", "answer"}] * 2
    relabelled = _write(tmp_path / "relabel.jsonl", [
        {"id": "m-2", "labels": {"customer_first": 0, "numbers_always": 0}},
        {"id": "m-1", "labels": {"customer_first": 1, "numbers_always": 0}},
    ])
    assert tool.disagreements(written, relabelled) == (4, [("m-2", "numbers_always", 1, 0)])
