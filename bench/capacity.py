#!/usr/bin/env python3
"""Capacity and cost model of Conduit on AWS, computed from one scripts/bench run.

    python3 bench/capacity.py target/bench/<run>/results.json [--mix read-heavy] [--json OUT]

From the measured CPU time per request of the app, the MariaDB writer and reader and Redis in
one mix (stack mode), it sizes each tier for 1 k, 10 k, 100 k and 1 M requests per second of
that mix, says what limits each step, and prices it with AWS's on-demand list prices (copied
figures below, see docs/CAPACITY.md). It also holds the model's check on this machine
(local_check): the throughput of two app instances behind HAProxy predicted from one.

Standard library only. The assumptions are constants here, each with its reason, so a changed
assumption is a one-line change that the docs' table follows.
"""

import argparse
import json
import math
import sys

# ------------------------------------------------------------------------------ assumptions

# Plan every tier to this share of its CPU: headroom for bursts, failover and GC, and
# queueing (at 70 % busy an M/M/1 queue waits 2.3 service times on average).
UTILISATION = 0.70

# A request's CPU time here is taken as its CPU time on the AWS instance's vCPU. Graviton vCPUs
# are physical cores, this machine's are shared hyper-threads of a busy host: if anything the
# figures are pessimistic. Change this factor to scale every tier's CPU per request.
CPU_FACTOR = 1.0

# App instance: c7g.large (2 vCPU Graviton3, 4 GiB). The production unit's JVM needs ~0.25 GiB
# (docs/BENCHMARKS.md); a larger instance only amortises the OS.
APP = {"type": "c7g.large", "vcpu": 2, "usd_hour": 0.0725}

# Aurora MySQL instances (memory-optimised Graviton2), vCPU, list price and the default
# max_connections of the instance class (AWS's table for Aurora MySQL).
DB_CLASSES = [
    {"type": "db.r6g.large", "vcpu": 2, "usd_hour": 0.260, "max_connections": 1000},
    {"type": "db.r6g.xlarge", "vcpu": 4, "usd_hour": 0.519, "max_connections": 2000},
    {"type": "db.r6g.2xlarge", "vcpu": 8, "usd_hour": 1.038, "max_connections": 3000},
    {"type": "db.r6g.4xlarge", "vcpu": 16, "usd_hour": 2.076, "max_connections": 4000},
    {"type": "db.r6g.8xlarge", "vcpu": 32, "usd_hour": 4.152, "max_connections": 5000},
    {"type": "db.r6g.12xlarge", "vcpu": 48, "usd_hour": 6.228, "max_connections": 6000},
    {"type": "db.r6g.16xlarge", "vcpu": 64, "usd_hour": 8.304, "max_connections": 6000},
]
MAX_READERS = 15  # Aurora replicas per cluster

# ElastiCache for Redis OSS, one node per shard (add one replica per shard for availability:
# REDIS_REPLICAS). Redis executes commands on one thread, so a shard's command capacity is one
# core, whatever the node's vCPU count (the others do network I/O with enhanced I/O).
REDIS = {"type": "cache.r6g.large", "usd_hour": 0.206, "command_cores": 1}
REDIS_REPLICAS = 1
MAX_SHARDS = 500  # cluster mode enabled

# Each app instance holds up to this many connections per pool (DB_WRITER_POOL_SIZE,
# DB_READER_POOL_SIZE defaults; infra/conduit.yaml's alarm says the same), and this many more
# to the writer for transactions (DB_WRITER_TX_POOL_SIZE).
POOL_SIZE = 10
TX_POOL_SIZE = 4
WRITER_CONNECTIONS = POOL_SIZE + TX_POOL_SIZE  # per app instance

# Application Load Balancer: an hour, and a Load Balancer Capacity Unit hour, which is the
# largest of: 25 new connections/s, 3,000 active connections/min, 1 GB processed/h (for EC2
# targets), 1,000 rule evaluations/s (the first 10 rules free; the app's listener has fewer).
ALB = {"usd_hour": 0.0225, "usd_lcu_hour": 0.008, "gb_per_lcu_hour": 1.0, "new_conn_per_lcu": 25,
       "active_conn_per_lcu": 3000}
# Clients keep connections alive: assume a browser session of 50 requests per connection.
REQUESTS_PER_CONNECTION = 50
# Request and response headers the benchmark's byte count does not include in both directions.
HEADER_BYTES = 600

HOURS_PER_MONTH = 730
PRICES = ("AWS on-demand list prices, US East (N. Virginia) us-east-1, Linux, as published by AWS in 2025 "
          "(copied figures, not fetched: check the price pages before relying on them)")

RATES = [1_000, 10_000, 100_000, 1_000_000]

PARTS = ("app", "app2", "db_writer", "db_reader", "redis", "lb", "wrk")


# ------------------------------------------------------------------------------ measured input

def per_request(result, mix="read-heavy", mode="stack"):
    """The measured cost of one request of a mix, from results.json."""
    p = ((result.get("modes") or {}).get(mode) or {}).get("phases", {}).get(mix)
    if not p:
        raise SystemExit(f"capacity: no {mode} phase '{mix}' in the results")
    cpu = {k: v["ms_per_request"] * CPU_FACTOR for k, v in p["cpu"].items()}
    reads = p["db_reads"]
    n = max(p["requests"], 1)
    return {
        "mix": p["title"], "rps_here": p["rps"],
        "app_ms": cpu.get("app", 0.0), "writer_ms": cpu.get("db_writer", 0.0),
        "reader_ms": cpu.get("db_reader", 0.0), "redis_ms": cpu.get("redis", 0.0),
        "writer_reads": reads["writer"] / n, "reader_reads": reads["reader"] / n,
        "redis_commands": p.get("redis_commands_per_request"),
        "response_bytes": p.get("bytes_per_request") or 2000,
        "pool_held_ms": {k: v.get("usage_mean_ms") for k, v in (p.get("pools") or {}).items()},
    }


def db_class_for(cores_needed):
    """The smallest Aurora class whose vCPUs at UTILISATION cover the need, or None."""
    for c in DB_CLASSES:
        if c["vcpu"] * UTILISATION >= cores_needed:
            return c
    return None


def size(m, rate):
    """One row of the model: what serves `rate` requests/s of the mix, what limits it, and its cost."""
    limits = []
    app_cores = rate * m["app_ms"] / 1000
    apps = max(2, math.ceil(app_cores / (APP["vcpu"] * UTILISATION)))  # two for availability

    # Writer: one instance takes every write and the reads that must be fresh.
    w_cores = rate * m["writer_ms"] / 1000
    writer = db_class_for(w_cores)
    if writer is None:
        writer = DB_CLASSES[-1]
        limits.append(f"the writer: {w_cores:.0f} cores of MariaDB-measured work exceed the largest class "
                      f"({writer['vcpu']} vCPU at {UTILISATION:.0%}): needs sharding or fewer writer reads")
    # Readers: the same class as the writer (failover target), as many as the reads need.
    r_cores = rate * m["reader_ms"] / 1000
    readers = max(1, math.ceil(r_cores / (writer["vcpu"] * UTILISATION)))
    if readers > MAX_READERS:
        limits.append(f"Aurora readers: {readers} needed, {MAX_READERS} per cluster")
    # Connections: every app instance's writer pool goes to the writer; the reader pools spread
    # over the readers through the reader endpoint.
    w_conns = apps * WRITER_CONNECTIONS
    r_conns = math.ceil(apps * POOL_SIZE / readers)
    if w_conns > writer["max_connections"]:
        limits.append(f"writer connections: {w_conns:,} from {apps} instances × {WRITER_CONNECTIONS} > "
                      f"max_connections {writer['max_connections']:,} of {writer['type']} (RDS Proxy or smaller pools)")
    if r_conns > writer["max_connections"]:
        limits.append(f"reader connections: {r_conns:,} per reader > {writer['max_connections']:,}")
    # Redis: one command thread per shard.
    redis_cores = rate * m["redis_ms"] / 1000
    shards = max(1, math.ceil(redis_cores / (REDIS["command_cores"] * UTILISATION)))
    ops = rate * (m["redis_commands"] or 0)
    if shards > MAX_SHARDS:
        limits.append(f"Redis shards: {shards} > {MAX_SHARDS}")
    # ALB: processed bytes usually dominate.
    gb_hour = rate * (m["response_bytes"] + HEADER_BYTES) * 3600 / 1e9
    lcu = max(gb_hour / ALB["gb_per_lcu_hour"], rate / REQUESTS_PER_CONNECTION / ALB["new_conn_per_lcu"],
              rate / REQUESTS_PER_CONNECTION * 60 / ALB["active_conn_per_lcu"])
    cost = {
        "app": apps * APP["usd_hour"] * HOURS_PER_MONTH,
        "aurora": (1 + readers) * writer["usd_hour"] * HOURS_PER_MONTH,
        "redis": shards * (1 + REDIS_REPLICAS) * REDIS["usd_hour"] * HOURS_PER_MONTH,
        "alb": (ALB["usd_hour"] + lcu * ALB["usd_lcu_hour"]) * HOURS_PER_MONTH,
    }
    # What limits this step: the tier that is closest to its own ceiling.
    if not limits:
        share = {
            "app instances (CPU)": app_cores / (apps * APP["vcpu"]),
            f"writer CPU ({writer['type']})": w_cores / writer["vcpu"],
            f"reader CPU ({readers} × {writer['type']})": r_cores / (readers * writer["vcpu"]),
            "Redis command thread": redis_cores / shards,
        }
        first = max(share, key=share.get)
        limits.append(f"{first} at {share[first]:.0%} busy")
    return {
        "rate": rate, "app_instances": apps, "app_cores": round(app_cores, 2),
        "writer": writer["type"], "writer_cores": round(w_cores, 2),
        "readers": readers, "reader_cores": round(r_cores, 2),
        "writer_connections": w_conns, "reader_connections_each": r_conns,
        "redis_shards": shards, "redis_cores": round(redis_cores, 2), "redis_ops": round(ops),
        "alb_lcu": round(lcu, 1), "alb_gb_hour": round(gb_hour, 1),
        "cost_usd_month": {k: round(v) for k, v in cost.items()}, "total_usd_month": round(sum(cost.values())),
        "limits": limits,
    }


def ceilings(m):
    """The req/s of the mix at which each fixed limit of the design is reached."""
    big = DB_CLASSES[-1]
    out = {}
    if m["writer_ms"]:
        out[f"one Aurora writer ({big['type']}, {big['vcpu']} vCPU)"] = big["vcpu"] * UTILISATION / m["writer_ms"] * 1000
    if m["reader_ms"]:
        out[f"{MAX_READERS} Aurora readers ({big['type']})"] = MAX_READERS * big["vcpu"] * UTILISATION / m["reader_ms"] * 1000
    if m["app_ms"]:
        instances = big["max_connections"] // WRITER_CONNECTIONS
        out[f"writer max_connections ({big['max_connections']:,}: {instances} instances × {WRITER_CONNECTIONS}, no RDS Proxy)"] = \
            instances * APP["vcpu"] * UTILISATION / m["app_ms"] * 1000
    if m["redis_ms"]:
        out[f"{MAX_SHARDS} Redis shards"] = MAX_SHARDS * REDIS["command_cores"] * UTILISATION / m["redis_ms"] * 1000
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def model(result, mix="read-heavy"):
    m = per_request(result, mix)
    return {"input": m, "rows": [size(m, r) for r in RATES], "ceilings": ceilings(m), "prices": PRICES,
            "utilisation": UTILISATION, "cpu_factor": CPU_FACTOR}


# ------------------------------------------------------------------------------ local check

def local_check(result):
    """Two instances behind HAProxy predicted from one, on this machine.

    The model's premise is that a request costs a fixed CPU time in each tier, whatever the
    number of instances, so the throughput is the CPU available divided by the CPU per request.
    Here every tier shares the same 2 cores: the prediction for two instances is the CPU the
    machine had for the benchmark during the one-instance run (its cores minus what the
    neighbours took) over the one-instance run's CPU per request, all our processes counted
    (app, databases, Redis, HAProxy, load generator). Scaling out adds no cores here, so the
    model predicts about the same throughput; naive scaling would predict twice as much.
    """
    stack = (result.get("modes") or {}).get("stack") or {}
    phases = stack.get("phases") or {}
    one, two, after = phases.get("lb-1"), phases.get("lb-2"), phases.get("lb-1-after")
    if not one or not two:
        return None

    def summary(p):
        secs = sum(v["seconds"] for v in p["cpu"].values())
        return {"title": p["title"], "rps": p["rps"], "cores": {k: v["cores"] for k, v in p["cpu"].items()},
                "cores_total": secs / p["duration_s"], "ms_per_request": 1000 * secs / max(p["requests"], 1),
                # The apps' JIT compilers, part of "app"/"app2": a cost of warming up, not of a request.
                "jit_cores": sum(v.get("jit_seconds", 0.0) for v in p["cpu"].values()) / p["duration_s"],
                "others_cores": (p.get("machine") or {}).get("others_cores", 0.0),
                "machine_cores": (p.get("machine") or {}).get("cores", 2)}

    a, b = summary(one), summary(two)
    # Runs since the bracketing phase (lb-1-after) predict from the one-instance cost before and
    # after the two-instance run, averaged: the mix writes, so the data grows during the check.
    c = summary(after) if after else None
    ones = [a, c] if c else [a]
    ms = sum(r["ms_per_request"] for r in ones) / len(ones)
    others = sum(r["others_cores"] for r in ones) / len(ones)
    one_rps = sum(r["rps"] for r in ones) / len(ones)
    available = a["machine_cores"] - others
    predicted = available / ms * 1000
    load_aware = load_aware_prediction(phases, [one, after] if after else [one], available)
    return {
        "one": a, "two": b, "one_after": c, "predicted_rps": predicted, "measured_rps": b["rps"],
        "error": predicted / b["rps"] - 1 if b["rps"] else None,
        "naive_rps": 2 * one_rps, "naive_error": 2 * one_rps / b["rps"] - 1 if b["rps"] else None,
        "load_aware_rps": load_aware,
        "load_aware_error": load_aware / b["rps"] - 1 if load_aware and b["rps"] else None,
        "method": f"({a['machine_cores']} cores − {others:.2f} used by other processes) ÷ "
                  f"{ms:.3f} ms of CPU per request with one instance"
                  + (" (the mean of the runs before and after the two)" if c else ""),
    }


LOAD_AWARE_TIERS = ("app", "db_writer", "db_reader", "redis")


def load_aware_prediction(phases, ones, available):
    """The same prediction with each tier's CPU per request taken at the load it would carry.

    CPU per request is not fixed: with one instance it falls as the rate rises (session look-ups
    pipelined in larger batches, fills shared by more requests, fewer idle wake-ups), as the
    open-loop phases of the same run show (each at a fixed rate). Two instances each carry half
    the rate, so each app pays its cost at half the rate; the databases and Redis carry the whole.
    Every figure comes from one instance: the read-heavy open-loop phases and the one-instance runs
    through HAProxy, interpolated linearly in the rate (clamped at the ends). Solves rate =
    available cores (as for the fixed-cost prediction) ÷ CPU per request at that rate. None
    without the open-loop phases.
    """
    points = [phases[f"open-read-heavy-{pct}"] for pct in (25, 50, 75) if f"open-read-heavy-{pct}" in phases]
    if not points:
        return None
    points += ones
    curves = {t: sorted((p["rps"], p["cpu"][t]["ms_per_request"]) for p in points if t in p["cpu"])
              for t in LOAD_AWARE_TIERS}
    # HAProxy and the load generator: as measured with one instance (not in the open-loop phases).
    fixed = sum(sum(p["cpu"][k]["ms_per_request"] for k in ("lb", "wrk") if k in p["cpu"]) for p in ones) / len(ones)

    def at(curve, rate):
        if not curve:
            return 0.0
        if rate <= curve[0][0]:
            return curve[0][1]
        for (r0, c0), (r1, c1) in zip(curve, curve[1:]):
            if rate <= r1:
                return c0 + (c1 - c0) * (rate - r0) / (r1 - r0) if r1 > r0 else c1
        return curve[-1][1]

    rate = ones[0]["rps"]
    for _ in range(200):  # a damped fixed point: the cost falls as the rate rises
        ms = at(curves["app"], rate / 2) + sum(at(curves[t], rate) for t in LOAD_AWARE_TIERS[1:]) + fixed
        rate = (rate + available / ms * 1000) / 2
    return rate


# ------------------------------------------------------------------------------ report

def markdown(mdl, check=None):
    m, out = mdl["input"], []
    w = out.append
    w(f"Input: {m['mix']} on the local stack, CPU per request: app {m['app_ms']:.3f} ms, writer "
      f"{m['writer_ms']:.3f} ms, reader {m['reader_ms']:.3f} ms, Redis {m['redis_ms']:.3f} ms"
      + (f" ({m['redis_commands']:.2f} commands)" if m["redis_commands"] is not None else "")
      + f"; database reads per request: {m['reader_reads']:.2f} on the reader, {m['writer_reads']:.2f} on the writer; "
      f"response {m['response_bytes']:,.0f} bytes. Every tier planned to {mdl['utilisation']:.0%} busy.")
    w("")
    w("| req/s | app instances (c7g.large) | Aurora writer | Aurora readers | writer connections | Redis shards (+1 replica each) | ALB LCU | $/month app | Aurora | Redis | ALB | **total** | what limits it |")
    w("|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    for r in mdl["rows"]:
        c = r["cost_usd_month"]
        # Past a fixed limit the row prices the capped set-up, which does not serve the rate.
        over = " (not servable as designed)" if any(not x.endswith("busy") for x in r["limits"]) else ""
        w(f"| {r['rate']:,} | {r['app_instances']:,} | {r['writer']} ({r['writer_cores']:.1f} cores) | "
          f"{r['readers']} ({r['reader_cores']:.1f} cores) | {r['writer_connections']:,} | {r['redis_shards']} | "
          f"{r['alb_lcu']:,.0f} | {c['app']:,} | {c['aurora']:,} | {c['redis']:,} | {c['alb']:,} | "
          f"**{r['total_usd_month']:,}**{over} | {'; '.join(r['limits'])} |")
    w("")
    w("Ceilings of the design for this mix (req/s at which each fixed limit is reached, lowest first): "
      + "; ".join(f"{k} {v:,.0f}" for k, v in mdl["ceilings"].items()) + ".")
    w("")
    w(f"Prices: {mdl['prices']}.")
    if check:
        w("")
        w(f"Check on this machine: two instances behind HAProxy predicted {check['predicted_rps']:,.0f} req/s, "
          f"measured {check['measured_rps']:,.0f} ({check['error']:+.0%}); naive 2× scaling "
          f"{check['naive_rps']:,.0f} ({check['naive_error']:+.0%})"
          + (f"; load-aware {check['load_aware_rps']:,.0f} ({check['load_aware_error']:+.0%})."
             if check.get("load_aware_rps") else "."))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", help="results.json of a scripts/bench run with the stack mode")
    ap.add_argument("--mix", default="read-heavy", help="the phase to size for (default read-heavy)")
    ap.add_argument("--json", help="also write the model as JSON here")
    args = ap.parse_args()
    with open(args.results) as f:
        result = json.load(f)
    mdl = model(result, args.mix)
    check = local_check(result)
    sys.stdout.write(markdown(mdl, check))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(mdl, local_check=check), f, indent=2)


if __name__ == "__main__":
    main()
