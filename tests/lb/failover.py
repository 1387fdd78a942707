#!/usr/bin/env python3
"""Stops app instances behind the load balancer while writes go on, and counts what was lost.

    failover.py LB_URL PID_FILE_TERM PID_FILE_KILL INSTANCE_URL...

1. A user signs up through the load balancer; their token works on every instance directly
   (sessions live in Redis, so any instance serves any request).
2. Phase "sigterm": writers create articles through the load balancer for a few seconds while
   one instance gets SIGTERM (it drains: readiness 503, keeps serving, then stops).
3. Phase "sigkill": the same while another instance gets SIGKILL (no drain at all).
4. Every write the load balancer acknowledged (201) is read back; none may be missing.

Prints one line per phase: requests sent, failed, acknowledged writes missing; then the plain
"N passed, M failed" line. Targets: 0 failures in the sigterm phase, 0 acknowledged writes
missing in both. Loopback only; every loop is bounded in time.
"""
import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request

WRITERS = 6
PHASE_SECONDS = 6.0
STOP_AFTER = 2.0


def call(method, url, token=None, body=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Token " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None
    except Exception:  # connection refused, reset, timeout: the request failed
        return 0, None


def phase(name, lb, token, pid_file, sig):
    sent = failed = 0
    acked = []
    statuses = {}
    lock = threading.Lock()
    deadline = time.monotonic() + PHASE_SECONDS

    def writer(n):
        nonlocal sent, failed
        i = 0
        while time.monotonic() < deadline:
            i += 1
            status, body = call("POST", lb + "/api/articles", token,
                                {"article": {"title": f"{name} {n}-{i}", "description": "d", "body": "b"}})
            with lock:
                sent += 1
                statuses[status] = statuses.get(status, 0) + 1
                if status == 201:
                    acked.append(body["article"]["slug"])
                else:
                    failed += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    time.sleep(STOP_AFTER)
    with open(pid_file) as f:
        os.kill(int(f.read().strip()), sig)
    for t in threads:
        t.join(PHASE_SECONDS + 30)
    missing = [s for s in acked if call("GET", lb + "/api/articles/" + s, token)[0] != 200]
    print(f"failover {name}: sent {sent}, failed {failed}, acknowledged {len(acked)}, "
          f"acknowledged writes missing {len(missing)}, statuses {statuses}")
    return failed, len(missing)


def main():
    lb, term_pid, kill_pid, instances = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    checks = []
    name = f"lb{int(time.time() * 1000) % 10_000_000}"
    status, body = call("POST", lb + "/api/users", body={"user": {"username": name, "email": name + "@example.com",
                                                                  "password": "correct horse"}})
    token = body["user"]["token"] if status == 201 else None
    everywhere = token is not None and all(call("GET", i + "/api/user", token)[0] == 200 for i in instances)
    print(f"failover: session works on every instance ({len(instances)}): {everywhere}")
    checks.append(everywhere)
    if token:
        term_failed, term_missing = phase("sigterm", lb, token, term_pid, signal.SIGTERM)
        checks += [term_failed == 0, term_missing == 0]
        time.sleep(1.5)  # let the load balancer settle on the survivors
        _, kill_missing = phase("sigkill", lb, token, kill_pid, signal.SIGKILL)
        checks.append(kill_missing == 0)
    passed = sum(1 for c in checks if c)
    print(f"{passed} passed, {len(checks) - passed} failed")
    return 0 if passed == len(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
