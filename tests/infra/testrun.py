"""The command line of the unittest modules under tests/infra: one line per test as it ends,
and with --results a file of "PASS name" / "FAIL name" lines that scripts/test-infra counts.

  python3 tests/infra/test_X.py [--results FILE] [-k PATTERN]
"""

import argparse
import os
import sys
import unittest


def main(module, start=None, stop=None):
    """Runs the tests of `module`; start() before and stop() after them (shared servers)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--results")
    ap.add_argument("-k", dest="pattern")
    args = ap.parse_args()
    loader = unittest.TestLoader()
    if args.pattern:
        loader.testNamePatterns = [f"*{args.pattern}*"]
    suite = loader.loadTestsFromModule(module)
    lines = []

    def name(test):
        return test.id().split(".", 1)[1] if hasattr(test, "id") else str(test)

    class Result(unittest.TextTestResult):
        def addSuccess(self, test):
            super().addSuccess(test)
            lines.append(f"PASS {name(test)}")
            print(f"  ok    {name(test)}", flush=True)

        def _fail(self, test, err, kind):
            lines.append(f"FAIL {name(test)}")
            print(f"  FAIL  {name(test)} ({kind})", flush=True)
            print("        " + self._exc_info_to_string(err, test).replace("\n", "\n        ")[-3000:], flush=True)

        def addFailure(self, test, err):
            super().addFailure(test, err)
            self._fail(test, err, "failure")

        def addError(self, test, err):
            super().addError(test, err)
            self._fail(test, err, "error")

    if start:
        start()
    try:
        with open(os.devnull, "w") as quiet:
            result = unittest.TextTestRunner(resultclass=Result, verbosity=0, stream=quiet).run(suite)
    finally:
        if stop:
            stop()
    if args.results:
        with open(args.results, "w") as f:
            f.write("\n".join(lines) + "\n")
    sys.exit(0 if result.wasSuccessful() else 1)
