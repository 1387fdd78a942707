"""The command line of the unittest modules under tests/infra: one line per test as it ends,
and with --results a file of "PASS name" / "FAIL name" lines that scripts/test-infra counts.

  python3 tests/infra/test_X.py [--results FILE] [-k PATTERN]
"""

import argparse
import os
import sys
import threading
import unittest
from concurrent.futures import ThreadPoolExecutor


def main(module, start=None, stop=None, workers=1):
    """Runs the tests of `module`; start() before and stop() after them (shared servers).

    With workers > 1 the tests run side by side (they must not share state): each test of a
    class without setUpClass on its own, a class with one as a whole.
    """
    ap = argparse.ArgumentParser()
    ap.add_argument("--results")
    ap.add_argument("-k", dest="pattern")
    args = ap.parse_args()
    loader = unittest.TestLoader()
    if args.pattern:
        loader.testNamePatterns = [f"*{args.pattern}*"]
    suites = []
    for name in dir(module):
        cls = getattr(module, name)
        if not (isinstance(cls, type) and issubclass(cls, unittest.TestCase)) or cls.__module__ != module.__name__:
            continue
        tests = loader.loadTestsFromTestCase(cls)
        if "setUpClass" in cls.__dict__ or workers == 1:
            suites.append(tests)
        else:
            suites.extend(unittest.TestSuite([t]) for t in tests)
    lines = []
    printing = threading.Lock()

    def name(test):
        return test.id().split(".", 1)[1] if hasattr(test, "id") else str(test)

    def say(text):
        with printing:
            print(text, flush=True)

    class Result(unittest.TextTestResult):
        def addSuccess(self, test):
            super().addSuccess(test)
            lines.append(f"PASS {name(test)}")
            say(f"  ok    {name(test)}")

        def _fail(self, test, err, kind):
            lines.append(f"FAIL {name(test)}")
            say(f"  FAIL  {name(test)} ({kind})\n        "
                + self._exc_info_to_string(err, test).replace("\n", "\n        ")[-3000:])

        def addFailure(self, test, err):
            super().addFailure(test, err)
            self._fail(test, err, "failure")

        def addError(self, test, err):
            super().addError(test, err)
            self._fail(test, err, "error")

    def run(suite):
        with open(os.devnull, "w") as quiet:
            return unittest.TextTestRunner(resultclass=Result, verbosity=0, stream=quiet).run(suite)

    if start:
        start()
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(run, suites))
    finally:
        if stop:
            stop()
    if args.results:
        with open(args.results, "w") as f:
            f.write("\n".join(lines) + "\n")
    sys.exit(0 if all(r.wasSuccessful() for r in results) else 1)
