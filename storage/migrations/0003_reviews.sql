-- Answer reviews (bot.review): one row per review, one row per label (the five
-- checklist items and the five failure modes, 0/1). Built for the progress
-- queries "hit rate per checklist item for a member in a guild" (reviews_member
-- then the review_labels primary key) and "reviews per member per day"
-- (reviews_member's created_at range). Instants are ISO-8601 UTC text.

CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER,                 -- NULL when reviewed outside a guild (DMs)
    user_id       INTEGER NOT NULL,        -- the member the review is for
    source        TEXT    NOT NULL
                  CHECK (source IN ('check', 'context_menu', 'auto', 'cli', 'mock')),
    prompt_id     TEXT,                    -- roadmap prompt the answer replied to, if known
    phase         TEXT,
    score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 5),
    failure_count INTEGER NOT NULL CHECK (failure_count BETWEEN 0 AND 5),
    message_id    INTEGER,                 -- the reviewed Discord message, when there is one
    created_at    TEXT    NOT NULL
);

CREATE INDEX reviews_member ON reviews (guild_id, user_id, created_at);
CREATE INDEX reviews_guild_time ON reviews (guild_id, created_at);

-- Each Discord message counts once for progress: a redelivered MESSAGE_CREATE
-- (gateway resume) or a second "Check against checklist" does not store it again.
CREATE UNIQUE INDEX reviews_message_once ON reviews (message_id) WHERE message_id IS NOT NULL;

CREATE TABLE review_labels (
    review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    label     TEXT    NOT NULL,
    value     INTEGER NOT NULL CHECK (value IN (0, 1)),
    PRIMARY KEY (review_id, label)
) WITHOUT ROWID;
