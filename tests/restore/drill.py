#!/usr/bin/env python3
"""The API side of scripts/restore-drill local: a write load that records every acknowledged write,
the check that each write acknowledged before the backup's point is in the restore, and the check
that an app started on the restored copy serves it.

    drill.py load --base URL --acks FILE --stop FILE [--users 6] [--workers 3] [--max-seconds 60]
    drill.py missing --acks FILE --before EPOCH --restored DIR
    drill.py serve --base URL --acks FILE --before EPOCH

load: signs users up, then each worker creates articles, comments and favourites in turn, one
request at a time (a bounded load: --workers requests in flight at most), until the stop file
exists or --max-seconds pass. Every acknowledged write (2xx) is appended to the acks file as one
JSON line, with the time the answer came: {"kind", "key", "at"} (users also carry their login).

missing: DIR holds what the restored database has (users.txt: usernames, articles.txt: slugs,
comments.txt: ids, favorites.txt: "username slug" lines). Every write acknowledged before EPOCH
(the moment the backup started) must be there. Exit 0 only when none is missing.

serve: logs in as a user acknowledged before EPOCH (by email and password: the email's blind index
and decryption work through the restored copy), reads that user back, and reads an article
acknowledged before EPOCH with its comments.

Standard library only; loopback; every wait is bounded.
"""
import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request

PASSWORD = "drill-password-1"   # throwaway test users on a throwaway database


def call(base, method, path, body=None, token=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Token " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None
    except OSError:
        return 0, None


class Acks:
    """The acks file: one JSON line per acknowledged write, flushed as it is written."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")
        self.lock = threading.Lock()
        self.count = 0

    def add(self, kind, key, **extra):
        line = json.dumps({"kind": kind, "key": key, "at": time.time(), **extra})
        with self.lock:
            self.file.write(line + "\n")
            self.file.flush()
            self.count += 1


def read_acks(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load(args):
    acks = Acks(args.acks)
    run = f"d{int(time.time() * 1000) % 100_000_000}"
    users = []
    for i in range(args.users):
        name = f"{run}u{i}"
        email = f"{name}@drill.example"
        status, body = call(args.base, "POST", "/api/users",
                            {"user": {"username": name, "email": email, "password": PASSWORD}})
        if status != 201:
            print(f"load: sign-up of {name} failed with {status}", file=sys.stderr)
            return 1
        acks.add("user", name, email=email, password=PASSWORD)
        users.append((name, body["user"]["token"]))

    deadline = time.monotonic() + args.max_seconds
    articles = []            # slugs acknowledged so far, shared by the workers
    lock = threading.Lock()
    counts = {"sent": 0, "failed": 0}

    def worker(n):
        rnd = random.Random(n)
        name, token = users[n % len(users)]
        i = 0
        while time.monotonic() < deadline and not os.path.exists(args.stop):
            i += 1
            with lock:
                known = list(articles)
            step = i % 3
            if step == 1 or not known:
                status, body = call(args.base, "POST", "/api/articles", {"article": {
                    "title": f"{run} drill {n}-{i}", "description": "written during a backup",
                    "body": f"article {i} of worker {n}", "tagList": [f"drill{rnd.randrange(5)}"]}}, token)
                if status == 201:
                    slug = body["article"]["slug"]
                    acks.add("article", slug)
                    with lock:
                        articles.append(slug)
            elif step == 2:
                slug = rnd.choice(known)
                status, body = call(args.base, "POST", f"/api/articles/{slug}/comments",
                                    {"comment": {"body": f"comment {i} of worker {n}"}}, token)
                if status == 201:
                    acks.add("comment", str(body["comment"]["id"]), article=slug)
            else:
                slug = rnd.choice(known)
                status, _ = call(args.base, "POST", f"/api/articles/{slug}/favorite", None, token)
                if status == 200:
                    acks.add("favorite", f"{name} {slug}")
            with lock:
                counts["sent"] += 1
                if status not in (200, 201):
                    counts["failed"] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(args.max_seconds + 30)
    print(f"load: {len(users)} users, {counts['sent']} writes sent, {counts['failed']} failed, "
          f"{acks.count} acknowledged in all")
    return 0


def missing(args):
    present = {}
    for kind, name in (("user", "users"), ("article", "articles"), ("comment", "comments"), ("favorite", "favorites")):
        with open(os.path.join(args.restored, name + ".txt"), encoding="utf-8") as f:
            present[kind] = {line.rstrip("\n") for line in f if line.strip()}
    acks = read_acks(args.acks)
    before = [a for a in acks if a["at"] < args.before]
    after = [a for a in acks if a["at"] >= args.before]
    lost = [a for a in before if a["key"] not in present[a["kind"]]]
    by_kind = {}
    for a in before:
        by_kind[a["kind"]] = by_kind.get(a["kind"], 0) + 1
    print("acknowledged before the backup point: " + ", ".join(f"{n} {k}s" for k, n in sorted(by_kind.items())))
    in_restore_after = sum(1 for a in after if a["key"] in present[a["kind"]])
    print(f"acknowledged after it: {len(after)} ({in_restore_after} of them in the restore, as the snapshot fell)")
    for a in lost[:20]:
        print(f"MISSING {a['kind']} {a['key']} acknowledged at {a['at']:.3f}")
    print(f"acknowledged writes older than the backup point missing from the restore: {len(lost)}")
    return 0 if before and not lost else 1


def serve(args):
    acks = read_acks(args.acks)
    user = next((a for a in acks if a["kind"] == "user" and a["at"] < args.before), None)
    article = next((a for a in acks if a["kind"] == "article" and a["at"] < args.before), None)
    if user is None or article is None:
        print("serve: no user or article was acknowledged before the backup point")
        return 1
    ok = True
    status, body = call(args.base, "POST", "/api/users/login",
                        {"user": {"email": user["email"], "password": user["password"]}})
    logged_in = status == 200 and body["user"]["username"] == user["key"] and body["user"]["email"] == user["email"]
    print(f"serve: login as {user['key']} (by email) -> {status}, email decrypted: {logged_in}")
    ok &= logged_in
    if logged_in:
        status, me = call(args.base, "GET", "/api/user", token=body["user"]["token"])
        ok &= status == 200 and me["user"]["username"] == user["key"]
        print(f"serve: GET /api/user with the new session -> {status}")
    status, body = call(args.base, "GET", f"/api/articles/{article['key']}")
    found = status == 200 and body["article"]["slug"] == article["key"]
    print(f"serve: GET /api/articles/{article['key']} -> {status}")
    ok &= found
    status, body = call(args.base, "GET", f"/api/articles/{article['key']}/comments")
    print(f"serve: its comments -> {status}, {len(body['comments']) if status == 200 else 0} comments")
    ok &= status == 200
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("load")
    p.add_argument("--base", required=True)
    p.add_argument("--acks", required=True)
    p.add_argument("--stop", required=True)
    p.add_argument("--users", type=int, default=6)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--max-seconds", type=float, default=60)
    p = sub.add_parser("missing")
    p.add_argument("--acks", required=True)
    p.add_argument("--before", type=float, required=True)
    p.add_argument("--restored", required=True)
    p = sub.add_parser("serve")
    p.add_argument("--base", required=True)
    p.add_argument("--acks", required=True)
    p.add_argument("--before", type=float, required=True)
    args = ap.parse_args()
    base = getattr(args, "base", None)
    if base:
        args.base = base.rstrip("/")
    return {"load": load, "missing": missing, "serve": serve}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
