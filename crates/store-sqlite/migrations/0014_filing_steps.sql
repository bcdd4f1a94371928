-- The filing workflow of the annual reports (第四十九条): every step of an agency-year's report,
-- numbered from 1 and never updated. `action` is the state the step leads to; a submission
-- keeps the report as submitted (canonical JSON) with the explanations of its warnings (JSON);
-- `note` is a return's comment or a correction's 更正说明; `remarks` a return's comments on
-- cells or sections (JSON); `version` the published version a publication made.
CREATE TABLE filing_steps (
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    year         INTEGER NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    action       TEXT NOT NULL
                 CHECK (action IN ('submitted', 'returned', 'cleared', 'published')),
    report       TEXT,
    explanations TEXT,
    note         TEXT,
    remarks      TEXT,
    version      INTEGER,
    taken_at     TEXT NOT NULL,
    taken_by     TEXT NOT NULL,
    PRIMARY KEY (agency_id, year, seq)
);

-- The overview of a supervisor's subtree reads the steps of a year for many agencies.
CREATE INDEX filing_steps_by_year ON filing_steps (year, agency_id, seq);
