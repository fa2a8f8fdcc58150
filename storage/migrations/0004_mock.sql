-- Group mock interviews: one row per round, its phases with absolute UTC
-- deadlines, who plays which role, what the candidate said, and the group's
-- notes, scores and votes. Instants are ISO-8601 UTC text (storage.db.to_db).

CREATE TABLE mock_sessions (
    session_id       INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,
    -- NULL only between reserving the slot and creating the thread
    thread_id        INTEGER UNIQUE,
    lobby_message_id INTEGER,
    question_id      TEXT    NOT NULL,
    length_minutes   INTEGER NOT NULL,
    -- the length of one session minute, fixed at creation so a restart with a
    -- different MOCK_MINUTE_SECONDS cannot stretch a running round
    minute_seconds   REAL    NOT NULL CHECK (minute_seconds > 0),
    host_user_id     INTEGER NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('lobby', 'running', 'paused', 'ended')),
    pair_mode        INTEGER NOT NULL DEFAULT 0 CHECK (pair_mode IN (0, 1)),
    idle_paused      INTEGER NOT NULL DEFAULT 0 CHECK (idle_paused IN (0, 1)),
    created_at       TEXT    NOT NULL,
    last_activity_at TEXT    NOT NULL,
    started_at       TEXT,
    paused_at        TEXT,
    ended_at         TEXT,
    end_reason       TEXT CHECK (end_reason IN ('completed', 'ended', 'abandoned', 'thread_deleted'))
);

-- Live rounds per guild (the MOCK_MAX_PER_GUILD check) and rounds to resume at startup.
CREATE INDEX mock_sessions_live ON mock_sessions (guild_id) WHERE status != 'ended';

CREATE TABLE mock_phases (
    session_id      INTEGER NOT NULL REFERENCES mock_sessions (session_id) ON DELETE CASCADE,
    phase_index     INTEGER NOT NULL CHECK (phase_index >= 0),
    phase_id        TEXT    NOT NULL,
    planned_minutes INTEGER NOT NULL CHECK (planned_minutes > 0),
    minutes         INTEGER NOT NULL CHECK (minutes > 0),
    started_at      TEXT,
    deadline        TEXT,
    ended_at        TEXT,
    PRIMARY KEY (session_id, phase_index)
);

CREATE TABLE mock_participants (
    session_id INTEGER NOT NULL REFERENCES mock_sessions (session_id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    role       TEXT    NOT NULL CHECK (role IN ('candidate', 'interviewer', 'bar_raiser', 'observer')),
    joined_at  TEXT    NOT NULL,
    PRIMARY KEY (session_id, user_id)
);

-- The exactly-once key of every announcement: claimed before posting.
CREATE TABLE mock_announcements (
    session_id INTEGER NOT NULL REFERENCES mock_sessions (session_id) ON DELETE CASCADE,
    key        TEXT    NOT NULL,
    claimed_at TEXT    NOT NULL,
    PRIMARY KEY (session_id, key)
);

CREATE TABLE mock_transcript (
    entry_id       INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES mock_sessions (session_id) ON DELETE CASCADE,
    phase_index    INTEGER NOT NULL,
    author_user_id INTEGER NOT NULL,
    source         TEXT    NOT NULL CHECK (source IN ('message', 'answer')),
    -- the Discord message, so an edit or a replayed event cannot record it twice
    message_id     INTEGER,
    text           TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    UNIQUE (session_id, message_id)
);

CREATE TABLE mock_notes (
    note_id        INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES mock_sessions (session_id) ON DELETE CASCADE,
    phase_index    INTEGER,
    author_user_id INTEGER NOT NULL,
    text           TEXT    NOT NULL,
    created_at     TEXT    NOT NULL
);

-- One judgement per scorer, candidate and checklist item: met (1) or not (0).
CREATE TABLE mock_scores (
    session_id        INTEGER NOT NULL REFERENCES mock_sessions (session_id) ON DELETE CASCADE,
    scorer_user_id    INTEGER NOT NULL,
    candidate_user_id INTEGER NOT NULL,
    item_id           TEXT    NOT NULL,
    met               INTEGER NOT NULL CHECK (met IN (0, 1)),
    updated_at        TEXT    NOT NULL,
    PRIMARY KEY (session_id, scorer_user_id, candidate_user_id, item_id)
);

CREATE TABLE mock_votes (
    session_id        INTEGER NOT NULL REFERENCES mock_sessions (session_id) ON DELETE CASCADE,
    voter_user_id     INTEGER NOT NULL,
    candidate_user_id INTEGER NOT NULL,
    vote              TEXT    NOT NULL
        CHECK (vote IN ('strong_hire', 'hire', 'no_hire', 'strong_no_hire')),
    updated_at        TEXT    NOT NULL,
    PRIMARY KEY (session_id, voter_user_id, candidate_user_id)
);

-- The scorecard as posted, so it survives the thread.
CREATE TABLE mock_scorecards (
    session_id        INTEGER NOT NULL REFERENCES mock_sessions (session_id) ON DELETE CASCADE,
    candidate_user_id INTEGER NOT NULL,
    body              TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    PRIMARY KEY (session_id, candidate_user_id)
);
