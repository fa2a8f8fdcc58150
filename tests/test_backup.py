"""Backups while the bot writes, restores that keep the old file, and the pre-upgrade copy."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.runner import migrate_database
from storage.backup import BackupError, backup, inspect, restore
from storage.db import Database, discover_migrations

LATEST = discover_migrations()[-1].version


async def make_database(path: Path, migrations: int = LATEST) -> None:
    db = await Database.open(path)
    await db.migrate(discover_migrations()[:migrations])
    await db.execute("INSERT INTO guilds (guild_id, name, joined_at) VALUES (?, ?, ?)",
                     (1, "first", "2026-12-01T00:00:00.000000Z"))
    await db.close()


def guild_names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM guilds ORDER BY guild_id")]
    finally:
        conn.close()


async def test_a_backup_taken_during_writes_is_consistent_and_complete(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    await make_database(live)
    writer = sqlite3.connect(live, check_same_thread=False)
    writer.execute("PRAGMA journal_mode = WAL")
    stop = threading.Event()

    def keep_writing() -> None:
        guild_id = 2
        while not stop.is_set() and guild_id < 5_000:
            writer.execute("INSERT INTO guilds (guild_id, name, joined_at) VALUES (?, ?, ?)",
                           (guild_id, f"g{guild_id}", "2026-12-01T00:00:00.000000Z"))
            writer.commit()
            guild_id += 1

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        copy = backup(live, tmp_path / "copy.db")
    finally:
        stop.set()
        thread.join()
        writer.close()
    assert copy.schema_version == LATEST
    names = guild_names(tmp_path / "copy.db")
    # A prefix of the committed rows, in order, with none torn: one snapshot of the live file.
    assert names[0] == "first" and names[1:] == [f"g{i}" for i in range(2, len(names) + 1)]


async def test_backup_refuses_to_overwrite_and_to_copy_a_non_database(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    await make_database(live)
    (tmp_path / "taken.db").write_text("keep me")
    with pytest.raises(BackupError, match="already exists"):
        backup(live, tmp_path / "taken.db")
    assert (tmp_path / "taken.db").read_text() == "keep me"
    (tmp_path / "notes.txt").write_text("not a database at all" * 100)
    with pytest.raises(BackupError, match="not a readable SQLite database"):
        backup(tmp_path / "notes.txt", tmp_path / "out.db")


async def test_restore_keeps_the_current_database_and_refuses_a_newer_schema(tmp_path: Path) -> None:
    live, snapshot = tmp_path / "live.db", tmp_path / "snap.db"
    await make_database(live)
    backup(live, snapshot)
    conn = sqlite3.connect(live)
    conn.execute("UPDATE guilds SET name = 'changed after the backup'")
    conn.commit()
    conn.close()
    restored = restore(snapshot, live, LATEST, tmp_path / "live.db.before")
    assert restored.schema_version == LATEST
    assert guild_names(live) == ["first"]
    assert guild_names(tmp_path / "live.db.before") == ["changed after the backup"]
    with pytest.raises(BackupError, match="upgrade Bar Raiser first"):
        restore(snapshot, live, LATEST - 1, tmp_path / "other.before")


async def test_backup_and_restore_commands(tmp_path: Path, monkeypatch, capsys) -> None:
    live = tmp_path / "live.db"
    await make_database(live)
    monkeypatch.setenv("DATABASE_PATH", str(live))
    monkeypatch.chdir(tmp_path)
    assert main(["backup", str(tmp_path / "b.db")]) == 0
    assert "integrity ok" in capsys.readouterr().out
    assert main(["backup", str(tmp_path / "b.db")]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "b.db")]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "previous database is kept as" in out
    assert inspect(live).schema_version == LATEST


async def test_an_upgrade_takes_a_backup_before_migrating(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    await make_database(live, migrations=LATEST - 1)
    settings = load_settings({"DATABASE_PATH": str(live)}, env_file=None, require_token=False)
    await migrate_database(settings)
    before = inspect(live.with_name(f"live.db.before-v{LATEST:04d}"))
    assert before.schema_version == LATEST - 1
    assert inspect(live).schema_version == LATEST
    assert guild_names(before.path) == ["first"]


async def test_a_fresh_database_needs_no_backup(tmp_path: Path) -> None:
    live = tmp_path / "new.db"
    settings = load_settings({"DATABASE_PATH": str(live)}, env_file=None, require_token=False)
    await migrate_database(settings)
    assert not live.with_name(f"new.db.before-v{LATEST:04d}").exists()
