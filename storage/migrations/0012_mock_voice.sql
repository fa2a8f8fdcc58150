-- Voice rounds (issue 17, item 1) and Run it back (item 4).
-- A voice round talks in a voice channel while its thread keeps the clock: it never
-- pauses for a quiet thread, and its panel (interviewer, bar raiser) ticks each
-- phase's deliverables from a select on the phase post.
ALTER TABLE mock_sessions ADD COLUMN mode TEXT NOT NULL DEFAULT 'text'
    CHECK (mode IN ('text', 'voice'));
ALTER TABLE mock_sessions ADD COLUMN voice_channel_id BIGINT;

-- One row per panel member, phase and deliverable they ticked; a new choice on the
-- phase's select replaces that member's ticks for the phase.
CREATE TABLE mock_ticks (
    session_id     BIGINT  NOT NULL REFERENCES mock_sessions (session_id) ON DELETE CASCADE,
    scorer_user_id BIGINT  NOT NULL,
    phase_index    INTEGER NOT NULL CHECK (phase_index >= 0),
    deliverable    INTEGER NOT NULL CHECK (deliverable >= 0),
    updated_at     TEXT    NOT NULL,
    PRIMARY KEY (session_id, scorer_user_id, phase_index, deliverable)
);

-- Run it back: an ended round opens at most one next round, whoever presses first.
-- next_session_id is NULL while the next round's thread is being created.
CREATE TABLE mock_reruns (
    session_id      BIGINT NOT NULL PRIMARY KEY
        REFERENCES mock_sessions (session_id) ON DELETE CASCADE,
    next_session_id BIGINT,
    claimed_at      TEXT   NOT NULL
);
