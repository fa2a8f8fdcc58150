-- Progress: daily-thread answers, members' drill preferences, spaced-repetition
-- reminders and the weekly digest's exactly-once claims.
-- Instants are ISO-8601 UTC text (storage.db.to_db); local dates are YYYY-MM-DD
-- in the guild's zone. Every column naming a member is user_id (see docs/PROGRESS.md).

-- One row per member, guild and local day on which the member answered a daily
-- prompt in its thread: the first answer of the day counts, later ones are ignored.
-- No message content is stored, only that an answer happened.
CREATE TABLE progress_answers (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    local_date  TEXT    NOT NULL,
    thread_id   INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    prompt_id   TEXT,                 -- the roadmap prompt of the thread, NULL on graduation
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, local_date)
) WITHOUT ROWID;

-- The group's activity per day (digest, leaderboard by week).
CREATE INDEX progress_answers_by_date ON progress_answers (guild_id, local_date, user_id);

-- Opt-in to spaced repetition, and where reminders go.
CREATE TABLE progress_preferences (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    reminders  INTEGER NOT NULL DEFAULT 0 CHECK (reminders IN (0, 1)),
    delivery   TEXT    NOT NULL DEFAULT 'thread' CHECK (delivery IN ('thread', 'dm')),
    -- the newest review already applied to this member's reminders (reviews.id)
    reviewed_through INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- A missed checklist item coming back as a drill. The row is the timer: the
-- scheduler is rebuilt from due_at at startup, and a delivery moves due_at
-- forward in the same statement that claims it, so restarts neither lose nor repeat.
CREATE TABLE progress_reminders (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    item             TEXT    NOT NULL,
    due_at           TEXT    NOT NULL,
    step             INTEGER NOT NULL DEFAULT 0 CHECK (step >= 0),
    delivery         TEXT    NOT NULL CHECK (delivery IN ('thread', 'dm')),
    consecutive_hits INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_hits >= 0),
    created_at       TEXT    NOT NULL,
    UNIQUE (guild_id, user_id, item)
);

CREATE INDEX progress_reminders_due ON progress_reminders (due_at);

-- The weekly digest's exactly-once key: claimed before sending, message id after.
-- epoch follows daily_schedules.epoch, so a restarted cohort gets its digests again.
CREATE TABLE progress_digests (
    guild_id     INTEGER NOT NULL,
    epoch        INTEGER NOT NULL,
    cohort_week  INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER,
    claimed_at   TEXT    NOT NULL,
    completed_at TEXT,
    PRIMARY KEY (guild_id, epoch, cohort_week)
) WITHOUT ROWID;

-- Answers arrive as messages in threads; finding the daily post of a thread
-- must not scan every guild's posts.
CREATE INDEX progress_daily_posts_by_thread ON daily_posts (thread_id);

-- The leaderboard sums every member's reviews in a guild (100,000 rows at the
-- target scale): a covering index lets SQLite answer from the index alone.
CREATE INDEX progress_reviews_points ON reviews (guild_id, user_id, score, created_at);
