#!/usr/bin/env python3
"""Creates the benchmark's data set through the API and writes what the load scripts need.

Users (a few of them "authors", who do all the writing during the timed runs, so the other
"readers" keep reading from the replica: a session that wrote in the last few seconds reads from
the writer), follows, articles with tags, comments and favourites. Writes two files:
  --lua   a Lua table for bench/wrk/mix.lua (tokens, slugs, usernames, tags)
  --json  the same as JSON, for the query counts
"""

import argparse
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import common

PASSWORD = "bench-password-123"
LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut "
         "labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco. ")


def request(*args, **kwargs):
    """common.request, retried while the app answers 503: on a busy machine a burst of sign-ups
    (password hashing) can be slow enough to open the database breaker for a moment, and the
    seed is set-up, not a measurement."""
    for attempt in range(40):
        try:
            return common.request(*args, **kwargs)
        except common.HttpError as e:
            if e.status != 503 or attempt == 39:
                raise
            time.sleep(0.5)


def lua_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_list(items):
    return "{" + ",".join(lua_string(i) for i in items) + "}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--users", type=int, default=64)
    ap.add_argument("--authors", type=int, default=16)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--comments", type=int, default=400)
    ap.add_argument("--tags", type=int, default=20)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--lua", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--summary", help="where to write the counts only (no tokens)")
    args = ap.parse_args()

    rnd = random.Random(42)
    base = args.base
    run = f"{int(time.time()) % 100000:05d}"
    started = time.monotonic()
    pool = ThreadPoolExecutor(args.workers)

    def register(i):
        name = f"bench{run}u{i:03d}"
        user = {"username": name, "email": f"{name}@bench.example", "password": PASSWORD}
        try:
            _, body = request(base, "POST", "/api/users", {"user": user})
        except common.HttpError as e:
            # A sign-up answered 503 after the user was stored, then retried: it exists, log in.
            if e.status != 409:
                raise
            _, body = request(base, "POST", "/api/users/login", {"user": {"email": user["email"], "password": PASSWORD}})
        return name, body["user"]["token"]

    users = list(pool.map(register, range(args.users)))
    names = [u[0] for u in users]
    tokens = [u[1] for u in users]
    authors = list(range(args.authors))
    readers = list(range(args.authors, args.users))
    tags = [f"tag{t:02d}" for t in range(args.tags)]

    # Everyone follows 5 authors: the feed has something to show.
    def follow(i):
        for a in rnd.sample(authors, min(5, len(authors))):
            if a != i:
                request(base, "POST", f"/api/profiles/{names[a]}/follow", token=tokens[i])

    list(pool.map(follow, range(args.users)))

    def create(k):
        a = authors[k % len(authors)]
        r = random.Random(k)
        _, body = request(base, "POST", "/api/articles", {"article": {
            "title": f"Seeded article {run} number {k}",
            "description": f"About {', '.join(r.sample(tags, 2))}",
            "body": (LOREM * 12) + f"\n\n## Part {k}\n\n" + (LOREM * 8),
            "tagList": r.sample(tags, 3)}}, token=tokens[a])
        return body["article"]["slug"]

    # One at a time: concurrent article creation can deadlock on MySQL/MariaDB (see
    # docs/BENCHMARKS.md); the data set must not depend on that.
    slugs = [create(k) for k in range(args.articles)]

    # Comments: most go to the first quarter of the articles; one article gets exactly 10 and
    # one exactly 1, so the query counts can compare a short and a long comment list.
    many, one = slugs[0], slugs[1]
    commented_pool = slugs[2:max(3, args.articles // 4)]
    plan = [many] * 10 + [one]
    plan += [rnd.choice(commented_pool) for _ in range(max(0, args.comments - len(plan)))]

    def comment(k):
        slug = plan[k]
        request(base, "POST", f"/api/articles/{slug}/comments",
                       {"comment": {"body": f"Seeded comment {k}: " + LOREM[:rnd.randint(40, 180)]}},
                       token=tokens[k % len(tokens)])

    list(pool.map(comment, range(len(plan))))

    def favourite(i):
        for slug in random.Random(i).sample(slugs, min(5, len(slugs))):
            request(base, "POST", f"/api/articles/{slug}/favorite", token=tokens[i])

    list(pool.map(favourite, range(args.users)))
    pool.shutdown()

    commented = sorted(set(plan))
    data = {
        "readers": [tokens[i] for i in readers],
        "authors": [tokens[i] for i in authors],
        "reader_names": [names[i] for i in readers],
        "author_names": [names[i] for i in authors],
        "usernames": names,
        "slugs": slugs,
        "commented": commented,
        "comments_many": many,
        "comments_one": one,
        "tags": tags,
        "counts": {"users": len(users), "authors": len(authors), "articles": len(slugs),
                   "comments": len(plan), "tags": len(tags)},
    }
    common.write_json(args.json, data)
    with open(args.lua, "w") as f:
        f.write("-- written by bench/seed.py\nreturn {\n")
        for key in ("readers", "authors", "usernames", "slugs", "commented", "tags"):
            f.write(f"  {key} = {lua_list(data[key])},\n")
        f.write("}\n")
    secs = time.monotonic() - started
    if args.summary:
        common.write_json(args.summary, dict(data["counts"], seconds=round(secs, 1)))
    print(f"seeded {len(users)} users ({len(authors)} authors), {len(slugs)} articles, {len(plan)} comments, "
          f"{len(tags)} tags in {secs:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
