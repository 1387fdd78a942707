#!/usr/bin/env python3
"""Security probes for issue 14 (and the password reset of issue 20): each attack that worked before,
tried again from outside, with a control that proves the probe could have seen it succeed.

    probe.py --base URL --observe URL --log FILE [--data DIR] [--sbom FILE] [--proxy-source 127.0.0.2]

The app must run with TRUSTED_PROXY_CIDRS naming --proxy-source only (as the AMI names the VPC), and
SUDO_MINUTES=0 (so every session is an old one, as a stolen token's may be); every other setting at
its default. Loopback only; every wait is bounded. Prints one line per check and, last,
"N passed, M failed".
"""
import argparse
import http.client
import json
import ipaddress
import os
import random
import socket
import stat
import statistics
import sys
import threading
import time
import urllib.parse

ARGS = None
RESULTS = []
SEQ = [int(time.time() * 1000) % 10_000_000]
# Client addresses for this run: from a random point in 198.18.0.0/15 (the benchmarking range), so that a
# run against a Redis that kept the buckets of an earlier run (within their window) starts afresh.
ADDR = [random.randrange(0, 100_000)]


def unique(prefix):
    SEQ[0] += 1
    return f"{prefix}{SEQ[0]}"


def fresh_address():
    """A client address of its own, as seen through the trusted proxy."""
    ADDR[0] += 1
    return str(ipaddress.IPv4Address("198.18.0.0") + ADDR[0])


def check(item, name, ok, detail=""):
    RESULTS.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} [{item}] {name}" + ("" if ok else f": {detail}"), flush=True)


class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name.lower())

    def all(self, name):
        return [v for k, v in self.raw_headers if k.lower() == name.lower()]

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return {}

    def error(self, field):
        return (self.json().get("errors") or {}).get(field, [None])[0]


def request(method, path, body=None, token=None, headers=None, via_proxy=None, base=None, timeout=30, direct=False):
    """One request, as a client of its own behind the trusted proxy (via_proxy names its address, else a
    fresh one), or with direct=True straight from 127.0.0.1, which is no proxy."""
    if not direct and via_proxy is None:
        via_proxy = fresh_address()
    url = urllib.parse.urlsplit(base or ARGS.base)
    source = (ARGS.proxy_source, 0) if via_proxy else None
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout, source_address=source)
    h = {"Connection": "close"}
    if body is not None:
        h["Content-Type"] = "application/json"
    if token:
        h["Authorization"] = "Token " + token
    if via_proxy:
        h["X-Forwarded-For"] = via_proxy
    h.update(headers or {})
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    conn.request(method, path, body=data, headers=h)
    r = conn.getresponse()
    raw = r.read()
    resp = Resp(r.status, {k.lower(): v for k, v in r.getheaders()}, raw.decode("utf-8", "replace"))
    resp.raw_headers = r.getheaders()
    conn.close()
    return resp


def sign_up(name=None, email=None, password="correct horse battery", via=None, headers=None):
    name = name or unique("probe")
    email = email or f"{name}@example.com"
    r = request("POST", "/api/users", {"user": {"username": name, "email": email, "password": password}},
                via_proxy=via or fresh_address(), headers=headers)
    return r, name, email


def token_of(r):
    return r.json().get("user", {}).get("token")


def login(email, password, via=None, headers=None):
    return request("POST", "/api/users/login", {"user": {"email": email, "password": password}},
                   via_proxy=via or fresh_address(), headers=headers)


def raw_exchange(data, wait=5.0, source=None):
    """Sends raw bytes; returns (text received, closed by the server, seconds)."""
    url = urllib.parse.urlsplit(ARGS.base)
    s = socket.socket()
    if source:
        s.bind((source, 0))
    s.settimeout(wait)
    s.connect((url.hostname, url.port))
    start = time.time()
    s.sendall(data)
    out, closed = b"", False
    try:
        while True:
            b = s.recv(65536)
            if not b:
                closed = True
                break
            out += b
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return out.decode("utf-8", "replace"), closed, time.time() - start


def refilled(start, per_minute):
    """Tokens an evenly refilled bucket of per_minute has earned back since start."""
    return int((time.time() - start) * per_minute / 60)


def log_text():
    with open(ARGS.log, encoding="utf-8", errors="replace") as f:
        return f.read()


def log_events(event):
    out = []
    for line in log_text().splitlines():
        if '"event":"' + event + '"' in line:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


# ------------------------------------------------------------------------------------------------
def probe_1():
    r, name, email = sign_up()
    check(1, "sign-up for the probes", r.status == 201, r.body)
    r = login(email + "\u0001", "correct horse battery")
    check(1, "email + U+0001 does not sign in (422 naming email)", r.status == 422 and r.error("email"), f"{r.status} {r.body}")
    r = login(email, "correct horse battery")
    check(1, "control: the exact email signs in", r.status == 200, f"{r.status} {r.body}")

    victim, vname, vemail = sign_up()
    spellings = [vemail, vemail.upper(), " " + vemail + " ", vemail.replace("example", "ｅｘａｍｐｌｅ")]
    # 10 a minute per account, refilled evenly (one every 6 s): on a slow machine the attempts
    # themselves earn a few back, so the 429 may come that many attempts later, never more.
    start = time.time()
    statuses = [login(spellings[i % 4], f"guess {i}").status for i in range(10)]
    extra = []
    while len(extra) <= refilled(start, per_minute=10):
        r = login(vemail.upper(), f"guess {11 + len(extra)}")
        extra.append(r.status)
        if r.status == 429:
            break
    check(1, "per-account limit holds across spellings and addresses (429 after 10 attempts, plus any refilled meanwhile)",
          statuses == [401] * 10 and r.status == 429 and r.header("retry-after"), f"{statuses} then {extra}")
    _, _, other = sign_up()
    r = login(other, "guess")
    check(1, "control: another account is not limited", r.status == 401, f"{r.status}")

    # Per address (30 a minute, refilled evenly), straight from 127.0.0.1, which is no proxy: a fresh
    # X-Forwarded-For on every attempt changes nothing, so the limit is reached within a few over 30.
    statuses, start, i = [], time.time(), 0
    while len(statuses) < 30 + refilled(start, per_minute=30) + 3:
        statuses.append(request("POST", "/api/users/login", {"user": {"email": f"nobody{i}-{unique('x')}@example.com",
                                "password": "wrong wrong"}}, headers={"X-Forwarded-For": f"10.{i}.{i}.{i}"}, direct=True).status)
        i += 1
        if statuses[-1] == 429:
            break
    check(1, "spoofed X-Forwarded-For from a non-proxy does not reset the per-address limit "
             "(429 by attempt 33, plus any refilled meanwhile)",
          statuses[-1:] == [429] and set(statuses[:-1]) == {401}, f"{statuses} in {time.time() - start:.1f} s")
    r = login(f"nobody-{unique('x')}@example.com", "wrong wrong")  # from the proxy, for a fresh client
    check(1, "control: from the trusted proxy the forwarded address counts (a fresh client is not limited)",
          r.status == 401, f"{r.status}")


def probe_2():
    via = fresh_address()
    statuses = [sign_up(via=via)[0].status for _ in range(20)]
    r = sign_up(via=via)[0]
    check(2, "sign-ups per address are limited (21st 429 + Retry-After)",
          statuses == [201] * 20 and r.status == 429 and r.header("retry-after") and r.error("signup"), f"{statuses} {r.status}")
    check(2, "control: another address signs up", sign_up()[0].status == 201)

    _, _, taken = sign_up()
    taken_t, free_t, bad_t = [], [], []
    # 25 rounds: with n samples of each kind the measure's own spread is about sqrt((2n + 1) / 12n^2),
    # 0.11 at 15 (the 0.2..0.8 band then fails an app with no leak about once in 200 runs, and
    # one with a small bias far more often), 0.08 at 25.
    for _ in range(25):
        # In a random order each round: which request pays for a collection of the small heap
        # (each argon2id hash allocates 7 MiB), or for a busy neighbour, must not line up with one kind.
        for kind in random.sample(("taken", "free", "bad"), 3):
            name = unique("t")
            email = taken if kind == "taken" else (f"{name}@example.com" if kind == "free" else "not-an-email")
            start = time.perf_counter()
            r = sign_up(name=name, email=email)[0]
            elapsed = time.perf_counter() - start
            {"taken": taken_t, "free": free_t, "bad": bad_t}[kind].append(elapsed)
            expected = {"taken": 409, "free": 201, "bad": 422}[kind]
            if r.status != expected:
                check(2, f"timing sample {kind}", False, f"{r.status} {r.body}")
    t, f, b = statistics.median(taken_t), statistics.median(free_t), statistics.median(bad_t)
    # How often a taken email answers later than a free one, over all pairs (the area under the ROC
    # curve of "slower means taken"): 0.5 is indistinguishable, 0 or 1 a perfect oracle. Ranks, not
    # means: the machine is shared and some answers are slow for reasons of their own.
    auc = sum((x > y) + 0.5 * (x == y) for x in taken_t for y in free_t) / (len(taken_t) * len(free_t))
    auc_bad = sum((x > y) + 0.5 * (x == y) for x in bad_t for y in free_t) / (len(bad_t) * len(free_t))
    print(f"     sign-up medians: taken {t * 1000:.1f} ms, free {f * 1000:.1f} ms, invalid {b * 1000:.1f} ms;"
          f" P(taken slower than free) = {auc:.2f}, P(invalid slower than free) = {auc_bad:.2f}")
    check(2, "a taken email cannot be told from a free one by time (P(taken slower) within 0.2..0.8)", 0.2 <= auc <= 0.8,
          f"{auc:.2f}")
    check(2, "control: the same measure tells a missing hash (P(invalid slower) < 0.2)", auc_bad < 0.2, f"{auc_bad:.2f}")


def probe_3():
    r, name, email = sign_up()
    stolen = token_of(r)
    owner = token_of(login(email, "correct horse battery"))
    r1 = request("PUT", "/api/user", {"user": {"password": "attacker password 1"}}, stolen)
    r2 = request("PUT", "/api/user", {"user": {"email": f"evil-{name}@example.com", "currentPassword": "guess"}}, stolen)
    check(3, "a stolen (older) token cannot change the password or email without the current one (403)",
          r1.status == 403 and r2.status == 403 and r1.error("currentPassword") and r2.error("currentPassword"),
          f"{r1.status} {r2.status}")
    check(3, "the owner's session survived the attempts", request("GET", "/api/user", token=owner).status == 200)
    r = request("PUT", "/api/user", {"user": {"password": "rightful new one", "currentPassword": "correct horse battery"}}, stolen)
    check(3, "control: with the current password the change goes through and ends other sessions",
          r.status == 200 and request("GET", "/api/user", token=owner).status == 401, f"{r.status} {r.body}")


def probe_4():
    base = unique("alice")
    r = sign_up(name=base)[0]
    check(4, "sign-up of the original name", r.status == 201, r.body)
    for label, spoof in (("case", base.capitalize()), ("Cyrillic a", "\u0430" + base[1:]),
                         ("full-width", "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in base))):
        r = sign_up(name=spoof, email=f"{unique('sp')}@example.com")[0]
        check(4, f"look-alike username ({label}) is refused", r.status in (409, 422) and r.error("username"), f"{r.status} {r.body}")
    _, n, e = sign_up()
    r = sign_up(email=e.replace("@", "\u200b@"))[0]
    check(4, "email with a zero-width space is refused (422), not a second account", r.status == 422 and r.error("email"), r.body)
    r = sign_up(name=base[:-1] + "x" + "q")[0]
    check(4, "control: a different username signs up", r.status == 201, r.body)


def probe_5():
    name = unique("weak")
    for label, pw in (("12345678", "12345678"), ("eight spaces", " " * 8), ("the username", name), ("password123", "password123")):
        r = sign_up(name=name, password=pw)[0]
        check(5, f"weak password refused: {label}", r.status == 422 and r.error("password"), f"{r.status} {r.body}")
    check(5, "control: a strong password is accepted", sign_up(name=name)[0].status == 201)


def probe_6():
    for path in ("/observe/metrics", "/observe/health", "/observe/health/ready"):
        r = request("GET", path)
        check(6, f"public port answers 404 for {path}", r.status == 404, f"{r.status}")
    for path in ("/observe/metrics/vendor", "/observe/metrics/base", "/observe/metrics/application", "/observe/metrics?scope=vendor"):
        r = request("GET", path, base=ARGS.observe)
        check(6, f"observe port: {path} is no 5xx", r.status < 500, f"{r.status}")
    r = request("GET", "/observe/metrics", base=ARGS.observe, headers={"Accept": "text/plain"})
    check(6, "control: the observe port serves the metrics", r.status == 200 and "jvm_memory_used_bytes" in r.body, f"{r.status}")


def chunked_login(chunks):
    return (b"POST /api/users/login HTTP/1.1\r\nHost: p\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunks)


def probe_7():
    for label, chunks in (("extension 2;a=b", b"2;a=b\r\n{}\r\n0\r\n\r\n"), ("non-hex size", b"zz\r\n{}\r\n0\r\n\r\n")):
        text, closed, _ = raw_exchange(chunked_login(chunks) + b"GET /api/tags HTTP/1.1\r\nHost: p\r\n\r\n", source=ARGS.proxy_source)
        ok = text.startswith("HTTP/1.1 400") and text.count("HTTP/1.1 ") == 1 and '"request"' in text and closed
        check(7, f"chunk {label}: one 400 with a JSON body, connection closed", ok, text[:200])
    body = json.dumps({"user": {"email": "nobody@example.com", "password": "wrong wrong"}}).encode()
    text, _, _ = raw_exchange(chunked_login(b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"), wait=3, source=ARGS.proxy_source)
    check(7, "control: the same request well chunked is processed (401)", text.startswith("HTTP/1.1 401"), text[:100])
    severe = [l for l in log_text().splitlines() if '"level":"SEVERE"' in l]
    check(7, "no SEVERE line in the log", not severe, severe[:1])


def hold(data, seconds, results, key):
    """Sends data and keeps the connection open, recording when (if) the server closes it."""
    url = urllib.parse.urlsplit(ARGS.base)
    s = socket.socket()
    s.settimeout(seconds)
    s.connect((url.hostname, url.port))
    start = time.time()
    s.sendall(data)
    try:
        while s.recv(65536):
            pass
        results[key] = time.time() - start
    except (socket.timeout, ConnectionResetError):
        results[key] = None if not isinstance(results.get(key), float) else results[key]
    finally:
        s.close()


def article_post_headers(token, length, chunked=False):
    h = f"POST /api/articles HTTP/1.1\r\nHost: p\r\nContent-Type: application/json\r\nAuthorization: Token {token}\r\n"
    h += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {length}\r\n\r\n"
    return h.encode()


def big_article(size):
    """An article of about {size} bytes: the body field is capped at 1,000,000 characters, so two-byte ones."""
    return json.dumps({"article": {"title": unique("big"), "description": "d", "body": "é" * (size // 2)}},
                      ensure_ascii=False).encode()


def probe_8():
    # Idle senders: two never-finished chunked logins (anonymous) and two authenticated posts that announce
    # 2 MB and send nothing. Before the fix these reserved the large-body budget, and large posts got 503.
    tokens = [token_of(sign_up()[0]) for _ in range(4)]
    results, threads = {}, []
    idle = [chunked_login(b""), chunked_login(b""), article_post_headers(tokens[0], 2_000_000),
            article_post_headers(tokens[1], 0, chunked=True)]
    for i, data in enumerate(idle):
        t = threading.Thread(target=hold, args=(data, 25, results, i))
        t.start()
        threads.append(t)
    time.sleep(1)
    body = big_article(1_900_000)
    start = time.time()
    r = request("POST", "/api/articles", body, tokens[2], timeout=20)
    check(8, "a large article is accepted while idle senders wait (not 503)", r.status == 201, f"{r.status} {r.body[:100]}")
    print(f"     large post with 4 idle senders open: {r.status} in {time.time() - start:.2f} s")
    for t in threads:
        t.join(30)
    closed = [results.get(i) for i in range(len(idle))]
    check(8, "control: the idle senders are cut off by the body deadline (about 10 s), not held forever",
          all(c is not None and 8 <= c <= 20 for c in closed), str(closed))

    # Control that the budget exists and the probe would see it: two authenticated senders stall after
    # 1.9 MB of a 2 MB body; their bytes are held, so a third large body waits and gets 503.
    stalled, socks = tokens[:2], []
    url = urllib.parse.urlsplit(ARGS.base)
    heavy = [token_of(sign_up()[0]) for _ in range(3)]
    for tok in heavy[:2]:
        s = socket.socket()
        s.settimeout(20)
        s.connect((url.hostname, url.port))
        s.sendall(article_post_headers(tok, 2_000_000) + b'{"article":{"title":"s","description":"d","body":"' + b"y" * 1_900_000)
        socks.append(s)
    time.sleep(1.5)
    r = request("POST", "/api/articles", big_article(1_900_000), heavy[2], timeout=20)
    for s in socks:
        s.close()
    check(8, "control: bytes that did arrive are held, so the budget can run out (503 + Retry-After)",
          r.status == 503 and r.header("retry-after"), f"{r.status} {r.body[:100]}")
    time.sleep(1)
    r = request("POST", "/api/articles", big_article(1_900_000), tokens[3], timeout=20)
    check(8, "the budget comes back once those requests end", r.status == 201, f"{r.status}")


def probe_9():
    name = unique("mime")
    form = json.dumps({"user": {"username": name, "email": f"{name}@example.com", "password": "correct horse battery"}})
    r = request("POST", "/api/users", form.encode(), headers={"Content-Type": "text/plain"}, via_proxy=fresh_address())
    check(9, "text/plain body is refused (415)", r.status == 415, f"{r.status} {r.body}")
    r = request("POST", "/api/users", form.encode(), via_proxy=fresh_address())
    check(9, "control: the same body as application/json signs up", r.status == 201, f"{r.status}")

    token = token_of(r)
    r = request("GET", "/api/tags", headers={"X-Request-Id": token})
    rid_plain = unique("req-plain-")
    r2 = request("GET", "/api/tags", headers={"X-Request-Id": rid_plain})
    time.sleep(0.3)
    text = log_text()
    check(9, "a token-shaped X-Request-Id is replaced, and the token is never in the log",
          r.header("x-request-id") != token and token not in text, r.header("x-request-id"))
    check(9, "control: a plain request id is echoed and logged", r2.header("x-request-id") == rid_plain and rid_plain in text)

    head = request("HEAD", "/api/tags")
    get = request("GET", "/api/tags")
    check(9, "HEAD mirrors GET (status, type, length; no body)", head.status == 200 and head.body == ""
          and head.header("content-length") == str(len(get.body.encode())) and head.header("content-type") == get.header("content-type"),
          f"{head.status} {head.headers}")
    r = request("POST", "/api/tags", {})
    check(9, "an unsupported method is 405 with Allow", r.status == 405 and r.header("allow") == "GET, HEAD, OPTIONS", f"{r.status} {r.header('allow')}")
    check(9, "control: unknown routes stay 404", request("POST", "/api/nothing-here", {}).status == 404)

    via = fresh_address()
    rid = unique("audit-")
    r, uname, email = sign_up()
    tok = token_of(r)
    login(email, "wrong wrong", via=via, headers={"X-Request-Id": rid})  # from its own address, named by the proxy
    request("PUT", "/api/user", {"user": {"password": "another good one", "currentPassword": "correct horse battery"}}, tok)
    time.sleep(0.3)
    failed = [e for e in log_events("login.failed") if e.get("requestId") == rid]
    changed = [e for e in log_events("password.changed") if e.get("userId")]
    check(9, "failed login is audited with client address, request id and user id",
          failed and failed[0].get("clientAddress") == via and failed[0].get("userId"), str(failed))
    check(9, "password change is audited with the user id", bool(changed), "")
    access = [l for l in log_text().splitlines() if rid in l and '"conduit.access"' in l]
    check(9, "control: the same request's access line is in the log (the probe reads the right log)", bool(access))

    via = fresh_address()
    _, n2, e2 = sign_up()
    r = login(e2, "correct horse battery", via=via, headers={"X-Conduit-Client": "web", "X-Forwarded-Proto": "https"})
    cookies = r.all("Set-Cookie")
    host = [c for c in cookies if c.startswith("__Host-conduit_session=")]
    check(9, "under HTTPS the session cookie is __Host- prefixed, Secure, Path=/",
          host and "Secure" in host[0] and "Path=/" in host[0] and "Domain" not in host[0], str(cookies))
    n4 = unique("direct")
    r = request("POST", "/api/users", {"user": {"username": n4, "email": f"{n4}@example.com", "password": "correct horse battery"}},
                headers={"X-Conduit-Client": "web", "X-Forwarded-Proto": "https"}, direct=True)
    plain = r.all("Set-Cookie")
    check(9, "control: X-Forwarded-Proto from a non-proxy changes nothing (plain name, no Secure)",
          r.status == 201 and any(c.startswith("conduit_session=") and "Secure" not in c for c in plain), f"{r.status} {plain}")

    _, n3, e3 = sign_up()
    first = token_of(login(e3, "correct horse battery", headers={"User-Agent": "probe-laptop"}))
    second = token_of(login(e3, "correct horse battery", headers={"User-Agent": "probe-phone"}))
    listed = request("GET", "/api/user/sessions", token=second).json().get("sessions", [])
    agents = {s.get("userAgent") for s in listed}
    check(9, "the user sees their sessions (address, agent, current)", len(listed) == 3 and {"probe-laptop", "probe-phone"} <= agents
          and sum(1 for s in listed if s.get("current")) == 1, json.dumps(listed)[:300])
    other = [s["id"] for s in listed if s.get("userAgent") == "probe-laptop"][0]
    r = request("DELETE", f"/api/user/sessions/{other}", token=second)
    check(9, "ending another session needs the current password (an older session, as a stolen token's)",
          r.status == 403 and r.error("currentPassword") and request("GET", "/api/user", token=first).status == 200, f"{r.status}")
    r = request("DELETE", f"/api/user/sessions/{other}", {"user": {"currentPassword": "correct horse battery"}}, token=second)
    check(9, "with it, ending another session signs it out", r.status == 204 and request("GET", "/api/user", token=first).status == 401)
    check(9, "control: the current session still works", request("GET", "/api/user", token=second).status == 200)

    up = token_of(sign_up()[0])
    five = {"upload": {"contentType": "image/png", "contentLength": 5 * 1024 * 1024, "purpose": "article"}}
    statuses = [request("POST", "/api/uploads", five, up).status for _ in range(20)]
    r = request("POST", "/api/uploads", five, up)
    check(9, "daily upload quota per user (100 MB: the 21st 5 MiB upload is 429)",
          statuses == [201] * 20 and r.status == 429 and r.error("uploads"), f"{statuses} {r.status}")
    check(9, "control: another user can upload", request("POST", "/api/uploads", five, token_of(sign_up()[0])).status == 201)

    if ARGS.data:
        db = os.path.join(ARGS.data, "conduit.mv.db")
        dmode = stat.S_IMODE(os.stat(ARGS.data).st_mode)
        fmode = stat.S_IMODE(os.stat(db).st_mode)
        check(9, "embedded data directory 0700 and database file 0600", dmode == 0o700 and fmode == 0o600,
              f"{oct(dmode)} {oct(fmode)}")
        check(9, "control: the database file the probe looks at is the one in use", os.path.getsize(db) > 0)


def mail_files(to, subject="Reset your Conduit password"):
    """The .eml files with this subject the embedded outbox wrote to this address, oldest first (none without --data)."""
    folder = os.path.join(ARGS.data or "", "mail")
    if not ARGS.data or not os.path.isdir(folder):
        return []
    out = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            text = f.read()
        text_lf = text.replace("\r\n", "\n")
        if f"\nTo: {to}\n" in text_lf and f"\nSubject: {subject}\n" in text_lf:
            out.append(text)
    return out


def probe_recovery():
    """Issue 20: a password-reset request tells nobody whether the address has an account."""
    _, _, known = sign_up()
    known_t, unknown_t, answers, unknowns = [], [], set(), []
    for _ in range(20):
        for kind in random.sample(("known", "unknown"), 2):
            email = known if kind == "known" else f"{unique('nobody')}@example.com"
            if kind == "unknown":
                unknowns.append(email)
            start = time.perf_counter()
            r = request("POST", "/api/users/password-reset", {"user": {"email": email}})
            (known_t if kind == "known" else unknown_t).append(time.perf_counter() - start)
            answers.add((r.status, r.body))
    check("reset", "an address with an account and one without get the same answer (202, one body)",
          answers == {(202, '{"passwordReset":{"status":"requested"}}')}, str(answers))
    auc = sum((x > y) + 0.5 * (x == y) for x in known_t for y in unknown_t) / (len(known_t) * len(unknown_t))
    print(f"     reset medians: account {statistics.median(known_t) * 1000:.1f} ms, no account "
          f"{statistics.median(unknown_t) * 1000:.1f} ms; P(account slower than none) = {auc:.2f}"
          " (the sign-up probe shows what this measure sees when there is a difference)")
    check("reset", "an address with an account cannot be told by time (P(slower) within 0.2..0.8)", 0.2 <= auc <= 0.8,
          f"{auc:.2f}")

    via = fresh_address()
    statuses = [request("POST", "/api/users/password-reset", {"user": {"email": known}}, via_proxy=via).status
                for _ in range(10)]
    r = request("POST", "/api/users/password-reset", {"user": {"email": known}}, via_proxy=via)
    check("reset", "reset requests per address are limited (11th 429 naming passwordReset)",
          statuses == [202] * 10 and r.status == 429 and r.error("passwordReset") and r.header("retry-after"),
          f"{statuses} {r.status} {r.body}")

    if not ARGS.data:
        return
    deadline = time.time() + 15
    while time.time() < deadline and len(mail_files(known)) < 3:
        time.sleep(0.2)
    time.sleep(2)  # a few more relay rounds: anything more that was due would have gone out
    mails = mail_files(known)
    check("reset", "31 requests for one account mailed it 3 links (RESET_LIMIT_PER_ACCOUNT), silently",
          len(mails) == 3, f"{len(mails)} mails")
    strays = [e for e in unknowns if mail_files(e)]
    check("reset", "control: no mail to any of the 20 addresses without an account", not strays, str(strays[:3]))
    tokens = [m.split("reset-password?token=")[1][:43] for m in mails if "reset-password?token=" in m]
    log = log_text()
    check("reset", "no link's token appears in the app's log", tokens and not any(t in log for t in tokens),
          f"{len(tokens)} tokens")
    last = tokens[-1] if tokens else ""
    r = request("POST", "/api/users/password-reset/confirm", {"user": {"token": tokens[0] if tokens else "", "password": "Quiet-Harbour-58"}})
    check("reset", "a superseded link is refused (422 naming token)", r.status == 422 and r.error("token"), f"{r.status} {r.body}")
    r = request("POST", "/api/users/password-reset/confirm", {"user": {"token": last, "password": "Quiet-Harbour-58"}})
    check("reset", "control: the newest link sets the password, and then signs in", r.status == 204
          and login(known, "Quiet-Harbour-58").status == 200, f"{r.status} {r.body}")


def probe_sbom():
    if not ARGS.sbom:
        return
    with open(ARGS.sbom, encoding="utf-8") as f:
        bom = json.load(f)
    names = {c.get("name") for c in bom.get("components", [])}
    check("sbom", "CycloneDX SBOM lists what ships (helidon-webserver, icu4j, nbvcxz, bcprov)",
          bom.get("bomFormat") == "CycloneDX" and {"helidon-webserver", "icu4j", "nbvcxz", "bcprov-jdk18on"} <= names,
          f"{len(names)} components")
    check("sbom", "control: test-only dependencies are left out (junit-jupiter)", "junit-jupiter" not in names)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--observe", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--data")
    p.add_argument("--sbom")
    p.add_argument("--proxy-source", default="127.0.0.2")
    p.add_argument("--only", help="comma-separated probe numbers")
    ARGS = p.parse_args()
    probes = {"1": probe_1, "2": probe_2, "3": probe_3, "4": probe_4, "5": probe_5, "6": probe_6, "7": probe_7,
              "8": probe_8, "9": probe_9, "reset": probe_recovery,
              "sbom": probe_sbom}
    for key, probe in probes.items():
        if ARGS.only and key not in ARGS.only.split(","):
            continue
        try:
            probe()
        except Exception as e:  # a probe that crashed is a failed check, never a silent pass
            check(key, f"probe {key} ran to its end", False, repr(e))
    passed = sum(1 for r in RESULTS if r)
    print(f"{passed} passed, {len(RESULTS) - passed} failed")
    return 0 if passed == len(RESULTS) and RESULTS else 1


if __name__ == "__main__":
    sys.exit(main())
