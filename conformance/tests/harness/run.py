#!/usr/bin/env python3
"""Run every harness self-test (test_*.py here: the engine's and the environment's).

    python3 conformance/tests/harness/run.py [-v] [-k PATTERN]

Exits non-zero when any test fails or errors, or when no test was found."""
import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(os.path.dirname(HERE))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("-k", dest="patterns", action="append", default=None,
                   help="only tests whose name contains this substring (unittest -k)")
    args = p.parse_args()
    for path in (HERE, CONFORMANCE):
        if path not in sys.path:
            sys.path.insert(0, path)
    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [f"*{p}*" for p in args.patterns]
    suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    if suite.countTestCases() == 0:
        print("no harness self-tests found", file=sys.stderr)
        return 1
    result = unittest.TextTestRunner(verbosity=2 if args.verbose else 1).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
