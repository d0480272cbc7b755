"""The protocol tests' unsupported rule (docs/agent-protocol.md, The protocol tests): an
agent that answers `unsupported` has its test skipped, with the reason naming what it
lacks, never failed; except where the hello declared the thing, which its checks fail.

Runs conformance/tests/protocol/run.py, as a user would, against fakes/unsupported_agent.py:
honest (it declares nothing it lacks, and lists in `sockets` the family and type pairs it
has), then lying (it declares AI_PASSIVE, AF_UNIX and AF_INET6 datagram sockets)."""
import ast
import os
import re
import subprocess
import sys
import unittest

from sockspec.model import paths

FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fakes", "unsupported_agent.py")
PROTOCOL_RUN = os.path.join(paths.CONFORMANCE, "tests", "protocol", "run.py")

# Tests that ask for what the fake lacks, and the hello checks that try its declarations.
ASKS_FOR_A_FLAG = "test_passive_null_host"                  # call(): AI_PASSIVE
EXPECTS_GAIERROR = "test_numeric_host_flag_refuses_a_name"  # error(): AI_NUMERICHOST
EXPECTS_UNSUPPORTED = "test_unknown_constant_is_unsupported"
CONSTANTS_HOLD = "test_every_declared_constant_resolves"
PLATFORM_HOLDS = "test_declared_platform_facts_hold"
SOCKETS_HOLD = "test_every_declared_family_and_type_can_be_created"
SOCKETS_NAMED = "test_declared_sockets_name_declared_families_and_types"
SELECTED = [ASKS_FOR_A_FLAG, EXPECTS_GAIERROR, EXPECTS_UNSUPPORTED, CONSTANTS_HOLD,
            PLATFORM_HOLDS, SOCKETS_HOLD, SOCKETS_NAMED]

# unittest -v: "test_x (module.Class.test_x) ... skipped 'why'", or ok, FAIL, ERROR.
OUTCOME = re.compile(r"^(test_\w+) \([\w.]+\) \.\.\. (ok|FAIL|ERROR|skipped (.*))$", re.M)


def run_protocol_tests(lie):
    """(exit status, {test name: (outcome, skip reason)}, unittest's output)."""
    command = [sys.executable, PROTOCOL_RUN, "--agent", "%s %s" % (sys.executable, FAKE),
               "-v", "hello", "module"]
    for name in SELECTED:
        command += ["-k", name]
    env = dict(os.environ, FAKE_LIE="1" if lie else "0")
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    outcomes = {}
    for name, outcome, reason in OUTCOME.findall(done.stderr):
        outcomes[name] = ("skipped", ast.literal_eval(reason)) if reason else (outcome, None)
    return done.returncode, outcomes, done.stderr


class UnsupportedRule(unittest.TestCase):
    def outcomes(self, lie):
        code, outcomes, output = run_protocol_tests(lie)
        self.assertEqual(sorted(outcomes), sorted(SELECTED), output)
        return code, outcomes, output

    def test_an_honest_agent_lacking_things_is_skipped_not_failed(self):
        code, outcomes, output = self.outcomes(lie=False)
        self.assertEqual(code, 0, output)
        self.assertEqual(outcomes[ASKS_FOR_A_FLAG][0], "skipped", output)
        self.assertEqual(outcomes[EXPECTS_GAIERROR][0], "skipped", output)
        # the reason names the request and what the agent said is missing
        self.assertIn("agent: unsupported: getaddrinfo", outcomes[ASKS_FOR_A_FLAG][1])
        self.assertIn("AI_PASSIVE", outcomes[ASKS_FOR_A_FLAG][1])
        self.assertIn("AI_NUMERICHOST", outcomes[EXPECTS_GAIERROR][1])
        # Only the pairs `sockets` lists are tried: AF_INET6 with SOCK_DGRAM, which the
        # fake lacks though it has both, is not.
        for name in (EXPECTS_UNSUPPORTED, CONSTANTS_HOLD, PLATFORM_HOLDS, SOCKETS_HOLD,
                     SOCKETS_NAMED):
            self.assertEqual(outcomes[name], ("ok", None), output)

    def test_a_declared_name_answered_unsupported_fails_the_hello_checks(self):
        code, outcomes, output = self.outcomes(lie=True)
        self.assertEqual(code, 1, output)
        self.assertEqual(outcomes[CONSTANTS_HOLD][0], "FAIL", output)
        self.assertEqual(outcomes[PLATFORM_HOLDS][0], "FAIL", output)
        self.assertEqual(outcomes[SOCKETS_HOLD][0], "FAIL", output)
        self.assertIn("constant AI_PASSIVE is declared in the hello, yet agent: unsupported",
                      output)
        self.assertIn("platform.af_unix is declared in the hello, yet agent: unsupported",
                      output)
        self.assertIn("socket AF_INET6/SOCK_DGRAM is declared in the hello, yet agent: "
                      "unsupported", output)
        # The false pair names a declared family and type: its shape is right.
        self.assertEqual(outcomes[SOCKETS_NAMED], ("ok", None), output)
        # Outside the hello checks the same answer still skips: the lie is reported once,
        # by the test about declarations.
        self.assertEqual(outcomes[ASKS_FOR_A_FLAG][0], "skipped", output)
        self.assertEqual(outcomes[EXPECTS_UNSUPPORTED], ("ok", None), output)


if __name__ == "__main__":
    unittest.main()
