-- gongkai SQLite schema, version 1. Migrations are append-only: never edit a released file,
-- add the next number. Dates are TEXT 'YYYY-MM-DD' (sqlx's encoding of chrono::NaiveDate), so
-- they sort and compare as dates. Enum values are the texts of gongkai_store::codec.

CREATE TABLE agencies (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    parent_id INTEGER REFERENCES agencies (id)
);

CREATE TABLE requests (
    id             INTEGER PRIMARY KEY,
    agency_id      INTEGER NOT NULL REFERENCES agencies (id),
    -- 受理编号, unique within the agency: the key of ledger re-imports.
    reference      TEXT NOT NULL,
    channel        TEXT NOT NULL,
    received       TEXT NOT NULL,
    description    TEXT NOT NULL,
    requested_form TEXT NOT NULL,
    -- Denormalised for the annual report: the kind the request counts under (first-named
    -- applicant, org_other without applicants) and its closing as the state machine reads the
    -- timeline. Maintained in the same transaction as the events.
    applicant_kind TEXT NOT NULL,
    decided_on     TEXT,
    outcome        TEXT,
    UNIQUE (agency_id, reference),
    CHECK ((decided_on IS NULL) = (outcome IS NULL))
);
CREATE INDEX requests_agency_received ON requests (agency_id, received);
CREATE INDEX requests_agency_decided ON requests (agency_id, decided_on);

CREATE TABLE applicants (
    request_id INTEGER NOT NULL REFERENCES requests (id),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    PRIMARY KEY (request_id, position)
) WITHOUT ROWID;

-- The append-only timeline; seq is 0 for the Received event.
CREATE TABLE events (
    request_id INTEGER NOT NULL REFERENCES requests (id),
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    date       TEXT NOT NULL,
    outcome    TEXT,
    note       TEXT NOT NULL,
    PRIMARY KEY (request_id, seq)
) WITHOUT ROWID;

CREATE TABLE remedies (
    id        INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    reference TEXT NOT NULL,
    kind      TEXT NOT NULL,
    received  TEXT NOT NULL,
    closed_on TEXT,
    result    TEXT,
    UNIQUE (agency_id, reference),
    CHECK ((closed_on IS NULL) = (result IS NULL))
);
CREATE INDEX remedies_agency_received ON remedies (agency_id, received);
CREATE INDEX remedies_agency_closed ON remedies (agency_id, closed_on);

-- The request references (关联受理编号) a case concerns, as written in the ledger: the request
-- need not be in the store.
CREATE TABLE remedy_requests (
    remedy_id INTEGER NOT NULL REFERENCES remedies (id),
    position  INTEGER NOT NULL,
    reference TEXT NOT NULL,
    PRIMARY KEY (remedy_id, position)
) WITHOUT ROWID;

-- An agency-year whose table 二 figures were set (possibly to no cells at all).
CREATE TABLE figure_sets (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year      INTEGER NOT NULL,
    PRIMARY KEY (agency_id, year)
) WITHOUT ROWID;

CREATE TABLE figure_cells (
    agency_id INTEGER NOT NULL,
    year      INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    cell_key  TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (agency_id, year, position),
    UNIQUE (agency_id, year, cell_key),
    FOREIGN KEY (agency_id, year) REFERENCES figure_sets (agency_id, year)
) WITHOUT ROWID;

CREATE TABLE calendar_overrides (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    toml     TEXT NOT NULL,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
