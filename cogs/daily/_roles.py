"""discord.py roles as the plain views ``bot.daily.validation.ping_role_problems`` judges.

Shared by ``/daily setup`` (which refuses a role that cannot work) and ``/doctor``
(which reports one that stopped working), so both say the same thing.
"""

from __future__ import annotations

import discord

from bot.daily.validation import BotRoleView, RoleView


def role_view(role: discord.Role) -> RoleView:
    return RoleView(role.id, role.name, role.position, managed=role.managed,
                    is_default=role.is_default(), mentionable=role.mentionable)


def bot_role_view(guild: discord.Guild) -> BotRoleView:
    me = guild.me
    perms = me.guild_permissions
    return BotRoleView(
        top_role_name=me.top_role.name,
        top_position=me.top_role.position,
        manage_roles=perms.manage_roles or perms.administrator,
        mention_everyone=perms.mention_everyone or perms.administrator,
    )
