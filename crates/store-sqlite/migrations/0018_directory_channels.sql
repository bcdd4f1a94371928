-- The standard item directory (政务公开事项标准目录) and the channel register (issue 15).

-- An agency's directory, replaced whole by an import; `position` keeps the file's order.
CREATE TABLE directory_items (
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    code       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    domain     TEXT NOT NULL,
    name       TEXT NOT NULL,
    content    TEXT NOT NULL,
    basis      TEXT NOT NULL,
    time_limit TEXT NOT NULL,
    body       TEXT NOT NULL,
    channels   TEXT NOT NULL,
    PRIMARY KEY (agency_id, code)
) WITHOUT ROWID;

-- The items a catalogue document publishes (its 标准目录事项), by 事项编号: checked against the
-- agency's directory when the document is written, kept as text when the directory changes.
CREATE TABLE document_items (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    position    INTEGER NOT NULL,
    item_code   TEXT NOT NULL,
    PRIMARY KEY (document_id, position)
) WITHOUT ROWID;

-- The portal and the 政务新媒体 accounts of an agency. `platform` is the platform's label
-- (门户网站, 微信公众号, …, or another platform's name).
CREATE TABLE channels (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    platform  TEXT NOT NULL,
    name      TEXT NOT NULL,
    operator  TEXT NOT NULL,
    opened    TEXT NOT NULL,
    closed    TEXT,
    filed     INTEGER NOT NULL CHECK (filed IN (0, 1)),
    UNIQUE (agency_id, name),
    CHECK (closed IS NULL OR closed >= opened)
);

-- The channels a catalogue document was published on (its 发布渠道).
CREATE TABLE document_channels (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    position    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL REFERENCES channels (id),
    PRIMARY KEY (document_id, position)
) WITHOUT ROWID;

-- Monthly counts of a channel's posts not in the catalogue, imported from its statistics.
CREATE TABLE channel_post_counts (
    channel_id INTEGER NOT NULL REFERENCES channels (id),
    year       INTEGER NOT NULL,
    month      INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    posts      INTEGER NOT NULL CHECK (posts >= 0),
    PRIMARY KEY (channel_id, year, month)
) WITHOUT ROWID;
