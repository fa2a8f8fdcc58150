"""Every mock template renders for every question in the bank, within Discord's limits."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.clock import FixedClock
from bot.content import Content, load_content
from bot.mock import machine
from bot.mock.model import MockSession, MockState, Note, Score, TranscriptEntry
from bot.mock.posts import lobby_variables, posts_for, status_variables
from bot.mock.scorecard import AutoReview, Scorecard, build_scorecard
from bot.mock.timeline import Announcement, Kind
from bot.render import Renderer
from tests.test_mock_support import CANDIDATE, HOST, INTERVIEWER, RAISER, T0, lobby, running

CONTENT = load_content()
QUESTIONS = sorted(CONTENT.questions)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def session_for(question_id: str, clock: FixedClock, started: bool = True) -> MockSession:
    state = running(clock, (8, 13, 18, 13, 8)) if started else lobby(clock)
    return MockSession(7, 10, 20, 30, None, question_id, 60, state)


def announcements(session: MockSession) -> list[Announcement]:
    return [
        Announcement("brief", Kind.BRIEF, T0, 0),
        *(Announcement(f"{kind}:{i}", kind, T0, i)
          for i in range(5) for kind in (Kind.PHASE, Kind.PROBE, Kind.WARNING)),
        Announcement("catch_up:3", Kind.CATCH_UP, T0, 3, missed_phases=(0, 1, 2, 3)),
        Announcement("idle_pause:x", Kind.IDLE_PAUSE, T0),
    ]


@pytest.mark.parametrize("question_id", QUESTIONS)
def test_round_messages_fit_for_every_question(renderer: Renderer, question_id: str) -> None:
    clock = FixedClock(T0)
    session = session_for(question_id, clock)
    for announcement in announcements(session):
        for post in posts_for(CONTENT, session, announcement):
            rendered = renderer.render(post.template, **post.variables)
            assert not rendered.truncated, (question_id, post.template)
            assert rendered.content or rendered.embed
    for started in (False, True):
        lobby_session = session_for(question_id, clock, started)
        for template, variables in (
            ("mock/lobby.md.j2", lobby_variables(CONTENT, lobby_session)),
            ("mock/status.md.j2", status_variables(CONTENT, lobby_session, clock.now())),
        ):
            assert not renderer.render(template, **variables).truncated


def test_the_phase_message_shows_a_live_countdown(renderer: Renderer) -> None:
    clock = FixedClock(T0)
    session = session_for("shopping_cart", clock)
    post = posts_for(CONTENT, session, Announcement("phase:0", Kind.PHASE, T0, 0))[0]
    text = renderer.render(post.template, **post.variables).as_text()
    deadline = session.state.phases[0].deadline
    assert deadline is not None
    assert f"<t:{int(deadline.timestamp())}:R>" in text
    assert "Requirements" in text and "8 min" in text


def full_card(
    content: Content, clock: FixedClock, text: str
) -> tuple[Scorecard, MockState]:
    state = machine.end(running(clock), HOST, clock.now(), can_manage_threads=False)
    said = [TranscriptEntry(i % 5, CANDIDATE, text, T0) for i in range(10)]
    notes = [Note(i % 5, INTERVIEWER, "n" * 900, T0) for i in range(12)]
    scores = [Score(RAISER, CANDIDATE, item.id, True) for item in content.rubric.checklist]
    review = AutoReview(
        met={item.id: text for item in content.rubric.checklist},
        committed={mode.id: text for mode in content.rubric.failure_modes},
    )
    return build_scorecard(
        rubric=content.rubric, state=state, question_id="shopping_cart",
        candidate_user_id=CANDIDATE, transcript=said, notes=notes, scores=scores, votes=[],
        reviewer=lambda _text, _question: review,
    ), state


def test_a_crowded_scorecard_still_fits_and_escapes_user_text(renderer: Renderer) -> None:
    clock = FixedClock(T0)
    card, state = full_card(CONTENT, clock, "**bold** @everyone <@1> " + "x" * 3000)
    session = replace(session_for("shopping_cart", clock), state=state)
    post = posts_for(CONTENT, session, Announcement("scorecard", Kind.SCORECARD, T0), [card])[0]
    rendered = renderer.render(post.template, **post.variables)
    assert rendered.embed is not None and rendered.embed.total_length() <= 6000
    assert "\\*\\*bold\\*\\*" in rendered.as_text()
    assert "**bold**" not in rendered.as_text()


def test_a_round_without_a_candidate_still_gets_a_scorecard_message(renderer: Renderer) -> None:
    clock = FixedClock(T0)
    state = machine.end(lobby(clock), HOST, clock.now(), can_manage_threads=False)
    session = replace(session_for("shopping_cart", clock), state=state)
    posts = posts_for(CONTENT, session, Announcement("scorecard", Kind.SCORECARD, T0))
    assert len(posts) == 1
    assert "nothing to score" in renderer.render(posts[0].template, **posts[0].variables).as_text()
