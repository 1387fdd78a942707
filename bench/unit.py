#!/usr/bin/env python3
"""The JVM flags and malloc settings of the AMI's systemd unit, so the benchmark runs what production runs.

Prints two lines: the flags of ExecStart (less the ones naming files on the instance: the AOT
cache, the error file) and the unit's MALLOC_* environment as KEY=VALUE words.
"""

import re
import shlex
import sys

PATH_FLAGS = ("-XX:AOTCache=", "-XX:ErrorFile=", "-XX:HeapDumpPath=")


def settings(unit_path):
    """The unit's JVM flags (a list) and its MALLOC_* environment (KEY=VALUE strings)."""
    text = open(unit_path, encoding="utf-8").read().replace("\\\n", " ")
    start = re.search(r"^ExecStart=(.*)$", text, re.M)
    if not start:
        sys.exit(f"{unit_path}: no ExecStart")
    flags = [w for w in shlex.split(start.group(1)) if w.startswith("-X") and not w.startswith(PATH_FLAGS)]
    return flags, re.findall(r"^Environment=(MALLOC_\w+=\S+)$", text, re.M)


def main():
    flags, env = settings(sys.argv[1])
    print(" ".join(flags))
    print(" ".join(env))


if __name__ == "__main__":
    main()
