"""The CLI as an operator runs it: a real subprocess, a clean environment, a temp folder."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAKE_TOKEN

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=clean | env,
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_no_token_prints_one_clear_line_and_exits_2(tmp_path):
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISCORD_TOKEN is not set" in lines[0]
    assert "Traceback" not in result.stderr


def test_malformed_setting_exits_2_without_traceback(tmp_path):
    result = run_cli(cwd=tmp_path, DISCORD_TOKEN=FAKE_TOKEN, METRICS_PORT="port")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: METRICS_PORT must be a whole number, got 'port'"


def test_version(tmp_path):
    result = run_cli("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("bar-raiser ")


def test_invite_without_token_uses_application_id(tmp_path):
    result = run_cli("invite", cwd=tmp_path, DISCORD_APPLICATION_ID="42")
    assert result.returncode == 0
    url = result.stdout.splitlines()[0]
    assert url.startswith("https://discord.com/oauth2/authorize?client_id=42")
    assert "scope=bot+applications.commands" in url
    assert "permissions=17918603676736" in url  # the channel needs and Create Events (1 << 44)
    assert "Create Public Threads" in result.stdout
    assert "Create Events: create a Discord event for each mock round booked" in result.stdout


def test_invite_needs_an_id(tmp_path):
    result = run_cli("invite", cwd=tmp_path)
    assert result.returncode == 2 and "DISCORD_APPLICATION_ID" in result.stderr


def test_doctor_on_a_good_setup(tmp_path):
    result = run_cli("doctor", cwd=tmp_path, DISCORD_TOKEN=FAKE_TOKEN,
                     DATABASE_PATH=str(tmp_path / "data" / "bot.db"))
    assert result.returncode == 0, result.stdout
    assert "❌" not in result.stdout and "All checks passed." in result.stdout
    assert FAKE_TOKEN not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "token: DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": FAKE_TOKEN, "CONTENT_DIR": "{tmp}/empty"}, "content:"),
        ({"DISCORD_TOKEN": FAKE_TOKEN, "DATABASE_PATH": "{tmp}/not-a-db"}, "database:"),
    ],
)
def test_doctor_on_a_broken_setup(tmp_path, env, complaint):
    (tmp_path / "empty").mkdir()
    (tmp_path / "not-a-db").write_bytes(b"this is not sqlite" * 100)
    env = {k: v.format(tmp=tmp_path) for k, v in env.items()}
    env.setdefault("DATABASE_PATH", str(tmp_path / "ok.db"))
    result = run_cli("doctor", cwd=tmp_path, **env)
    assert result.returncode == 1
    assert any(line.startswith("❌ " + complaint) for line in result.stdout.splitlines()), result.stdout


def test_broken_content_dir_exits_2_naming_the_problem(tmp_path):
    (tmp_path / "mine").mkdir()
    result = run_cli(cwd=tmp_path, DISCORD_TOKEN=FAKE_TOKEN, CONTENT_DIR=str(tmp_path / "mine"),
                     DATABASE_PATH=str(tmp_path / "bot.db"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "rubric.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_database_from_a_newer_version_is_refused_before_connecting(tmp_path):
    import sqlite3

    path = tmp_path / "newer.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
    result = run_cli(cwd=tmp_path, DISCORD_TOKEN=FAKE_TOKEN, DATABASE_PATH=str(path))
    assert result.returncode == 2
    assert "schema version 999" in result.stderr and "Traceback" not in result.stderr
