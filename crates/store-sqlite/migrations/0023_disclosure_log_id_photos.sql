-- The public log of answered requests (issue 16): an officer publishes a decided request, the
-- applicant anonymised, under a title the officer wrote; the portal lists it with the documents
-- the officer chose among those released to the applicant (`documents`: their ids, comma-
-- separated; a reply letter naming the applicant is left out). One entry per request;
-- withdrawing removes it.
CREATE TABLE disclosures (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id   INTEGER NOT NULL UNIQUE REFERENCES requests (id),
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    title        TEXT NOT NULL,
    documents    TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL
);
CREATE INDEX disclosures_agency ON disclosures (agency_id, id);

-- The photo of the applicant's identity document, where the agency's guide asks for one: the
-- blob holds it encrypted (ChaCha20-Poly1305 under the installation's key), so that neither a
-- copy of the database nor of the blob directory shows it. Removed by the purge of personal data.
CREATE TABLE application_id_photos (
    request_id INTEGER PRIMARY KEY REFERENCES requests (id),
    sha256     TEXT NOT NULL,
    name       TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0)
);

-- Whether the agency asks an online applicant for a photo of the identity document: `required`
-- or empty (a text column like the guide's others, which are bound and read as one list).
ALTER TABLE guides ADD COLUMN id_photo TEXT NOT NULL DEFAULT '' CHECK (id_photo IN ('', 'required'));
