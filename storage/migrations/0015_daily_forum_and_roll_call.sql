-- Daily prompts in a forum, and "who answered" (issue 18).
-- channel_kind: 'text' (a post and a thread on it) or 'forum' (each day a forum post).
ALTER TABLE daily_schedules ADD COLUMN channel_kind TEXT NOT NULL DEFAULT 'text';
-- A claim keeps the kind of the channel it was claimed in (it follows the schedule's
-- channel until its message is sent, like channel_id).
ALTER TABLE daily_posts ADD COLUMN channel_kind TEXT NOT NULL DEFAULT 'text';
-- Forum mode: the week/topic/kind tags were made and applied (or could not be, see tags_note).
ALTER TABLE daily_posts ADD COLUMN tags_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_posts ADD COLUMN tags_note TEXT;
-- The answer count the post shows now, and when it was last edited (at most once a minute).
ALTER TABLE daily_posts ADD COLUMN count_shown INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_posts ADD COLUMN count_edited_at TEXT;
-- The end-of-day list of who answered: when it was done, and its message (NULL when
-- nobody answered, so nothing was posted).
ALTER TABLE daily_posts ADD COLUMN roll_call_at TEXT;
ALTER TABLE daily_posts ADD COLUMN roll_call_message_id BIGINT;
