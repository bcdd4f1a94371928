-- Notifications (issue 16 §3): the queue of messages to applicants (at each milestone of their
-- request) and to staff (a request dispatched to them, due soon, overdue), by SMS or e-mail.
-- A worker claims due rows for a lease (`sending` until `lease_until`, one more attempt), sends
-- and marks them `sent`, or puts them back with a later `next_attempt`, or `failed` after the
-- last attempt. `dedup` makes queuing the same message twice add nothing.
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER REFERENCES requests (id),
    user_id      INTEGER REFERENCES users (id),
    milestone    TEXT NOT NULL,
    channel      TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    address      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    dedup        TEXT NOT NULL UNIQUE,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt TEXT NOT NULL,
    lease_until  TEXT,
    last_error   TEXT,
    created      TEXT NOT NULL,
    sent_at      TEXT
);

-- The worker's scan: the due rows of the states it claims, by time.
CREATE INDEX notifications_due ON notifications (state, next_attempt);
-- A request's delivery status on its page.
CREATE INDEX notifications_request ON notifications (request_id);
