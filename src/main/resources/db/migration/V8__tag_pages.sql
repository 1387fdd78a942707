-- A tag's page in one index range (issue 19). article_tags.article_created_at repeats its
-- article's created_at (which never changes), so ix_article_tags_tag_newest holds a tag's articles
-- newest first: a page reads offset + limit entries, however many articles the tag has. Before it
-- a page read and sorted every article of the tag, or walked the newest-first index of all
-- articles checking each one's tags.
--
-- Expand only: a nullable column the previous release ignores. Rows it inserts during an instance
-- refresh stay NULL and list after the tag's other articles until this release fills them
-- (conduit.tag.TagStore#fillArticleDates: at every start, and `java -jar conduit.jar backfill`
-- after the refresh). Contract, in a later release once no instance of this one's predecessor
-- runs: ALTER TABLE article_tags MODIFY article_created_at BIGINT NOT NULL, and drop
-- ix_article_tags_tag, which the new index's prefix then serves.
ALTER TABLE article_tags ADD COLUMN article_created_at BIGINT NULL;
UPDATE article_tags SET article_created_at = (SELECT a.created_at FROM articles a WHERE a.id = article_tags.article_id);
CREATE INDEX ix_article_tags_tag_newest ON article_tags (tag_id, article_created_at, article_id);
