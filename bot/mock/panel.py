"""Voice rounds: the panel ticks each phase's deliverables, and the scorecard says so.

In a voice round the candidate talks, so the thread holds no transcript to check.
The interviewer and the bar raiser tick what was delivered from a select on each
phase post (its custom_id carries the round and phase, the ticks live in
``mock_ticks``, so a restart loses nothing); the scorecard reports those ticks,
"scored by the panel", with anything the candidate typed still reviewed beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.errors import BotError
from bot.mock import machine, roles
from bot.mock.model import MockSession, Mode, TranscriptEntry
from bot.mock.model_panel import Tick
from bot.mock.scorecard import Scorecard
from bot.mock.service import MockService
from bot.text import ascii_int
from storage.db import Database
from storage.mock_panel import MockPanelRepository

GONE = "You are no longer in this round, so nothing was saved."


@dataclass(frozen=True)
class PanelLine:
    """One deliverable: how many of the panel ticked it, and whether typed answers cover it."""

    name: str
    ticks: int
    panel: int
    typed: bool | None  # None when the candidate typed nothing in this phase

    @property
    def covered(self) -> bool:
        """Delivered when at least half of the panel ticked it."""
        return self.ticks > 0 and self.ticks * 2 >= self.panel


@dataclass(frozen=True)
class PanelPhase:
    index: int
    name: str
    reached: bool
    lines: tuple[PanelLine, ...]


@dataclass(frozen=True)
class PanelCard:
    """What the panel ticked, per phase, for one candidate's scorecard."""

    panel_user_ids: tuple[int, ...]
    phases: tuple[PanelPhase, ...]
    typed_words: int


class MockPanel:
    """Ticks from the panel, and the scorecards they go on."""

    @classmethod
    def from_database(cls, service: MockService, db: Database) -> MockPanel:
        """The panel over the bot's database (the cog's way in: cogs see no repository)."""
        return cls(service, MockPanelRepository(db))

    def __init__(self, service: MockService, repo: MockPanelRepository) -> None:
        self.service = service
        self.repo = repo

    async def tick(self, session_id: int, user_id: int, phase_index: int,
                   values: Sequence[str]) -> tuple[int, ...]:
        """Replace this panel member's ticks for one phase with ``values`` (deliverable
        indexes); returns them. Ticks stay open after the round ends, to finish the last phase."""
        session = await self.service.apply(session_id, machine.record_activity)
        roles.require_panel(session.state, user_id)
        if session.state.mode is not Mode.VOICE:
            raise BotError("Deliverables are ticked by the panel in voice rounds only.")
        phases = self.service.content.rubric.phases
        if not 0 <= phase_index < len(session.state.phases):
            raise BotError("That phase is not part of this round.")
        begun = session.state.phases[phase_index].started_at  # future phases: planned instants
        if begun is None or begun > session.state.frozen_now(self.service.clock.now()):
            raise BotError(f"{phases[phase_index].name} has not started yet.")
        count = len(phases[phase_index].deliverables)
        picked = [ascii_int(value) for value in values]
        chosen = tuple(sorted({n for n in picked if n is not None and 0 <= n < count}))
        if len(chosen) != len(set(values)):
            raise BotError("That is not one of this phase's deliverables.")
        if not await self.repo.set_ticks(session_id, user_id, phase_index, chosen,
                                         self.service.clock.now()):
            raise BotError(GONE)
        return chosen

    async def with_panel(self, session: MockSession, cards: list[Scorecard],
                         transcript: list[TranscriptEntry]) -> list[Scorecard]:
        """``cards`` with the panel's ticks laid on (the ``PanelCards`` port of the service)."""
        ticks = await self.repo.ticks(session.session_id)
        return [replace(card, panel=self.card(session, card.candidate_user_id, ticks, transcript))
                for card in cards]

    def card(self, session: MockSession, candidate_user_id: int, ticks: Sequence[Tick],
             transcript: Sequence[TranscriptEntry]) -> PanelCard:
        state = session.state
        panel = tuple(p.user_id for p in state.participants if p.role in roles.PANEL)
        on_panel = [t for t in ticks if t.scorer_user_id in panel]
        said = [e for e in transcript if e.author_user_id == candidate_user_id]
        phases = []
        for slot, phase in zip(state.phases, self.service.content.rubric.phases, strict=False):
            typed = "\n".join(e.text for e in said if e.phase_index == slot.index)
            lines = tuple(
                PanelLine(
                    name=deliverable.name,
                    ticks=sum(1 for t in on_panel
                              if t.phase_index == slot.index and t.deliverable == i),
                    panel=len(panel),
                    typed=deliverable.covered_by(typed) if typed.strip() else None,
                )
                for i, deliverable in enumerate(phase.deliverables)
            )
            phases.append(PanelPhase(slot.index, phase.name, slot.started_at is not None, lines))
        words = sum(len(e.text.split()) for e in said)
        return PanelCard(panel, tuple(phases), words)


def voice_channel_for(requested: Mode | None, host_voice_channel_id: int | None) -> int | None:
    """The channel of a voice round, or None for a text round.

    Unasked, a round is a voice round when its host is in a voice channel; asking
    for voice outside one is refused with the fix.
    """
    mode = requested or (Mode.VOICE if host_voice_channel_id is not None else Mode.TEXT)
    if mode is Mode.TEXT:
        return None
    if host_voice_channel_id is None:
        raise BotError("A voice round happens in the voice channel you are in: join one, "
                       "then run `/mock start mode:voice` again (or pick `mode:text`).")
    return host_voice_channel_id
