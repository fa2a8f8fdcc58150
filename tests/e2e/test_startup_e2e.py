"""Start-up refuses a broken installation with one clear line and exit 2 (issue 13, items 19-20).

Each case runs the real ``python -m bot run`` and ``python -m bot doctor`` as an
operator would, pointed at the stand-in, so a start-up that did not refuse would
connect and keep running (and time out here) instead of passing by accident.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from storage.db import Database

ROOT = Path(__file__).resolve().parents[2]


def run(command: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    child = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    child |= env | {"PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "bot", command], cwd=cwd, env=child,
                          capture_output=True, text=True, timeout=30, check=False)


def assert_refused_in_one_line(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert all(fragment in lines[0] for fragment in fragments), lines[0]


def assert_doctor_flags(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    flagged = [line for line in result.stdout.splitlines() if line.startswith("❌")]
    assert any(all(f in line for f in fragments) for line in flagged), result.stdout


def random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(16_384))


def text_file(path: Path) -> None:
    path.write_text("name,score\nada,3\n" * 200, encoding="utf-8")


def foreign_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")


def truncated(path: Path) -> None:
    import asyncio

    async def build() -> None:
        db = await Database.open(path)
        await db.migrate()
        for i in range(2_000):
            await db.execute("INSERT INTO guilds (guild_id, name, joined_at) VALUES (?, ?, 't')",
                             (i, "x" * 200))
        await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await db.close()

    asyncio.run(build())
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 2)


@pytest.mark.parametrize("damage", [random_bytes, text_file, foreign_sqlite, truncated],
                         ids=["random-bytes", "text-file", "foreign-sqlite", "truncated"])
@pytest.mark.sqlite_only  # DATABASE_PATH files
def test_a_database_path_that_is_not_bar_raisers_is_refused(
    bot_env, tmp_path, damage: Callable[[Path], None]
):
    path = Path(bot_env["DATABASE_PATH"])
    damage(path)
    before = path.read_bytes()
    assert_refused_in_one_line(run("run", bot_env, tmp_path), "DATABASE_PATH", str(path))
    assert_doctor_flags(run("doctor", bot_env, tmp_path), "database", str(path))
    assert path.read_bytes() == before  # refused without writing a byte


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "prompts", copy)
    return copy


def test_a_template_with_a_jinja_syntax_error_is_named_by_file_and_line(
    bot_env, tmp_path, content_dir
):
    template = content_dir / "templates" / "daily" / "prompt.md.j2"
    lines = template.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "{% if broken %}never closed")
    template.write_text("\n".join(lines), encoding="utf-8")
    env = {**bot_env, "CONTENT_DIR": str(content_dir)}
    assert_refused_in_one_line(run("run", env, tmp_path), "daily/prompt.md.j2", "line")
    assert_doctor_flags(run("doctor", env, tmp_path), "daily/prompt.md.j2")


def test_a_broken_help_yaml_is_refused(bot_env, tmp_path, content_dir):
    (content_dir / "help.yaml").write_text("commands: [unclosed\n  - x: {\n", encoding="utf-8")
    env = {**bot_env, "CONTENT_DIR": str(content_dir)}
    assert_refused_in_one_line(run("run", env, tmp_path), "help.yaml")
    assert_doctor_flags(run("doctor", env, tmp_path), "help.yaml")


def test_a_content_file_with_invalid_utf8_is_reported_by_file(bot_env, tmp_path, content_dir):
    rubric = content_dir / "rubric.yaml"
    rubric.write_bytes(rubric.read_bytes()[:200] + b"\xff\xfe broken \xc3\x28" +
                       rubric.read_bytes()[200:])
    env = {**bot_env, "CONTENT_DIR": str(content_dir)}
    assert_refused_in_one_line(run("run", env, tmp_path), "rubric.yaml", "UTF-8")
    assert_doctor_flags(run("doctor", env, tmp_path), "rubric.yaml", "UTF-8")
