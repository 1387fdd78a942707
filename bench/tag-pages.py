#!/usr/bin/env python3
"""bench/tag-pages.py: what one ?tag= page costs MariaDB before and after migration V8.

Fills a scratch database (`tagbench`, dropped first) on the stack's writer with N articles of 3
of 20 tags each (16 authors, 1.5 KB bodies), then times 600 pages (limit 10, offsets 0/10/20,
random tags) of each statement, twice, alternating: the page ids as the app chose them before V8
(read and sort a tag's every article below 500 articles a tag, else walk the newest-first index
of all articles checking each one's tags), and as ArticleStore.TAG_PAGE_IDS chooses them now
(the tag's links newest first in ix_article_tags_tag_newest). Both must give the same ids. One
mariadb client session per batch, so each figure includes a local round trip per page.

    scripts/stack up db && eval "$(scripts/stack env db)"
    python3 bench/tag-pages.py 2000 20000      # article counts; about a minute
"""
import os
import random
import subprocess
import sys
import time

CNF = os.environ.get("STACK_DB_WRITER_CNF") or sys.exit("tag-pages: STACK_DB_WRITER_CNF is not set (eval \"$(scripts/stack env db)\")")
REPS = 600
READ_AND_SORT = ("SELECT a.id FROM articles a JOIN article_tags at ON at.article_id = a.id JOIN tags t ON t.id = at.tag_id"
                 " WHERE t.name = '{tag}' ORDER BY a.created_at DESC, a.id DESC LIMIT 10 OFFSET {off}")
WALK = ("SELECT a.id FROM articles a WHERE EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id"
        " WHERE at.article_id = a.id AND t.name = '{tag}') ORDER BY a.created_at DESC, a.id DESC LIMIT 10 OFFSET {off}")
V8 = ("SELECT at.article_id AS id FROM article_tags at WHERE at.tag_id = (SELECT t.id FROM tags t WHERE t.name = '{tag}')"
      " ORDER BY at.tag_id DESC, at.article_created_at DESC, at.article_id DESC LIMIT 10 OFFSET {off}")
SCHEMA = """
CREATE TABLE articles (id BIGINT AUTO_INCREMENT PRIMARY KEY, slug VARCHAR(255) NOT NULL, title VARCHAR(255) NOT NULL,
  description VARCHAR(1024) NOT NULL, body MEDIUMTEXT NOT NULL, author_id BIGINT NOT NULL, created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL, UNIQUE (slug)) ENGINE=InnoDB;
CREATE INDEX ix_articles_newest ON articles (created_at, id);
CREATE TABLE tags (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL, UNIQUE (name));
CREATE TABLE article_tags (article_id BIGINT NOT NULL, tag_id BIGINT NOT NULL, article_created_at BIGINT NULL,
  PRIMARY KEY (article_id, tag_id));
CREATE INDEX ix_article_tags_tag ON article_tags (tag_id, article_id);
CREATE INDEX ix_article_tags_tag_newest ON article_tags (tag_id, article_created_at, article_id);
"""


def sql(statements, db="tagbench"):
    args = ["mariadb", "--defaults-file=" + CNF, "-N"] + ([db] if db else [])
    return subprocess.run(args, input=statements, check=True, capture_output=True, text=True).stdout


def fill(n):
    sql("DROP DATABASE IF EXISTS tagbench; CREATE DATABASE tagbench;", db=None)
    sql(SCHEMA)
    sql("INSERT INTO tags (name) VALUES " + ",".join(f"('tag{i}')" for i in range(20)) + ";")
    rng = random.Random(1)
    for start in range(0, n, 1000):
        rows, links = [], []
        for i in range(start, min(n, start + 1000)):
            at = 1_000_000 + i * 10
            rows.append(f"('s{i}','t{i}','d{i}','{'x' * 1500}',{i % 16 + 1},{at},{at})")
            links += [f"({i + 1},{t},{at})" for t in rng.sample(range(1, 21), 3)]
        sql("INSERT INTO articles (slug,title,description,body,author_id,created_at,updated_at) VALUES " + ",".join(rows) + ";"
            + "INSERT INTO article_tags VALUES " + ",".join(links) + ";")
    sql("ANALYZE TABLE articles, article_tags, tags;")


def per_page_micros(template, rng):
    pages = [template.format(tag=f"tag{rng.randrange(20)}", off=rng.choice((0, 10, 20))) for _ in range(REPS)]
    started = time.perf_counter()
    sql(";\n".join(pages) + ";\n")
    return (time.perf_counter() - started) / REPS * 1e6


def main():
    rng = random.Random(2)
    for n in [int(a) for a in sys.argv[1:]] or [2000, 20000]:
        fill(n)
        per_tag = n * 3 // 20
        before, name = (WALK, "walk") if per_tag >= 500 else (READ_AND_SORT, "read and sort")
        same = all(sql(before.format(tag=f"tag{t}", off=o)).split() == sql(V8.format(tag=f"tag{t}", off=o)).split()
                   for t in (0, 7, 19) for o in (0, 20))
        for rnd in (1, 2):
            b, a = per_page_micros(before, rng), per_page_micros(V8, rng)
            print(f"{n} articles ({per_tag} a tag), round {rnd}: before ({name}) {b:.0f} us a page,"
                  f" V8 index {a:.0f} us a page, {b / a:.1f}x; same ids: {same}")
    sql("DROP DATABASE tagbench;", db=None)


if __name__ == "__main__":
    main()
