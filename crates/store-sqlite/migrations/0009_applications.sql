-- Online applications (the portal's 依申请公开 form, 第二十七–二十九条) and what follows them.
--
-- requests.awaiting: 0 confirmed (every request registered by staff or imported); 1 an online
-- application awaiting an officer's confirmation whose date of receipt is already the day of
-- submission (the agency confirms online receipt automatically); 2 one whose date of receipt
-- will be the day the officer confirms (第三十一条第（三）项: the day both sides confirm), so that
-- until then it counts in no report.
ALTER TABLE requests ADD COLUMN awaiting INTEGER NOT NULL DEFAULT 0 CHECK (awaiting IN (0, 1, 2));
-- The few requests whose receipt is not yet known, which the report's facts leave out.
CREATE INDEX requests_receipt_unknown ON requests (agency_id) WHERE awaiting = 2;

-- The tracking code (查询码) is stored as the lower-case hex SHA-256 of its canonical form, never
-- in clear. The nonce is the form's one-time token: a form sent twice is stored once.
CREATE TABLE applications (
    request_id    INTEGER PRIMARY KEY REFERENCES requests (id),
    tracking_hash TEXT NOT NULL UNIQUE,
    nonce         TEXT UNIQUE,
    submitted_at  TEXT NOT NULL,
    confirmed_at  TEXT,
    confirmed_by  TEXT
);

-- The applicant's attachments (blobs by SHA-256), removed by the purge of personal data.
CREATE TABLE application_files (
    request_id INTEGER NOT NULL REFERENCES requests (id),
    position   INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    name       TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0),
    PRIMARY KEY (request_id, position)
) WITHOUT ROWID;

-- The documents of a reply, released to the applicant's tracking page by an officer.
CREATE TABLE reply_documents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id  INTEGER NOT NULL REFERENCES requests (id),
    sha256      TEXT NOT NULL,
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL CHECK (size >= 0),
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    released_at TEXT,
    released_by TEXT
);
CREATE INDEX reply_documents_request ON reply_documents (request_id);

-- Rate-limit counters every server process shares (docs/web.md §5): hits of a key (an action and
-- a keyed hash of the client's address, never the address) per time slot.
CREATE TABLE rate_hits (
    key    TEXT NOT NULL,
    slot   INTEGER NOT NULL,
    hits   INTEGER NOT NULL,
    PRIMARY KEY (key, slot)
) WITHOUT ROWID;
CREATE INDEX rate_hits_window ON rate_hits (slot);
