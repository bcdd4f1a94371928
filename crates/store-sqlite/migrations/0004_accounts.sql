-- Accounts of the web platform (docs/web.md §1, §5): users with their roles on agencies, login
-- sessions and API tokens, in the database so that every process of an installation shares them.
-- Times are TEXT as sqlx writes a chrono DateTime<Utc> (RFC 3339, `+00:00`, at most six
-- decimals: the store keeps microseconds), so that they compare as times. No secret is stored:
-- passwords as Argon2id PHC strings, sessions and tokens under the lower-case hexadecimal SHA-256
-- of their secret. Roles are the texts of gongkai_access::Role::as_str.

-- AUTOINCREMENT: an id is never given twice, so an audit entry naming one names one account.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created       TEXT NOT NULL,
    -- Failed logins since the last successful one, and the lockout they caused.
    failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until  TEXT
);

-- A role holds on its agency and every agency below it.
CREATE TABLE user_roles (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    role      TEXT NOT NULL,
    PRIMARY KEY (user_id, agency_id, role)
) WITHOUT ROWID;

CREATE TABLE sessions (
    secret_hash TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    csrf        TEXT NOT NULL,
    created     TEXT NOT NULL,
    last_seen   TEXT NOT NULL
) WITHOUT ROWID;
-- Ending an account's sessions; purging those past either timeout.
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_created ON sessions (created);
CREATE INDEX sessions_last_seen ON sessions (last_seen);

-- Revoked tokens are deleted: AUTOINCREMENT keeps their ids from being given again.
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    secret_hash TEXT NOT NULL UNIQUE,
    created     TEXT NOT NULL,
    expires     TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
