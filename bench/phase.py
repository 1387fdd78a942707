#!/usr/bin/env python3
"""Runs one timed load phase and records what it did to the server.

Closed loop (default): wrk with bench/wrk/mix.lua, -c connections each sending its next request
when the last one is answered. Open loop (--rate R): bench/OpenLoop.java sends R requests per
second whatever the server does and measures each from its scheduled time (no coordinated
omission). Warm-up (not measured), then the measured run. Around the measured run it takes the app's
metrics and the CPU time of the app and of the back-end servers, so each phase also says how
much CPU a request cost, how many reads went to which pool, how the cache did, and which routes
answered with errors. Writes one JSON file.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time

import common

HERE = os.path.dirname(os.path.abspath(__file__))


def run_wrk(args, seconds, env):
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "5s",
           "-s", os.path.join(HERE, "wrk", "mix.lua"), args.base]
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60)
    wall = time.monotonic() - started
    m = re.search(r"^BENCH_RESULT (\{.*\})$", proc.stdout, re.M)
    if proc.returncode != 0 or not m:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"wrk failed for phase {args.name} (exit {proc.returncode})")
    return json.loads(m.group(1)), wall


def run_open_loop(args, pids):
    """Runs bench/OpenLoop with its own warm-up; snapshots the server when it says the measured
    part starts and ends (BENCH_MEASURING / BENCH_MEASURED), so warm-up and drain stay out."""
    cmd = [args.java, "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", args.openloop_cp, "OpenLoop",
           "--url", args.base, "--rate", f"{args.rate:.1f}", "--duration", str(args.duration),
           "--warmup", str(args.warmup), "--connections", str(args.connections), "--mix", args.mix,
           "--path", args.path, "--method", args.method, "--data", args.data_json or ""]
    if args.signed_in:
        cmd.append("--signed-in")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pids = dict(pids, loadgen=proc.pid)
    before = after = result = None
    deadline = started + args.warmup + args.duration + 60
    for line in proc.stdout:
        line = line.strip()
        if line == "BENCH_MEASURING":
            before = (snapshot(args, pids), deadlocks(args.writer_cnf))
        elif line == "BENCH_MEASURED":
            after = (snapshot(args, pids), deadlocks(args.writer_cnf))
        elif line.startswith("BENCH_RESULT "):
            result = json.loads(line[len("BENCH_RESULT "):])
        if time.monotonic() > deadline:
            proc.kill()
            break
    err = proc.stderr.read()
    proc.wait()
    wall = time.monotonic() - started
    if proc.returncode != 0 or not result or not before or not after:
        sys.stderr.write(err)
        raise SystemExit(f"open-loop generator failed for phase {args.name} (exit {proc.returncode})")
    return result, wall, before, after


def machine_cpu():
    """(busy, all) CPU seconds of the whole machine since boot, from /proc/stat: with the
    benchmark's own processes it tells how much the neighbours took during a phase."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)  # idle + iowait
    return (sum(v[:8]) - idle) / common.CLK_TCK, sum(v[:8]) / common.CLK_TCK


def redis_commands():
    """Redis's total_commands_processed in stack mode (the mode's environment names the port), else None."""
    port = os.environ.get("STACK_REDIS_PORT")
    if not port:
        return None
    try:
        out = subprocess.run(["redis-cli", "--no-auth-warning", "-h", "127.0.0.1", "-p", port, "INFO", "stats"],
                             env=dict(os.environ, REDISCLI_AUTH=os.environ.get("REDIS_PASSWORD", "")),
                             capture_output=True, text=True, timeout=5).stdout
        return int(re.search(r"total_commands_processed:(\d+)", out).group(1))
    except (OSError, subprocess.SubprocessError, AttributeError, ValueError):
        return None


def snapshot(args, pids):
    snap = {"metrics": common.metrics(args.base), "cpu": {}, "jit": {}, "machine": machine_cpu(), "redis_commands": redis_commands()}
    for name, pid in pids.items():
        snap["cpu"][name] = common.cpu_seconds(pid)
        if name.startswith("app"):
            snap["jit"][name] = common.jit_seconds(pid)
    return snap


def delta(after, before, name, **labels):
    return common.metric_sum(after["metrics"], name, **labels) - common.metric_sum(before["metrics"], name, **labels)


def route_statuses(before, after):
    """{"POST /api/articles 500": count} for the phase, from the per-route request counters."""
    out = {}
    for key, value in after["metrics"].items():
        if not key.startswith("http_server_requests_seconds_count{"):
            continue
        d = value - before["metrics"].get(key, 0.0)
        if d <= 0:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', key))
        out[f'{labels.get("method")} {labels.get("route") or "(unmatched)"} {labels.get("status")}'] = int(d)
    return out


def pool_stats(before, after):
    """Per connection pool: mean time to get a connection and how long connections were held."""
    out = {}
    pools = set(re.findall(r'hikaricp_connections_acquire_seconds_count\{pool="([^"]+)"', " ".join(after["metrics"])))
    for pool in sorted(pools):
        def d(name):
            return delta(after, before, name, pool=pool)
        n = d("hikaricp_connections_acquire_seconds_count")
        u = d("hikaricp_connections_usage_seconds_count")
        out[pool] = {
            "acquires": int(n),
            "acquire_mean_ms": round(1000 * d("hikaricp_connections_acquire_seconds_sum") / n, 3) if n else None,
            "acquire_max_ms": round(1000 * common.metric_sum(after["metrics"], "hikaricp_connections_acquire_seconds_max", pool=pool), 1),
            "usage_mean_ms": round(1000 * d("hikaricp_connections_usage_seconds_sum") / u, 3) if u else None,
            "size": int(common.metric_sum(after["metrics"], "hikaricp_connections_max", pool=pool)),
        }
    return out


def deadlocks(cnf):
    """MariaDB's Innodb_deadlocks counter on the writer, or None without one."""
    if not cnf:
        return None
    try:
        rows = common.sql(cnf, "SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'")
        return int(rows[0][1])
    except (subprocess.CalledProcessError, IndexError, ValueError, OSError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--title", default="")
    ap.add_argument("--base", required=True)
    ap.add_argument("--mix", required=True, choices=["baseline", "path", "read", "write", "create"])
    ap.add_argument("--path", default="/observe/health/live")
    ap.add_argument("--method", default="GET")
    ap.add_argument("--signed-in", action="store_true")
    ap.add_argument("--data", default="")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--max-requests", type=int, default=3_000_000)
    ap.add_argument("--pid", action="append", default=[], help="name=pidfile: processes whose CPU time is counted")
    ap.add_argument("--writer-cnf", help="mariadb option file of the writer: count InnoDB deadlocks")
    ap.add_argument("--out", required=True)
    ap.add_argument("--rate", type=float, help="open loop: requests per second (bench/OpenLoop.java)")
    ap.add_argument("--rate-of", default="", help="open loop: the closed-loop phase the rate is a share of")
    ap.add_argument("--rate-share", type=float, help="open loop: that share (0..1)")
    ap.add_argument("--data-json", default="", help="open loop: bench/seed.py's JSON data file")
    ap.add_argument("--openloop-cp", default="", help="open loop: the directory of the compiled OpenLoop class")
    ap.add_argument("--java", default="java")
    args = ap.parse_args()

    pids = {}
    for spec in args.pid:
        name, _, path = spec.partition("=")
        pid = common.read_pid(path)
        if pid:
            pids[name] = pid

    if args.rate:
        result, wall, (before, deadlocks0), (after, deadlocks1) = run_open_loop(args, pids)
        # The generator's CPU comes from /proc at the markers, like the servers' (it is a child
        # that has not exited yet, so getrusage cannot see it).
        gen = [before["cpu"].pop("loadgen", None), after["cpu"].pop("loadgen", None)]
        loadgen_cpu = gen[1] - gen[0] if None not in gen else 0.0
    else:
        env = dict(os.environ, BENCH_MIX=args.mix, BENCH_PATH=args.path, BENCH_METHOD=args.method,
                   BENCH_SIGNED_IN="1" if args.signed_in else "0", BENCH_DATA=args.data,
                   BENCH_THREADS=str(args.threads), BENCH_MAX_REQUESTS=str(args.max_requests))
        if args.warmup > 0:
            run_wrk(args, args.warmup, env)

        deadlocks0 = deadlocks(args.writer_cnf)
        before = snapshot(args, pids)
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        result, wall = run_wrk(args, args.duration, env)
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        after = snapshot(args, pids)
        deadlocks1 = deadlocks(args.writer_cnf)
        loadgen_cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)

    requests = result["requests"]
    secs = result["duration_us"] / 1e6
    errors = result["errors"]
    lat = result["latency_us"]
    cpu = {}
    for name in pids:
        b, a = before["cpu"].get(name), after["cpu"].get(name)
        if a is not None and b is not None:
            cpu[name] = {"seconds": round(a - b, 3), "ms_per_request": round(1000 * (a - b) / max(requests, 1), 4),
                         "cores": round((a - b) / secs, 3)}
            jb, ja = before["jit"].get(name), after["jit"].get(name)
            if ja is not None and jb is not None:
                cpu[name]["jit_seconds"] = round(ja - jb, 3)  # part of "seconds": its JIT compilers
    # Key "wrk" for the load generator whichever it is: the report's CPU table reads it.
    cpu["wrk"] = {"seconds": round(loadgen_cpu, 3), "ms_per_request": round(1000 * loadgen_cpu / max(requests, 1), 4),
                  "cores": round(loadgen_cpu / secs, 3)}
    busy = after["machine"][0] - before["machine"][0]
    ours = sum(v["seconds"] for v in cpu.values())
    machine = {"busy_cores": round(busy / secs, 3), "others_cores": round(max(busy - ours, 0) / secs, 3),
               "cores": os.cpu_count()}
    rc = None if None in (before["redis_commands"], after["redis_commands"]) else \
        after["redis_commands"] - before["redis_commands"]
    reader = delta(after, before, "db_reads_total", pool="reader")
    writer = delta(after, before, "db_reads_total", pool="writer")
    hits = delta(after, before, "cache_hits_total")
    misses = delta(after, before, "cache_misses_total")
    out = {
        "name": args.name,
        "title": args.title or args.name,
        "mix": args.mix,
        "path": args.path if args.mix in ("baseline", "path") else None,
        "method": args.method if args.mix in ("baseline", "path") else None,
        "signed_in": args.signed_in,
        "connections": args.connections,
        "threads": args.threads,
        "duration_s": round(secs, 3),
        "warmup_s": args.warmup,
        "requests": requests,
        "rps": round(requests / secs, 1) if secs else 0,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "latency_ms": {
            "min": lat["min"] / 1000, "mean": round(lat["mean"] / 1000, 3), "max": lat["max"] / 1000,
            "p": {k: v / 1000 for k, v in lat["p"].items()},
        },
        "p50_ms": lat["p"]["50"] / 1000,
        "p90_ms": lat["p"]["90"] / 1000,
        "p99_ms": lat["p"]["99"] / 1000,
        "cpu": cpu,
        "db_reads": {"reader": int(reader), "writer": int(writer),
                     "read_your_writes": int(delta(after, before, "db_read_your_writes_total")),
                     "per_request": round((reader + writer) / max(requests, 1), 3)},
        "cache": {"hits": int(hits), "misses": int(misses),
                  "hit_ratio": round(hits / (hits + misses), 3) if hits + misses else None},
        "pools": pool_stats(before, after),
        "routes": route_statuses(before, after),
        "deadlocks": None if deadlocks0 is None or deadlocks1 is None else deadlocks1 - deadlocks0,
        "wall_s": round(wall, 2),
        "generator": "open" if args.rate else "closed",
        "machine": machine,
        "bytes_per_request": round(result.get("bytes", 0) / max(requests, 1)),
        "redis_commands_per_request": None if rc is None else round(rc / max(requests, 1), 3),
    }
    if args.rate:
        out["open_loop"] = dict(result["open_loop"], of=args.rate_of, share=args.rate_share)
    common.write_json(args.out, out)
    e = f"{out['errors']} errors" if out["errors"] else "0 errors"
    tail = f"  p99.9 {lat['p']['99.9'] / 1000:8.2f} ms" if args.rate else ""
    print(f"  {args.name:<22} {out['rps']:>9.1f} req/s  p50 {out['p50_ms']:7.2f} ms  p99 {out['p99_ms']:7.2f} ms{tail}  {e}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
