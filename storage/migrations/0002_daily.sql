-- Daily prompts: one schedule per guild and one claim row per posted cohort day.
-- Instants are ISO-8601 UTC text (storage.db.to_db); local dates are YYYY-MM-DD.

CREATE TABLE daily_schedules (
    guild_id         INTEGER PRIMARY KEY,
    channel_id       INTEGER NOT NULL,
    post_time        TEXT    NOT NULL,            -- HH:MM, local wall clock
    timezone         TEXT    NOT NULL,            -- IANA name
    start_date       TEXT    NOT NULL,            -- local date of cohort day 1
    -- bumped whenever start_date changes, so a restarted cohort can post day 1 again
    epoch            INTEGER NOT NULL DEFAULT 1,
    paused_days      INTEGER NOT NULL DEFAULT 0 CHECK (paused_days >= 0),
    -- set only while paused: the cohort day the next post carries after resume
    paused_at_day    INTEGER,
    attention        TEXT CHECK (attention IN ('missing_permissions', 'channel_gone')),
    attention_detail TEXT,
    attention_since  TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);

-- The exactly-once key: a day is claimed here before anything is sent; the ids
-- recorded after each step let a retry resume a half-done post.
CREATE TABLE daily_posts (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    epoch        INTEGER NOT NULL,
    cohort_day   INTEGER NOT NULL,
    local_date   TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('prompt', 'graduation', 'review')),
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER,
    thread_id    INTEGER,
    opener_sent  INTEGER NOT NULL DEFAULT 0 CHECK (opener_sent IN (0, 1)),
    claimed_at   TEXT    NOT NULL,
    completed_at TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    UNIQUE (guild_id, epoch, cohort_day)
);

CREATE INDEX daily_posts_latest ON daily_posts (guild_id, claimed_at);

-- Other features ask "is this thread a daily-prompt thread?" (auto-review, progress).
CREATE INDEX daily_posts_thread ON daily_posts (thread_id) WHERE thread_id IS NOT NULL;
