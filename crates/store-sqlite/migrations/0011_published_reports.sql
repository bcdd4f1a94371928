-- Published annual reports (第四十九条、第五十条): one row per version of an agency-year's report,
-- never updated. `report` is the canonical JSON (spec §4) as published; `note` the 更正说明 of a
-- correction (versions after the first).
CREATE TABLE published_reports (
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    year         INTEGER NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    report       TEXT NOT NULL,
    note         TEXT,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (agency_id, year, version)
);
