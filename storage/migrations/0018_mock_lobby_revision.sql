-- How many times a round's lobby message has had something new to show (roster, host,
-- pair mode). Saved with the change itself, so the lobby edit it owes is an announcement
-- (key 'lobby:<revision>') claimed like any other: a crash between the change and its
-- edit no longer leaves the lobby showing the old roster (see bot/mock/timeline.py).
ALTER TABLE mock_sessions ADD COLUMN lobby_revision INTEGER NOT NULL DEFAULT 0;
