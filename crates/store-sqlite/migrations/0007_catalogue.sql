-- The proactive-disclosure catalogue (政府信息公开目录, 条例 第十九–二十六条): documents with
-- their statutory metadata, their attachment records, and the attachment bytes of deployments
-- that keep them in the database. Enum values are the texts of gongkai-store-sql's catalogue
-- codec; the parts of an index number and of a 文号 are kept as JSON of the model's parts, as
-- parsed when the document was stored.

-- AUTOINCREMENT: an id is never given twice, so an audit entry or a search index naming one
-- names one document.
CREATE TABLE documents (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id        INTEGER NOT NULL REFERENCES agencies (id),
    -- 索引号 as written, and its key (gongkai_catalogue::IndexNumber::key), unique within the
    -- agency (第十二条).
    index_number     TEXT NOT NULL,
    index_key        TEXT NOT NULL,
    index_parts      TEXT,
    title            TEXT NOT NULL,
    -- 文号 as written, normalised (the key of comparisons), and its parts.
    doc_number       TEXT,
    doc_number_key   TEXT,
    doc_number_parts TEXT,
    written          TEXT,
    published        TEXT NOT NULL,
    category         TEXT,
    item             TEXT,
    topic            TEXT NOT NULL,
    genre            TEXT NOT NULL,
    method           TEXT NOT NULL,
    scope            TEXT NOT NULL,
    validity         TEXT NOT NULL,
    validity_on      TEXT,
    repealed_by      TEXT,
    -- A 政策解读 names the document it explains. Checked at commit: a copy of the installation
    -- inserts by id, and an earlier document may interpret a later one.
    interprets       INTEGER REFERENCES documents (id) DEFERRABLE INITIALLY DEFERRED,
    body_html        TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    -- The catalogue revision of the document's last write: what a search index catches up by.
    revision         INTEGER NOT NULL UNIQUE,
    UNIQUE (agency_id, index_key),
    CHECK ((validity = 'in_force') = (validity_on IS NULL))
);
-- Listing an agency's catalogue newest first, and the year's publications.
CREATE INDEX documents_agency_published ON documents (agency_id, published, id);
-- The interpretations of a document (the 政策解读率 counts them from any agency).
CREATE INDEX documents_interprets ON documents (interprets) WHERE interprets IS NOT NULL;

CREATE TABLE document_attachments (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    position    INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL CHECK (size >= 0),
    PRIMARY KEY (document_id, position)
) WITHOUT ROWID;
CREATE INDEX document_attachments_sha256 ON document_attachments (sha256);

-- Attachment bytes by the SHA-256 of their content (gongkai_store::Blobs on the database). A
-- rowid table: SQLite keeps large rows better in one than WITHOUT ROWID.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    bytes  BLOB NOT NULL,
    size   INTEGER NOT NULL CHECK (size >= 0)
);
