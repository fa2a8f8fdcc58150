-- The outbox: everything the bot posts on its own (mock announcements and scorecards,
-- the welcome, ...) is a row here, written before anything is sent. One delivery
-- loop sends pending rows in order per channel, retries transient failures with
-- backoff and marks what can never be posted 'impossible' for /doctor to show.
-- Instants are ISO-8601 UTC text (storage.db.to_db).

CREATE TABLE outbox (
    post_id         INTEGER PRIMARY KEY,
    -- the idempotency key of what is posted, e.g. 'mock:12:phase:2:0' or 'welcome:34:…'
    key             TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    action          TEXT    NOT NULL CHECK (action IN ('send', 'archive')),
    guild_id        INTEGER,
    channel_id      INTEGER NOT NULL,
    -- the rendered message (JSON); cleared once sent or impossible, so no text lingers
    payload         TEXT,
    -- sent with enforce_nonce, so a retry of an ambiguous failure cannot post twice
    nonce           TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'sent', 'impossible')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    -- when the last attempt started (written before sending): a retry long after it, past
    -- Discord's nonce window, first looks for the message in the channel's history
    attempted_at    TEXT,
    last_error      TEXT,
    message_id      INTEGER,
    created_at      TEXT    NOT NULL,
    done_at         TEXT
);

-- The delivery loop's question: the oldest pending row of each channel.
CREATE INDEX outbox_pending ON outbox (channel_id, post_id) WHERE state = 'pending';
-- /doctor and the status commands: what is stuck or impossible in a guild.
CREATE INDEX outbox_guild ON outbox (guild_id, state);
