-- Idempotency-Key of the JSON API (docs/web.md §2): the same key with the same body answers the
-- first response again and creates nothing, so that a client on a bad connection may retry. Per
-- account; the first call's answer is kept for a day. `status` and `body` are NULL while the
-- first call runs. In the database so that every `gongkai serve` process shares them (§5).
CREATE TABLE idempotency_keys (
    user_id      INTEGER NOT NULL REFERENCES users (id),
    idem_key     TEXT NOT NULL,
    -- SHA-256 of the operation and its body, hexadecimal.
    request_hash TEXT NOT NULL,
    created      TEXT NOT NULL,
    status       INTEGER,
    body         TEXT,
    PRIMARY KEY (user_id, idem_key)
) WITHOUT ROWID;
-- Forgetting the keys of yesterday.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created);
