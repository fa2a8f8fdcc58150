-- Shard processes alive now, so each can pace its REST calls to its share of Discord's
-- global limit even while two processes hold the same shard (a hand-off, a duplicate):
-- one row per process, refreshed every second; a row not seen for a few seconds is gone.
CREATE TABLE shard_presence (
    process_key TEXT PRIMARY KEY,
    shards      INTEGER NOT NULL,
    seen_at     TEXT NOT NULL
);
