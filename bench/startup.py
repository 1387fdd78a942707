#!/usr/bin/env python3
"""Time from `java -jar` to ready, without and with the JDK's AOT cache (JDK 24+, JEP 483/514).

1. One start that is not timed (creates the embedded database, fills the OS page cache).
2. A training run with -XX:AOTCacheOutput=<file>: start, a few requests of every kind, SIGTERM;
   the JVM writes the cache as it exits.
3. RUNS starts of each kind, alternating (plain, AOT, plain, AOT, ...) so that a noisy neighbour
   hurts both alike. Each is timed from just before the process is spawned to the first 200 from
   /observe/health/ready, polled every 10 ms; then SIGTERM.

Every start uses the same JVM flags (--opts), the production ones of the load runs.
"""

import argparse
import os
import re
import shlex
import signal
import statistics
import subprocess
import sys
import time

import common


class App:
    def __init__(self, args, extra_opts, log_path):
        self.args = args
        env = dict(os.environ)
        for kv in args.env:
            k, _, v = kv.partition("=")
            env[k] = v
        env.update(PORT=str(args.port), OBSERVE_PORT=str(args.observe_port), HOST="127.0.0.1", DRAIN_SECONDS="0",
                   SHUTDOWN_GRACE_SECONDS="5")
        cmd = [args.java, *shlex.split(args.opts), *extra_opts, "-jar", args.jar]
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, cwd=args.cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        RUNNING.append(self)

    def wait_ready(self, timeout=60):
        while time.monotonic() - self.started < timeout:
            if common.ready(self.args.observe_port):
                return (time.monotonic() - self.started) * 1000
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        self.stop()
        with open(self.log_path) as f:
            sys.stderr.write(f.read()[-3000:])
        raise SystemExit(f"the app did not become ready (see {self.log_path})")

    def stop(self, timeout=180):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def self_reported_ms(self):
        with open(self.log_path, errors="replace") as f:
            m = re.search(r"started in (\d+) ms", f.read())
        return int(m.group(1)) if m else None


def train(base, observe, rounds):
    """A few requests of every kind, so their classes are loaded and linked in the cache."""
    stamp = time.time_ns()
    for r in range(rounds):
        name = f"aot{stamp % 10**9}r{r}"
        _, body = common.request(base, "POST", "/api/users", {"user": {
            "username": name, "email": f"{name}@bench.example", "password": "training-password-1"}})
        token = body["user"]["token"]
        common.request(base, "POST", "/api/users/login", {"user": {
            "email": f"{name}@bench.example", "password": "training-password-1"}})
        common.request(base, "GET", "/api/user", token=token)
        common.request(base, "PUT", "/api/user", {"user": {"bio": "training"}}, token=token)
        _, a = common.request(base, "POST", "/api/articles", {"article": {
            "title": f"Training {name}", "description": "d", "body": "b", "tagList": ["aot", "training"]}}, token=token)
        slug = a["article"]["slug"]
        for path in ("/api/articles", "/api/articles?limit=10&offset=0", "/api/articles?tag=aot",
                     f"/api/articles?author={name}", f"/api/articles/{slug}", "/api/tags",
                     f"/api/profiles/{name}", f"/api/articles/{slug}/comments"):
            common.request(base, "GET", path)
            common.request(base, "GET", path, token=token)
        common.request(base, "GET", "/api/articles/feed", token=token)
        common.request(base, "POST", f"/api/articles/{slug}/comments", {"comment": {"body": "c"}}, token=token)
        common.request(base, "POST", f"/api/articles/{slug}/favorite", token=token)
        common.request(base, "DELETE", f"/api/articles/{slug}/favorite", token=token)
        common.request(base, "PUT", f"/api/articles/{slug}", {"article": {"description": "d2"}}, token=token)
        common.request(base, "GET", "/api/articles/nope-does-not-exist", expect=(404,))
        # Health and metrics are served on the observe port only (the public port answers 404).
        common.request(observe, "GET", "/observe/metrics")
        common.request(observe, "GET", "/observe/health")


RUNNING = []


def main():
    # SIGTERM (the bench script being stopped) ends this script through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        measure()
    finally:
        for app in RUNNING:
            if app.proc.poll() is None:
                app.proc.kill()
                app.proc.wait()


def measure():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--java", required=True)
    ap.add_argument("--jar", default="target/conduit.jar")
    ap.add_argument("--cwd", default=".")
    ap.add_argument("--opts", default="")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--observe-port", type=int, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--aot", required=True, help="the AOT cache file to train and use")
    ap.add_argument("--log-dir", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.log_dir, exist_ok=True)
    base = f"http://127.0.0.1:{args.port}"
    log = lambda name: os.path.join(args.log_dir, f"startup-{args.label}-{name}.log")

    app = App(args, [], log("first"))
    app.wait_ready()
    app.stop()

    if os.path.exists(args.aot):
        os.remove(args.aot)
    t0 = time.monotonic()
    app = App(args, [f"-XX:AOTCacheOutput={args.aot}"], log("training"))
    app.wait_ready(120)
    train(base, f"http://127.0.0.1:{args.observe_port}", args.rounds)
    rc = app.stop(300)
    training_s = time.monotonic() - t0
    if not os.path.exists(args.aot):
        raise SystemExit(f"no AOT cache written (exit {rc}); see {log('training')}")

    plain, aot, plain_self, aot_self, warnings = [], [], [], [], set()
    for i in range(args.runs):
        for kind in ("plain", "aot"):
            extra = [f"-XX:AOTCache={args.aot}"] if kind == "aot" else []
            app = App(args, extra, log(f"{kind}-{i + 1}"))
            ms = app.wait_ready()
            app.stop()
            (aot if kind == "aot" else plain).append(round(ms, 1))
            (aot_self if kind == "aot" else plain_self).append(app.self_reported_ms())
            if kind == "aot":
                with open(app.log_path, errors="replace") as f:
                    for line in f:
                        if re.search(r"\[(?:warning|error)\]\[(?:aot|cds)", line):
                            warnings.add(re.sub(r"^\[[\d.]+s\]", "", line.strip()))
    out = {
        "label": args.label,
        "opts": args.opts,
        "runs": args.runs,
        "plain_ms": plain,
        "aot_ms": aot,
        "plain_median_ms": statistics.median(plain),
        "aot_median_ms": statistics.median(aot),
        "plain_self_reported_ms": plain_self,
        "aot_self_reported_ms": aot_self,
        "aot_cache_bytes": os.path.getsize(args.aot),
        "aot_training_s": round(training_s, 1),
        "aot_warnings": sorted(warnings),
    }
    common.write_json(args.out, out)
    print(f"  start-up {args.label:<9} plain median {out['plain_median_ms']:.0f} ms {plain}, "
          f"AOT median {out['aot_median_ms']:.0f} ms {aot}", file=sys.stderr)


if __name__ == "__main__":
    main()
