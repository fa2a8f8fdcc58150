"""Cheap structural checks over the whole bot: every cog loads, help text cannot drift."""

from __future__ import annotations

import ast
import importlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import BarRaiser, extension_names
from bot.config import load_settings
from bot.onboarding import help_problems, load_help_entries
from cogs.onboarding import command_specs
from storage.db import Database
from tests.conftest import FAKE_TOKEN

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def loaded_bot(tmp_path) -> AsyncIterator[BarRaiser]:
    """The real bot with every extension loaded on a real database, never connected."""
    settings = load_settings({"DISCORD_TOKEN": FAKE_TOKEN, "DATABASE_PATH": str(tmp_path / "s.db")},
                             env_file=None)
    async with BarRaiser(settings) as bot:  # entered as `run` does, so close() has its shard queue
        bot.db = await Database.open(settings.database_path)
        await bot.db.migrate()
        bot.scheduler.start()
        for name in extension_names():
            await bot.load_extension(name)
        yield bot


def test_every_extension_has_setup():
    names = extension_names()
    assert "cogs.onboarding" in names
    for name in names:
        assert callable(getattr(importlib.import_module(name), "setup", None)), name


async def test_every_command_has_help_and_help_has_no_stale_entries(loaded_bot):
    specs = command_specs(loaded_bot.tree)
    assert {"help", "doctor", "settings"} <= {s.name for s in specs}
    assert len({s.name for s in specs}) == len(specs), "command names must be unique"
    assert help_problems(specs, load_help_entries(ROOT / "prompts" / "help.yaml")) == []


async def test_close_closes_the_database(loaded_bot):
    db = loaded_bot.db
    await loaded_bot.close()
    assert loaded_bot.db is None
    with pytest.raises(ValueError, match=r"no active connection|Connection closed"):
        await db.fetchone("SELECT 1")


RUNTIME_PACKAGES = ("bot", "cogs", "storage")
NOT_RUNTIME = ("tests", "benchmarks", "standin", "playground")


def _imports(tree: ast.Module) -> list[tuple[str, int, bool]]:
    """(module, line, at module level) for every import in the file."""
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno, id(node) in top_level))
    return found


def test_runtime_never_imports_tests_benchmarks_or_the_standin():
    """The bot ships alone; ``python -m bot bench`` may only import the benchmarks when asked."""
    offenders = []
    for package in RUNTIME_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for module, line, top_level in _imports(tree):
                if module.split(".")[0] not in NOT_RUNTIME:
                    continue
                lazy_cli_entry = path == ROOT / "bot" / "cli.py" and not top_level
                if not lazy_cli_entry:
                    offenders.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert offenders == []
