#!/usr/bin/env python3
"""Collects one run's pieces into results.json, results.md (the table) and plot.html.

Input: the run directory with meta.json, startup-<mode>.json, and per mode a directory
<mode>/ with phase-*.json, rss.json, queries.json (stack), profile.json (when profiled).
Prints results.md to standard output.
"""

import argparse
import glob
import html
import json
import math
import os
import sys

import capacity
import common

MB = 1024 * 1024

TARGETS = {
    "read_ratio": 0.35,  # round 1, replaced in issue 19 by read_share_gain
    "read_p99_ms": 25.0,  # round 1, replaced in issue 19 by the open-loop p99 at 50 %
    "read_errors": 0,
    "list_ratio": 0.50,
    "aot_start_ms": 1000.0,
    "rss_mb": 256.0,
    # issue 19
    "open_p99_ms": 10.0,
    "open_p999_ms": 50.0,
    "signed_in_gain": 4.0,
    "signed_in_vs_cached": 0.50,
    "read_share_gain": 2.0,
    "create_cpu_cut": 0.30,
    "lb_prediction": 0.25,
}

PHASE_ORDER = ["baseline-start", "baseline-end", "list-cached", "read-heavy", "write-heavy",
               "list-signed-in", "article-signed-in", "comments-signed-in", "profile-signed-in",
               "create-article", "get-health-live"]

MODES = ("embedded", "stack")


def is_main(name):
    """Phases of the main table: the closed-loop ones against one instance."""
    return not name.startswith(("open-", "lb-"))



def phases_of(result, names):
    """(mode, phase) for each named phase of each mode that ran, in report order."""
    for mode in MODES:
        phases = (result["modes"].get(mode) or {}).get("phases", {})
        for name in names:
            if phases.get(name):
                yield mode, phases[name]

def load_mode(run_dir, mode):
    d = os.path.join(run_dir, mode)
    if not os.path.isdir(d):
        return None
    phases = {}
    for f in glob.glob(os.path.join(d, "phase-*.json")):
        p = common.read_json(f)
        phases[p["name"]] = p
    if not phases:
        return None
    ordered = {k: phases[k] for k in PHASE_ORDER if k in phases}
    # Open-loop phases (open-<phase>-<percent>) by scenario in report order, then by load.
    rank = {k: i for i, k in enumerate(PHASE_ORDER)}

    def open_key(k):
        of, _, pct = k[len("open-"):].rpartition("-")
        return rank.get(of, len(rank)), of, int(pct) if pct.isdigit() else 0

    ordered.update({k: phases[k] for k in sorted((k for k in phases if k.startswith("open-")), key=open_key)})
    ordered.update({k: v for k, v in sorted(phases.items()) if k not in ordered})
    base = [phases[k] for k in ("baseline-start", "baseline-end") if k in phases]
    baseline = {
        "rps": sum(b["rps"] for b in base) / len(base),
        "p50_ms": sum(b["p50_ms"] for b in base) / len(base),
        "p99_ms": sum(b["p99_ms"] for b in base) / len(base),
        "drift": (base[-1]["rps"] / base[0]["rps"] - 1) if len(base) == 2 and base[0]["rps"] else 0.0,
        "app_ms_per_request": sum(b["cpu"].get("app", {}).get("ms_per_request", 0) for b in base) / len(base),
    } if base else None
    for p in ordered.values():
        if baseline and not p["name"].startswith("baseline"):
            p["ratio_rps"] = p["rps"] / baseline["rps"] if baseline["rps"] else None
            p["ratio_p50"] = p["p50_ms"] / baseline["p50_ms"] if baseline["p50_ms"] else None
            p["ratio_p99"] = p["p99_ms"] / baseline["p99_ms"] if baseline["p99_ms"] else None
    return {
        "phases": ordered,
        "baseline": baseline,
        "rss": common.read_json(os.path.join(d, "rss.json")),
        "seed": common.read_json(os.path.join(d, "seed.json")),
        "queries": common.read_json(os.path.join(d, "queries.json")),
        "profile": common.read_json(os.path.join(d, "profile.json")),
    }


def fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}"


def ratio(v):
    return "–" if v is None else f"{v:.2f}"


def verdict(ok):
    if ok is None:
        return "replaced (issue 19)"
    return "**met**" if ok else "**NOT met**"


def phase(result, mode, name):
    return ((result["modes"].get(mode) or {}).get("phases") or {}).get(name)


def app_cpu(p):
    """App CPU ms per request, every instance of the phase counted (app, app2)."""
    if not p:
        return None
    secs = sum(v["seconds"] for k, v in p["cpu"].items() if k.startswith("app"))
    return 1000 * secs / max(p["requests"], 1)


def issue19_targets(result):
    rows = []
    for mode in MODES:
        op = phase(result, mode, "open-read-heavy-50")
        if op:
            p = op["latency_ms"]["p"]
            rows.append((f"Open-loop read-heavy mix at 50% of its maximum ({mode}, {op['open_loop']['rate']:,.0f} req/s): p99",
                         "≤ 10 ms", f"{p['99']:.1f} ms", p["99"] <= TARGETS["open_p99_ms"]))
            rows.append((f"… p99.9 ({mode})", "≤ 50 ms", f"{p['99.9']:.1f} ms", p["99.9"] <= TARGETS["open_p999_ms"]))
    sl, lc = phase(result, "stack", "list-signed-in"), phase(result, "stack", "list-cached")
    bsl = phase(result, "base-stack", "list-signed-in")
    if sl and lc:
        rows.append(("Signed-in global list (stack) vs the anonymous cached list", "≥ 0.50",
                     ratio(sl["rps"] / lc["rps"]), sl["rps"] / lc["rps"] >= TARGETS["signed_in_vs_cached"]))
    if sl and bsl:
        g = sl["rps"] / bsl["rps"]
        rows.append((f"Signed-in global list (stack) vs the baseline jar's in this run ({bsl['rps']:,.0f} req/s)",
                     "≥ 4×", f"{g:.2f}×", g >= TARGETS["signed_in_gain"]))
    rh, brh = phase(result, "stack", "read-heavy"), phase(result, "base-stack", "read-heavy")
    if rh and brh and brh.get("ratio_rps"):
        g = rh["ratio_rps"] / brh["ratio_rps"]
        rows.append((f"Read-heavy mix (stack): share of the baseline vs the baseline jar's ({brh['ratio_rps']:.3f})",
                     "≥ 2×", f"{rh['ratio_rps']:.3f} = {g:.2f}×", g >= TARGETS["read_share_gain"]))
    for mode in MODES:
        c, b = phase(result, mode, "create-article"), phase(result, f"base-{mode}", "create-article")
        if c and b and app_cpu(b):
            cut = 1 - app_cpu(c) / app_cpu(b)
            rows.append((f"Article create ({mode}): app CPU per request vs the baseline jar ({app_cpu(b):.3f} ms)",
                         "≥ 30% less", f"{app_cpu(c):.3f} ms = " + (f"{cut:.0%} less" if cut >= 0 else f"{-cut:.0%} more"),
                         cut >= TARGETS["create_cpu_cut"]))
    check = capacity.local_check(result)
    if check:
        rows.append(("Capacity model: 2 instances behind HAProxy, predicted vs measured (stack)", "within 25%",
                     f"{check['predicted_rps']:,.0f} vs {check['measured_rps']:,.0f} req/s ({check['error']:+.0%})",
                     abs(check["error"]) <= TARGETS["lb_prediction"]))
    return rows


def targets(result):
    rows = []
    stack = result["modes"].get("stack")
    startup = result["startup"]
    if stack:
        rh = stack["phases"].get("read-heavy")
        if rh:
            # Round 1's two targets, still measured, replaced in issue 19 (docs/BENCHMARKS.md).
            rows.append(("Read-heavy mix, local stack, 64 connections: req/s vs baseline (round 1)", "≥ 0.35",
                         ratio(rh.get("ratio_rps")), None))
            rows.append(("Read-heavy mix, local stack: p99 at saturation (round 1)", "≤ 25 ms", f"{rh['p99_ms']:.1f} ms",
                         None))
            rows.append(("Read-heavy mix, local stack: errors", "0", str(rh["errors"]), rh["errors"] == 0))
    for mode in ("stack", "embedded"):
        lc = (result["modes"].get(mode) or {}).get("phases", {}).get("list-cached")
        if lc:
            rows.append((f"Cached global article list alone ({mode}): req/s vs baseline", "≥ 0.50",
                         ratio(lc.get("ratio_rps")), (lc.get("ratio_rps") or 0) >= TARGETS["list_ratio"]))
    for mode in ("stack", "embedded"):
        s = startup.get(mode)
        if s:
            rows.append((f"Start to ready with the AOT cache ({mode}, median of {s['runs']})", "≤ 1.0 s",
                         f"{s['aot_median_ms'] / 1000:.2f} s", s["aot_median_ms"] <= TARGETS["aot_start_ms"]))
    for mode in ("stack", "embedded"):
        m = result["modes"].get(mode)
        if m and m.get("rss"):
            rss = m["rss"]["rss_kib"] / 1024
            opts = m["rss"]["opts"].split(" -XX:AOTCache=")[0]
            rows.append((f"RSS after the run ({mode}, `{opts}`)", "≤ 256 MB", f"{rss:.1f} MB",
                         rss <= TARGETS["rss_mb"]))
    if stack and stack.get("queries"):
        q = stack["queries"]
        lists = {k: v for k, v in q["constant"].items() if k in ("global", "tag", "author", "favorited", "feed")}
        per = sorted({c["app_per_request"] for c in q["cases"] if c["group"] == "list" and not c["cached"]})
        rows.append(("Queries per request, list endpoints: constant in page size (limit 10 vs 50)",
                     "equal", f"{'/'.join(fmt(x, 0) for x in per)} per request, "
                              f"{'equal' if all(lists.values()) else 'differ: ' + ', '.join(k for k, ok in lists.items() if not ok)}",
                     all(lists.values())))
    return rows + issue19_targets(result)


def all_modes(result):
    """The current jar's modes, then the baseline jar's (base-<mode>), as they ran."""
    return [m for m in (*MODES, *(f"base-{x}" for x in MODES)) if result["modes"].get(m)]


def kinds(o):
    """p99 of reads / p99 of writes of an open-loop phase ("–" for a kind it did not send, or runs before the split)."""
    out = []
    for key in ("reads_us", "writes_us"):
        k = o.get(key) or {}
        out.append(f"{k['p99'] / 1000:.2f}" if k.get("n") else "–")
    return " / ".join(out)


def open_loop_section(result, w):
    rows = []
    for mode in all_modes(result):
        for name, p in result["modes"][mode]["phases"].items():
            if not name.startswith("open-"):
                continue
            o, lat = p["open_loop"], p["latency_ms"]
            rows.append(f"| {mode} | {p['title'].split(', open loop')[0]} | {o['share']:.0%} | {o['rate']:,.0f} | "
                        f"{fmt(p['rps'])} | {fmt(lat['p']['50'], 2)} | {fmt(lat['p']['99'], 2)} | {fmt(lat['p']['99.9'], 2)} | "
                        f"{fmt(lat['max'], 1)} | {p['errors']} | {fmt(p['cpu'].get('app', {}).get('ms_per_request'), 3)} | "
                        f"{o['backlogged']:,} | {o['send_lag_us']['p99'] / 1000:.2f} | {kinds(o)} |")
    if not rows:
        return
    w("## Open-loop latency: fixed arrival rates below saturation (bench/OpenLoop.java)")
    w("")
    w("Poisson arrivals at 25, 50 and 75% of the scenario's closed-loop req/s measured above in the same "
      "run; each request's latency counts from its scheduled send time, so a stall delays every request "
      "scheduled during it (no coordinated omission). \"waited\" counts requests that found all 64 "
      "connections busy (their wait is in their latency); \"send lag p99\" is how late the generator itself "
      "sent (also in the latency).")
    w("")
    w("\"reads / writes p99\" splits a mix's p99 by method (GET and HEAD against the rest): in a mix, "
      "the 10 % of writes, each with a commit the database must make durable, can set the p99 alone.")
    w("")
    w("| mode | scenario | load | offered req/s | done req/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | app CPU ms/req | waited | send lag p99 ms | reads / writes p99 ms |")
    w("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in rows:
        w(r)
    w("")


def race_section(result, w):
    meta = result["meta"]
    if not meta.get("baseline_jar"):
        return
    w(f"## Two jars side by side: this commit vs `{meta.get('baseline_label')}`")
    w("")
    w("Each jar ran the same phases on its own fresh data set, one after the other in this run (current "
      "first). \"share\" is req/s over that jar's own baseline phase.")
    w("")
    w("| mode | scenario | req/s now | req/s before | share now | share before | app CPU ms/req now | before | change |")
    w("|---|---|--:|--:|--:|--:|--:|--:|--:|")
    for mode in MODES:
        cur, base = result["modes"].get(mode), result["modes"].get(f"base-{mode}")
        if not cur or not base:
            continue
        for name, p in cur["phases"].items():
            b = base["phases"].get(name)
            if not b or name.startswith("baseline"):
                continue
            a, bb = app_cpu(p), app_cpu(b)
            ch = f"{a / bb - 1:+.0%}" if a and bb else "–"
            w(f"| {mode} | {p['title']} | {fmt(p['rps'])} | {fmt(b['rps'])} | {ratio(p.get('ratio_rps'))} | "
              f"{ratio(b.get('ratio_rps'))} | {fmt(a, 3)} | {fmt(bb, 3)} | {ch} |")
    w("")


def lb_section(result, w):
    check = capacity.local_check(result)
    if not check:
        return
    w("## Capacity model check: two instances behind HAProxy (stack, read-heavy mix, closed loop)")
    w("")
    w("| run | req/s | app | app 2 | db writer | db reader | redis | haproxy | load generator | cores, ours | CPU ms/req, all ours | of the apps' cores: JIT |")
    w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for key in ("one", "two", "one_after"):
        r = check.get(key)
        if r is None:
            continue
        c = r["cores"]
        w(f"| {r['title']} | {fmt(r['rps'])} | " + " | ".join(f"{c.get(k, 0):.2f}" for k in capacity.PARTS)
          + f" | {r['cores_total']:.2f} | {r['ms_per_request']:.3f} | {r.get('jit_cores', 0):.2f} |")
    w("")
    w("\"JIT\": CPU of the apps' C1 and C2 compiler threads in the phase, already counted in \"app\" and "
      "\"app 2\". The prediction assumes warm instances; a large share here means one was still compiling.")
    w("")
    w(f"Predicted for two instances: **{check['predicted_rps']:,.0f} req/s** ({check['method']}); measured "
      f"**{check['measured_rps']:,.0f} req/s**: error {check['error']:+.0%}. Naive linear scaling (2 × one "
      f"instance) would have said {check['naive_rps']:,.0f} req/s ({check['naive_error']:+.0%}).")
    if check.get("load_aware_rps"):
        w("")
        w(f"With each tier's CPU per request taken at the rate it would carry (each app at half the rate; "
          f"from the one-instance open-loop phases of this run, `capacity.load_aware_prediction`): "
          f"**{check['load_aware_rps']:,.0f} req/s**, error {check['load_aware_error']:+.0%}.")
    w("")


def capacity_section(result, w):
    stack = result["modes"].get("stack")
    if not stack or "read-heavy" not in stack["phases"]:
        return
    w("## Capacity and cost model (bench/capacity.py, docs/CAPACITY.md)")
    w("")
    for line in capacity.markdown(capacity.model(result), None).splitlines():
        w(line)
    w("")


def markdown(result):
    meta = result["meta"]
    out = []
    w = out.append
    w(f"# Conduit benchmark {meta['timestamp']}{' (quick)' if meta.get('quick') else ''}")
    w("")
    w(f"- commit `{meta.get('commit', '?')}`{' + uncommitted changes' if meta.get('dirty') else ''}; "
      f"{meta.get('java', '?')}; {meta.get('wrk', '?')}")
    w(f"- machine: {meta.get('cpus')} CPUs, {meta.get('mem_gib')} GiB, load average {meta.get('load_before')} before, "
      f"{meta.get('load_after')} after; wrk -t{meta['threads']} -c{meta['connections']}, "
      f"{meta['duration']} s per phase after {meta['warmup']} s warm-up")
    w(f"- app JVM flags: `{meta['java_opts']}`; baseline: `{meta['baseline']}` on the same server")
    if meta.get("jdbc_params"):
        w(f"- extra JDBC URL parameters (stack): `{meta['jdbc_params']}`")
    w(f"- run took {meta.get('elapsed_s', '?')} s")
    w("")
    w("## Throughput and latency (ratios are to the same run's baseline)")
    w("")
    w("| mode | scenario | req/s | p50 ms | p99 ms | errors | req/s ÷ base | p50 × base | p99 × base | app CPU ms/req | DB reads/req | cache hits |")
    w("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for mode in all_modes(result):
        m = result["modes"].get(mode)
        if not m:
            continue
        for name, p in m["phases"].items():
            if not is_main(name):
                continue
            cpu = p["cpu"].get("app", {}).get("ms_per_request")
            hits = p["cache"]["hit_ratio"]
            w(f"| {mode} | {p['title']} | {fmt(p['rps'])} | {fmt(p['p50_ms'], 2)} | {fmt(p['p99_ms'], 2)} | "
              f"{p['errors']} | {ratio(p.get('ratio_rps'))} | {ratio(p.get('ratio_p50'))} | {ratio(p.get('ratio_p99'))} | "
              f"{fmt(cpu, 3)} | {fmt(p['db_reads']['per_request'], 2)} | {'–' if hits is None else f'{hits:.0%}'} |")
        b = m["baseline"]
        if b:
            w(f"| {mode} | **baseline (mean of start and end)** | {fmt(b['rps'])} | {fmt(b['p50_ms'], 2)} | "
              f"{fmt(b['p99_ms'], 2)} | | 1.00 | 1.00 | 1.00 | {fmt(b['app_ms_per_request'], 3)} | | |")
    w("")
    drift = [f"{mode} {m['baseline']['drift']:+.0%}" for mode, m in result["modes"].items() if m and m.get("baseline")]
    if drift:
        w(f"Baseline drift from the start to the end of each mode (noise indicator): {', '.join(drift)}.")
        w("")
    errs = []
    for mode, m in result["modes"].items():
        if not m:
            continue
        for name, p in m["phases"].items():
            bad = {k: v for k, v in p["routes"].items() if k.split()[-1][:1] in ("4", "5")}
            if p["errors"] or bad:
                kinds = {k: v for k, v in p["error_kinds"].items() if v}
                dl = f"; InnoDB deadlocks on the writer: {p['deadlocks']}" if p.get("deadlocks") is not None else ""
                errs.append(f"- {mode} / {p['title']}: {p['errors']} errors {kinds}; by route: {bad or 'none'}{dl}")
    if errs:
        w("Errors (HTTP status ≥ 400 by route, from the app's own request counters):")
        w("")
        out.extend(errs)
        w("")

    cpu_rows = []
    for mode, p in phases_of(result, ("baseline-start", "list-cached", "read-heavy", "write-heavy")):
        if not p["cpu"]:
            continue
        cells = [f"{p['cpu'][k]['cores']:.2f}" if k in p["cpu"] else "–" for k in ("app", "db_writer", "db_reader", "redis", "wrk")]
        rd = p["db_reads"]
        cpu_rows.append(f"| {mode} | {p['title']} | {' | '.join(cells)} | {rd['reader']:,} / {rd['writer']:,} | {rd['read_your_writes']:,} |")
    if cpu_rows:
        w("## Where the CPU went (cores busy during the phase; the machine has "
          f"{meta.get('cpus')}, shared with wrk)")
        w("")
        w("| mode | scenario | app | db writer | db reader | redis | wrk | reads on reader / writer | writer reads for freshness |")
        w("|---|---|--:|--:|--:|--:|--:|--:|--:|")
        out.extend(cpu_rows)
        w("")

    pool_rows = []
    for mode, p in phases_of(result, ("read-heavy", "write-heavy", "list-signed-in")):
        for pool, st in (p.get("pools") or {}).items():
            if st["acquires"]:
                pool_rows.append(f"| {mode} | {p['title']} | {pool} ({st['size']}) | {st['acquires']:,} | "
                                 f"{fmt(st['acquire_mean_ms'], 2)} | {fmt(st['acquire_max_ms'], 0)} | {fmt(st['usage_mean_ms'], 2)} |")
    if pool_rows:
        w("## Connection pools (HikariCP): waiting for a connection vs using it")
        w("")
        w("| mode | scenario | pool (size) | checkouts | wait mean ms | wait max ms | held mean ms |")
        w("|---|---|---|--:|--:|--:|--:|")
        out.extend(pool_rows)
        w("")

    open_loop_section(result, w)
    race_section(result, w)
    lb_section(result, w)
    capacity_section(result, w)

    w("## Start-up: `java -jar` to first 200 on /observe/health/ready")
    w("")
    w("| mode | without AOT cache (median) | runs | with AOT cache (median) | runs | cache size | training |")
    w("|---|--:|---|--:|---|--:|--:|")
    for mode in all_modes(result):
        s = result["startup"].get(mode)
        if s:
            w(f"| {mode} | {s['plain_median_ms'] / 1000:.2f} s | {', '.join(f'{x:.0f}' for x in s['plain_ms'])} ms | "
              f"{s['aot_median_ms'] / 1000:.2f} s | {', '.join(f'{x:.0f}' for x in s['aot_ms'])} ms | "
              f"{s['aot_cache_bytes'] / MB:.0f} MB | {s['aot_training_s']} s |")
    w("")

    w("## Memory after the load phases")
    w("")
    w("| mode | RSS after run | peak RSS | heap in use after run | live heap (after a full GC) | JVM flags |")
    w("|---|--:|--:|--:|--:|---|")
    for mode in all_modes(result):
        m = result["modes"].get(mode)
        if m and m.get("rss"):
            r = m["rss"]
            heap = f"{r['heap_used_bytes'] / MB:.0f} MB" if r.get("heap_used_bytes") else "–"
            live = f"{r['live_heap_bytes'] / MB:.0f} MB" if r.get("live_heap_bytes") else "–"
            opts = r["opts"].split(" -XX:AOTCache=")[0]
            aot = " + AOT cache" if "-XX:AOTCache=" in r["opts"] else ""
            w(f"| {mode} | {r['rss_kib'] / 1024:.1f} MB | {r['hwm_kib'] / 1024:.1f} MB | {heap} | {live} | `{opts}`{aot} |")
    w("")
    parts = []
    for mode in ("embedded", "stack"):
        m = result["modes"].get(mode)
        c = (m or {}).get("rss") or {}
        if c.get("committed"):
            k = c["committed"]
            line = f"- {mode}: committed by the JVM (its own metrics): " + ", ".join(f"{n} {v / MB:.0f} MB" for n, v in k.items())
            if c.get("rss_by_mapping_kib"):
                line += "; resident by mapping (/proc smaps): " + ", ".join(
                    f"{n} {v / 1024:.0f} MB" for n, v in c["rss_by_mapping_kib"].items())
            parts.append(line)
    if parts:
        w("Where the resident memory is:")
        w("")
        out.extend(parts)
        w("")

    stack = result["modes"].get("stack")
    if stack and stack.get("queries"):
        q = stack["queries"]
        w(f"## Database statements per request (local stack, {q['n']} requests each, measured in MariaDB's general log)")
        w("")
        w("App queries are SELECT/INSERT/UPDATE/DELETE; housekeeping is what the driver and pool add "
          "(`SET autocommit`, `COMMIT`). Each GET is sent once before counting (steady state: the lists' "
          "counts come from the cache; a filter's first request adds one COUNT). The app's timers, the replica "
          f"heartbeat and the mail outbox's poll ({q['idle_second']['heartbeat_statements']} statements in an idle "
          "second), are left out.")
        w("")
        w("| endpoint | writer queries | reader queries | housekeeping | Redis commands |")
        w("|---|--:|--:|--:|--:|")
        for c in q["cases"]:
            w(f"| {c['endpoint']} | {fmt(c['writer_app'], 1)} | {fmt(c['reader_app'], 1)} | "
              f"{fmt(c['housekeeping_per_request'], 1)} | {fmt(c['redis_per_request'], 1)} |")
        w("")
    prof = stack.get("profile") if stack else None
    if prof and prof.get("samples"):
        n = prof["samples"]
        w(f"## CPU profile of the app, read-heavy mix on the local stack (JFR, {n} samples)")
        w("")
        w("| component | self | inclusive |")
        w("|---|--:|--:|")
        for k, v in prof["self"].items():
            w(f"| {k} | {v / n:.0%} | {prof['inclusive'].get(k, 0) / n:.0%} |")
        w("")
        w("Hottest methods (top frame): " + ", ".join(f"`{k}` {v / n:.0%}" for k, v in list(prof["top_methods"].items())[:8]))
        w("")

    w("## Targets")
    w("")
    w("| target | wanted | measured | |")
    w("|---|---|---|---|")
    for name, want, got, ok in result["targets"]:
        w(f"| {name} | {want} | {got} | {verdict(ok)} |")
    w("")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------ plot

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]
PCTS = ["50", "75", "90", "95", "99", "99.9", "99.99"]


def colour(m, name):
    if name.startswith("baseline"):
        return "#000"
    names = [n for n in m["phases"] if not n.startswith("baseline")]
    return COLORS[names.index(name) % len(COLORS)]


def svg_percentiles(mode, m, width=860, height=380):
    left, right, top, bottom = 60, 330, 30, 45
    pw, ph = width - left - right, height - top - bottom
    xs = {p: math.log10(1 / (1 - float(p) / 100)) for p in PCTS}
    xmax = max(xs.values())
    vals = [v for p in m["phases"].values() for v in p["latency_ms"]["p"].values() if v > 0]
    lo = 10 ** math.floor(math.log10(max(min(vals), 0.01)))
    hi = 10 ** math.ceil(math.log10(max(vals)))
    ly = lambda v: top + ph - (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * ph
    lx = lambda p: left + xs[p] / xmax * pw
    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
         f'<text x="{left}" y="18" font-size="14" font-weight="bold">{html.escape(mode)}: latency by percentile (log scale)</text>',
         f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>']
    d = lo
    while d <= hi * 1.0001:
        y = ly(d)
        s.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        s.append(f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{d:g} ms</text>')
        d *= 10
    for p in PCTS:
        x = lx(p)
        s.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + ph}" stroke="#eee"/>')
        s.append(f'<text x="{x:.1f}" y="{top + ph + 15}" text-anchor="middle">p{p}</text>')
    s.append(f'<text x="{left + pw / 2}" y="{height - 8}" text-anchor="middle">percentile</text>')
    for i, (name, p) in enumerate(m["phases"].items()):
        color = colour(m, name)
        dash = ' stroke-dasharray="5,3"' if name.startswith("baseline") else ""
        pts = " ".join(f"{lx(k):.1f},{ly(p['latency_ms']['p'][k]):.1f}" for k in PCTS if k in p["latency_ms"]["p"])
        s.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        y = top + 12 + i * 16
        s.append(f'<line x1="{left + pw + 10}" x2="{left + pw + 30}" y1="{y - 4}" y2="{y - 4}" stroke="{color}" stroke-width="2"{dash}/>')
        s.append(f'<text x="{left + pw + 35}" y="{y}">{html.escape(p["title"])}</text>')
    s.append("</svg>")
    return "\n".join(s)


def svg_ratios(mode, m, width=860):
    rows = [p for n, p in m["phases"].items() if not n.startswith("baseline")]
    left, top, bar, gap = 200, 30, 18, 6
    height = top + len(rows) * (bar + gap) + 30
    pw = width - left - 80
    vmax = max([1.0] + [p.get("ratio_rps") or 0 for p in rows])
    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
         f'<text x="10" y="18" font-size="14" font-weight="bold">{html.escape(mode)}: req/s as a share of the baseline</text>']
    for i, p in enumerate(rows):
        y = top + i * (bar + gap)
        r = p.get("ratio_rps") or 0
        s.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{html.escape(p["title"])}</text>')
        s.append(f'<rect x="{left}" y="{y}" width="{r / vmax * pw:.1f}" height="{bar}" fill="{colour(m, p["name"])}"/>')
        s.append(f'<text x="{left + r / vmax * pw + 4:.1f}" y="{y + 13}">{r:.1%} ({p["rps"]:,.0f} req/s)</text>')
    for t in (0.35, 0.5):
        x = left + t / vmax * pw
        s.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{height - 24}" stroke="#555" stroke-dasharray="3,3"/>')
        s.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{t:.0%}</text>')
    s.append("</svg>")
    return "\n".join(s)


def plot(result, md):
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>Conduit benchmark "
             f"{html.escape(result['meta']['timestamp'])}</title>",
             "<style>body{font-family:sans-serif;margin:20px;max-width:1000px}"
             "pre{background:#f6f6f6;padding:10px;overflow-x:auto;font-size:12px}</style></head><body>",
             f"<h1>Conduit benchmark {html.escape(result['meta']['timestamp'])}</h1>"]
    for mode in ("stack", "embedded"):
        m = result["modes"].get(mode)
        if m:
            m = dict(m, phases={k: v for k, v in m["phases"].items() if is_main(k)})
            parts.append(f"<h2>{mode}</h2>")
            parts.append(svg_percentiles(mode, m))
            parts.append("<br>")
            parts.append(svg_ratios(mode, m))
    parts.append("<h2>Figures</h2><pre>" + html.escape(md) + "</pre></body></html>")
    return "\n".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dir")
    args = ap.parse_args()
    run = args.run_dir
    meta = common.read_json(os.path.join(run, "meta.json"), {})
    result = {"meta": meta, "modes": {}, "startup": {}}
    for mode in (*MODES, *(f"base-{x}" for x in MODES)):
        m = load_mode(run, mode)
        if m:
            result["modes"][mode] = m
        s = common.read_json(os.path.join(run, f"startup-{mode}.json"))
        if s:
            result["startup"][mode] = s
    result["capacity_check"] = capacity.local_check(result)
    result["targets"] = targets(result)
    md = markdown(result)
    common.write_json(os.path.join(run, "results.json"), result)
    with open(os.path.join(run, "results.md"), "w") as f:
        f.write(md)
    with open(os.path.join(run, "plot.html"), "w") as f:
        f.write(plot(result, md))
    sys.stdout.write(md)


if __name__ == "__main__":
    main()
