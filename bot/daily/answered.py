"""Who answered: the count on the day's post, and the end-of-day list in its thread.

Both read the one answer record (``storage.daily`` ``daily_answers``, written by
``bot.daily.answers.AnswerBook``) and write nothing but their own progress on the
claim row, so the database stays the truth and a restart only re-derives jobs:

- The count: each recorded answer arms one job per post (``dailycount:<post id>``) at
  the earliest one minute after the last edit; answers arriving meanwhile find the job
  armed and add nothing, so a burst of fifty answers is one edit, not fifty. The job
  edits the bot's own post only when the count changed, and records what it shows.
  At start-up every recent post whose shown count is behind is armed again.
- The end-of-day list: when the group's local day of the post ends (local midnight,
  DST-exact through ``bot.daily.timing.post_instant``), one message in the thread names
  who answered by display name, each linked to their answer, pinging no one. Exactly
  once: the row records it; the send carries a stable nonce, and a retry first looks
  for the line in the thread. Missed while the bot was down, it is posted at start-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.clock import Clock
from bot.content import Content
from bot.daily.cohort import plan_for_day
from bot.daily.messages import DailyMessages, jump_url, post_marker
from bot.daily.models import ChannelKind, PostRecord, zone
from bot.daily.poster import Poster, PostError, TransientPostError
from bot.daily.timing import post_instant
from bot.outbox.model import nonce_for
from bot.scheduling import Scheduling
from storage.daily import DailyRepository
from storage.db import Database

log = logging.getLogger(__name__)

COUNT_EVERY = timedelta(minutes=1)
COUNT_JOB, ROLL_CALL_JOB = "dailycount:", "dailyroll:"
# How far back start-up looks for an end-of-day list or a count still owed.
LOOK_BACK = timedelta(days=2)
ROLL_CALL_BUDGET = 1800  # characters of names and links, inside Discord's 2,000


def end_of_day(on: date, zone_name: str) -> datetime:
    """The instant local date ``on`` ends in the zone: its next local midnight (23 or 25
    hours after the last one across a DST change; the first valid minute if midnight
    itself is skipped)."""
    return post_instant(on + timedelta(days=1), time(0, 0), zone(zone_name))


def link_text(name: str) -> str:
    """A display name that can't close the masked link it sits in (``x](https://…)``):
    brackets become parentheses; the template escapes the rest of the markdown."""
    return name.replace("[", "(").replace("]", ")")


@dataclass(frozen=True)
class RollCallEntry:
    name: str
    url: str


def fit_roll_call(entries: list[RollCallEntry], budget: int = ROLL_CALL_BUDGET
                  ) -> tuple[list[RollCallEntry], int]:
    """As many entries as fit in ``budget`` characters, and how many were left out."""
    kept, used = [], 0
    for entry in entries:
        cost = len(entry.name) * 2 + len(entry.url) + 8  # escaping may double a name
        if used + cost > budget:
            break
        kept.append(entry)
        used += cost
    return kept, len(entries) - len(kept)


class WhoAnswered:
    """Keeps each day's answer count fresh and posts the end-of-day list, once."""

    @classmethod
    def from_database(cls, db: Database, messages: DailyMessages, content: Content,
                      clock: Clock, poster: Poster, scheduling: Scheduling) -> WhoAnswered:
        """Over the bot's database (the cog's way in: cogs see no repository)."""
        return cls(DailyRepository(db), messages, content, clock, poster, scheduling)

    def __init__(self, repo: DailyRepository, messages: DailyMessages, content: Content,
                 clock: Clock, poster: Poster, scheduling: Scheduling) -> None:
        self._repo = repo
        self._messages = messages
        self._content = content
        self._clock = clock
        self._poster = poster
        self._scheduling = scheduling
        self._refreshing: set[int] = set()
        self._dirty: set[int] = set()

    # -- the count ----------------------------------------------------------------------
    async def answered(self, thread_id: int) -> None:
        """An answer was recorded in this thread: make sure the count will catch up."""
        post = await self._repo.post_by_thread(thread_id)
        if post is not None and post.completed:
            self.arm_count(post)

    def arm_count(self, post: PostRecord) -> None:
        job = f"{COUNT_JOB}{post.id}"
        if post.id in self._refreshing:  # its edit is under way: one more after it
            self._dirty.add(post.id)
            return
        if self._scheduling.next_run(job) is not None:
            return  # coalesced into the edit already armed
        now = self._clock.now()
        due = max(now, post.count_edited_at + COUNT_EVERY) if post.count_edited_at else now
        # overlapping: a refresh re-arms its own id when answers came during its edit
        self._scheduling.once(job, due, self.refresh_count, post.id, misfire_grace=None,
                              overlapping=2)

    async def refresh_count(self, post_id: int) -> None:
        """The job: edit the post if its count is behind (never raises into the scheduler)."""
        self._refreshing.add(post_id)
        try:
            await self._refresh(post_id)
        except TransientPostError as error:
            log.warning("answer count of daily post %s not refreshed: %s", post_id, error)
            self._dirty.add(post_id)
        except Exception:
            log.exception("answer count of daily post %s not refreshed", post_id)
        finally:
            self._refreshing.discard(post_id)
        if post_id in self._dirty:
            self._dirty.discard(post_id)
            post = await self._repo.post_by_id(post_id)
            if post is not None:
                self.arm_count(post)

    async def _refresh(self, post_id: int) -> None:
        post = await self._repo.post_by_id(post_id)
        location = post.post_location if post else None
        if post is None or location is None or post.thread_id is None:
            return
        count = await self._repo.answer_count(post.thread_id)
        if count == post.count_shown:
            return
        plan = plan_for_day(self._content.roadmap, post.cohort_day)
        if plan is None or plan.prompt is None:
            return
        schedule = await self._repo.schedule(post.guild_id)
        ping = schedule.ping_role_id if schedule else None
        message = self._messages.post(plan, post_marker(post.cohort_day, post.local_date), ping,
                                      forum=post.channel_kind is ChannelKind.FORUM, answered=count)
        await self._poster.edit_message(*location, message, self._messages.extras(plan, ping))
        await self._repo.record_count_shown(post.id, count, self._clock.now())

    # -- the end-of-day list --------------------------------------------------------------
    async def arm_roll_call(self, post: PostRecord) -> None:
        """After a post is made: its list goes out when its local day ends."""
        if post.roll_call_at is not None or post.thread_id is None or not post.completed:
            return
        schedule = await self._repo.schedule(post.guild_id)
        if schedule is None:
            return
        when = end_of_day(post.local_date, schedule.timezone)
        self._scheduling.once(f"{ROLL_CALL_JOB}{post.id}", when, self.roll_call, post.id,
                              misfire_grace=None)

    async def rebuild(self) -> int:
        """At start-up: arm what recent posts of this process's servers still owe (a list,
        a count); returns how many."""
        since = (self._clock.now() - LOOK_BACK).date()
        owns = self._scheduling.ownership.owns
        owed = 0
        for post in await self._repo.posts_awaiting_roll_call(since):
            if owns(post.guild_id):
                await self.arm_roll_call(post)
                owed += 1
        for post in await self._repo.posts_with_stale_count(since):
            if owns(post.guild_id):
                self.arm_count(post)
                owed += 1
        return owed

    def disarm_all(self) -> None:
        self._scheduling.cancel_all(COUNT_JOB)
        self._scheduling.cancel_all(ROLL_CALL_JOB)

    async def roll_call(self, post_id: int) -> None:
        """The job: post the list once; a transient failure is retried in a minute."""
        try:
            await self._roll_call(post_id)
        except TransientPostError as error:
            log.warning("end-of-day list of daily post %s: %s; retrying", post_id, error)
            self._scheduling.once(f"{ROLL_CALL_JOB}{post_id}", self._clock.now() + COUNT_EVERY,
                                  self.roll_call, post_id, misfire_grace=None)
        except PostError as error:  # the thread is gone or closed to the bot: give up
            log.warning("end-of-day list of daily post %s not posted: %s", post_id, error)
            await self._repo.record_roll_call(post_id, None, self._clock.now())
        except Exception:
            log.exception("end-of-day list of daily post %s failed", post_id)

    async def _roll_call(self, post_id: int) -> None:
        post = await self._repo.post_by_id(post_id)
        if post is None or post.roll_call_at is not None or post.thread_id is None:
            return
        thread_id = post.thread_id
        answers = await self._repo.answers(thread_id)
        names = await self._poster.display_names(post.guild_id, [u for u, _ in answers]) \
            if answers else {}
        entries = [RollCallEntry(link_text(names[user]), jump_url(post.guild_id, thread_id, message))
                   for user, message in answers if user in names]
        if not entries:
            await self._repo.record_roll_call(post.id, None, self._clock.now())
            return
        kept, more = fit_roll_call(entries)
        plan = plan_for_day(self._content.roadmap, post.cohort_day)
        title = plan.title if plan else f"Day {post.cohort_day}"
        marker = f"✅ **Day {post.cohort_day}** ("
        message_id = await self._poster.find_message(thread_id, marker)
        if message_id is None:
            message = self._messages.roll_call(post.cohort_day, title,
                                               [(e.name, e.url) for e in kept], more)
            key = f"daily:{post.guild_id}:{post.epoch}:{post.cohort_day}:rollcall"
            message_id = await self._poster.send_message(thread_id, message,
                                                         nonce_for(thread_id, key), None)
        await self._repo.record_roll_call(post.id, message_id, self._clock.now())
