-- Each agency's 政府信息公开指南 (第十二条): one row per agency, replaced as a whole.
-- `channels` and `forms` are comma-separated keys (gongkai_cases::guide).
CREATE TABLE guides (
    agency_id    INTEGER PRIMARY KEY REFERENCES agencies (id),
    office       TEXT NOT NULL,
    address      TEXT NOT NULL,
    postcode     TEXT NOT NULL,
    hours        TEXT NOT NULL,
    phone        TEXT NOT NULL,
    fax          TEXT NOT NULL,
    email        TEXT NOT NULL,
    website      TEXT NOT NULL,
    channels     TEXT NOT NULL,
    forms        TEXT NOT NULL,
    proactive    TEXT NOT NULL,
    how_to_apply TEXT NOT NULL,
    time_limits  TEXT NOT NULL,
    fees         TEXT NOT NULL,
    remedies     TEXT NOT NULL
);
