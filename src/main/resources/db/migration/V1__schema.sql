-- Conduit schema. Runs on H2 (MySQL mode) and MySQL/Aurora; the dollar-brace names are Flyway placeholders
-- for the few dialect differences (see conduit.db.Migrations).
-- Times are epoch milliseconds (BIGINT): exact, zone-free, and the same on every database.

CREATE TABLE users (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    username      VARCHAR(64)   NOT NULL,
    email         VARCHAR(1024) NOT NULL,
    email_lookup  VARCHAR(320)  NOT NULL,
    password_hash VARCHAR(255)  NOT NULL,
    bio           TEXT,
    image         VARCHAR(2048),
    created_at    BIGINT        NOT NULL,
    updated_at    BIGINT        NOT NULL,
    CONSTRAINT uq_users_username UNIQUE (username),
    CONSTRAINT uq_users_email_lookup UNIQUE (email_lookup)
) ${table_options};

CREATE TABLE follows (
    follower_id BIGINT NOT NULL,
    followee_id BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (follower_id, followee_id),
    CONSTRAINT fk_follows_follower FOREIGN KEY (follower_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_follows_followee FOREIGN KEY (followee_id) REFERENCES users (id) ON DELETE CASCADE
) ${table_options};
-- "who follows X" (profile deletes, follower counts); the primary key serves the feed.
CREATE INDEX ix_follows_followee ON follows (followee_id, follower_id);

CREATE TABLE articles (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    slug        VARCHAR(255)  NOT NULL,
    title       VARCHAR(255)  NOT NULL,
    description VARCHAR(1024) NOT NULL,
    body        ${long_text}  NOT NULL,
    author_id   BIGINT        NOT NULL,
    created_at  BIGINT        NOT NULL,
    updated_at  BIGINT        NOT NULL,
    CONSTRAINT uq_articles_slug UNIQUE (slug),
    CONSTRAINT fk_articles_author FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
) ${table_options};
-- Global list, newest first.
CREATE INDEX ix_articles_newest ON articles (created_at, id);
-- ?author= and the feed (one range per followed author), newest first.
CREATE INDEX ix_articles_author_newest ON articles (author_id, created_at, id);

CREATE TABLE tags (
    id   BIGINT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    CONSTRAINT uq_tags_name UNIQUE (name)
) ${table_options};

CREATE TABLE article_tags (
    article_id BIGINT NOT NULL,
    tag_id     BIGINT NOT NULL,
    PRIMARY KEY (article_id, tag_id),
    CONSTRAINT fk_article_tags_article FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE,
    CONSTRAINT fk_article_tags_tag FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE
) ${table_options};
-- ?tag= and "is this tag still used".
CREATE INDEX ix_article_tags_tag ON article_tags (tag_id, article_id);

CREATE TABLE favorites (
    user_id    BIGINT NOT NULL,
    article_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, article_id),
    CONSTRAINT fk_favorites_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_favorites_article FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
) ${table_options};
-- favoritesCount per article; the primary key serves ?favorited= and "did I favourite it".
CREATE INDEX ix_favorites_article ON favorites (article_id, user_id);

CREATE TABLE comments (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    article_id BIGINT NOT NULL,
    author_id  BIGINT NOT NULL,
    body       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT fk_comments_article FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE,
    CONSTRAINT fk_comments_author FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
) ${table_options};
CREATE INDEX ix_comments_article ON comments (article_id, id);
