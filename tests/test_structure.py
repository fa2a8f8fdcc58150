"""Cheap structural checks over the whole bot: every cog loads, help text cannot drift."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import BarRaiser, extension_names
from bot.config import load_settings
from bot.onboarding.help import help_problems, load_help_entries
from cogs.onboarding import command_specs
from storage.db import Database
from tests.conftest import FAKE_TOKEN
from tests.layers import DISCORD_ADAPTERS, RUNTIME_PACKAGES, module_files, violations

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


def test_the_runtime_keeps_its_layer_rules_and_has_no_import_cycle():
    """Services import no discord, cogs no storage, storage no services, the runtime no
    tests/benchmarks/stand-in/playground, and no runtime module imports itself round a
    circle (``tests/layers.py`` states each rule; docs/ARCHITECTURE.md explains them)."""
    assert [str(v) for v in violations(ROOT)] == []


def test_every_discord_adapter_in_bot_exists_and_gives_a_reason():
    """The allow-list only names modules that exist, so it cannot keep a stale exception."""
    modules = module_files(ROOT)
    for name, reason in DISCORD_ADAPTERS.items():
        assert name in modules, name
        assert len(reason) > 20, name


def _tree(root: Path, files: dict[str, str]) -> Path:
    """A synthetic source tree: ``{"bot/x.py": source}``; packages get an __init__.py."""
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            if parent != Path("."):
                (root / parent / "__init__.py").touch()
        path.write_text(source, encoding="utf-8")
    for package in RUNTIME_PACKAGES:
        (root / package).mkdir(exist_ok=True)
        (root / package / "__init__.py").touch()
    return root


CLEAN_TREE = {
    "bot/clock.py": "import datetime\n",
    "bot/app.py": "import discord\nfrom bot.daily.service import DailyService\n",
    "bot/daily/model.py": "from dataclasses import dataclass\n",
    "bot/daily/service.py": "from bot.daily.model import dataclass\nfrom storage.daily import Repo\n",
    "cogs/daily.py": ("from typing import TYPE_CHECKING\nimport discord\n"
                      "from bot.daily.service import DailyService\n"
                      "if TYPE_CHECKING:\n    from bot.app import BarRaiser\n"),
    "storage/daily.py": "from bot.daily.model import dataclass\nfrom bot.clock import Clock\n",
    "bot/cli.py": "def bench():\n    import benchmarks\n",
}


def test_a_clean_synthetic_tree_has_no_violation(tmp_path):
    assert violations(_tree(tmp_path, CLEAN_TREE)) == []


@pytest.mark.parametrize(("relative", "source", "rule"), [
    ("bot/daily/service.py", "import discord\n", "services"),
    ("bot/daily/service.py", "from discord.utils import utcnow\n", "services"),
    ("bot/daily/rules.py", "if True:\n    def f():\n        import discord\n", "services"),
    ("cogs/daily.py", "from storage.daily import Repo\n", "cogs"),
    ("cogs/daily.py", "import storage.daily\n", "cogs"),
    ("storage/daily.py", "from bot.daily.service import DailyService\n", "storage+cycles"),
    ("storage/daily.py", "from bot.daily import service\n", "storage+cycles"),
    ("storage/daily.py", "from bot.render import Renderer\n", "storage"),
    ("bot/daily/__init__.py", "from bot.daily.service import DailyService\n", "storage"),
    ("bot/daily/service.py", "from tests.conftest import FAKE_TOKEN\n", "runtime"),
    ("bot/cli.py", "import standin\n", "runtime"),
    ("cogs/daily.py", "def f():\n    from benchmarks import run\n", "runtime"),
    ("cogs/daily.py", "async def f(bot):\n    await bot.database.fetchone('SELECT 1')\n", "sql"),
    ("cogs/daily.py", "async def f(db):\n    async with db.transaction() as tx:\n        pass\n",
     "sql"),
    ("bot/daily/model.py", "from bot.daily.service import DailyService\n", "cycles"),
    ("bot/daily/model.py", "def f():\n    from . import service\n", "cycles"),
])
def test_each_rule_fails_on_a_synthetic_violation(tmp_path, relative, source, rule):
    files = dict(CLEAN_TREE)
    files[relative] = files.get(relative, "") + source
    found = violations(_tree(tmp_path, files))
    # A repository importing a service also closes a circle (the service imports it).
    assert {v.rule for v in found} == set(rule.split("+")), found


def test_an_import_only_for_type_checking_is_no_cycle(tmp_path):
    files = dict(CLEAN_TREE)
    files["bot/daily/model.py"] += ("from typing import TYPE_CHECKING\n"
                                    "if TYPE_CHECKING:\n    from bot.daily.service import X\n")
    assert violations(_tree(tmp_path, files)) == []
