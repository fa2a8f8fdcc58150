"""The /mock extension: group mock interviews (see bot/mock for the logic)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.mock._cog import MockCog

if TYPE_CHECKING:
    from bot.app import BarRaiser


async def setup(bot: BarRaiser) -> None:
    await bot.add_cog(MockCog(bot))
