-- Covering indexes for the annual report's facts (`case_facts`): each of its three range scans
-- (received in the year; received before and decided in or after it; received before and still
-- open) reads one of these indexes alone, never the table (the rowid, `id`, is in every SQLite
-- index). They supersede the two narrower indexes of 0001, whose prefixes they repeat. The
-- queries name them with INDEXED BY, so the plan does not depend on statistics.
DROP INDEX requests_agency_received;
DROP INDEX requests_agency_decided;
CREATE INDEX requests_facts_received
    ON requests (agency_id, received, decided_on, outcome, applicant_kind);
CREATE INDEX requests_facts_decided
    ON requests (agency_id, decided_on, received, outcome, applicant_kind);
