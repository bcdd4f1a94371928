-- Routing inside a government (签收, 转办, 协办, 退回): every step of a request, numbered from 1
-- and never updated (gongkai_cases::routing). `from_agency` takes the step; `to_agency` is the
-- unit dispatched to, the dispatcher a return goes back to, or a sub-task's helping unit;
-- `note` a return's reason, what a sub-task asks, or an answer; `due` a sub-task's due date;
-- `task` the sub-task (its step's seq) an answer answers. No step touches the timeline of
-- events: the statutory clock runs from the receipt recorded at registration (第三十三条).
CREATE TABLE routing_steps (
    request_id  INTEGER NOT NULL REFERENCES requests (id),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    action      TEXT NOT NULL
                CHECK (action IN ('dispatch', 'sign', 'return', 'subtask', 'answer')),
    from_agency INTEGER NOT NULL REFERENCES agencies (id),
    to_agency   INTEGER REFERENCES agencies (id),
    note        TEXT NOT NULL DEFAULT '',
    due         TEXT,
    task        INTEGER,
    taken_at    TEXT NOT NULL,
    taken_by    TEXT NOT NULL,
    PRIMARY KEY (request_id, seq)
) WITHOUT ROWID;
-- The 工作台's unsigned dispatches and open sub-tasks of a unit.
CREATE INDEX routing_steps_to ON routing_steps (to_agency, action);

-- The content words of each request's description (jieba, without the words every request
-- says: gongkai_services::similar), for finding near-identical requests at registration
-- without comparing all of them: the candidates share one of the new request's rarest words.
CREATE TABLE request_words (
    word       TEXT NOT NULL,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    PRIMARY KEY (word, request_id)
) WITHOUT ROWID;
CREATE INDEX request_words_by_request ON request_words (request_id);
-- How many requests have each word: which of a request's words are rarest.
CREATE TABLE request_word_counts (
    word TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
) WITHOUT ROWID;
-- The number of content words of the request; NULL until its words are indexed. Existing
-- requests are NULL: the segmentation is the application's (jieba), so they are indexed by
-- the application on first use (gongkai_services::similar::Ctx::index_words), not here.
ALTER TABLE requests ADD COLUMN words INTEGER;
CREATE INDEX requests_unindexed ON requests (id) WHERE words IS NULL;
-- Earlier requests of the same applicant: the same identity number, else name and phone.
CREATE INDEX requests_by_id_number ON requests (id_number) WHERE id_number <> '';
CREATE INDEX requests_by_phone ON requests (phone) WHERE phone <> '';

-- Requests an officer linked as the same request (同一申请), `request_id < other_id`.
CREATE TABLE request_links (
    request_id INTEGER NOT NULL REFERENCES requests (id),
    other_id   INTEGER NOT NULL REFERENCES requests (id),
    linked_at  TEXT NOT NULL,
    linked_by  TEXT NOT NULL,
    PRIMARY KEY (request_id, other_id),
    CHECK (request_id < other_id)
) WITHOUT ROWID;
CREATE INDEX request_links_other ON request_links (other_id);

-- The agency responsible for information this agency does not hold, and how to reach it,
-- stated in the reply (第三十六条第（五）项).
CREATE TABLE request_referrals (
    request_id INTEGER PRIMARY KEY REFERENCES requests (id),
    agency     TEXT NOT NULL,
    contact    TEXT NOT NULL
);
