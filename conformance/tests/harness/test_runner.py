"""The runner end to end with misbehaving fake agents: every misbehaviour becomes the
right status, the run goes on to the next case, and nothing is left behind.

The environment modules are replaced by engine_standins (no namespaces needed); the
agents are real processes (tests/harness/fakes/engine_*.py)."""
import glob
import json
import os
import shutil
import sys
import tempfile
import unittest

import engine_standins as standins
from sockspec.load import scenarios as scenario
from sockspec.model import status as st
from sockspec.load.impls import Impl
from sockspec.report.results import write_all
from sockspec.engine.context import CLOSE_GRACE
from sockspec.engine.schedule import Options, Runner
from sockspec.load import expectations

FAKES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fakes")
# Every process these tests start inherits this mark, so leftovers can be found exactly.
MARK = f"runner-{os.getpid()}"
os.environ["SOCKSPEC_TEST_MARK"] = MARK

HEADER = '''\
format = 1
[scenario]
id = "fake/{name}"
title = "fake"
seed = ["gethostname"]
{extra}
[[actor]]
name = "x"
host = "a"
'''

SCENARIOS = {
    # runs the trigger op between two harmless ones
    "trigger": '''
[[step]]
op = "gethostname"
actor = "x"
expect = { result = "fake-host" }

[[step]]
id = "trigger"
op = "gethostbyname"
actor = "x"
args = { hostname = "a" }
timeout = 1

[[step]]
id = "after"
op = "gethostname"
actor = "x"
''',
    # never triggers: must PASS with every fake agent that starts
    "plain": '''
[[step]]
op = "gethostname"
actor = "x"
expect = { result = "fake-host" }

[[step]]
op = "htons"
actor = "x"
args = { x = 1 }
save = { swapped = [] }

[[step]]
op = "htons"
actor = "x"
args = { x = "$swapped" }
expect = { result = 1 }
''',
    "wrong": '''
[[step]]
id = "host"
op = "gethostname"
actor = "x"
expect = { result = "other-host" }
''',
    "missing-op": '''
[[step]]
op = "getfqdn"
actor = "x"
''',
    "async": '''
[[step]]
id = "bg"
op = "sleep"
actor = "x"
args = { seconds = 0.2 }
async = true

[[step]]
op = "await"
step = "bg"
expect = { ok = true, elapsed = [-1, 5] }
''',
    # optional helper steps: one whose op the hello lacks (fdflags), one answered
    # `unsupported` (the fake lists inet_aton but answers unsupported); the subject runs
    "optional": '''
[[step]]
id = "helper"
op = "fdflags"
actor = "x"
optional = true
expect = { contains = { nonblocking = false } }

[[step]]
id = "cross-check"
op = "inet_aton"
actor = "x"
optional = true
args = { ip_string = "192.0.2.1" }

[[step]]
id = "subject"
op = "gethostname"
actor = "x"
expect = { result = "fake-host" }
''',
    # the same helper, not optional: the case is UNSUPPORTED
    "required-helper": '''
[[step]]
op = "fdflags"
actor = "x"
''',
    "case-timeout": '''
[[step]]
op = "sleep"
actor = "x"
args = { seconds = 30 }
timeout = 60
''',
}
SCENARIOS["program"] = '''
[[actor]]
name = "p"
host = "a"
kind = "program"

[[step]]
op = "gethostname"
actor = "x"
save = { name = [] }

[[step]]
op = "spawn"
actor = "p"
args = { program = "prog-lines", argv = ["", "first", "${name}"], env = { EXIT_CODE = "$code" } }

[[step]]
op = "readline"
actor = "p"
expect = { result = "first" }

[[step]]
op = "readline"
actor = "p"
expect = { regex = "^fake-" }
save = { line = [] }

[[step]]
id = "exit"
op = "wait"
actor = "p"
expect = { result = { exit = 3, stdout = "" } }
timeout = 5
'''
SCENARIOS["async-trigger"] = '''
[[step]]
id = "bg"
op = "gethostbyname"
actor = "x"
args = { hostname = "a" }
async = true
timeout = 1

[[step]]
op = "await"
step = "bg"

[[step]]
op = "gethostname"
actor = "x"
'''
SCENARIOS["malformed"] = '''
[[step]]
op = "htonl"
actor = "x"

[[step]]
op = "gethostname"
actor = "x"
'''
SCENARIOS["no-program"] = '''
[[actor]]
name = "p"
host = "a"
kind = "program"

[[step]]
op = "spawn"
actor = "p"
args = { program = "no-such-program" }
'''
PEER = '''
[[actor]]
name = "y"
host = "a"
'''
# An operation the hello lists answers `unsupported` while the peer waits on a request.
SCENARIOS["unsupported-mid"] = PEER + '''
[[step]]
id = "bg"
op = "sleep"
actor = "x"
args = { seconds = 30 }
async = true
timeout = 60

[[step]]
id = "ask"
op = "getservbyname"
actor = "y"
args = { servicename = "echo", protocolname = "tcp" }

[[step]]
op = "await"
step = "bg"

[[step]]
id = "later"
op = "gethostname"
actor = "y"
'''
SCENARIOS["unsupported-permitted"] = '''
[[step]]
id = "ask"
op = "getservbyname"
actor = "x"
args = { servicename = "echo", protocolname = "tcp" }
expect = { one_of = [7], error = ["unsupported"], record = "A1" }

[[step]]
op = "gethostname"
actor = "x"
expect = { result = "fake-host" }
'''
# A socket that is not made: what uses it is not run, the first cause stays.
SCENARIOS["cascade"] = PEER + '''
[[step]]
id = "mk"
op = "socket"
actor = "x"
as = "s"
args = { family = "AF_BOGUS" }

[[step]]
id = "name"
op = "getsockname"
actor = "x"
sock = "s"
expect = { one_of = [["127.0.0.1", 1]], record = "A1" }

[[step]]
id = "bgname"
op = "getsockname"
actor = "x"
sock = "s"
async = true

[[step]]
id = "waitname"
op = "await"
step = "bgname"

[[step]]
id = "other"
op = "gethostname"
actor = "y"
expect = { result = "fake-host" }

[[step]]
id = "late"
op = "sleep"
actor = "y"
args = { seconds = 5 }
timeout = 0.5

[[step]]
id = "after-late"
op = "gethostname"
actor = "y"

[[step]]
id = "rejected"
op = "htonl"
actor = "x"
args = { x = 1 }
expect = { one_of = [16777216], record = "A2" }

[[step]]
id = "fine"
op = "gethostname"
actor = "x"
expect = { one_of = ["fake-host"], record = "A3" }
'''
EXTRA = {"case-timeout": "timeout = 1", "program": '[variants]\ncode = ["3", "kill"]'}


class Base(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="sockspec-test-")
        self.addCleanup(shutil.rmtree, self.root, True)
        os.makedirs(os.path.join(self.root, "fake"))
        for name, body in SCENARIOS.items():
            extra = EXTRA.get(name, "")
            with open(os.path.join(self.root, "fake", name + ".toml"), "w") as f:
                f.write(HEADER.format(name=name, extra=extra) + body)
        self.scenarios = {s.id.split("/")[1]: s for s in
                          scenario.load_all(self.root, standins.template_hosts)[0]}
        standins.FakeNetwork.created.clear()
        # Stand-in run tags are t<pid>: only this process's temp dirs match.
        self.tmp_glob = os.path.join(tempfile.gettempdir(), f"sockspec-t{os.getpid()}-*")
        self.tmp_before = set(glob.glob(self.tmp_glob))

    def tearDown(self):
        self.assertEqual(standins.live_processes(), [], "processes left behind")
        self.assertTrue(all(n.destroyed for n in standins.FakeNetwork.created),
                        "a network was not destroyed")
        self.assertEqual(set(glob.glob(self.tmp_glob)), self.tmp_before,
                         "temp dirs left behind")
        self.assertEqual(standins.processes_with_env("SOCKSPEC_TEST_MARK", MARK), [],
                         "fake agent processes left behind")

    def run_cases(self, fake, names, **opts):
        argv = [sys.executable, os.path.join(FAKES, fake)]
        impl = Impl(fake, argv, [sys.executable, os.path.join(FAKES, "engine_{program}.py")])
        out = os.path.join(self.root, "out")
        runner = Runner(Options(impl=impl, out_dir=out, loopback=True, **opts), standins.env())
        runner.hello = {"hello": 1, "ops": ["gethostname", "gethostbyname", "sleep", "htons",
                                             "htonl", "socket", "getsockname",
                                             "getservbyname"]}
        cases = [c for n in names for c in self.scenarios[n].cases()]
        results = runner.run(cases)
        self.assertEqual([r.case.id for r in sorted(results, key=lambda r: names.index(
            r.case.scenario.id.split("/")[1]))], [c.id for c in cases])
        return {r.case.scenario.id.split("/")[1]: r for r in results}, runner


class RunnerTest(Base):
    def test_well_behaved(self):
        res, _ = self.run_cases("engine_agent.py", ["trigger", "plain", "wrong", "async"])
        self.assertIs(res["trigger"].status, st.PASS, res["trigger"].message)
        self.assertIs(res["plain"].status, st.PASS, res["plain"].message)
        self.assertIs(res["wrong"].status, st.FAIL)
        self.assertIn("other-host", res["wrong"].message)
        self.assertIs(res["async"].status, st.PASS, res["async"].message)
        await_resp = res["async"].steps[1].response
        self.assertGreaterEqual(await_resp["elapsed"], 0.0)

    def test_optional_steps_are_skipped_not_failed(self):
        res, _ = self.run_cases("engine_agent.py", ["optional", "required-helper"])
        r = res["optional"]
        self.assertIs(r.status, st.PASS, r.message)
        steps = {s.id: s for s in r.steps}
        self.assertIs(steps["subject"].verdict, st.PASS)
        self.assertIs(steps["helper"].verdict, st.SKIP)
        self.assertEqual(steps["helper"].message, "skipped (optional): the agent lacks fdflags")
        self.assertIs(steps["cross-check"].verdict, st.SKIP)
        self.assertIn("answered unsupported", steps["cross-check"].message)
        self.assertEqual(r.skipped, ["helper: the agent lacks fdflags",
                                     "cross-check: the agent answered unsupported to inet_aton"])
        self.assertEqual(r.to_json()["skipped"], r.skipped)
        self.assertIs(res["required-helper"].status, st.UNSUPPORTED)
        self.assertIn("fdflags", res["required-helper"].message)

    def test_crash_mid_case(self):
        res, _ = self.run_cases("engine_crash.py", ["trigger", "plain"])
        r = res["trigger"]
        self.assertIs(r.status, st.CRASH, r.message)
        steps = {s.id: s for s in r.steps}
        self.assertIs(steps["x.gethostname"].verdict, st.PASS)   # a derived name
        self.assertIs(steps["trigger"].verdict, st.CRASH)
        self.assertIn("crashing on purpose", steps["trigger"].message)
        self.assertIs(steps["after"].verdict, st.SKIP)
        self.assertEqual((steps["after"].reason, steps["after"].cause), ("cascade", "trigger"))
        self.assertIn("not run: actor 'x' died at step 'trigger'", steps["after"].message)
        self.assertIs(res["plain"].status, st.PASS)

    def test_async_step_of_a_crashing_agent(self):
        res, _ = self.run_cases("engine_crash.py", ["async-trigger", "plain"])
        r = res["async-trigger"]
        self.assertIs(r.status, st.CRASH, r.message)
        self.assertEqual([s.verdict for s in r.steps], [st.CRASH, st.CRASH, st.SKIP])
        res, _ = self.run_cases("engine_hang.py", ["async-trigger"])
        r = res["async-trigger"]
        self.assertIs(r.status, st.TIMEOUT, r.message)
        self.assertEqual([s.verdict for s in r.steps], [st.TIMEOUT, st.TIMEOUT, st.SKIP])

    def test_record_on_an_async_step_covers_its_await(self):
        from sockspec.load import expectations
        path = os.path.join(self.root, "exp.toml")
        with open(path, "w") as f:
            f.write('format = 1\n[[expect]]\nscenario = "fake/async-trigger"\nstep = "bg"\n'
                    'status = "CRASH"\nreason = "dies"\n')
        res, _ = self.run_cases("engine_crash.py", ["async-trigger"],
                                records=expectations.load(path))
        r = res["async-trigger"]
        self.assertEqual([s.verdict for s in r.steps], [st.XFAIL, st.XFAIL, st.SKIP])
        self.assertIs(r.status, st.XFAIL, r.message)

    def test_hang_is_step_timeout(self):
        res, _ = self.run_cases("engine_hang.py", ["trigger", "plain"])
        r = res["trigger"]
        self.assertIs(r.status, st.TIMEOUT, r.message)
        trigger = [s for s in r.steps if s.id == "trigger"][0]
        self.assertIs(trigger.verdict, st.TIMEOUT)
        self.assertIn("killed", trigger.message)
        self.assertIs(res["plain"].status, st.PASS)

    def test_garbage_is_error(self):
        res, _ = self.run_cases("engine_garbage.py", ["trigger", "plain"])
        r = res["trigger"]
        self.assertIs(r.status, st.ERROR, r.message)
        self.assertIn("protocol", r.message)
        self.assertIs(res["plain"].status, st.PASS)

    def test_no_hello_is_error(self):
        res, _ = self.run_cases("engine_nohello.py", ["trigger", "plain"],
                                timeout_multiplier=0.2)
        for name in ("trigger", "plain"):
            self.assertIs(res[name].status, st.ERROR)
            self.assertIn("did not start", res[name].message)

    def test_slow_answers(self):
        os.environ["SLOW"] = "0.5"
        try:
            res, _ = self.run_cases("engine_slow.py", ["plain", "trigger"],
                                    timeout_multiplier=0.4)
        finally:
            del os.environ["SLOW"]
        # plain: default step timeout 10 s x 0.4 = 4 s > 0.5 s per answer
        self.assertIs(res["plain"].status, st.PASS, res["plain"].message)
        # trigger: timeout 1 s x 0.4 = 0.4 s < 0.5 s
        self.assertIs(res["trigger"].status, st.TIMEOUT, res["trigger"].message)

    def test_protocol_error_answer_is_fail(self):
        # Not a cascade (nothing failed before): the agent refused a request the catalog
        # sends, which is its failure, not the harness's (ERROR is for set-up).
        res, runner = self.run_cases("engine_agent.py", ["malformed"])
        r = res["malformed"]
        self.assertIs(r.status, st.FAIL)
        self.assertEqual([s.verdict for s in r.steps], [st.FAIL, st.PASS])
        self.assertIn("protocol: the agent rejected the request as malformed", r.message)

    def test_missing_op_is_unsupported(self):
        res, _ = self.run_cases("engine_agent.py", ["missing-op", "plain"])
        self.assertIs(res["missing-op"].status, st.UNSUPPORTED)
        self.assertIn("getfqdn", res["missing-op"].message)
        self.assertFalse(res["missing-op"].status.counts_as_pass)

    def test_programs(self):
        res, _ = self.run_cases("engine_agent.py", ["program", "no-program", "plain"])
        # the "program" key holds the last of its two cases; look at both
        self.assertIs(res["no-program"].status, st.UNSUPPORTED)
        self.assertIn("no-such-program", res["no-program"].message)
        self.assertIs(res["plain"].status, st.PASS)

    def test_program_statuses(self):
        cases = self.scenarios["program"].cases()
        argv = [sys.executable, os.path.join(FAKES, "engine_agent.py")]
        impl = Impl("f", argv, [sys.executable, os.path.join(FAKES, "engine_{program}.py")])
        runner = Runner(Options(impl=impl, out_dir=os.path.join(self.root, "o"), loopback=True),
                        standins.env())
        runner.hello = {"ops": ["gethostname"]}
        ok, killed = runner.run(cases)
        self.assertEqual(ok.case.id, "fake/program:3")
        self.assertIs(ok.status, st.PASS, ok.message)
        self.assertEqual(ok.steps[3].response["result"], "fake-host")
        self.assertIs(killed.status, st.CRASH, killed.message)
        self.assertIn("signal 9", killed.message)

    def test_case_timeout(self):
        res, _ = self.run_cases("engine_agent.py", ["case-timeout", "plain"])
        r = res["case-timeout"]
        self.assertIs(r.status, st.TIMEOUT)
        self.assertIn("case timeout", r.message)
        self.assertIs(res["plain"].status, st.PASS)

    def test_setup_failure_is_error(self):
        standins.FakeNetwork.fail_next = True
        res, _ = self.run_cases("engine_agent.py", ["plain"])
        self.assertIs(res["plain"].status, st.ERROR)
        self.assertIn("could not be created", res["plain"].message)

    def test_parallel_and_repeat(self):
        res, runner = None, None
        argv = [sys.executable, os.path.join(FAKES, "engine_agent.py")]
        runner = Runner(Options(impl=Impl("f", argv), out_dir=os.path.join(self.root, "o"),
                                loopback=True, jobs=3, repeat=2), standins.env())
        runner.probe()
        self.assertEqual(runner.hello["impl"], "fake")
        cases = [c for n in ("plain", "wrong", "trigger", "async") for c in
                 self.scenarios[n].cases()]
        results = runner.run(cases)
        self.assertEqual(len(results), 8)
        self.assertEqual(sorted((r.case.id, r.repeat) for r in results),
                         sorted((c.id, k) for c in cases for k in range(2)))

    def test_run_timeout_skips_the_rest(self):
        res, _ = self.run_cases("engine_agent.py", ["case-timeout", "plain"], run_timeout=0.5)
        self.assertIs(res["case-timeout"].status, st.TIMEOUT)
        self.assertIn("run timeout reached", res["case-timeout"].message)
        self.assertIs(res["plain"].status, st.SKIP)
        self.assertIn("run timeout", res["plain"].message)

    def test_outputs(self):
        res, runner = self.run_cases("engine_crash.py", ["trigger", "plain", "missing-op"])
        out = os.path.join(self.root, "out")
        run = {"impl": "fake", "suite_revision": "x", "hello": runner.hello, "os": "linux",
               "kernel": "k", "libc": "glibc", "tshark": None, "python": "3",
               "conditions": runner.run_info}
        doc = write_all(out, run, list(res.values()), [])
        with open(os.path.join(out, "results.json")) as f:
            loaded = json.load(f)
        self.assertEqual(loaded, json.loads(json.dumps(doc)))
        self.assertEqual(loaded["summary"]["CRASH"], 1)
        self.assertEqual(loaded["unexpected"], ["fake/trigger"])
        case = [c for c in loaded["cases"] if c["id"] == "fake/trigger"][0]
        self.assertEqual(case["status"], "CRASH")
        self.assertEqual([s["verdict"] for s in case["steps"]], ["PASS", "CRASH", "SKIP"])
        self.assertEqual(case["steps"][1]["request"]["args"], {"hostname": "a"})
        self.assertTrue(os.path.exists(case["logs"]["x"]))
        import xml.etree.ElementTree as ET
        suite = ET.parse(os.path.join(out, "junit.xml")).getroot()
        self.assertEqual((suite.get("tests"), suite.get("errors"), suite.get("skipped")),
                         ("3", "1", "1"))
        with open(os.path.join(out, "summary.md")) as f:
            self.assertIn("**CRASH** `fake/trigger`", f.read())


class CascadeTest(Base):
    """Unsupported answers during a run, and no cascades after a failure."""

    def test_unsupported_mid_case_releases_the_peer_at_once(self):
        res, _ = self.run_cases("engine_agent.py", ["unsupported-mid"])
        r = res["unsupported-mid"]
        self.assertIs(r.status, st.UNSUPPORTED, r.message)
        self.assertEqual(r.message, "unsupported: getservbyname servicename=echo "
                         "protocolname=tcp: this implementation has no services database "
                         "(step 'ask')")
        steps = {s.id: s for s in r.steps}
        # The peer's pending request was abandoned, not answered (its sleep is 30 s).
        self.assertIsNone(steps["bg"].response)
        self.assertEqual((steps["bg"].verdict, steps["bg"].reason), (st.SKIP, "abandoned"))
        self.assertIs(steps["ask"].verdict, st.UNSUPPORTED)
        for sid in (r.steps[2].id, "later"):
            self.assertEqual((steps[sid].verdict, steps[sid].reason), (st.SKIP, "unsupported"))
            self.assertIsNone(steps[sid].response)
        # The teardown did not give the killed peer a grace period to answer either.
        self.assertLess(r.timings["teardown"], CLOSE_GRACE)
        self.assertEqual(r.records, [])
        doc = r.to_json()
        self.assertEqual(doc["steps"][0]["reason"], "abandoned")
        self.assertNotIn("reason", doc["steps"][1])

    def test_unsupported_is_not_folded_into_a_failure(self):
        path = os.path.join(self.root, "exp.toml")
        with open(path, "w") as f:
            f.write('format = 1\n[[expect]]\nscenario = "fake/unsupported-mid"\n'
                    'status = "FAIL"\nreason = "r"\n[[expect]]\nscenario = '
                    '"fake/unsupported-mid"\nstep = "ask"\nstatus = "FAIL"\nreason = "r"\n')
        res, _ = self.run_cases("engine_agent.py", ["unsupported-mid"],
                                records=expectations.load(path))
        r = res["unsupported-mid"]
        self.assertIs(r.status, st.UNSUPPORTED, r.message)
        self.assertIs(r.observed, st.UNSUPPORTED)
        self.assertIs(r.steps[1].verdict, st.UNSUPPORTED)

    def test_permitted_unsupported_is_judged(self):
        res, _ = self.run_cases("engine_agent.py", ["unsupported-permitted"])
        r = res["unsupported-permitted"]
        self.assertIs(r.status, st.PASS, r.message)
        self.assertEqual(r.records, [{"id": "A1", "observed": {"error": "unsupported"},
                                      "permitted": True, "step": "ask"}])

    def test_no_cascade_after_a_failed_socket(self):
        res, _ = self.run_cases("engine_agent.py", ["cascade"])
        r = res["cascade"]
        steps = {s.id: s for s in r.steps}
        # The first cause wins: the socket's FAIL, not the later TIMEOUT of the peer.
        self.assertIs(steps["late"].verdict, st.TIMEOUT)
        self.assertIs(r.status, st.FAIL, r.message)
        self.assertTrue(r.message.startswith("step 'mk': FAIL: expected success, got error "
                                             "EAFNOSUPPORT"), r.message)
        # Not sent at all: the handle was never made.
        for sid in ("name", "bgname", "waitname"):
            self.assertEqual((steps[sid].verdict, steps[sid].reason, steps[sid].cause),
                             (st.SKIP, "cascade", "mk"), sid)
            self.assertIsNone(steps[sid].response, sid)
        self.assertIn("was to make its handle", steps["name"].message)
        self.assertIn("'bgname', which it awaits, was not run", steps["waitname"].message)
        # Independent steps of the other actor still ran; after its timeout, nothing more.
        self.assertIs(steps["other"].verdict, st.PASS)
        self.assertEqual((steps["after-late"].reason, steps["after-late"].cause),
                         ("cascade", "late"))
        # A protocol answer after the failure is a cascade: not run, not a verdict.
        self.assertEqual(steps["rejected"].response["error"]["type"], "protocol")
        self.assertEqual((steps["rejected"].verdict, steps["rejected"].reason),
                         (st.SKIP, "cascade"))
        self.assertIs(steps["fine"].verdict, st.PASS)
        # Only the step that ran on its own premises is a platform record.
        self.assertEqual([rec["id"] for rec in r.records], ["A3"])
        self.assertNotIn(st.ERROR, [s.verdict for s in r.steps])


class ChecksTest(Base):
    """Capture checks are evaluated in batches: one tshark call for many cases."""

    def test_checks_batched(self):
        with open(os.path.join(self.root, "fake", "cap.toml"), "w") as f:
            f.write(HEADER.format(name="cap", extra='[variants]\nn = [1, 2, 3]') + '''
[[step]]
op = "gethostname"
actor = "x"

[[check]]
id = "syn"
filter = "flags == S"
count = "$n"
''' .replace('count = "$n"', 'count_min = 1') + '''
[[check]]
id = "dirs"
filter = "proto == tcp"
fields = ["dir", "flags"]
sequence = ["a>b,S", "b>a,SA"]
match = "prefix"
''')
        sc = scenario.load(os.path.join(self.root, "fake", "cap.toml"), standins.template_hosts)
        packets = [{"flags": "S", "proto": "tcp", "dir": "a>b"},
                   {"flags": "SA", "proto": "tcp", "dir": "b>a"},
                   {"flags": "A", "proto": "tcp", "dir": "a>b"}]
        standins.FakeCapture.packets_for = staticmethod(lambda net: packets)
        standins.FakeTshark.calls.clear()
        argv = [sys.executable, os.path.join(FAKES, "engine_agent.py")]
        runner = Runner(Options(impl=Impl("f", argv), out_dir=os.path.join(self.root, "o"),
                                loopback=True, jobs=2), standins.env())
        runner.hello = {"ops": ["gethostname"]}
        results = runner.run(sc.cases())
        self.assertEqual([r.status for r in results], [st.PASS] * 3,
                         [r.message for r in results])
        # Every check evaluated once, a case's checks in the same tshark call. (Batches
        # get small at the end of a run, so that the run does not end waiting on a long
        # tshark call: these three cases are all "the end".)
        calls = [n for _, n in standins.FakeTshark.calls]
        self.assertEqual(sum(calls), 6, calls)
        self.assertTrue(all(n % 2 == 0 for n in calls), calls)
        self.assertLessEqual(len(calls), 3, calls)
        for r in results:
            self.assertTrue(os.path.exists(r.pcapng))
            self.assertEqual(r.checks[1].values, ["a>b,S", "b>a,SA", "a>b,A"])
        self.assertEqual(glob.glob(os.path.join(self.root, "o", "pcap", "batch-*")), [])
        # A check that does not hold fails the case.
        packets[:] = packets[1:]
        results = runner.run(sc.cases()[:1])
        self.assertIs(results[0].status, st.FAIL)
        self.assertIn("check 'syn'", results[0].message)
        # A capture that breaks cannot let the case pass.
        standins.FakeCapture.fail_stop = True
        try:
            results = runner.run(sc.cases()[:1])
        finally:
            standins.FakeCapture.fail_stop = False
        self.assertIs(results[0].status, st.ERROR)
        self.assertIn("checks not evaluated", results[0].message)


if __name__ == "__main__":
    unittest.main()
