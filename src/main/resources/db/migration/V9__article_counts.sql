-- How many articles there are, and how many each tag has, kept by the writes themselves (issue
-- 19). A list's articlesCount for all articles or for one tag was a COUNT(*) of the articles or of
-- the tag's links, cached until the next article was created, edited or deleted: every create
-- recounted every count read afterwards, a scan that grows with the table (on the writer, since
-- the fill follows a write). Now each create, tag edit and delete adds its +1 or -1 here in its
-- own transaction (conduit.tag.ArticleCounts), and a count is the sum of a few rows.
--
-- tag_id 0 counts all articles; any other is a tag's id (no foreign key: 0 is not a tag). Each
-- count is spread over 8 rows (slot = article id mod 8), so concurrent creates with the same tag
-- rarely wait for one row's lock.
--
-- Expand only: the previous release ignores the table, and what it writes during an instance
-- refresh is not counted here until `java -jar conduit.jar backfill` recounts after the refresh
-- (docs/RELEASE.md, one-off steps).
CREATE TABLE article_counts (
    tag_id BIGINT NOT NULL,
    slot INT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (tag_id, slot)
) ${table_options};

INSERT INTO article_counts (tag_id, slot, n) SELECT 0, 0, COUNT(*) FROM articles;
INSERT INTO article_counts (tag_id, slot, n) SELECT t.id, 0, (SELECT COUNT(*) FROM article_tags at WHERE at.tag_id = t.id) FROM tags t;
INSERT INTO article_counts (tag_id, slot, n) SELECT c.tag_id, s.slot, 0 FROM article_counts c
    JOIN (SELECT 1 AS slot UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
          UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7) s ON 1 = 1
    WHERE c.slot = 0;
