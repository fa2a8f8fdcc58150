"""Giving and taking a member's roles: PUT/DELETE /guilds/{g}/members/{u}/roles/{r}.

Discord's rules, as the bot meets them: the caller needs Manage Roles (or
Administrator, or to own the guild), and may only manage roles strictly below its own
highest role; @everyone and integration-managed roles cannot be given. A change
dispatches GUILD_MEMBER_UPDATE, as Discord does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from standin import permissions as perms
from standin.errors import ApiError, missing_permissions, unknown

if TYPE_CHECKING:
    from standin.model import Guild, Member, Role
    from standin.router import Call, Router
    from standin.world import World


class MemberRoles:
    def __init__(self, world: World) -> None:
        self.world = world

    def install(self, router: Router) -> None:
        route = "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"
        router.add("PUT", route, self.add_role)
        router.add("DELETE", route, self.remove_role)

    async def add_role(self, call: Call) -> tuple[int, Any]:
        guild, member, role = self._checked(call)
        if role.id not in member.role_ids:
            member.role_ids.append(role.id)
            self._member_updated(guild, member)
        return 204, None

    async def remove_role(self, call: Call) -> tuple[int, Any]:
        guild, member, role = self._checked(call)
        if role.id in member.role_ids:
            member.role_ids.remove(role.id)
            self._member_updated(guild, member)
        return 204, None

    def _checked(self, call: Call) -> tuple[Guild, Member, Role]:
        guild = self.world.guilds.get(call.params["guild_id"])
        if guild is None:
            raise unknown("Guild")
        member = guild.members.get(call.params["user_id"])
        if member is None:
            raise unknown("Member")
        role = guild.roles.get(call.params["role_id"])
        if role is None or role.id == guild.id:
            raise unknown("Role")
        actor = self.world.bot_user.id
        if actor != guild.owner_id:
            if not guild.member_permissions(actor) & (perms.MANAGE_ROLES | perms.ADMINISTRATOR):
                raise missing_permissions()
            if role.position >= highest_position(guild, guild.members[actor]):
                raise missing_permissions()
        if role.managed:
            raise ApiError(403, 50013, "Missing Permissions")
        return guild, member, role

    def _member_updated(self, guild: Guild, member: Member) -> None:
        self.world.dispatch_guild(guild, "GUILD_MEMBER_UPDATE",
                                  member.payload() | {"guild_id": str(guild.id)})


def highest_position(guild: Guild, member: Member) -> int:
    return max((guild.roles[r].position for r in member.role_ids if r in guild.roles), default=0)
