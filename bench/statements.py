#!/usr/bin/env python3
"""Every statement the app sends to the local stack's writer and reader during a load phase, by shape.

    python3 bench/statements.py start --state FILE
    python3 bench/statements.py stop --state FILE --rate R     (prints the table)

bench/queries.py counts statements per endpoint with nothing else running; this counts them under
a mix (bench/tail-study --statements), to see which shapes load each database: per 1,000 requests
offered at the phase's fixed rate R between start and stop. It uses MariaDB's general log through
the option files of `scripts/stack env db` (STACK_DB_WRITER_CNF, STACK_DB_READER_CNF) and
queries.py's normalisation; the app's timers (replica heartbeat, mail outbox) are left out.
"""

import argparse
import collections
import os
import sys
import time

import queries


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("action", choices=["start", "stop"])
    ap.add_argument("--state", required=True, help="file that keeps the start time between the two calls")
    ap.add_argument("--rate", type=float, help="the phase's arrival rate (stop)")
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    counter = queries.Counter(argparse.Namespace(writer_cnf=os.environ["STACK_DB_WRITER_CNF"],
                                                 reader_cnf=os.environ["STACK_DB_READER_CNF"]))
    if args.action == "start":
        counter.start()
        with open(args.state, "w") as f:
            f.write(str(time.monotonic()))
        return
    seen = counter.collect()
    counter.stop()
    with open(args.state) as f:
        seconds = time.monotonic() - float(f.read())
    requests = (args.rate or sys.exit("stop needs --rate")) * seconds
    for role in ("writer", "reader"):
        app, house, beat = queries.classify(seen[role])
        shapes = collections.Counter(queries.normalise(s) for s in app)
        print(f"{role}: {len(app) * 1000 / requests:,.0f} application statements per 1,000 requests"
              f" ({len(app):,} in {seconds:.1f} s at {args.rate:,.0f} req/s; housekeeping {len(house):,},"
              f" timers {beat:,})")
        for shape, n in shapes.most_common(args.top):
            print(f"  {n * 1000 / requests:7.1f}  {shape}")


if __name__ == "__main__":
    main()
