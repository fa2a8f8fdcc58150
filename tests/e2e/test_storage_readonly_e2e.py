"""A database that can't be written under the running bot (issue 13, item 5).

Read-only: the database and WAL files are made immutable (``chattr +i``), which
stops even root from writing through the bot's already-open descriptors, as a
filesystem turned read-only does. (Remounting a filesystem read-only is refused
while the bot holds its files open for writing, so that cannot be staged here.)
Full: the database lives on a 4 MiB tmpfs that a filler file then exhausts.
Members get "the database can't be written" or "storage is full" with a ref,
never "Something went wrong", and ``/doctor`` and ``python -m bot doctor`` say so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from standin import permissions as perms

ROOT = Path(__file__).resolve().parents[2]
GENERIC = "Something went wrong"


def _can(command: list[str]) -> bool:
    try:
        return subprocess.run(command, capture_output=True, check=False).returncode == 0
    except OSError:
        return False


@contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    if not all(_can(["chattr", "+i", str(p)]) for p in paths):
        for p in paths:
            _can(["chattr", "-i", str(p)])
        pytest.skip("chattr +i is not available here (needs root on ext4/tmpfs)")
    try:
        yield
    finally:
        for p in paths:
            _can(["chattr", "-i", str(p)])


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if not _can(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)]):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount_point
    finally:
        _can(["umount", "-l", str(mount_point)])


def doctor_cli(env: dict[str, str], cwd: Path) -> str:
    child = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    result = subprocess.run([sys.executable, "-m", "bot", "doctor"], cwd=cwd,
                            env=child | env | {"PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=60, check=False)
    assert "Traceback" not in result.stdout + result.stderr
    return next(line for line in result.stdout.splitlines() if "database" in line)


def doctor_database_line(reply: dict[str, Any]) -> str:
    description = reply["embeds"][0]["description"]
    return next(line for line in description.splitlines() if "Database" in line)


@pytest.mark.sqlite_only  # a read-only SQLite file
async def test_a_read_only_database_gives_a_clear_message_and_doctor_sees_it(
    standin, bot_env, run_bot, tmp_path
):
    guild = standin.add_guild("Study group")
    admin = guild.add_member("admin", permissions=perms.MANAGE_GUILD)
    general = next(iter(guild.channels))
    path = Path(bot_env["DATABASE_PATH"])
    async with run_bot(bot_env) as bot:
        with immutable(path, path.with_name(path.name + "-wal")):
            call = standin.slash(admin, general, "settings", {"mock_max_sessions": 7})
            reply = await call.wait_message()
            doctor = standin.slash(admin, general, "doctor", {})
            doctor_reply = await doctor.wait_message()
            cli_line = doctor_cli(bot_env, tmp_path)
        row = await bot.database.fetchone(
            "SELECT mock_max_sessions FROM guild_settings WHERE guild_id = ?", (guild.id,))
        assert await bot.database.integrity_ok()
    assert call.ephemeral and call.latency < 3
    assert "can't be written" in reply["content"] and "ref `" in reply["content"]
    assert GENERIC not in reply["content"]
    assert row is None  # nothing half-saved
    line = doctor_database_line(doctor_reply)
    assert line.startswith("❌") and "read-only" in line
    assert cli_line.startswith("❌") and "read-only" in cli_line


async def test_a_full_disk_gives_a_clear_message_and_doctor_sees_it(
    standin, run_bot, small_disk, tmp_path
):
    from standin import harness

    env = harness.bot_env(standin, small_disk / "bar-raiser.db")
    guild = standin.add_guild("Study group")
    admin = guild.add_member("admin", permissions=perms.MANAGE_GUILD)
    general = next(iter(guild.channels))
    async with run_bot(env) as bot:
        with suppress(OSError), (small_disk / "filler").open("wb") as filler:
            while True:  # until ENOSPC: the disk is now full
                filler.write(b"\0" * 65_536)
                filler.flush()
        call = standin.slash(admin, general, "settings", {"mock_max_sessions": 7})
        reply = await call.wait_message()
        doctor = standin.slash(admin, general, "doctor", {})
        doctor_reply = await doctor.wait_message()
        cli_line = doctor_cli(env, tmp_path)
        row = await bot.database.fetchone(
            "SELECT mock_max_sessions FROM guild_settings WHERE guild_id = ?", (guild.id,))
    assert call.ephemeral and call.latency < 3
    assert "storage is full" in reply["content"] and GENERIC not in reply["content"]
    assert row is None
    line = doctor_database_line(doctor_reply)
    assert line.startswith("❌") and "full" in line
    assert cli_line.startswith("❌") and "full" in cli_line
