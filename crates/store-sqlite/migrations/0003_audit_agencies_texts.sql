-- The hash-chained audit log, 机构改革 (former names, mergers, aliases), the report's text and
-- the installation's key. Existing records predate the log: the log starts with the first write
-- after this migration.

-- One row per write, appended in the write's own transaction. `at` is RFC 3339 UTC text and
-- `prev`/`hash` are hexadecimal SHA-256 (gongkai_audit::entry_hash): the hash covers the exact
-- text stored, whatever the database does with types.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    agency_id INTEGER,
    agency    TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    summary   TEXT NOT NULL,
    prev      TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_log_agency ON audit_log (agency_id, seq);

-- Merged into another agency on a date (both set or neither).
ALTER TABLE agencies ADD COLUMN merged_into INTEGER REFERENCES agencies (id);
ALTER TABLE agencies ADD COLUMN merged_on TEXT;

-- Names an agency used before a rename, each until the day the next name took effect.
CREATE TABLE agency_former_names (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    until     TEXT NOT NULL,
    name      TEXT NOT NULL,
    PRIMARY KEY (agency_id, until)
) WITHOUT ROWID;

CREATE TABLE agency_aliases (
    alias     TEXT PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies (id)
) WITHOUT ROWID;

-- The written parts of an agency-year's report: `part` is `preamble` or a section key.
CREATE TABLE report_text_sets (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year      INTEGER NOT NULL,
    PRIMARY KEY (agency_id, year)
) WITHOUT ROWID;

CREATE TABLE report_texts (
    agency_id INTEGER NOT NULL,
    year      INTEGER NOT NULL,
    part      TEXT NOT NULL,
    text      TEXT NOT NULL,
    PRIMARY KEY (agency_id, year, part),
    FOREIGN KEY (agency_id, year) REFERENCES report_text_sets (agency_id, year)
) WITHOUT ROWID;

-- The installation's secret key (hexadecimal), made on first use.
CREATE TABLE installation (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key TEXT NOT NULL
);
