-- Idempotent creates: the request key a client's retry repeats (an HMAC of its Idempotency-Key
-- and scope, never the key itself). A create whose answer was lost after it committed (a 503
-- when the database froze mid-statement) is found by its key on the retry instead of being
-- inserted twice. Expand only: nullable columns the previous release ignores; NULLs never clash.
ALTER TABLE articles ADD COLUMN request_key CHAR(64) NULL;
ALTER TABLE comments ADD COLUMN request_key CHAR(64) NULL;
CREATE UNIQUE INDEX uq_articles_request_key ON articles (request_key);
CREATE UNIQUE INDEX uq_comments_request_key ON comments (request_key);
