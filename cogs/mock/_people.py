"""The people side of /mock (issue 17): seats in the thread, pings, private feedback,
the decision and the readable export.

A mixin of ``MockCog`` (one ``/mock`` group needs one cog), kept apart so the round's
clock and lobby (``_cog.py``) stay readable. Handlers stay thin: rules live in
``bot.mock`` (roles, feedback, decision, export, notify).
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord_io import display_names, require_guild, send
from bot.mock.decision import CALL_LABELS, REASON_MAX_CHARS, MockDecisions
from bot.mock.export import people_in, readable
from bot.mock.model import MockSession, Role, Status, Vote
from bot.outbox.model import Envelope, message_to_json
from cogs.mock._announcer import SCORECARD_VIEW
from cogs.mock._scoring_views import scoring_view
from cogs.mock._views import ROLE_LABELS, switch_view

if TYPE_CHECKING:

    from bot.app import BarRaiser
    from bot.mock.journal import MockJournal
    from bot.mock.service import MockService
    from cogs.mock._replies import RoundReplies
    from cogs.mock._voice import VoiceControls

log = logging.getLogger(__name__)
Interaction = discord.Interaction["BarRaiser"]


class PeopleCommands:
    """``/mock pings``, ``/mock decide``, My feedback, the candidate's switch, thread seats."""

    bot: BarRaiser
    service: MockService
    journal: MockJournal
    voice: VoiceControls
    replies: RoundReplies

    # -- seats and invitations -------------------------------------------------------------

    def seat_in_thread(self, thread_id: int | None, user_id: int) -> None:
        """Add a member who took a seat to the round's thread, in the background (after the
        press is answered). Adding someone already there is a no-op for Discord."""
        if thread_id is None:
            return

        async def add() -> None:
            try:
                await self.bot.http.add_user_to_thread(thread_id, user_id)
            except discord.HTTPException as error:
                log.info("could not add %s to thread %s: %s", user_id, thread_id, error)
        self.bot.tasks.spawn(add(), name=f"mock-seat-{thread_id}-{user_id}")

    async def invite(self, session: MockSession, lobby: discord.Message) -> None:
        """Post the lobby's link where ``/mock start`` was run (pinging nobody)."""
        question = self.bot.content.question(session.question_id)
        rendered = self.replies.render("mock/invite.md.j2", host_user_id=session.state.host_user_id,
                                question=question, length=session.length_minutes,
                                lobby_url=lobby.jump_url)
        await self.bot.outbox.enqueue(Envelope(
            f"mock:{session.session_id}:invite", "mock_invite", session.channel_id,
            session.guild_id, {"message": message_to_json(rendered)},
        ))

    # -- the candidate's seat --------------------------------------------------------------

    async def ask_to_switch(self, interaction: Interaction, session_id: int, role: Role) -> None:
        label = ROLE_LABELS[role][0].removeprefix("Join as ").lower()
        await send(interaction, self.replies.reply("switch_confirm", role=label),
                   view=switch_view(session_id, role))

    async def on_switch(self, interaction: Interaction, session_id: int, role: Role) -> None:
        """The candidate confirmed: leave the seat for ``role`` (the lobby follows, like
        every roster change)."""
        async def work() -> None:
            await self.replies.own_session(interaction, session_id)
            await self.service.join(session_id, interaction.user.id, role, confirmed=True)
            label = ROLE_LABELS[role][0].removeprefix("Join as ").lower()
            await interaction.response.edit_message(
                content=self.replies.reply("switched", role=label).content, view=None)
        await self.replies.guard(interaction, work)

    # -- scoring ---------------------------------------------------------------------------

    async def on_scoring(self, interaction: Interaction, session_id: int) -> None:
        """**Score the checklist**: the presser's own panel, their current picks preset."""
        async def work() -> None:
            await self.replies.own_session(interaction, session_id)
            current = await self.journal.my_scores(session_id, interaction.user.id)
            await send(interaction, self.replies.reply("scoring"), view=scoring_view(
                session_id, self.bot.content.rubric.checklist, current))
        await self.replies.guard(interaction, work)

    async def on_item_score(self, interaction: Interaction, session_id: int, item_id: str,
                            values: list[str]) -> None:
        """One item scored in the panel: the new pick replaces the old one."""
        async def work() -> None:
            session = await self.replies.own_session(interaction, session_id)
            await self.journal.score(session_id, interaction.user.id, item_id, values == ["1"])
            current = await self.journal.my_scores(session_id, interaction.user.id)
            await interaction.response.edit_message(view=scoring_view(
                session_id, self.bot.content.rubric.checklist, current))
            if session.state.status is Status.ENDED:
                await self.refresh_scorecards(session)
        await self.replies.guard(interaction, work)

    # -- pings -----------------------------------------------------------------------------

    @app_commands.command(name="pings", description="Turn mock-round pings on or off for you")
    @app_commands.describe(state="off: phase starts, warnings and scorecards no longer ping you")
    @app_commands.choices(state=[app_commands.Choice(name="on", value="on"),
                                 app_commands.Choice(name="off", value="off")])
    async def pings(self, interaction: Interaction, state: str) -> None:
        guild = require_guild(interaction)
        await self.service.repo.set_quiet(guild.id, interaction.user.id, state == "off",
                                          self.bot.clock.now())
        await send(interaction, self.replies.reply(f"pings_{state}"))

    # -- private feedback and the decision -------------------------------------------------

    async def on_feedback(self, interaction: Interaction, session_id: int) -> None:
        """**My feedback**: the private notes, ephemerally, to the candidate only."""
        async def work() -> None:
            session = await self.replies.own_session(interaction, session_id)
            notes = await self.journal.private_feedback(session_id, interaction.user.id)
            await send(interaction, self.replies.render(
                "mock/feedback.md.j2", notes=notes, phases=self.bot.content.rubric.phases,
                question=self.bot.content.question(session.question_id),
                session_id=session_id))
        await self.replies.guard(interaction, work)

    @app_commands.command(name="decide", description="Bar raiser: record the final call")
    @app_commands.describe(call="Your final call on the candidate",
                           reason="One line: why (shown on the scorecard)")
    @app_commands.choices(call=[app_commands.Choice(name=label, value=vote.value)
                                for vote, label in CALL_LABELS.items()])
    async def decide(self, interaction: Interaction, call: str,
                     reason: app_commands.Range[str, 1, REASON_MAX_CHARS]) -> None:
        session = await self.replies.here(interaction)
        vote = Vote(call)
        await MockDecisions(self.service).decide(session.session_id, interaction.user.id,
                                                 vote, reason)
        await send(interaction, self.replies.reply("decided", user_id=interaction.user.id,
                                            call=CALL_LABELS[vote]), ephemeral=False)
        if session.state.status is Status.ENDED:
            await self.refresh_scorecards(session)

    async def refresh_scorecards(self, session: MockSession) -> None:
        """Edit the posted scorecards in place (the decision changed them), through the
        outbox; a card not delivered yet is left to its own post."""
        session = await self.service.in_thread(session.thread_id or 0)
        now = self.bot.clock.now()
        for i, card in enumerate(await self.service.cards.of(session)):
            posted = await self.bot.outbox.repo.by_key(
                f"mock:{session.session_id}:scorecard:{i}")
            if posted is None or posted.message_id is None:
                continue
            rendered = self.replies.render(
                "mock/scorecard.md.j2", question=self.bot.content.question(session.question_id),
                session_id=session.session_id, card=card,
                end_reason=(session.state.end_reason.value if session.state.end_reason
                            else "ended"),
            )
            await self.bot.outbox.enqueue(Envelope(
                f"mock:{session.session_id}:scorecard:{i}:edit:{now.isoformat()}",
                "mock_scorecard_edit", posted.channel_id, session.guild_id,
                {"edit": {"message_id": posted.message_id, "message": message_to_json(rendered),
                          "view": {"name": SCORECARD_VIEW,
                                   "session_id": session.session_id}}},
            ))

    # -- the export ------------------------------------------------------------------------

    async def export_file(self, interaction: Interaction, session: MockSession) -> discord.File:
        """The round as Markdown for this member: display names, plain durations."""
        record = await self.journal.export(session.session_id, interaction.user.id)
        names = await self._names(interaction, people_in(record))
        text = self.bot.renderer.env.get_template("mock/export.md.j2").render(
            x=readable(record, self.bot.content, names), exported_at=self.bot.clock.now())
        return discord.File(io.BytesIO(text.encode()), filename=f"mock-{session.session_id}.md")

    async def _names(self, interaction: Interaction, user_ids: list[int]) -> dict[int, str]:
        """Display names as the server shows them now; a member who left is unnamed."""
        try:
            return await display_names(require_guild(interaction), user_ids)
        except discord.HTTPException:
            return {}  # Discord is failing: the export says "a former member" for everyone
