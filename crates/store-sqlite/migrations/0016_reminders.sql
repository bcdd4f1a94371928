-- Reminders (issue 13): where an account's daily digest is sent, and its calendar feed.

-- The account's e-mail address for the daily digest (`gongkai remind --send`); NULL: none.
ALTER TABLE users ADD COLUMN email TEXT;

-- The secret address of an account's iCalendar feed (`/ical/{token}.ics`): at most one per
-- account, replaced when rotated, deleted when revoked. Only the lower-case hexadecimal SHA-256
-- of the token is kept, as for API tokens, so that a copy of the database opens no feed.
CREATE TABLE calendar_feeds (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id),
    secret_hash TEXT NOT NULL UNIQUE,
    created     TEXT NOT NULL
);
