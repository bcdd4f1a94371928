-- What an application carried under its one-time token (the form's token or the API's
-- Idempotency-Key, docs/web.md §2): the SHA-256 of its content, so that the same token sent
-- again with the same content answers the first receipt again (an applicant on a bad
-- connection retries), and with another content is refused. `applications.nonce` holds the
-- token's SHA-256 from now on: the tracking code is derived from the token itself, which is
-- never stored.
ALTER TABLE applications ADD COLUMN content_hash TEXT;
