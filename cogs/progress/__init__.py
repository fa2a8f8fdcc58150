"""Progress: /progress, /leaderboard, /drill, /privacy, answer tracking, reminders, digests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.progress._cog import ProgressCog

if TYPE_CHECKING:
    from bot.app import BarRaiser


async def setup(bot: BarRaiser) -> None:
    await bot.add_cog(ProgressCog(bot))
