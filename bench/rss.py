#!/usr/bin/env python3
"""Resident memory of the app after the load phases: VmRSS and VmHWM (peak) from /proc and the
heap in use from the app's metrics; then, with jcmd, a full GC and the heap still in use (the
live set, what the heap must hold at least).

Usage: rss.py PIDFILE BASE_URL JAVA_OPTS OUT.json [JCMD]"""

import subprocess
import sys
import time

import common


def rss_by_mapping(pid):
    """RSS (KiB) split by what is mapped: anonymous memory, the AOT cache file, libjvm, other files."""
    out = {"anonymous": 0, "AOT cache file": 0, "libjvm.so": 0, "other files": 0}
    kind = "anonymous"
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                first = line.split(None, 1)[0]
                if "-" in first and not first.endswith(":"):
                    parts = line.split()
                    path = parts[5] if len(parts) > 5 else ""
                    if path.endswith(".aot"):
                        kind = "AOT cache file"
                    elif path.endswith("libjvm.so"):
                        kind = "libjvm.so"
                    elif path.startswith("/"):
                        kind = "other files"
                    else:
                        kind = "anonymous"
                elif first == "Rss:":
                    out[kind] += int(line.split()[1])
    except OSError:
        return None
    return out


def heap_used(base):
    return common.metric_sum(common.metrics(base), "jvm_memory_used_bytes", area="heap") or None


def main():
    pidfile, base, opts, out = sys.argv[1:5]
    jcmd = sys.argv[5] if len(sys.argv) > 5 else None
    pid = common.read_pid(pidfile)
    rss, hwm = common.rss_kib(pid)
    mappings = rss_by_mapping(pid)
    heap = heap_used(base)
    m = common.metrics(base)
    committed = {
        "heap": common.metric_sum(m, "jvm_memory_committed_bytes", area="heap"),
        "metaspace + class space": common.metric_sum(m, "jvm_memory_committed_bytes", id="Metaspace")
        + common.metric_sum(m, "jvm_memory_committed_bytes", id="Compressed Class Space"),
        "code cache": sum(v for k, v in m.items() if k.startswith("jvm_memory_committed_bytes{") and "CodeHeap" in k),
    }
    live = None
    if jcmd:
        subprocess.run([jcmd, str(pid), "GC.run"], check=False, capture_output=True)
        time.sleep(0.5)
        live = heap_used(base)
    common.write_json(out, {"pid": pid, "rss_kib": rss, "hwm_kib": hwm, "heap_used_bytes": heap,
                            "live_heap_bytes": live, "committed": committed,
                            "rss_by_mapping_kib": mappings, "opts": opts})
    print(f"  RSS after the run: {rss / 1024:.0f} MB (peak {hwm / 1024:.0f} MB); heap in use {(heap or 0) / 2**20:.0f} MB,"
          f" after a full GC {(live or 0) / 2**20:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
