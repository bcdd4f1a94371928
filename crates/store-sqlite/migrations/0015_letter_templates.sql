-- The letter templates an agency edits (gongkai_letters): one row per agency and kind of letter
-- (`reply-withheld`, `correction`, …), replacing the default shipped with gongkai.
CREATE TABLE letter_templates (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    kind      TEXT NOT NULL,
    body      TEXT NOT NULL,
    PRIMARY KEY (agency_id, kind)
);
