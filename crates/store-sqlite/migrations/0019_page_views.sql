-- The portal's page views, counted by the server per agency and day (no cookie, no personal
-- data): what section 二 of the annual report states as the portal's visits.
CREATE TABLE page_views (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    day       TEXT NOT NULL,
    views     INTEGER NOT NULL CHECK (views >= 0),
    PRIMARY KEY (agency_id, day)
);
