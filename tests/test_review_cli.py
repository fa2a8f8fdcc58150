"""``python -m bot check``: text, JSON, batch JSONL, --eval, and exit code 2 on bad files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.review.cli import EXIT_BAD_INPUT, EXIT_OK, main

SMALL = Path(__file__).parent / "fixtures" / "review" / "eval_small.jsonl"
ANSWER = "Shoppers see add-to-cart in < 100 ms p99.\nWe will run it all on k8s, the standard."


def test_text_output_from_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "answer.md"
    path.write_text(ANSWER, encoding="utf-8")
    assert main([str(path), "--phase", "requirements"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("Score: 2/5 items met, 1 failure mode(s) committed")
    assert '[x] Customer First: "Shoppers see add-to-cart in < 100 ms p99."' in out
    assert "[!] We'll use Kubernetes" in out and "instead: Start with EC2 + ALB" in out
    assert "Phase requirements deliverables:" in out


def test_json_output_from_stdin(monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(ANSWER))
    assert main(["-", "--format", "json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["labels"]["kubernetes_first"] == 1 and data["score"] == 2


def test_jsonl_batch_keeps_order_and_gives_all_ten_labels(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--jsonl", str(SMALL)]) == EXIT_OK
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["s1", "s2", "s3"]
    assert all(len(line["labels"]) == 10 for line in lines)
    assert lines[0]["labels"]["kubernetes_first"] == 1 and lines[1]["labels"]["kubernetes_first"] == 0
    assert lines[0]["evidence"]["numbers_always"] == "Assume 20M DAU → ~500 writes/s."


def test_eval_prints_per_label_scores_and_macro_f1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--eval", str(SMALL)]) == EXIT_OK
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:]}
    # customer_first: labeled 1 on s3 ("Shoppers are happy" is vague), never detected.
    assert rows["customer_first"][:3] == ["1.00", "0.00", "0.00"]
    assert rows["kubernetes_first"][:3] == ["1.00", "1.00", "1.00"]
    assert "macro-F1 items" in out and "macro-F1 failure modes" in out
    assert "(3 answers)" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "line 1: not valid JSON"),
        ('{"answer": 3}\n', "line 1: expected an object with a string 'answer'"),
        ('{"answer": "x", "phase": 5}\n', "'phase' must be a string"),
        ('{"answer": "x"}\n', "line 1: expected a 'labels' object"),
        ('{"answer": "x", "labels": {"bogus": 1}}\n', "unknown label(s) bogus"),
        ("\n\n", "has no labeled answers"),
    ],
)
def test_bad_eval_file_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    assert main(["--eval", str(path)]) == EXIT_BAD_INPUT
    assert message in capsys.readouterr().err


def test_missing_file_and_no_input_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/nonexistent/answer.md"]) == EXIT_BAD_INPUT
    assert "cannot read /nonexistent/answer.md" in capsys.readouterr().err
    assert main([]) == EXIT_BAD_INPUT
    assert "give an answer FILE" in capsys.readouterr().err


def test_bad_batch_line_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text('{"answer": "ok"}\n[1, 2]\n', encoding="utf-8")
    assert main(["--jsonl", str(path)]) == EXIT_BAD_INPUT
    assert "line 2" in capsys.readouterr().err
