-- Covering indexes for the annual report's facts (`case_facts`): each of its three range scans
-- (received in the year; received before and decided in or after it; received before and still
-- open) can be an index-only scan. They supersede the two narrower indexes of 0001, whose key
-- columns they repeat.
DROP INDEX requests_agency_received;
DROP INDEX requests_agency_decided;
CREATE INDEX requests_facts_received
    ON requests (agency_id, received) INCLUDE (decided_on, outcome, applicant_kind, id);
CREATE INDEX requests_facts_decided
    ON requests (agency_id, decided_on, received) INCLUDE (outcome, applicant_kind, id);
