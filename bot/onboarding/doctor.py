"""The lines of ``/doctor``: each check says ✅, or ❌ with the fix, never a traceback.

Pure functions over plain values; ``bot.onboarding.service`` gathers the values
(the schedule, the outbox, the database) and calls these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.daily.models import PostRecord, Schedule
from bot.daily.timing import upcoming_post
from bot.daily.validation import BotRoleView, RoleView, ping_role_problems
from bot.onboarding.model import ChannelView, DoctorLine
from bot.outbox.model import OutboxRow, State
from bot.permissions import (
    ALL_NEEDS,
    DAILY_CHANNEL_NEEDS,
    DAILY_FORUM_NEEDS,
    GUILD_NEEDS,
    fix_hint,
    missing_permissions,
)


@dataclass(frozen=True)
class GuildView:
    """What /doctor needs to know about a server, read from Discord by the cog.

    Lookups are functions so the cog reads only the channel and role the
    database names (the daily channel, the ping role), not the whole server.
    """

    guild_id: int
    here: ChannelView | None  # the channel /doctor ran in, when it is a server channel
    channel: Callable[[int], ChannelView | None]  # a channel by id, None when it is gone
    role: Callable[[int], RoleView | None]  # a role by id, None when it was deleted
    me: BotRoleView  # what the bot may do with roles
    permissions: object = None  # the bot's server-wide permissions (discord.Permissions)


INTENT_FIX = (
    "Developer Portal → Bot → enable Message Content Intent, then set "
    "MESSAGE_CONTENT_INTENT=true and restart the bot"
)


def guild_need_lines(permissions: object) -> list[DoctorLine]:
    """One line per server-wide permission (``GUILD_NEEDS``), with why and the fix."""
    missing = set(missing_permissions(permissions, GUILD_NEEDS))
    return [
        DoctorLine(False, f"Server: {need.label}, needed to {need.why}", fix_hint(need, None))
        if need in missing else DoctorLine(True, f"Server: {need.label}, to {need.why}")
        for need in GUILD_NEEDS
    ]


def channel_lines(channel: ChannelView, purpose: str) -> list[DoctorLine]:
    """One ✅ line when every permission is there, else one ❌ line per missing one with its fix."""
    where = f"#{channel.name} ({purpose})"
    if not channel.missing:
        needs = channel.needs or ALL_NEEDS
        labels = ", ".join(need.label for need in needs)
        return [DoctorLine(True, f"{where}: all {len(needs)} permissions ({labels})")]
    return [
        DoctorLine(False, f"{where}: {need.label}, needed to {need.why}", fix_hint(need, channel.name))
        for need in channel.missing
    ]


def tags_line(last_post: PostRecord | None) -> list[DoctorLine]:
    """A daily forum whose day tags could not be made (the forum is full, or no Manage
    Channels): the posts still go out, untagged."""
    if last_post is None or not last_post.tags_note:
        return []
    return [DoctorLine(False, f"Daily forum tags: {last_post.tags_note}",
                       "the posts go out either way; fix this and the next post is tagged")]


def outbox_line(row: OutboxRow) -> DoctorLine:
    """One ❌ line for a post the outbox could not deliver (impossible, or still retrying)."""
    what = row.kind.replace("_", " ")
    where = f"<#{row.channel_id}>"
    if row.state is State.IMPOSSIBLE:
        return DoctorLine(False, f"Posts: a {what} post in {where} could not be made: "
                                 f"{row.last_error}", "fix the permission or channel above; "
                                 "new posts will go out")
    return DoctorLine(False, f"Posts: a {what} post in {where} is waiting after "
                             f"{row.attempts} attempt(s): {row.last_error}",
                      "nothing to do if Discord is having trouble; it is retried with backoff")


def voice_intent_line(voice_states_enabled: bool) -> DoctorLine:
    """Voice rounds need to know which voice channel the host is in."""
    if voice_states_enabled:
        return DoctorLine(True, "Voice States intent: on (a /mock start host in a voice "
                                "channel gets a voice round there)")
    return DoctorLine(False, "Voice States intent: off, so /mock start cannot see your voice "
                             "channel and every round is a text round",
                      "restart the bot with the released code, which asks for it")


def intent_line(message_content_enabled: bool, auto_review: bool = True) -> DoctorLine:
    """A problem only when this server switched auto-review on; otherwise informational."""
    if message_content_enabled:
        return DoctorLine(True, "Message Content intent: on (auto-review and chat transcripts work)")
    if not auto_review:
        return DoctorLine(
            True,
            "Message Content intent: off. Auto-review is off here, so nothing needs it "
            "(/check, the context menu and /mock answer work without it)",
            INTENT_FIX,
            info=True,
        )
    return DoctorLine(
        False,
        "Message Content intent: off, but auto-review is on: answers in daily threads "
        "are not reviewed (/check, the context menu and /mock answer still work)",
        INTENT_FIX,
    )


def ping_role_lines(role: RoleView | None, me: BotRoleView) -> list[DoctorLine]:
    """The daily ping role: ✅ when I can give and mention it, else one ❌ per problem."""
    if role is None:
        return [DoctorLine(False, "Daily ping: the ping role was deleted, so posts ping no one",
                           "/daily setup ping_role:@a-role, or /daily unping")]
    problems = ping_role_problems(role, me)
    if not problems:
        return [DoctorLine(True, f"Daily ping: @{role.name}; I can give it with the 🔔 button")]
    return [DoctorLine(False, f"Daily ping: {problem.split(': ', 1)[0]}",
                       problem.split(": ", 1)[1] if ": " in problem else None)
            for problem in problems]


def schedule_line(
    schedule: Schedule | None, last_post: PostRecord | None, channel: ChannelView | None,
    now: datetime,
) -> DoctorLine:
    """The daily prompts: set up, posting, paused, or why not, and when the next one goes out."""
    if schedule is None:
        return DoctorLine(False, "Daily prompts: not set up",
                          "/daily setup channel:#your-channel time:07:30 timezone:Europe/London")
    if channel is None:
        return DoctorLine(False, "Daily prompts: the configured channel no longer exists",
                          "run /daily setup with an existing channel")
    if schedule.attention is not None:
        since = schedule.attention_since.date().isoformat() if schedule.attention_since else "?"
        return DoctorLine(False, f"Daily prompts: {schedule.attention_detail} (since {since})",
                          "fix the permission above, then /daily now to post today's prompt")
    posting = DAILY_FORUM_NEEDS if channel.forum else DAILY_CHANNEL_NEEDS
    missing = [need for need in channel.missing if need in posting]
    if missing:
        names = ", ".join(need.label for need in missing)
        return DoctorLine(False, f"Daily prompts: I can't post in #{channel.name} "
                          f"(missing {names})", "grant the permissions listed above")
    if schedule.paused:
        return DoctorLine(True, "Daily prompts: paused (/daily resume to continue)")
    upcoming = upcoming_post(schedule, last_post, now)
    when = f"<t:{int(upcoming.timestamp())}:F>" if upcoming else "none scheduled"
    return DoctorLine(True, f"Daily prompts: next post {when} in #{channel.name}")
