#!/usr/bin/env python3
"""Database statements (and Redis commands) per request, per endpoint, measured on the servers.

For each endpoint: empty MariaDB's general query log on the writer and the reader, send N
requests one after another (nothing else runs), then read back every statement the app's
account sent. The app's timers (the replica heartbeat, two statements a beat, one per pool, and
the mail outbox's poll) are recognised by their statements and left out; what remains is split
into application queries (SELECT/INSERT/UPDATE/DELETE on the app's tables) and housekeeping
(SET, COMMIT, ROLLBACK, SELECT @@...). Redis commands come from INFO's total_commands_processed,
less the INFO calls themselves.

List endpoints are measured at limit 10 and at limit 50: an N+1 shows as more queries at 50.
Every GET is sent once before counting, so what is counted is the steady state (the lists'
counts are cached; the first request of a filter adds one COUNT).
"""

import argparse
import os
import re
import subprocess
import sys
import time

import common

APP_SQL = re.compile(r"^\s*(\(?\s*select|insert|update|delete|replace|with)\b", re.I)


def redis_commands(port):
    env = dict(os.environ, REDISCLI_AUTH=os.environ.get("REDIS_PASSWORD", ""))
    out = subprocess.run(["redis-cli", "--no-auth-warning", "-h", "127.0.0.1", "-p", str(port), "INFO", "stats"],
                         env=env, check=True, capture_output=True, text=True).stdout
    m = re.search(r"total_commands_processed:(\d+)", out)
    return int(m.group(1)) if m else 0


def normalise(statement):
    s = re.sub(r"\s+", " ", statement.strip())
    s = re.sub(r"'(?:[^'\\]|\\.)*'", "?", s)
    s = re.sub(r"\b\d+\b", "?", s)
    s = re.sub(r"\(\?(?:, ?\?)*\)", "(?...)", s)
    return s[:160]


class Counter:
    def __init__(self, args):
        self.args = args
        self.cnf = {"writer": args.writer_cnf, "reader": args.reader_cnf}

    def start(self):
        for role, cnf in self.cnf.items():
            common.sql(cnf, "SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = ON; TRUNCATE TABLE mysql.general_log")

    def stop(self):
        for cnf in self.cnf.values():
            common.sql(cnf, "SET GLOBAL general_log = OFF; TRUNCATE TABLE mysql.general_log")

    def reset(self):
        for cnf in self.cnf.values():
            common.sql(cnf, "TRUNCATE TABLE mysql.general_log")

    def collect(self):
        out = {}
        for role, cnf in self.cnf.items():
            rows = common.sql(cnf, "SELECT thread_id, REPLACE(REPLACE(CONVERT(argument USING utf8mb4), '\\n', ' '), '\\t', ' ')"
                                   " FROM mysql.general_log WHERE user_host LIKE 'conduit[%'"
                                   " AND command_type IN ('Query', 'Execute') ORDER BY event_time")
            out[role] = [(r[0], r[1] if len(r) > 1 else "") for r in rows]
        return out


# Statements of the app's timers, not of any request: the replica heartbeat, and the mail
# outbox's poll for due mail and its backlog gauge (each every few seconds, on the writer). A
# count that caught one of them would differ by chance between two endpoints.
BACKGROUND = re.compile(r"replica_heartbeat|^\s*SELECT (id|COUNT\(\*\) AS n, MIN\(created_at\) AS oldest) FROM mail_outbox\b", re.I)


def classify(statements):
    """(app statements, housekeeping statements, background count) from [(thread, statement)] in order.

    A housekeeping statement (SET autocommit=1) right before a background statement on the same
    connection belongs to it too."""
    app, house, beat = [], [], 0
    pending = {}  # connection -> housekeeping statements not yet attributed
    for thread, s in statements:
        if BACKGROUND.search(s):
            beat += 1 + len(pending.pop(thread, []))
        elif APP_SQL.match(s) and "@@" not in s:
            house.extend(pending.pop(thread, []))
            app.append(s)
        else:
            pending.setdefault(thread, []).append(s)
    for rest in pending.values():
        house.extend(rest)
    return app, house, beat


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--writer-cnf", required=True)
    ap.add_argument("--reader-cnf", required=True)
    ap.add_argument("--redis-port", type=int, default=0)
    ap.add_argument("-n", type=int, default=20)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    d = common.read_json(args.data)
    base, n = args.base, args.n
    reader = d["readers"][0]
    author = d["authors"][0]
    author_name = d["author_names"][1]
    fav_user = d["reader_names"][0]
    tag = d["tags"][0]
    slugs = d["slugs"]
    seq = {"k": 0}

    def next_slug():
        seq["k"] += 1
        return slugs[seq["k"] % len(slugs)]

    def article_body(ntags):
        seq["k"] += 1
        return {"article": {"title": f"Query count article {time.time_ns()} {seq['k']}", "description": "d",
                            "body": "b" * 200, "tagList": [f"qc{ntags}x{i}" if i % 2 else d["tags"][i] for i in range(ntags)]}}

    # (label, group, method, path-or-function, token, body-function, warm, compare-key)
    cases = [
        ("GET /api/articles?limit=10 (anonymous, cached)", "list", "GET", "/api/articles?limit=10", None, None, True, None),
        ("GET /api/articles?limit=10", "list", "GET", "/api/articles?limit=10", reader, None, False, "global"),
        ("GET /api/articles?limit=50", "list", "GET", "/api/articles?limit=50", reader, None, False, "global"),
        ("GET /api/articles?tag=…&limit=10", "list", "GET", f"/api/articles?tag={tag}&limit=10", reader, None, False, "tag"),
        ("GET /api/articles?tag=…&limit=50", "list", "GET", f"/api/articles?tag={tag}&limit=50", reader, None, False, "tag"),
        ("GET /api/articles?author=…&limit=10", "list", "GET", f"/api/articles?author={author_name}&limit=10", reader, None, False, "author"),
        ("GET /api/articles?author=…&limit=50", "list", "GET", f"/api/articles?author={author_name}&limit=50", reader, None, False, "author"),
        ("GET /api/articles?favorited=…&limit=10", "list", "GET", f"/api/articles?favorited={fav_user}&limit=10", reader, None, False, "favorited"),
        ("GET /api/articles?favorited=…&limit=50", "list", "GET", f"/api/articles?favorited={fav_user}&limit=50", reader, None, False, "favorited"),
        ("GET /api/articles/feed?limit=10", "list", "GET", "/api/articles/feed?limit=10", reader, None, False, "feed"),
        ("GET /api/articles/feed?limit=50", "list", "GET", "/api/articles/feed?limit=50", reader, None, False, "feed"),
        ("GET /api/articles/{slug} (anonymous, cached)", "read", "GET", lambda: "/api/articles/" + slugs[3], None, None, True, None),
        ("GET /api/articles/{slug}", "read", "GET", lambda: "/api/articles/" + next_slug(), reader, None, False, None),
        ("GET /api/articles/{slug}/comments (1 comment)", "read", "GET", "/api/articles/" + d["comments_one"] + "/comments", reader, None, False, "comments"),
        ("GET /api/articles/{slug}/comments (10 comments)", "read", "GET", "/api/articles/" + d["comments_many"] + "/comments", reader, None, False, "comments"),
        ("GET /api/profiles/{username}", "read", "GET", lambda: "/api/profiles/" + d["usernames"][seq["k"] % len(d["usernames"])], reader, None, False, None),
        ("GET /api/tags (anonymous, cached)", "read", "GET", "/api/tags", None, None, True, None),
        ("GET /api/user", "read", "GET", "/api/user", reader, None, False, None),
        ("POST /api/articles (3 tags)", "write", "POST", "/api/articles", author, lambda: article_body(3), False, "create"),
        ("POST /api/articles (6 tags)", "write", "POST", "/api/articles", author, lambda: article_body(6), False, "create"),
        ("POST /api/articles/{slug}/comments", "write", "POST", lambda: "/api/articles/" + next_slug() + "/comments", author,
         lambda: {"comment": {"body": "query count comment"}}, False, None),
        ("POST /api/articles/{slug}/favorite", "write", "POST", lambda: "/api/articles/" + next_slug() + "/favorite", author, None, False, None),
    ]

    counter = Counter(args)
    counter.start()
    results = []
    try:
        # The heartbeat alone, over a quiet second: reported, and shows the filter works.
        counter.reset()
        time.sleep(1.0)
        idle = counter.collect()
        idle_app = sum(len(classify(idle[r])[0]) for r in idle)
        idle_beat = sum(classify(idle[r])[2] for r in idle)
        r0 = redis_commands(args.redis_port) if args.redis_port else 0
        r1 = redis_commands(args.redis_port) if args.redis_port else 0
        redis_self = r1 - r0  # what one INFO call adds

        for label, group, method, path, token, body, warm, key in cases:
            def send():
                p = path() if callable(path) else path
                common.request(base, method, p, body() if body else None, token=token)

            if warm or method == "GET":
                # One unmeasured request first: the steady state, where the lists' counts
                # (cached per filter for every viewer) are in the cache. A cold list adds one COUNT.
                send()
            counter.reset()
            before = redis_commands(args.redis_port) if args.redis_port else 0
            for _ in range(n):
                send()
            after = redis_commands(args.redis_port) if args.redis_port else 0
            got = counter.collect()
            row = {"endpoint": label, "group": group, "n": n, "compare": key, "cached": warm}
            statements = {}
            for role in ("writer", "reader"):
                app, house, _ = classify(got[role])
                row[f"{role}_app"] = round(len(app) / n, 2)
                row[f"{role}_housekeeping"] = round(len(house) / n, 2)
                for s in app + house:
                    k = f"{role}: {normalise(s)}"
                    statements[k] = statements.get(k, 0) + 1
            row["app_per_request"] = round(row["writer_app"] + row["reader_app"], 2)
            row["housekeeping_per_request"] = round(row["writer_housekeeping"] + row["reader_housekeeping"], 2)
            row["redis_per_request"] = round((after - before - redis_self) / n, 2) if args.redis_port else None
            row["statements"] = {k: round(v / n, 2) for k, v in sorted(statements.items(), key=lambda kv: -kv[1])}
            results.append(row)
    finally:
        counter.stop()

    # Lists: the same count at limit 10 and 50 (and comments at 1 and 10) means no query per row.
    by_key = {}
    for r in results:
        if r["compare"] and r["group"] in ("list", "read"):
            by_key.setdefault(r["compare"], []).append(r["app_per_request"])
    constant = {k: len(set(v)) == 1 for k, v in by_key.items()}
    out = {"n": n, "cases": results, "constant": constant,
           "idle_second": {"heartbeat_statements": idle_beat, "other_app_statements": idle_app}}
    common.write_json(args.out, out)
    bad = [k for k, ok in constant.items() if not ok]
    print(f"  query counts: {len(results)} endpoints x {n} requests; "
          + ("constant in page size for every list" if not bad else "NOT constant: " + ", ".join(bad)), file=sys.stderr)


if __name__ == "__main__":
    main()
