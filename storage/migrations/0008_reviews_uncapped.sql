-- Adding a checklist item or a failure mode is data (prompts/review/<label>.yaml), so a
-- review's score and failure count are no longer capped at 5: the CHECKs of 0003 become
-- "not negative". SQLite cannot change a CHECK in place, so both review tables are
-- rebuilt and renamed (the rename also repoints review_labels' foreign key), and the
-- indexes and triggers of 0003, 0005 and 0006 are recreated as they were. The DROP of
-- the old tables fires no trigger (SQLite's implicit DELETE of a DROP never does), and
-- review_labels is dropped first so no cascade can touch the copied rows.

CREATE TABLE reviews_uncapped (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER,
    user_id       INTEGER NOT NULL,
    source        TEXT    NOT NULL
                  CHECK (source IN ('check', 'context_menu', 'auto', 'cli', 'mock')),
    prompt_id     TEXT,
    phase         TEXT,
    score         INTEGER NOT NULL CHECK (score >= 0),
    failure_count INTEGER NOT NULL CHECK (failure_count >= 0),
    message_id    INTEGER,
    created_at    TEXT    NOT NULL
);

INSERT INTO reviews_uncapped (id, guild_id, user_id, source, prompt_id, phase, score,
                              failure_count, message_id, created_at)
SELECT id, guild_id, user_id, source, prompt_id, phase, score, failure_count, message_id,
       created_at
  FROM reviews;

CREATE TABLE review_labels_uncapped (
    review_id INTEGER NOT NULL REFERENCES reviews_uncapped (id) ON DELETE CASCADE,
    label     TEXT    NOT NULL,
    value     INTEGER NOT NULL CHECK (value IN (0, 1)),
    PRIMARY KEY (review_id, label)
) WITHOUT ROWID;

INSERT INTO review_labels_uncapped (review_id, label, value)
SELECT review_id, label, value FROM review_labels;

DROP TABLE review_labels;
DROP TABLE reviews;
ALTER TABLE reviews_uncapped RENAME TO reviews;
ALTER TABLE review_labels_uncapped RENAME TO review_labels;

CREATE INDEX reviews_member ON reviews (guild_id, user_id, created_at);
CREATE INDEX reviews_guild_time ON reviews (guild_id, created_at);
CREATE UNIQUE INDEX reviews_message_once ON reviews (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX progress_reviews_recent ON reviews (guild_id, created_at, user_id, score);

CREATE TRIGGER progress_totals_review_added AFTER INSERT ON reviews
WHEN NEW.guild_id IS NOT NULL
BEGIN
    INSERT INTO progress_totals (guild_id, user_id, reviews, items_met)
    VALUES (NEW.guild_id, NEW.user_id, 1, NEW.score)
    ON CONFLICT (guild_id, user_id) DO UPDATE
       SET reviews = reviews + 1, items_met = items_met + excluded.items_met;
END;

CREATE TRIGGER progress_totals_review_removed AFTER DELETE ON reviews
WHEN OLD.guild_id IS NOT NULL
BEGIN
    UPDATE progress_totals SET reviews = reviews - 1, items_met = items_met - OLD.score
     WHERE guild_id = OLD.guild_id AND user_id = OLD.user_id;
END;
