"""Helpers shared by the benchmark's Python parts (standard library only)."""

import http.client
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse

_local = threading.local()


class HttpError(Exception):
    def __init__(self, status, body, method, path):
        super().__init__(f"{method} {path} -> {status}: {body[:300]!r}")
        self.status = status


def request(base, method, path, body=None, token=None, timeout=30, expect=(200, 201, 204)):
    """One request on a keep-alive connection of this thread; returns (status, parsed JSON or None)."""
    u = urllib.parse.urlsplit(base)
    key = (u.hostname, u.port)
    conns = getattr(_local, "conns", None)
    if conns is None:
        conns = _local.conns = {}
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Token " + token
    for attempt in range(2):
        conn = conns.get(key)
        if conn is None:
            conn = conns[key] = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            break
        except (http.client.HTTPException, OSError):
            conn.close()
            conns.pop(key, None)
            if attempt:
                raise
    if resp.status not in expect:
        raise HttpError(resp.status, raw.decode(errors="replace"), method, path)
    if not raw:
        return resp.status, None
    try:
        return resp.status, json.loads(raw)
    except ValueError:
        return resp.status, None


def metrics(base):
    """The app's Prometheus text as {"name{labels}": value}, from its observe port
    ($BENCH_OBSERVE_BASE; the app serves /observe/* there, never on the public port)."""
    u = urllib.parse.urlsplit(os.environ.get("BENCH_OBSERVE_BASE") or base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    try:
        conn.request("GET", "/observe/metrics", headers={"Accept": "text/plain"})
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([^\s{]+)(\{(?:[^"}]|"[^"]*")*\})?\s+(\S+)', line)
        if not m:
            continue
        labels = m.group(2) or ""
        # Drop the scope label Helidon adds, and the trailing comma, for stable keys.
        labels = re.sub(r',?scope="[^"]*"', "", labels).replace(",}", "}").replace("{,", "{")
        if labels == "{}":
            labels = ""
        try:
            out[m.group(1) + labels] = float(m.group(3))
        except ValueError:
            pass
    return out


def metric_sum(snapshot, name, **labels):
    """Sum of every series of the metric whose labels include the given ones."""
    total = 0.0
    for key, value in snapshot.items():
        base, _, rest = key.partition("{")
        if base != name:
            continue
        if all(f'{k}="{v}"' in rest for k, v in labels.items()):
            total += value
    return total


CLK_TCK = _CLK = os.sysconf("SC_CLK_TCK")


def _stat(path):
    """(name, user + system CPU seconds) from a /proc stat file, or None when it is gone."""
    try:
        with open(path) as f:
            stat = f.read()
        # The name is in parentheses and may hold spaces; after it, fields[0] is state (field 3);
        # utime, stime are fields 14, 15.
        fields = stat[stat.rindex(")") + 2:].split()
        return stat[stat.index("(") + 1:stat.rindex(")")], (int(fields[11]) + int(fields[12])) / _CLK
    except (OSError, ValueError, IndexError):
        return None


def cpu_seconds(pid):
    """User + system CPU seconds of a process (and its reaped children), or None when it is gone."""
    stat = _stat(f"/proc/{pid}/stat")
    return None if stat is None else stat[1]


def jit_seconds(pid):
    """CPU seconds of a JVM's JIT compiler threads (C1 and C2), or None when the process is gone:
    a phase whose app is still compiling measures a cost that falls as it warms."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    threads = (_stat(f"/proc/{pid}/task/{task}/stat") for task in tasks)  # None: the thread ended meanwhile
    return sum(secs for name, secs in filter(None, threads) if name.startswith(("C1 CompilerThre", "C2 CompilerThre")))


def rss_kib(pid):
    """(VmRSS, VmHWM) in KiB from /proc/<pid>/status."""
    vals = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    k, v = line.split(":", 1)
                    vals[k] = int(v.split()[0])
    except OSError:
        return None, None
    return vals.get("VmRSS"), vals.get("VmHWM")


def read_pid(path):
    try:
        with open(path) as f:
            pid = re.sub(r"\D", "", f.read())
        return int(pid) if pid else None
    except OSError:
        return None


def sql(cnf, statement):
    """Runs SQL with the mariadb client and an option file; returns rows as lists of strings."""
    out = subprocess.run(["mariadb", f"--defaults-file={cnf}", "-N", "-B", "-e", statement],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def ready(observe_port):
    """Readiness on an app's observe port, on a connection of its own (the app may not be up yet)."""
    conn = http.client.HTTPConnection("127.0.0.1", observe_port, timeout=0.5)
    try:
        conn.request("GET", "/observe/health/ready")
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def wait_until(predicate, seconds, step=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def read_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default
