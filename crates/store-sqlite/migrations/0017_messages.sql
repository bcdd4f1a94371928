-- Public messages (互动交流, issue 15): a 咨询, 建议 or 投诉 left to an agency on the portal, and
-- what the agency does with it. The tracking code (查询码) is kept only as the lower-case hex
-- SHA-256 of its canonical form, as for online applications; the nonce is the submission's
-- one-time token (a form or an API call sent twice is stored once).
--
-- agency_id: the agency handling it now (assignment changes it); addressed_id: the one the
-- sender chose. request_id links the request it was turned into, or, with from_request = 1, the
-- request (answered as 信访举报投诉, 第三十九条) it was made from; at most one message per request.
CREATE TABLE messages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id     INTEGER NOT NULL REFERENCES agencies (id),
    addressed_id  INTEGER NOT NULL REFERENCES agencies (id),
    kind          TEXT NOT NULL CHECK (kind IN ('consultation', 'suggestion', 'complaint')),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    name          TEXT NOT NULL,
    phone         TEXT NOT NULL,
    received      TEXT NOT NULL,
    submitted_at  TEXT NOT NULL,
    tracking_hash TEXT NOT NULL UNIQUE,
    nonce         TEXT UNIQUE,
    content_hash  TEXT,
    reply_body    TEXT,
    replied_on    TEXT,
    replied_at    TEXT,
    replied_by    TEXT,
    public        INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    abusive       TEXT,
    merged_into   INTEGER REFERENCES messages (id) DEFERRABLE INITIALLY DEFERRED,
    request_id    INTEGER UNIQUE REFERENCES requests (id),
    from_request  INTEGER NOT NULL DEFAULT 0 CHECK (from_request IN (0, 1))
);
CREATE INDEX messages_agency ON messages (agency_id, id);
CREATE INDEX messages_received ON messages (received);
CREATE INDEX messages_replied ON messages (replied_on);
