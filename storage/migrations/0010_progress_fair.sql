-- Fair points, reviews that belong to whoever asked, graded spaced repetition (FSRS).
-- See docs/PROGRESS.md. Every column naming a member is user_id, so /privacy finds
-- the new tables from the schema.

-- 1. A review belongs to whoever asked for it. Before this migration the context menu
-- stored a review of another member's message under the AUTHOR, and the table never
-- recorded who asked, so for those rows the asker is unknowable. A row may name a
-- member who never asked for anything; we delete them all (their labels go by
-- cascade, the old totals triggers subtract them). Members lose the context-menu
-- reviews of their own messages too: a small loss next to keeping rows about people
-- who did not ask.
DELETE FROM reviews WHERE source = 'context_menu';

-- 2. Fair review points: the local day a review counts on (in the guild's zone when it
-- was stored; older rows only know the UTC day) and a salted hash of the answer text
-- (never the text) so the same answer pasted again adds nothing.
ALTER TABLE reviews ADD COLUMN local_date TEXT;
ALTER TABLE reviews ADD COLUMN answer_hash TEXT;
UPDATE reviews SET local_date = substr(created_at, 1, 10) WHERE guild_id IS NOT NULL;
CREATE INDEX reviews_answer_hash ON reviews (guild_id, user_id, answer_hash)
    WHERE answer_hash IS NOT NULL;

-- Per-item "met, but only on weak evidence" (graded Hard by spaced repetition).
ALTER TABLE review_labels ADD COLUMN weak INTEGER NOT NULL DEFAULT 0 CHECK (weak IN (0, 1));

-- A random salt per member: the answer hashes are not a dictionary of answers, and
-- deleting the member's data (this row names them) makes any hash unlinkable.
CREATE TABLE review_salts (
    user_id INTEGER PRIMARY KEY,
    salt    TEXT    NOT NULL
);

-- The best review per member, guild, local day and prompt ('' when the answer had no
-- prompt): the only reviews that earn points. Kept by triggers on reviews.
CREATE TABLE progress_review_days (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    local_date TEXT    NOT NULL,
    prompt_key TEXT    NOT NULL,
    best_score INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, local_date, prompt_key)
) WITHOUT ROWID;
-- "Last 7 days" on the leaderboard, answered from the index alone.
CREATE INDEX progress_review_days_by_date
    ON progress_review_days (guild_id, local_date, user_id, best_score);

INSERT INTO progress_review_days (guild_id, user_id, local_date, prompt_key, best_score)
SELECT guild_id, user_id, local_date, COALESCE(prompt_id, ''), MAX(score) FROM reviews
 WHERE guild_id IS NOT NULL GROUP BY guild_id, user_id, local_date, COALESCE(prompt_id, '');

-- 3. Daily-answer points need a substantive answer. Answers stored before this
-- migration were never judged; they keep their points (substantive = 1).
ALTER TABLE progress_answers ADD COLUMN substantive INTEGER NOT NULL DEFAULT 1
    CHECK (substantive IN (0, 1));
-- The week's answers that earn points, answered from the index alone.
DROP INDEX progress_answers_by_date;
CREATE INDEX progress_answers_by_date
    ON progress_answers (guild_id, local_date, user_id, substantive);

-- The totals now count substantive answers and best-of-day reviews.
DROP TRIGGER progress_totals_answer_added;
DROP TRIGGER progress_totals_answer_removed;
DROP TRIGGER progress_totals_review_added;
DROP TRIGGER progress_totals_review_removed;

DELETE FROM progress_totals;
INSERT INTO progress_totals (guild_id, user_id, answers)
SELECT guild_id, user_id, SUM(substantive) FROM progress_answers GROUP BY guild_id, user_id;
INSERT INTO progress_totals (guild_id, user_id, reviews, items_met)
SELECT guild_id, user_id, COUNT(*), SUM(best_score) FROM progress_review_days
 GROUP BY guild_id, user_id
ON CONFLICT (guild_id, user_id) DO UPDATE
   SET reviews = excluded.reviews, items_met = excluded.items_met;

CREATE TRIGGER progress_totals_answer_added AFTER INSERT ON progress_answers
WHEN NEW.substantive = 1
BEGIN
    INSERT INTO progress_totals (guild_id, user_id, answers) VALUES (NEW.guild_id, NEW.user_id, 1)
    ON CONFLICT (guild_id, user_id) DO UPDATE SET answers = answers + 1;
END;

-- A one-liner first, a real answer later the same day: the day starts to count.
CREATE TRIGGER progress_totals_answer_upgraded AFTER UPDATE OF substantive ON progress_answers
WHEN NEW.substantive = 1 AND OLD.substantive = 0
BEGIN
    INSERT INTO progress_totals (guild_id, user_id, answers) VALUES (NEW.guild_id, NEW.user_id, 1)
    ON CONFLICT (guild_id, user_id) DO UPDATE SET answers = answers + 1;
END;

CREATE TRIGGER progress_totals_answer_removed AFTER DELETE ON progress_answers
WHEN OLD.substantive = 1
BEGIN
    UPDATE progress_totals SET answers = answers - 1
     WHERE guild_id = OLD.guild_id AND user_id = OLD.user_id;
END;

CREATE TRIGGER progress_review_days_added AFTER INSERT ON reviews
WHEN NEW.guild_id IS NOT NULL
BEGIN
    INSERT INTO progress_review_days (guild_id, user_id, local_date, prompt_key, best_score)
    VALUES (NEW.guild_id, NEW.user_id, COALESCE(NEW.local_date, substr(NEW.created_at, 1, 10)),
            COALESCE(NEW.prompt_id, ''), NEW.score)
    ON CONFLICT (guild_id, user_id, local_date, prompt_key) DO UPDATE
       SET best_score = excluded.best_score WHERE excluded.best_score > best_score;
END;

-- A deleted review (privacy delete, this migration's kind of correction): its day's
-- best is recomputed from what is left, or the day goes.
CREATE TRIGGER progress_review_days_removed AFTER DELETE ON reviews
WHEN OLD.guild_id IS NOT NULL
BEGIN
    DELETE FROM progress_review_days
     WHERE guild_id = OLD.guild_id AND user_id = OLD.user_id
       AND local_date = COALESCE(OLD.local_date, substr(OLD.created_at, 1, 10))
       AND prompt_key = COALESCE(OLD.prompt_id, '')
       AND NOT EXISTS (
           SELECT 1 FROM reviews
            WHERE guild_id = OLD.guild_id AND user_id = OLD.user_id
              AND COALESCE(local_date, substr(created_at, 1, 10))
                  = COALESCE(OLD.local_date, substr(OLD.created_at, 1, 10))
              AND COALESCE(prompt_id, '') = COALESCE(OLD.prompt_id, ''));
    UPDATE progress_review_days SET best_score = (
        SELECT MAX(score) FROM reviews
         WHERE guild_id = OLD.guild_id AND user_id = OLD.user_id
           AND COALESCE(local_date, substr(created_at, 1, 10))
               = COALESCE(OLD.local_date, substr(OLD.created_at, 1, 10))
           AND COALESCE(prompt_id, '') = COALESCE(OLD.prompt_id, ''))
     WHERE guild_id = OLD.guild_id AND user_id = OLD.user_id
       AND local_date = COALESCE(OLD.local_date, substr(OLD.created_at, 1, 10))
       AND prompt_key = COALESCE(OLD.prompt_id, '');
END;

CREATE TRIGGER progress_totals_review_day_added AFTER INSERT ON progress_review_days
BEGIN
    INSERT INTO progress_totals (guild_id, user_id, reviews, items_met)
    VALUES (NEW.guild_id, NEW.user_id, 1, NEW.best_score)
    ON CONFLICT (guild_id, user_id) DO UPDATE
       SET reviews = reviews + 1, items_met = items_met + excluded.items_met;
END;

CREATE TRIGGER progress_totals_review_day_changed AFTER UPDATE OF best_score ON progress_review_days
WHEN NEW.best_score <> OLD.best_score
BEGIN
    UPDATE progress_totals SET items_met = items_met - OLD.best_score + NEW.best_score
     WHERE guild_id = NEW.guild_id AND user_id = NEW.user_id;
END;

CREATE TRIGGER progress_totals_review_day_removed AFTER DELETE ON progress_review_days
BEGIN
    UPDATE progress_totals SET reviews = reviews - 1, items_met = items_met - OLD.best_score
     WHERE guild_id = OLD.guild_id AND user_id = OLD.user_id;
END;

-- 4. Graded spaced repetition: one FSRS card per member, guild and checklist item.
-- state/step/stability/difficulty are fsrs.Card's fields; due_at is the timer.
CREATE TABLE progress_cards (
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    item           TEXT    NOT NULL,
    state          INTEGER NOT NULL,
    step           INTEGER,
    stability      REAL,
    difficulty     REAL,
    due_at         TEXT    NOT NULL,
    last_review_at TEXT,
    PRIMARY KEY (guild_id, user_id, item)
) WITHOUT ROWID;
CREATE INDEX progress_cards_due ON progress_cards (guild_id, user_id, due_at);

-- The ladder moves over: a rung of d days becomes a Review-state card (state 2) with
-- stability d days, medium difficulty 5, the same due time, last reviewed d days
-- before it (the scheduler has no minute-long learning steps: every card is in Review).
INSERT INTO progress_cards (guild_id, user_id, item, state, step, stability, difficulty,
                            due_at, last_review_at)
SELECT guild_id, user_id, item,
       2, NULL,
       CASE step WHEN 0 THEN 1.0 WHEN 1 THEN 3.0 WHEN 2 THEN 7.0 ELSE 14.0 END,
       5.0, due_at,
       strftime('%Y-%m-%dT%H:%M:%fZ', due_at,
                CASE step WHEN 0 THEN '-1 days' WHEN 1 THEN '-3 days'
                          WHEN 2 THEN '-7 days' ELSE '-14 days' END)
  FROM progress_reminders;

DROP TABLE progress_reminders;

-- Which reviews have graded cards: one watermark for everyone (reviews.id grows).
-- Reviews stored before this migration do not grade (the ladder state above does).
CREATE TABLE progress_grading (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    reviewed_through INTEGER NOT NULL
);
INSERT INTO progress_grading (id, reviewed_through) SELECT 1, COALESCE(MAX(id), 0) FROM reviews;

-- Reminders: once a day at the member's local time, with the number of items due.
-- remind_time is HH:MM in zone (NULL: the guild's daily time and zone);
-- next_remind_at is the UTC timer, claimed by moving it a day on.
ALTER TABLE progress_preferences ADD COLUMN remind_time TEXT;
ALTER TABLE progress_preferences ADD COLUMN zone TEXT;
ALTER TABLE progress_preferences ADD COLUMN next_remind_at TEXT;
CREATE INDEX progress_preferences_remind ON progress_preferences (next_remind_at)
    WHERE reminders = 1;

-- Prompts a member was shown as a drill: not drilled again within 14 days.
CREATE TABLE progress_drills_shown (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    prompt_id TEXT    NOT NULL,
    shown_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, prompt_id)
) WITHOUT ROWID;
