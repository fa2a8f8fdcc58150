"""The study group the playground opens: one server, its channels, an organiser and four members.

Built with the stand-in's ordinary builders, exactly as an end-to-end test builds its world.
"""

from __future__ import annotations

from dataclasses import dataclass

from standin import StandIn
from standin import permissions as perms

GUILD_NAME = "System Design Study Group"
ORGANISER = "Olivia"
MEMBERS = ("Ada", "Ben", "Chen", "Dara")
CHANNELS = ("general", "daily-prompt", "mock-interviews")


@dataclass(frozen=True)
class StudyGroup:
    """Ids the page and the controls need: the server, its channels, who can act."""

    guild_id: int
    channels: dict[str, int]
    organiser_id: int
    member_ids: tuple[int, ...]

    @property
    def people(self) -> tuple[int, ...]:
        """Everyone the page lets you act as: the organiser first."""
        return (self.organiser_id, *self.member_ids)


def build_study_group(standin: StandIn) -> StudyGroup:
    """A server like a real study group's: text channels under a category, five people."""
    guild = standin.add_guild(GUILD_NAME, channels=())
    category = guild.add_category("Study")
    channels = {name: guild.add_text_channel(name, category_id=category) for name in CHANNELS}
    organiser_role = guild.add_role("Organiser", perms.MANAGE_GUILD)
    organiser = guild.add_member(ORGANISER, role_ids=[organiser_role])
    members = tuple(guild.add_member(name) for name in MEMBERS)
    return StudyGroup(guild.id, channels, organiser, members)
