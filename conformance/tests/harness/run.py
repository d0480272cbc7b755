#!/usr/bin/env python3
"""Run the harness self-tests (test_*.py here), all of them or the modules named.

    python3 conformance/tests/harness/run.py [-v] [-k PATTERN] [MODULE ...]

MODULE is a test module's name, with or without the test_ prefix and .py suffix
(`loader`, `test_env_netns`): CTest runs each module as its own entry this way.
Exits non-zero when any test fails or errors, or when no test was found."""
import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(os.path.dirname(HERE))


def module_name(text: str) -> str:
    name = os.path.basename(text)
    name = name[:-3] if name.endswith(".py") else name
    return name if name.startswith("test_") else "test_" + name


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("-k", dest="patterns", action="append", default=None,
                   help="only tests whose name contains this substring (unittest -k)")
    p.add_argument("modules", nargs="*", metavar="MODULE",
                   help="only these test modules (e.g. loader, env_netns)")
    args = p.parse_args()
    for path in (HERE, CONFORMANCE):
        if path not in sys.path:
            sys.path.insert(0, path)
    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [f"*{p}*" for p in args.patterns]
    if args.modules:
        names = [module_name(m) for m in args.modules]
        missing = [n for n in names if not os.path.isfile(os.path.join(HERE, n + ".py"))]
        if missing:
            print(f"no such test module: {', '.join(missing)}", file=sys.stderr)
            return 2
        suite = loader.loadTestsFromNames(names)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    if suite.countTestCases() == 0:
        print("no harness self-tests found", file=sys.stderr)
        return 1
    result = unittest.TextTestRunner(verbosity=2 if args.verbose else 1).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
