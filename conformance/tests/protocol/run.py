#!/usr/bin/env python3
"""Agent protocol tests: drive any agent through the wire contract.

    run.py --agent 'python3 conformance/agents/cpython/agent.py'
    run.py --agent build/default/bin/sockref-agent -k Malformed -v
    run.py --agent build/default/bin/sockref-agent lifecycle   # one test module

Runs on the host's loopback only (127.0.0.1, ::1, port 0); needs no root and
no namespaces. Exit status 0 when every test passed or was skipped.

What an agent cannot do is skipped, never failed: a test is skipped, with the reason
printed, when it needs an operation the hello's `ops` leaves out, or when the agent
answers one of its requests with an `unsupported` error (the reason then names the
request and repeats the agent's message, which should name what is missing). A test
that checks `unsupported` itself (an unknown op or constant) judges that answer.
The one exception is test_hello's CapabilitiesTest, which checks the hello's
`capabilities`: there a declared name answered `unsupported` fails, since the
hello said the agent has it. Everything else that differs from the contract fails.
"""

import argparse
import os
import shlex
import signal
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import agentclient  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agent", required=True,
                        help="command line that starts the agent (split like a shell would)")
    parser.add_argument("-k", dest="patterns", action="append", default=[],
                        help="only tests whose name contains this substring (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per test")
    parser.add_argument("-f", "--failfast", action="store_true", help="stop at the first failure")
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help="only these test modules (e.g. hello, test_sockets)")
    options = parser.parse_args(argv)

    # SIGTERM/SIGHUP stop the run like Ctrl-C (unittest lets KeyboardInterrupt
    # through, while it would record SystemExit as one test's error and go on);
    # agentclient's atexit hook then kills every agent still running.
    def interrupt(number, frame):
        raise KeyboardInterrupt("signal %d" % number)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)

    agentclient.AGENT_ARGV = shlex.split(options.agent)
    if not agentclient.AGENT_ARGV:
        parser.error("--agent is empty")

    loader = unittest.TestLoader()
    if options.patterns:
        loader.testNamePatterns = ["*%s*" % p for p in options.patterns]
    if options.modules:
        names = [m if m.startswith("test_") else "test_" + m for m in
                 (os.path.basename(m)[:-3] if m.endswith(".py") else m for m in options.modules)]
        missing = [n for n in names if not os.path.isfile(os.path.join(HERE, n + ".py"))]
        if missing:
            parser.error("no such test module: %s" % ", ".join(missing))
        suite = loader.loadTestsFromNames(names)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    runner = unittest.TextTestRunner(verbosity=2 if options.verbose else 1,
                                     failfast=options.failfast)
    print("agent: %s" % options.agent, flush=True)
    try:
        result = runner.run(suite)
    except KeyboardInterrupt as stop:
        print("\ninterrupted (%s): agents killed, run incomplete" % (stop or "Ctrl-C"),
              file=sys.stderr)
        return 130
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
