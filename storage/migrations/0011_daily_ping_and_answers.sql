-- Daily prompts a group sees and answers (issue 18).
-- ping_role_id: the opt-in role mentioned in each daily post (NULL = no ping).
ALTER TABLE daily_schedules ADD COLUMN ping_role_id INTEGER;

-- One row per member per daily thread: their first substantive answer of the day.
-- The unique key makes "only the first answer is reviewed" hold across restarts and
-- two messages arriving together; progress can count answered days from here.
CREATE TABLE daily_answers (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    thread_id   INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    cohort_day  INTEGER NOT NULL,
    answered_at TEXT    NOT NULL,
    UNIQUE (thread_id, user_id)
);

CREATE INDEX daily_answers_user ON daily_answers (guild_id, user_id);
