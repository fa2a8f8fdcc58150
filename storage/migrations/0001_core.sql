-- Core tables: the guilds the bot is in, their settings, and bookkeeping for
-- command sync. Instants are ISO-8601 UTC text (storage.db.to_db).

CREATE TABLE guilds (
    guild_id    INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL DEFAULT '',
    joined_at   TEXT    NOT NULL,
    left_at     TEXT,
    -- set once the welcome message went out, so re-invites and restarts never repeat it
    welcomed_at TEXT
);

CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    auto_review       INTEGER NOT NULL DEFAULT 0 CHECK (auto_review IN (0, 1)),
    -- NULL means "use MOCK_MAX_PER_GUILD"
    mock_max_sessions INTEGER CHECK (mock_max_sessions BETWEEN 1 AND 50),
    updated_at        TEXT    NOT NULL
);

-- The fingerprint of the last application-command set synced to each scope
-- ('global' or 'guild:<id>'), so a restart with unchanged commands does not
-- spend Discord's command-sync rate limit.
CREATE TABLE command_sync (
    scope       TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    synced_at   TEXT NOT NULL
);
