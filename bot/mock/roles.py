"""Who plays which role in a mock round, and who hosts it.

Pure functions over ``MockState`` like the rest of the state machine (``machine.py``
keeps the phases, ``deadlines.py`` the passage of time). The rules: roles are chosen in
the lobby and fixed once the round starts (nobody joins or switches after Start, so a
candidate cannot turn bar raiser, score the other candidate and turn back); pair mode is
exactly two candidates; a leaving host hands the role to the longest-standing
participant; the candidate leaves their seat for another role only after confirming.

The guards at the end say who may do what with a round (answer, note, score, vote,
decide, read private feedback, drive the clock): each rule exists here once, and the
machine, the journal, the decision and the cog call it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.errors import BotError
from bot.mock import deadlines
from bot.mock.model import PAIR_CANDIDATES, EndReason, MockState, Participant, Role, Status

PANEL = (Role.INTERVIEWER, Role.BAR_RAISER)
"""Who interviews: they take notes, vote, and their scores make the panel's verdict."""
SCORERS = (Role.OBSERVER, Role.BAR_RAISER, Role.INTERVIEWER)


class ConfirmLeavingCandidate(BotError):
    """The candidate pressed another role: they must confirm giving up the seat."""

    def __init__(self, role: Role) -> None:
        super().__init__(
            "You are the candidate. Switching gives up the candidate seat; confirm below "
            "if you mean it."
        )
        self.role = role


def join(
    state: MockState, user_id: int, role: Role, now: datetime, *, confirmed: bool = False
) -> MockState:
    """Join (or switch to) ``role`` in the lobby; pressing the same button twice changes nothing.

    Roles are fixed once the round starts: nobody joins or switches after Start, so a
    candidate cannot turn bar raiser, score the other candidate and turn back. The
    candidate switching to another role raises ``ConfirmLeavingCandidate`` unless
    ``confirmed``.
    """
    state = deadlines.touch(deadlines.advance(state, now), now)
    refuse_if_ended(state)
    if state.role_of(user_id) is role:
        return state
    if state.status is not Status.LOBBY:
        raise BotError(
            "Roles are fixed once the round starts, so nobody joins or switches roles now. "
            "Follow along in the thread; the next round is a `/mock start` away."
        )
    if state.role_of(user_id) is Role.CANDIDATE and not confirmed:
        raise ConfirmLeavingCandidate(role)
    candidates = tuple(u for u in state.users_with(Role.CANDIDATE) if u != user_id)
    if role is Role.CANDIDATE and state.pair_mode and len(candidates) >= PAIR_CANDIDATES:
        raise BotError(
            "Pair mode is two candidates, and both places are taken. Join as interviewer, "
            "bar raiser or watcher."
        )
    if role is Role.CANDIDATE and candidates and not state.pair_mode:
        raise BotError(
            "This round already has a candidate. Join as interviewer, bar raiser or watcher, "
            "or ask the host to allow pair mode."
        )
    existing = next((p for p in state.participants if p.user_id == user_id), None)
    joined_at = existing.joined_at if existing else now
    others = tuple(p for p in state.participants if p.user_id != user_id)
    members = sorted((*others, Participant(user_id, role, joined_at)), key=lambda p: p.joined_at)
    return replace(state, participants=tuple(members))


def leave(state: MockState, user_id: int, now: datetime) -> MockState:
    """Leave the round; a leaving host hands the role to the longest-standing participant.

    Leaving after the start is final: roles are fixed, so there is no way back in.
    """
    state = deadlines.touch(deadlines.advance(state, now), now)
    remaining = tuple(p for p in state.participants if p.user_id != user_id)
    if len(remaining) == len(state.participants):
        return state
    host = state.host_user_id
    if user_id == host and remaining:
        host = remaining[0].user_id
    return replace(state, participants=remaining, host_user_id=host)


def depart(state: MockState, user_id: int, now: datetime) -> MockState:
    """A member erasing their data leaves a live round for good (``/privacy delete``).

    As with ``leave``, the host role passes to the longest-standing participant; a
    host with nobody left to take over ends the round, so no round is left that
    nobody can end.
    """
    state = leave(state, user_id, now)
    if state.host_user_id == user_id and state.status is not Status.ENDED:
        return deadlines.finish(state, now, EndReason.ENDED)
    return state


def set_pair_mode(state: MockState, user_id: int, enabled: bool, now: datetime) -> MockState:
    """Let the host allow (or stop allowing) a second candidate, before the start."""
    state = deadlines.touch(deadlines.advance(state, now), now)
    refuse_if_ended(state)
    require_host(state, user_id, "change pair mode")
    if state.status is not Status.LOBBY:
        raise BotError("Pair mode is fixed once the round starts, like every role.")
    if not enabled and len(state.users_with(Role.CANDIDATE)) > 1:
        raise BotError(
            "Two candidates have joined: one of them picks another role before pair mode "
            "can be turned off."
        )
    return replace(state, pair_mode=enabled)


# -- the panel and Run it back ----------------------------------------------------------------

ROTATION = {
    Role.CANDIDATE: Role.INTERVIEWER,
    Role.INTERVIEWER: Role.BAR_RAISER,
    Role.BAR_RAISER: Role.CANDIDATE,
    Role.OBSERVER: Role.OBSERVER,
}
"""Run it back: candidate → interviewer → bar raiser → candidate; watchers keep watching."""


def require_panel(state: MockState, user_id: int) -> None:
    """Only the interviewer and the bar raiser tick a voice round's deliverables."""
    if state.status is Status.LOBBY:
        raise BotError("Deliverables are ticked once the round has started.")
    if state.role_of(user_id) not in PANEL:
        raise BotError("Only the interviewer and the bar raiser tick the deliverables; "
                       "watchers score the checklist.")


def require_run_back(previous: MockState, user_id: int) -> None:
    """Run it back is for an ended round's own people."""
    if previous.status is not Status.ENDED:
        raise BotError("Run it back once this round has ended.")
    if previous.role_of(user_id) is None and user_id != previous.host_user_id:
        raise BotError("Only the people in this round can run it back; "
                       "start your own with `/mock start`.")


def seat_rotated(state: MockState, previous: MockState, now: datetime) -> MockState:
    """Seat the previous round's people in a new lobby, each role moved one step on.

    One candidate only: if several bar raisers would all become candidate, the first
    to have joined does and the others interview. Pair mode starts off. The new
    host (whoever pressed Run it back) keeps their rotated role, or watches.
    """
    if state.status is not Status.LOBBY:
        raise BotError("Roles are fixed once the round starts.")
    seated: dict[int, Role] = {}
    for person in previous.participants:
        role = ROTATION[person.role]
        if role is Role.CANDIDATE and Role.CANDIDATE in seated.values():
            role = Role.INTERVIEWER
        seated[person.user_id] = role
    seated.setdefault(state.host_user_id, Role.OBSERVER)
    people = tuple(Participant(user_id, role, now) for user_id, role in seated.items())
    return replace(deadlines.touch(state, now), participants=people, pair_mode=False)


# -- who may do what -------------------------------------------------------------------------
def refuse_if_ended(state: MockState) -> None:
    """Nobody does anything with an ended round."""
    if state.status is Status.ENDED:
        raise BotError("This round has ended. Start a new one with `/mock start`.")


def require_host(state: MockState, user_id: int, action: str) -> None:
    if user_id != state.host_user_id:
        raise BotError(f"Only the host can {action}.")


def require_controller(state: MockState, user_id: int, action: str) -> None:
    """The round's clock (next, pause, resume, extend) is the host's or an interviewer's."""
    if user_id != state.host_user_id and state.role_of(user_id) is not Role.INTERVIEWER:
        raise BotError(f"Only the host or an interviewer can {action}.")



def require_candidate(state: MockState, user_id: int) -> None:
    """Only the candidate submits answers."""
    if state.role_of(user_id) is not Role.CANDIDATE:
        raise BotError("Only the candidate can submit answers in this round.")


def require_note_taker(state: MockState, user_id: int) -> None:
    if state.role_of(user_id) not in PANEL:
        raise BotError("Only an interviewer or the bar raiser can take notes.")


def require_scorer(state: MockState, user_id: int) -> None:
    if state.role_of(user_id) not in SCORERS:
        raise BotError("Only a watcher, an interviewer or the bar raiser can score the candidate.")


def require_voter(state: MockState, user_id: int) -> None:
    if state.role_of(user_id) not in PANEL:
        raise BotError("Only an interviewer or the bar raiser can vote.")


def require_decider(state: MockState, user_id: int) -> None:
    """The final call is the bar raiser's alone."""
    if state.role_of(user_id) is not Role.BAR_RAISER:
        raise BotError("Only the bar raiser records the final decision.")


def reads_private_feedback(state: MockState, user_id: int) -> bool:
    """Private notes are for the candidate, and nobody else."""
    return state.role_of(user_id) is Role.CANDIDATE


def require_feedback_reader(state: MockState, user_id: int) -> None:
    if not reads_private_feedback(state, user_id):
        raise BotError("Private feedback is only for the candidate of this round.")


def on_panel(state: MockState, user_id: int) -> bool:
    """Whether a score counts in the panel's verdict (watchers' scores are shown apart)."""
    return state.role_of(user_id) in PANEL
