"""Forum mode: the tag rules (Discord's 20 per forum), and the forum post's steps done
exactly once through every crash point, over a real SQLite file and real templates."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content import load_content
from bot.daily.cohort import plan_for_day
from bot.daily.models import ChannelKind, PostKind
from bot.daily.poster import MissingPermissionsError, PostError, TransientPostError
from bot.daily.service import DailyService, Outcome
from bot.daily.tags import (
    MAX_FORUM_TAGS,
    MAX_TAG_NAME,
    ForumTag,
    plan_tags,
    tag_ids,
    tag_name,
    wanted_tags,
)
from bot.render import RenderedMessage, Renderer
from storage.daily import DailyRepository
from tests.test_daily_service import POST_TIME, Crash

GUILD, FORUM = 1, 300
CONTENT = load_content()


def test_a_day_wants_its_kind_week_and_topic_each_a_valid_tag_name() -> None:
    for day in range(1, 86 + 30):
        plan = plan_for_day(CONTENT.roadmap, day)
        assert plan is not None
        wanted = wanted_tags(plan)
        assert 1 <= len(wanted) <= 3 and all(1 <= len(n) <= MAX_TAG_NAME for n in wanted)
        if plan.kind is PostKind.PROMPT:
            assert wanted[1] == f"Week {plan.week}"
    assert tag_name("Leadership Principles in practice") == "Leadership Principl…"


def test_a_full_forum_reuses_tags_by_name_and_skips_the_rest() -> None:
    existing = [ForumTag(n, f"t{n}") for n in range(MAX_FORUM_TAGS - 1)] + [ForumTag(99, "design")]
    planned = plan_tags(existing, ("Design", "Week 3", "Caching"))
    assert planned.create == () and planned.skipped == ("Week 3", "Caching")
    assert tag_ids(existing, ("Design", "Week 3")) == (99,)
    roomy = plan_tags(existing[:18], ("Design", "Week 3", "Caching"))
    assert roomy.create == ("Design", "Week 3") and roomy.skipped == ("Caching",)


@given(st.lists(st.text(min_size=1, max_size=5), max_size=25, unique_by=str.casefold),
       st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=5, unique_by=str.casefold))
def test_never_more_than_twenty_tags_and_nothing_wanted_is_lost(have, wanted) -> None:
    existing = [ForumTag(n, name) for n, name in enumerate(have[:MAX_FORUM_TAGS])]
    planned = plan_tags(existing, wanted)
    assert len(existing) + len(planned.create) <= MAX_FORUM_TAGS
    known = {t.name.casefold() for t in existing}
    for name in wanted:  # each wanted tag is there already, created, or reported skipped
        assert (name.casefold() in known) + (name in planned.create) + (name in planned.skipped) == 1


@dataclass
class FakeForum:
    """What Discord holds for one forum: tags, posts (id → starter text, tags), messages."""

    tags: list[ForumTag] = field(default_factory=list)
    posts: dict[int, tuple[str, tuple[int, ...]]] = field(default_factory=dict)
    messages: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    ids: itertools.count = field(default_factory=lambda: itertools.count(5000))
    tag_edits: int = 0


class ForumPoster:
    """A forum poster that can die before or after any step (``crash_at``)."""

    def __init__(self, forum: FakeForum, crash_at: str | None = None,
                 manage_channels: bool = True, require_tag: bool = False) -> None:
        self.forum = forum
        self.require_tag = require_tag
        self.crash_at = crash_at
        self.manage_channels = manage_channels
        self.failures: list[Exception] = []

    def _maybe(self, step: str, when: str) -> None:
        if self.failures and when == "before":
            raise self.failures.pop(0)
        if self.crash_at == f"{step}:{when}":
            raise Crash(self.crash_at)

    async def forum_requires_tag(self, forum_id):
        return self.require_tag

    async def create_forum_post(self, forum_id, name, message: RenderedMessage, extras, tag_ids):
        self._maybe("post", "before")
        if self.require_tag and not tag_ids:
            raise PostError("400: A tag is required to create a forum post in this channel")
        post_id = next(self.forum.ids)
        self.forum.posts[post_id] = (message.as_text(), tuple(tag_ids))
        self.forum.messages[post_id] = [(post_id, message.as_text())]
        self._maybe("post", "after")
        return post_id

    async def find_forum_post(self, forum_id, marker):
        return next((p for p, (text, _) in self.forum.posts.items() if marker in text), None)

    async def forum_tags(self, forum_id):
        return list(self.forum.tags)

    async def add_forum_tags(self, forum_id, names):
        self._maybe("tags", "before")
        if not self.manage_channels:
            raise MissingPermissionsError([])
        self.forum.tags += [ForumTag(next(self.forum.ids), n) for n in names]
        self.forum.tag_edits += 1
        self._maybe("tags", "after")
        return list(self.forum.tags)

    async def set_post_tags(self, post_id, tag_ids):
        self._maybe("apply", "before")
        text, _ = self.forum.posts[post_id]
        self.forum.posts[post_id] = (text, tuple(tag_ids))
        self._maybe("apply", "after")

    async def send_message(self, channel_id, message, nonce=None, extras=None):
        self._maybe("opener", "before")
        message_id = next(self.forum.ids)
        self.forum.messages.setdefault(channel_id, []).append((message_id, message.as_text()))
        self._maybe("opener", "after")
        return message_id

    async def find_message(self, channel_id, marker):
        return next((m for m, text in self.forum.messages.get(channel_id, []) if marker in text),
                    None)


def forum_service(db, clock, poster) -> DailyService:
    async def no_sleep(_: float) -> None:
        return None

    return DailyService(DailyRepository(db), CONTENT, Renderer(), clock, poster, sleep=no_sleep)


async def setup_forum(service: DailyService) -> None:
    await service.configure(GUILD, FORUM, "09:00", "Europe/London", "2026-11-23",
                            channel_kind=ChannelKind.FORUM)


@pytest.mark.parametrize("crash_at", [
    "post:before", "post:after", "tags:before", "tags:after", "apply:before", "apply:after",
    "opener:before", "opener:after",
])
async def test_a_crash_at_any_forum_step_then_restart_makes_one_post(db, clock, crash_at) -> None:
    forum = FakeForum(tags=[ForumTag(1, "concept")])  # an organiser's tag, other case
    clock.set(POST_TIME)
    first = forum_service(db, clock, ForumPoster(forum, crash_at))
    await setup_forum(first)
    with pytest.raises(Crash):
        await first.run_guild(GUILD)
    result = await forum_service(db, clock, ForumPoster(forum)).run_guild(GUILD)
    assert result is not None and result.outcome is Outcome.POSTED
    [(post_id, (text, applied))] = forum.posts.items()
    assert "Day 1 · 2026-11-23" in text and "Answer below in this post" in text
    names = [t.name for t in forum.tags]
    assert len(names) == len({n.casefold() for n in names}) == 3  # Concept reused, 2 made
    assert {t.id for t in forum.tags} == set(applied) and applied[0] == 1
    openers = [m for m, t in forum.messages[post_id] if t.startswith("**Answers for day 1")]
    assert len(openers) == 1
    record = result.record
    assert (record.message_id, record.thread_id, record.tags_done) == (post_id, post_id, True)
    assert record.post_location == (post_id, post_id)


async def test_without_manage_channels_the_post_goes_out_and_the_note_says_why(db, clock) -> None:
    forum = FakeForum()
    clock.set(POST_TIME)
    service = forum_service(db, clock, ForumPoster(forum, manage_channels=False))
    await setup_forum(service)
    result = await service.run_guild(GUILD)
    assert result is not None and result.outcome is Outcome.POSTED
    assert forum.tags == [] and len(forum.posts) == 1
    assert "I need Manage Channels in the forum" in (result.record.tags_note or "")
    status = await service.status(GUILD)
    assert status.last_post is not None and status.last_post.tags_note == result.record.tags_note


async def test_a_transient_failure_of_the_tags_is_retried_not_noted(db, clock) -> None:
    forum = FakeForum()
    poster = ForumPoster(forum)
    clock.set(POST_TIME)
    service = forum_service(db, clock, poster)
    await setup_forum(service)
    poster.failures = [TransientPostError("503")]  # the first call: the post itself
    result = await service.run_guild(GUILD)
    assert result is not None and result.outcome is Outcome.POSTED
    assert len(forum.posts) == 1 and result.record.tags_note is None and forum.tag_edits == 1


async def test_text_and_forum_posts_live_in_different_places(db, clock) -> None:
    forum = FakeForum()
    clock.set(POST_TIME)
    service = forum_service(db, clock, ForumPoster(forum))
    await setup_forum(service)
    result = await service.run_guild(GUILD)
    assert result is not None
    assert result.record.channel_kind is ChannelKind.FORUM
    schedule = await service.require(GUILD)
    assert schedule.channel_kind is ChannelKind.FORUM
    # Re-running setup with a text channel switches kind; a claim not yet sent follows it.
    await service.configure(GUILD, 400, "09:00", "Europe/London")
    assert (await service.require(GUILD)).channel_kind is ChannelKind.TEXT


async def test_a_forum_that_requires_tags_gets_them_before_its_first_post(db, clock) -> None:
    forum = FakeForum()
    clock.set(POST_TIME)
    service = forum_service(db, clock, ForumPoster(forum, require_tag=True))
    await setup_forum(service)
    result = await service.run_guild(GUILD)
    assert result is not None and result.outcome is Outcome.POSTED
    [(_, (_, applied))] = forum.posts.items()
    assert len(applied) == 3 and forum.tag_edits == 1  # made once, before the post
