"""Voice rounds, the idle warning and Run it back without Discord (issue 17, items 1 and 4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.content import load_content
from bot.errors import BotError
from bot.mock import deadlines, machine, roles
from bot.mock.model import (
    IDLE_MINUTES,
    IDLE_WARNING_MINUTES,
    MockSession,
    Mode,
    Participant,
    Role,
    Status,
    TranscriptEntry,
)
from bot.mock.model_panel import Suggestion, Tick
from bot.mock.panel import MockPanel, voice_channel_for
from bot.mock.posts import lobby_variables, posts_for
from bot.mock.rerun import suggest
from bot.mock.scorecard import build_scorecard
from bot.mock.timeline import Announcement, Kind, settle
from bot.render import Renderer
from storage.db import Database
from storage.mock import MockRepository
from storage.mock_panel import MockPanelRepository
from tests.render_checks import assert_fits
from tests.test_mock_support import (
    CANDIDATE,
    HOST,
    INTERVIEWER,
    RAISER,
    STRANGER,
    T0,
    WATCHER,
    lobby,
    minutes,
    post_due,
)

CONTENT = load_content()


def started(clock: FixedClock, mode: Mode, box: tuple[int, ...] = (10, 10, 40, 40, 10)):
    state = replace(lobby(clock, box), mode=mode)
    return post_due(machine.start(state, HOST, clock.now()), clock)[0]


# -- the state machine -------------------------------------------------------------------------


def test_a_voice_round_never_pauses_for_a_quiet_thread(clock: FixedClock) -> None:
    state = started(clock, Mode.VOICE)
    clock.advance(minutes(IDLE_MINUTES * 3))
    state, keys = post_due(state, clock)
    assert state.status is Status.RUNNING and not state.idle_paused
    assert not [k for k in keys if k.startswith("idle")]
    assert deadlines.idle_deadline(state) is None and deadlines.idle_warning_at(state) is None
    clock.advance(minutes(30))
    state, keys = post_due(state, clock)
    assert state.status is Status.ENDED and "scorecard" in keys


def test_a_quiet_text_round_warns_two_minutes_before_pausing(clock: FixedClock) -> None:
    state, t0 = started(clock, Mode.TEXT), clock.now()
    warn_after = IDLE_MINUTES - IDLE_WARNING_MINUTES
    assert settle(state, clock.now()).wake_at == t0 + minutes(5)  # the phase-1 probe first
    clock.advance(minutes(warn_after) - timedelta(seconds=1))
    state, keys = post_due(state, clock)
    assert not [k for k in keys if k.startswith("idle")]
    clock.advance(timedelta(seconds=1))
    state, keys = post_due(state, clock)
    assert keys == [f"idle_warning:{t0.isoformat()}"]
    state, keys = post_due(state, clock)
    assert keys == []  # once per quiet stretch
    clock.advance(minutes(IDLE_WARNING_MINUTES))
    state, keys = post_due(state, clock)
    assert state.status is Status.PAUSED and state.idle_paused
    assert [k for k in keys if k.startswith("idle")] == [f"idle_pause:{state.paused_at.isoformat()}"]


def test_continue_before_the_pause_is_activity_and_after_it_resumes(clock: FixedClock) -> None:
    state = started(clock, Mode.TEXT)
    clock.advance(minutes(IDLE_MINUTES - 1))
    state = machine.keep_going(post_due(state, clock)[0], WATCHER, clock.now())
    assert state.last_activity_at == clock.now() and state.status is Status.RUNNING
    clock.advance(minutes(IDLE_MINUTES + 5))
    state = post_due(state, clock)[0]
    assert state.status is Status.PAUSED
    left = state.time_left(clock.now())
    clock.advance(minutes(3))
    state = machine.keep_going(state, CANDIDATE, clock.now())
    assert state.status is Status.RUNNING and state.time_left(clock.now()) == left
    with pytest.raises(BotError, match="participants"):
        machine.keep_going(state, STRANGER, clock.now())
    paused = machine.pause(state, INTERVIEWER, clock.now())
    with pytest.raises(BotError, match="on purpose"):
        machine.keep_going(paused, CANDIDATE, clock.now())


def test_the_idle_warning_renders_with_its_numbers() -> None:
    clock = FixedClock(T0)
    session = MockSession(7, 10, 20, 30, None, "shopping_cart", 45, started(clock, Mode.TEXT))
    [post] = posts_for(CONTENT, session, Announcement("idle_warning:x", Kind.IDLE_WARNING, T0))
    text = Renderer().render(post.template, **post.variables).as_text()
    assert text.startswith("💤 No activity for 28 min: pausing in 2 min.") and "Continue" in text


# -- roles: the panel and Run it back ----------------------------------------------------------


def test_only_the_panel_ticks_once_the_round_runs(clock: FixedClock) -> None:
    with pytest.raises(BotError, match="once the round has started"):
        roles.require_panel(lobby(clock), INTERVIEWER)
    state = started(clock, Mode.VOICE)
    roles.require_panel(state, INTERVIEWER)
    roles.require_panel(state, RAISER)
    for user in (CANDIDATE, WATCHER, HOST, STRANGER):
        with pytest.raises(BotError, match="Only the interviewer and the bar raiser"):
            roles.require_panel(state, user)


def test_run_it_back_rotates_every_role_one_step(clock: FixedClock) -> None:
    ended = machine.end(started(clock, Mode.VOICE), HOST, clock.now(), can_manage_threads=False)
    with pytest.raises(BotError, match="Only the people"):
        roles.require_run_back(ended, STRANGER)
    with pytest.raises(BotError, match="once this round has ended"):
        roles.require_run_back(started(clock, Mode.VOICE), CANDIDATE)
    roles.require_run_back(ended, WATCHER)
    fresh = machine.new_session(RAISER, (5, 5, 5, 5, 5), 60, clock.now(), Mode.VOICE)
    seated = roles.seat_rotated(fresh, ended, clock.now())
    assert {p.user_id: p.role for p in seated.participants} == {
        HOST: Role.OBSERVER, CANDIDATE: Role.INTERVIEWER, INTERVIEWER: Role.BAR_RAISER,
        RAISER: Role.CANDIDATE, WATCHER: Role.OBSERVER,
    }
    assert seated.host_user_id == RAISER and seated.mode is Mode.VOICE
    again = roles.seat_rotated(fresh, replace(ended, participants=seated.participants), clock.now())
    assert again.users_with(Role.CANDIDATE) == (INTERVIEWER,)


def test_two_bar_raisers_do_not_make_two_candidates(clock: FixedClock) -> None:
    state = roles.join(lobby(clock), WATCHER, Role.BAR_RAISER, clock.now())
    ended = machine.end(machine.start(state, HOST, clock.now()), HOST, clock.now(),
                        can_manage_threads=False)
    fresh = machine.new_session(STRANGER, (5, 5, 5, 5, 5), 60, clock.now())
    seated = roles.seat_rotated(fresh, ended, clock.now())
    assert seated.users_with(Role.CANDIDATE) == (RAISER,)
    assert set(seated.users_with(Role.INTERVIEWER)) == {CANDIDATE, WATCHER}
    assert seated.role_of(STRANGER) is Role.OBSERVER


def test_the_suggestion_is_who_was_candidate_least(clock: FixedClock) -> None:
    people = [Participant(u, Role.OBSERVER, T0 + minutes(i)) for i, u in enumerate((5, 3, 4))]
    assert suggest(people, {5: 2, 3: 1, 4: 1}) == Suggestion(3, 1)  # a tie: who joined first
    assert suggest(people, {5: 0, 3: 1, 4: 1}) == Suggestion(5, 0)
    assert suggest(people[:1], {}) is None


def test_voice_is_the_default_in_a_voice_channel_and_refused_outside_one() -> None:
    assert voice_channel_for(None, 42) == 42
    assert voice_channel_for(None, None) is None
    assert voice_channel_for(Mode.TEXT, 42) is None
    assert voice_channel_for(Mode.VOICE, 42) == 42
    with pytest.raises(BotError, match="join one"):
        voice_channel_for(Mode.VOICE, None)


# -- storage and the scorecard -----------------------------------------------------------------


async def test_ticks_replace_per_member_and_phase_and_need_the_roster(
        db: Database, clock: FixedClock) -> None:
    repo, panel = MockRepository(db), MockPanelRepository(db)
    state = started(clock, Mode.VOICE)
    sid = await repo.create(guild_id=10, channel_id=20, question_id="shopping_cart",
                            length_minutes=110, phase_ids=[p.id for p in CONTENT.rubric.phases],
                            state=state, max_live=5, voice_channel_id=77)
    assert sid is not None
    await repo.save(sid, state)
    loaded = await repo.get(sid)
    assert loaded is not None and loaded.voice_channel_id == 77 and loaded.state.mode is Mode.VOICE
    assert await panel.set_ticks(sid, INTERVIEWER, 0, [0, 1], clock.now())
    assert await panel.set_ticks(sid, INTERVIEWER, 0, [2], clock.now())
    assert await panel.set_ticks(sid, RAISER, 0, [2, 2], clock.now())
    assert not await panel.set_ticks(sid, STRANGER, 0, [1], clock.now())
    assert await panel.ticks(sid) == [Tick(INTERVIEWER, 0, 2), Tick(RAISER, 0, 2)]
    assert await panel.claim_rerun(sid, clock.now())
    assert not await panel.claim_rerun(sid, clock.now())
    assert await panel.rerun_thread(sid) is None
    await panel.release_rerun(sid)
    assert await panel.claim_rerun(sid, clock.now())
    clock.advance(minutes(6))  # the process died while opening the next round: not jammed
    assert await panel.claim_rerun(sid, clock.now())
    assert not await panel.claim_rerun(sid, clock.now())
    counts = await panel.candidate_rounds(10, sid)
    assert counts == {HOST: 0, CANDIDATE: 1, INTERVIEWER: 0, RAISER: 0, WATCHER: 0}
    assert (await panel.candidate_rounds(11, sid))[CANDIDATE] == 0  # another server


class _Service:
    content = CONTENT


def test_a_panel_scorecard_says_who_scored_and_fits(clock: FixedClock) -> None:
    state = started(clock, Mode.VOICE)
    clock.advance(minutes(11))  # into High-Level
    state = machine.end(post_due(state, clock)[0], HOST, clock.now(), can_manage_threads=False)
    session = MockSession(7, 10, 20, 30, None, "shopping_cart", 110, state, voice_channel_id=77)
    said = [TranscriptEntry(0, CANDIDATE, "Use cases: add to cart, checkout. 20M DAU.", T0)]
    card = build_scorecard(rubric=CONTENT.rubric, state=state, question_id="shopping_cart",
                           candidate_user_id=CANDIDATE, transcript=said, notes=[], scores=[],
                           votes=[], reviewer=None)
    panel = MockPanel(_Service(), MockPanelRepository(None))  # type: ignore[arg-type]
    ticks = [Tick(INTERVIEWER, 0, 0), Tick(RAISER, 0, 0), Tick(RAISER, 0, 1), Tick(WATCHER, 0, 2)]
    card = replace(card, panel=panel.card(session, CANDIDATE, ticks, said))
    [post] = posts_for(CONTENT, session, Announcement("scorecard", Kind.SCORECARD, T0), [card])
    rendered = Renderer().render(post.template, **post.variables)
    assert_fits(rendered)
    text = rendered.as_text()
    assert f"scored by the panel (<@{INTERVIEWER}>, <@{RAISER}>)" in text
    assert "8 typed words reviewed" in text and "0 words" not in text
    assert "✅ Use cases list · panel 2/2 · typed ✅" in text
    assert "✅ Numbers (100M users, 10K QPS) · panel 1/2" in text  # half the panel
    assert "❌ SLAs (99.9%, <100ms) · panel 0/2 · typed ❌" in text  # a watcher's tick: no
    assert "❌ Box & arrow diagram · panel 0/2\n" in text  # nothing typed there: no typed mark


def test_the_voice_lobby_names_its_channel_and_suggestion() -> None:
    clock = FixedClock(T0)
    state = replace(lobby(clock), mode=Mode.VOICE)
    session = MockSession(7, 10, 20, 30, None, "shopping_cart", 45, state, voice_channel_id=77)
    variables = lobby_variables(CONTENT, session) | {"suggested": Suggestion(RAISER, 0)}
    rendered = Renderer().render("mock/lobby.md.j2", **variables)
    assert_fits(rendered)
    assert "🔊 **Voice round** in <#77>" in rendered.as_text()
    assert f"Suggested candidate:** <@{RAISER}>, candidate least often in this server (0 rounds)" \
        in rendered.as_text()
    phase = posts_for(CONTENT, session, Announcement("phase:0", Kind.PHASE, T0, 0))[0]
    assert "<#77>" not in str(phase.variables.get("ends_at"))  # not started: no deadline


# -- the services over real SQLite ---------------------------------------------------------------


async def _voice_round(db: Database):
    from bot.mock.ports import MockConfig
    from bot.mock.rerun import MockReruns
    from bot.mock.service import MockService
    from tests.test_mock_service import Limits, Thread, Timers

    clock = FixedClock(T0)
    thread = Thread(Renderer())
    service = MockService(MockRepository(db), CONTENT, clock, MockConfig(60, 3),
                          announcer=thread, timers=Timers(), limits=Limits())
    repo = MockPanelRepository(db)
    panel, reruns = MockPanel(service, repo), MockReruns(service, repo)
    service.cards.panel = panel
    session = await service.open(guild_id=10, channel_id=20, host_user_id=HOST,
                                 question_id="shopping_cart", length=45, minutes=None,
                                 voice_channel_id=77)
    session = await service.attach(session.session_id, 1000)
    for user, role in ((CANDIDATE, Role.CANDIDATE), (INTERVIEWER, Role.INTERVIEWER),
                       (RAISER, Role.BAR_RAISER)):
        await service.join(session.session_id, user, role)
    return service, panel, reruns, thread, clock, session.session_id


async def test_panel_ticks_are_checked_and_land_on_the_scorecard(db: Database) -> None:
    service, panel, _, thread, clock, sid = await _voice_round(db)
    with pytest.raises(BotError, match="once the round has started"):
        await panel.tick(sid, INTERVIEWER, 0, ["0"])
    await service.start(sid, HOST)
    assert any("<#77>" in text for text in thread.texts)  # the brief and phase 1 name it
    with pytest.raises(BotError, match="has not started yet"):
        await panel.tick(sid, INTERVIEWER, 1, ["0"])
    with pytest.raises(BotError, match="not one of this phase's deliverables"):
        await panel.tick(sid, INTERVIEWER, 0, ["9"])
    with pytest.raises(BotError, match="not part of this round"):
        await panel.tick(sid, INTERVIEWER, 7, ["0"])
    assert await panel.tick(sid, INTERVIEWER, 0, ["2", "0"]) == (0, 2)
    assert await panel.tick(sid, RAISER, 0, []) == ()
    clock.advance(minutes(IDLE_MINUTES + 5))  # a quiet thread: a voice round keeps running
    await service.tick(sid)
    session = await service.repo.get(sid)
    assert session is not None and session.state.status is Status.RUNNING
    session = await service.end(sid, HOST, can_manage_threads=False)
    [card] = await service.cards.of(session)
    assert card.panel is not None and card.panel.panel_user_ids == (INTERVIEWER, RAISER)
    assert [line.ticks for line in card.panel.phases[0].lines] == [1, 0, 1]
    scorecard = next(text for text in thread.texts if "# Scorecard" in text)
    assert "scored by the panel" in scorecard and "words" not in scorecard


async def test_run_it_back_opens_one_rotated_lobby(db: Database) -> None:
    service, _, reruns, _, _, sid = await _voice_round(db)
    with pytest.raises(BotError, match="once this round has ended"):
        await reruns.run_back(sid, CANDIDATE, True)
    await service.start(sid, HOST)
    await service.end(sid, HOST, can_manage_threads=False)
    nxt = await reruns.run_back(sid, RAISER, False)
    assert nxt.state.users_with(Role.CANDIDATE) == (RAISER,)
    assert nxt.state.host_user_id == RAISER and nxt.question_id != "shopping_cart"
    assert nxt.voice_channel_id == 77 and nxt.state.mode is Mode.VOICE
    before = await service.repo.get(sid)
    assert before is not None
    assert [s.planned_minutes for s in nxt.state.phases] == \
        [s.planned_minutes for s in before.state.phases]
    with pytest.raises(BotError, match="being opened right now"):
        await reruns.run_back(sid, CANDIDATE, True)
    await service.attach(nxt.session_id, 2000)
    with pytest.raises(BotError, match="<#2000>"):
        await reruns.run_back(sid, CANDIDATE, True)
    suggestion = await reruns.suggestion(await service.repo.get(nxt.session_id))
    assert suggestion is not None and suggestion.user_id != CANDIDATE and suggestion.rounds == 0
