-- Mock rounds booked ahead (issue 17, "Booking ahead"): one row per booking, the
-- Discord scheduled event that advertises it, the sign-up message, and the round it
-- opened. status: scheduled -> opening (claimed by the one opener) -> open -> done,
-- or cancelled. Instants are ISO-8601 UTC text (storage.db.to_db).
CREATE TABLE mock_bookings (
    booking_id        INTEGER PRIMARY KEY,
    guild_id          BIGINT  NOT NULL,
    channel_id        BIGINT  NOT NULL,
    voice_channel_id  BIGINT,
    host_user_id      BIGINT  NOT NULL,
    question_id       TEXT    NOT NULL,
    length_minutes    INTEGER NOT NULL,
    minutes           TEXT,
    mode              TEXT    NOT NULL CHECK (mode IN ('voice', 'text')),
    starts_at         TEXT    NOT NULL,
    -- session minutes (MOCK_MINUTE_SECONDS at booking time) for the "I'm here" grace
    minute_seconds    REAL    NOT NULL CHECK (minute_seconds > 0),
    status            TEXT    NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'opening', 'open', 'done', 'cancelled')),
    event_id          BIGINT,
    signup_message_id BIGINT,
    session_id        INTEGER,
    -- set once the no-show check has run, in the same transaction as its promotions
    checked_at        TEXT,
    created_at        TEXT    NOT NULL
);

CREATE INDEX mock_bookings_pending ON mock_bookings (status);
CREATE INDEX mock_bookings_event ON mock_bookings (event_id);

-- Who sits where: one row per member per booking. seat: candidate, interviewer,
-- bar_raiser (one holder each), or waitlist (ordered by joined_at). here_at: pressed
-- "I'm here". released_at: lost the seat as a no-show (kept so the check is idempotent).
CREATE TABLE mock_booking_seats (
    booking_id  INTEGER NOT NULL REFERENCES mock_bookings (booking_id) ON DELETE CASCADE,
    user_id     BIGINT  NOT NULL,
    seat        TEXT    NOT NULL
        CHECK (seat IN ('candidate', 'interviewer', 'bar_raiser', 'waitlist', 'released')),
    source      TEXT    NOT NULL DEFAULT 'button' CHECK (source IN ('button', 'interested')),
    joined_at   TEXT    NOT NULL,
    here_at     TEXT,
    PRIMARY KEY (booking_id, user_id)
);

-- One holder per real seat, whatever races: the database refuses a second one.
CREATE UNIQUE INDEX mock_booking_seat_holder ON mock_booking_seats (booking_id, seat)
    WHERE seat IN ('candidate', 'interviewer', 'bar_raiser');
