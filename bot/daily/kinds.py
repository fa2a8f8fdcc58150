"""How a day's post is made in each kind of channel: the strategy ``Delivery`` picks.

Both kinds follow one protocol (``bot.daily.delivery``): every step is recorded on the
claim row as soon as it is done, a resumed post skips what is recorded and first looks
on Discord for a send whose id was never stored, and sends carry a stable nonce.

- A text channel: send the post, open a thread on it, send the opener in the thread.
- A forum: create the forum post (thread and starter message at once, with the tags the
  forum already has), then make any missing tags and apply them, then the opener. (A
  forum whose settings require a tag gets the day's tags before its first post.)
  Tags come after the post on purpose: the prompt goes out on time even when the tags
  can't be made (no Manage Channels, the forum's 20 tags all taken); what was left
  out is recorded in ``tags_note`` for ``/daily status`` and ``/doctor``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.daily.cohort import DayPlan
from bot.daily.messages import DailyMessages
from bot.daily.models import ChannelKind, PostRecord
from bot.daily.poster import (
    ChannelGoneError,
    MissingPermissionsError,
    Poster,
    PostError,
    PostExtras,
    TransientPostError,
)
from bot.daily.tags import plan_tags, skipped_note, tag_ids, wanted_tags
from bot.render import RenderedMessage
from storage.daily import DailyRepository

log = logging.getLogger(__name__)

SendOnce = Callable[
    [PostRecord, int, str, bool, Callable[[], RenderedMessage], "PostExtras | None"],
    Awaitable[int],
]


@dataclass(frozen=True)
class Step:
    """One attempt at a day's post, as a strategy needs it."""

    plan: DayPlan
    record: PostRecord
    resuming: bool
    ping_role_id: int | None
    marker: str


class PostSteps(Protocol):
    async def advance(self, step: Step) -> None:
        """Do every step of the post the record does not show as done, recording each."""
        ...


@dataclass(frozen=True)
class Tools:
    """What every strategy shares with ``Delivery``."""

    repo: DailyRepository
    messages: DailyMessages
    poster: Poster
    send_once: SendOnce


class TextSteps:
    """A post in a text channel, a thread on it, the opener in the thread."""

    def __init__(self, tools: Tools) -> None:
        self._t = tools

    async def advance(self, step: Step) -> None:
        t, plan, record = self._t, step.plan, step.record
        message_id = record.message_id
        if message_id is None:
            message_id = await t.send_once(
                record, record.channel_id, "post", step.resuming,
                lambda: t.messages.post(plan, step.marker, step.ping_role_id),
                t.messages.extras(plan, step.ping_role_id),
            )
            await t.repo.record_message(record.id, message_id)
        if plan.thread_name is None:
            return
        thread_id = record.thread_id
        if thread_id is None:
            thread_id = await t.poster.create_thread(record.channel_id, message_id, plan.thread_name)
            await t.repo.record_thread(record.id, thread_id)
        if not record.opener_sent:
            await t.send_once(record, thread_id, "opener", step.resuming,
                              lambda: t.messages.opener(plan, step.marker), None)
            await t.repo.record_opener(record.id)


def forum_post_name(plan: DayPlan) -> str:
    """Every forum post needs a name, the graduation's too."""
    return plan.thread_name or f"Day {plan.day} · {plan.title}"


class ForumSteps:
    """A forum post (thread + starter message), its tags, the opener in it."""

    def __init__(self, tools: Tools) -> None:
        self._t = tools

    async def advance(self, step: Step) -> None:
        t, plan, record = self._t, step.plan, step.record
        post_id = record.thread_id
        if post_id is None:
            post_id = await self._create(step)
            await t.repo.record_forum_post(record.id, post_id)
        if not record.tags_done:
            note = await self._tag(record.channel_id, post_id, plan)
            await t.repo.record_tags(record.id, note)
        if plan.thread_name is not None and not record.opener_sent:
            await t.send_once(record, post_id, "opener", step.resuming,
                              lambda: t.messages.opener(plan, step.marker), None)
            await t.repo.record_opener(record.id)

    async def _create(self, step: Step) -> int:
        """The post, unless a resumed attempt finds the one it made before dying.

        Creating a forum post takes no nonce, so the marker search is the only guard
        against a second post after a create whose answer was lost.
        """
        t, plan, record = self._t, step.plan, step.record
        if step.resuming:
            found = await t.poster.find_forum_post(record.channel_id, step.marker)
            if found is not None:
                return found
        wanted = wanted_tags(plan)
        existing = await t.poster.forum_tags(record.channel_id)
        if not tag_ids(existing, wanted) and await t.poster.forum_requires_tag(record.channel_id):
            # Discord refuses an untagged post in such a forum: make the day's tags first
            # (without Manage Channels the create below fails and says so).
            planned = plan_tags(existing, wanted)
            if planned.create:
                with contextlib.suppress(MissingPermissionsError):
                    existing = await t.poster.add_forum_tags(record.channel_id, planned.create)
        return await t.poster.create_forum_post(
            record.channel_id, forum_post_name(plan),
            t.messages.post(plan, step.marker, step.ping_role_id, forum=True),
            t.messages.extras(plan, step.ping_role_id),
            tag_ids(existing, wanted),
        )

    async def _tag(self, forum_id: int, post_id: int, plan: DayPlan) -> str | None:
        """Make the missing tags (within 20) and apply the day's; a note on what was left out.

        Missing Manage Channels or a refused tag list does not hold the day's post up:
        the tags the forum has are applied and the note says what to fix. Transient
        failures propagate, so the step is retried.
        """
        t = self._t
        wanted = wanted_tags(plan)
        tags = await t.poster.forum_tags(forum_id)
        planned = plan_tags(tags, wanted)
        problems = []
        if planned.create:
            try:
                tags = await t.poster.add_forum_tags(forum_id, planned.create)
            except (TransientPostError, ChannelGoneError):
                raise
            except MissingPermissionsError:
                problems.append(f"I can't create the tags {', '.join(planned.create)}: "
                                "I need Manage Channels in the forum")
            except PostError as exc:  # a 400: the tag list was refused
                problems.append(f"Discord refused the new tags: {exc}")
        if planned.skipped:
            problems.append(skipped_note(planned.skipped))
        ids = tag_ids(tags, wanted)
        if ids:
            try:
                await t.poster.set_post_tags(post_id, ids)
            except MissingPermissionsError as exc:
                problems.append(f"I can't tag the post: missing {', '.join(exc.missing)}")
        note = "; ".join(problems) or None
        if note:
            log.warning("daily forum %s tags: %s", forum_id, note)
        return note


def strategies(tools: Tools) -> dict[ChannelKind, PostSteps]:
    return {ChannelKind.TEXT: TextSteps(tools), ChannelKind.FORUM: ForumSteps(tools)}
