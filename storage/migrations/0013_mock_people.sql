-- Mock rounds tell people and keep feedback private (issue 17, items 3, 6 and 7).
--
-- Notes are private (only the candidate reads them) unless their author made them
-- public; the ones written before this change were meant as private feedback.
ALTER TABLE mock_notes ADD COLUMN visibility TEXT NOT NULL DEFAULT 'private'
    CHECK (visibility IN ('private', 'public'));

-- The bar raiser's final call for a candidate, with a one-line reason; a new call
-- replaces the old one.
CREATE TABLE mock_decisions (
    session_id         BIGINT NOT NULL REFERENCES mock_sessions (session_id) ON DELETE CASCADE,
    candidate_user_id  BIGINT NOT NULL,
    decided_by_user_id BIGINT NOT NULL,
    decision           TEXT   NOT NULL
        CHECK (decision IN ('strong_hire', 'hire', 'no_hire', 'strong_no_hire')),
    reason             TEXT   NOT NULL,
    decided_at         TEXT   NOT NULL,
    PRIMARY KEY (session_id, candidate_user_id)
);

-- Members who turned mock pings off for themselves in a server (a row means off).
CREATE TABLE mock_quiet_members (
    guild_id BIGINT NOT NULL,
    user_id  BIGINT NOT NULL,
    since    TEXT   NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- Who an outbox post may ping, as ids (the rendered text only carries <@id> forms):
-- /privacy delete finds a member here by user_id and takes them off the list.
-- Deleted once the post is sent or impossible.
CREATE TABLE outbox_mentions (
    post_id BIGINT NOT NULL REFERENCES outbox (post_id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
