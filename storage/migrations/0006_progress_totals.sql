-- Running totals per member and guild for the all-time leaderboard, so it reads one
-- row per member instead of summing 100,000 reviews on every /leaderboard.
-- Kept exact by triggers on the rows they count (reviews are insert-only; a delete,
-- e.g. /privacy delete, subtracts). Windowed periods ("last 7 days") still count the
-- rows themselves, through progress_reviews_recent.

CREATE TABLE progress_totals (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    answers   INTEGER NOT NULL DEFAULT 0,
    reviews   INTEGER NOT NULL DEFAULT 0,
    items_met INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

INSERT INTO progress_totals (guild_id, user_id, answers)
SELECT guild_id, user_id, COUNT(*) FROM progress_answers GROUP BY guild_id, user_id;

INSERT INTO progress_totals (guild_id, user_id, reviews, items_met)
SELECT guild_id, user_id, COUNT(*), SUM(score) FROM reviews
 WHERE guild_id IS NOT NULL GROUP BY guild_id, user_id
ON CONFLICT (guild_id, user_id) DO UPDATE
   SET reviews = excluded.reviews, items_met = excluded.items_met;

CREATE TRIGGER progress_totals_answer_added AFTER INSERT ON progress_answers
BEGIN
    INSERT INTO progress_totals (guild_id, user_id, answers) VALUES (NEW.guild_id, NEW.user_id, 1)
    ON CONFLICT (guild_id, user_id) DO UPDATE SET answers = answers + 1;
END;

CREATE TRIGGER progress_totals_answer_removed AFTER DELETE ON progress_answers
BEGIN
    UPDATE progress_totals SET answers = answers - 1
     WHERE guild_id = OLD.guild_id AND user_id = OLD.user_id;
END;

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

-- "Last 7 days": a range of recent reviews, answered from the index alone. It replaces
-- 0005's all-time covering index, which the totals made unnecessary.
DROP INDEX progress_reviews_points;
CREATE INDEX progress_reviews_recent ON reviews (guild_id, created_at, user_id, score);

-- Mock sessions per guild that ran (mock counts by role, the leaderboard), without
-- scanning every guild's participants.
CREATE INDEX progress_mock_sessions_started ON mock_sessions (guild_id, started_at);
