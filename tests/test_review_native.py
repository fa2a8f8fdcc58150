"""The compiled checker (tools/compile_checker.py): the same evidence as plain Python on every
labelled answer, and a build older than its sources never run: its sources run instead."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from bot.review.native import COMPILED_MODULES, STAMP_NAME, stale_modules, write_stamp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot" / "review"
FIXTURES = ROOT / "tests" / "fixtures" / "review"


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A copy of the compiled modules' sources, without any build."""
    for name in COMPILED_MODULES:
        shutil.copy(PACKAGE / f"{name}.py", tmp_path / f"{name}.py")
    return tmp_path


def _pretend_built(directory: Path) -> None:
    (directory / f"text{EXTENSION_SUFFIXES[0]}").write_bytes(b"")


def test_plain_python_has_nothing_to_check(sources: Path) -> None:
    assert stale_modules(sources) == []  # no extension, no stamp: the usual checkout


def test_a_build_of_the_sources_beside_it_is_used(sources: Path) -> None:
    _pretend_built(sources)
    write_stamp(sources)
    assert stale_modules(sources) == []


def test_a_build_older_than_a_source_names_that_source(sources: Path) -> None:
    _pretend_built(sources)
    write_stamp(sources)
    with (sources / "scan.py").open("a", encoding="utf-8") as source:
        source.write("\n# edited after the build\n")
    assert stale_modules(sources) == ["scan"]


def test_a_build_without_a_stamp_is_stale_throughout(sources: Path) -> None:
    _pretend_built(sources)
    assert not (sources / STAMP_NAME).exists()
    assert stale_modules(sources) == sorted(COMPILED_MODULES)


def test_a_damaged_stamp_vouches_for_nothing(sources: Path) -> None:
    _pretend_built(sources)
    for damaged in ('{"text": "half a wri', '["text"]'):
        (sources / STAMP_NAME).write_text(damaged, encoding="utf-8")
        assert stale_modules(sources) == sorted(COMPILED_MODULES)


_EVIDENCE = """
import json, sys
from bot.review.engine import detect
from bot.review.native import is_compiled
found = {}
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        if line.strip():
            row = json.loads(line)
            found[row["id"]] = detect(row["answer"], row.get("prompt"))[0].evidence
print(json.dumps({"compiled": is_compiled(), "evidence": found}))
"""


def _evidence(checkout: Path) -> dict[str, object]:
    files = sorted(str(path) for path in FIXTURES.glob("*.jsonl"))
    run = subprocess.run([sys.executable, "-c", _EVIDENCE, *files], cwd=checkout,
                         capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(run.stdout)
    return result


def _compiler() -> str | None:
    command = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(command)


def _doctor_line(checkout: Path) -> str:
    code = "from bot.doctor import check_checker; print(check_checker().line())"
    run = subprocess.run([sys.executable, "-c", code], cwd=checkout, capture_output=True,
                         text=True, check=True)
    return run.stdout.strip()


@pytest.mark.slow
@pytest.mark.skipif(_compiler() is None, reason="no C compiler to build the extensions with")
def test_compiled_checker_quotes_the_same_evidence_as_plain_python(tmp_path: Path) -> None:
    """A copy of the checkout is reviewed as plain Python, compiled over a stale build, and
    reviewed again; then a source is edited: the sources run, and ``doctor`` names it."""
    checkout = tmp_path / "checkout"
    unbuilt = shutil.ignore_patterns("__pycache__", *(f"*{suffix}" for suffix in EXTENSION_SUFFIXES),
                                     STAMP_NAME)
    for part in ("bot", "prompts", "storage", "tools"):
        shutil.copytree(ROOT / part, checkout / part, ignore=unbuilt)
    plain = _evidence(checkout)
    assert "plain Python" in _doctor_line(checkout)
    _pretend_built(checkout / "bot" / "review")  # a stale build: the tool replaces it
    subprocess.run([sys.executable, "tools/compile_checker.py"], cwd=checkout,
                   capture_output=True, check=True)
    compiled = _evidence(checkout)
    assert (plain["compiled"], compiled["compiled"]) == (False, True)
    assert isinstance(plain["evidence"], dict) and len(plain["evidence"]) > 1_800
    assert compiled["evidence"] == plain["evidence"]
    assert _doctor_line(checkout).startswith("✅ checker: compiled")

    with (checkout / "bot" / "review" / "scan.py").open("a", encoding="utf-8") as source:
        source.write("\n# edited after the build\n")
    edited = _evidence(checkout)
    assert edited["compiled"] is False and edited["evidence"] == plain["evidence"]
    line = _doctor_line(checkout)
    assert line.startswith("❌ checker:") and "scan.py, so the sources run" in line, line
