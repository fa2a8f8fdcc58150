"""/daily: the daily-prompt schedule. The logic lives in bot.daily; this is the Discord glue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.daily._cog import DailyCog

if TYPE_CHECKING:
    from bot.app import BarRaiser


async def setup(bot: BarRaiser) -> None:
    await bot.add_cog(DailyCog(bot))
