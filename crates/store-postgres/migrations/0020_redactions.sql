-- Redaction for partial disclosure (区分处理, 第三十七条) of the reply documents: the boxes an
-- officer marks on a document, and the released copy rebuilt from them, which is what the
-- applicant gets. The original stays in reply_documents, for the handling roles only.

-- The boxes of a document, in order. Coordinates are millionths of the page's width and
-- height from its top left corner (integers: exact on both backends and in a copy between
-- them). `reason` is the article of the 条例 (第十四条, 第十五条, …); `pattern` says whether the
-- pattern pass marked the box (identity, mobile, bank card numbers) rather than an officer.
CREATE TABLE redaction_boxes (
    document_id BIGINT NOT NULL REFERENCES reply_documents (id),
    position    BIGINT NOT NULL CHECK (position >= 0),
    page        BIGINT NOT NULL CHECK (page >= 1),
    x           BIGINT NOT NULL CHECK (x >= 0),
    y           BIGINT NOT NULL CHECK (y >= 0),
    w           BIGINT NOT NULL CHECK (w > 0 AND x + w <= 1000000),
    h           BIGINT NOT NULL CHECK (h > 0 AND y + h <= 1000000),
    reason      TEXT NOT NULL,
    pattern     BOOLEAN NOT NULL,
    added_at    TIMESTAMPTZ NOT NULL,
    added_by    TEXT NOT NULL,
    PRIMARY KEY (document_id, position)
);

-- The released copy of a document (a blob), built when an approver released it; the document's
-- released_at/released_by say when and by whom.
CREATE TABLE released_copies (
    document_id BIGINT PRIMARY KEY REFERENCES reply_documents (id),
    sha256      TEXT NOT NULL,
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        BIGINT NOT NULL CHECK (size >= 0),
    built_at    TIMESTAMPTZ NOT NULL,
    built_by    TEXT NOT NULL
);
CREATE INDEX released_copies_sha256 ON released_copies (sha256);
