-- Near-identical requests found by reading the postings of the looked-up request's words
-- (gongkai_store_sql::sql::similar): each posting carries the size of its request's word set,
-- so that one covering index scan gives every shared word and the Jaccard ratio without a
-- look-up per candidate. The rarest-word prefix and its counts are no longer used: with the
-- size in the posting, counting all postings in one pass costs less than checking the
-- candidates of the prefix one by one.
ALTER TABLE request_words ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
UPDATE request_words SET size = coalesce((SELECT words FROM requests r WHERE r.id = request_id), 0);
CREATE INDEX request_words_postings ON request_words (word, size, request_id);
DROP TABLE request_word_counts;
