"""The status model and expectation records (XFAIL, XPASS, unknown records, conditions)."""
import os
import tempfile
import textwrap
import unittest

from sockspec.report import results as results_mod

import engine_standins as standins
from sockspec.load import expectations, scenarios as scenario
from sockspec.model import status as st
from sockspec.model.paths import REPO
from sockspec.load.impls import Impl
from sockspec.model.results import CaseResult, CheckResult, StepResult
from sockspec.engine import verdicts

CATALOG = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "scenarios")


class StatusModel(unittest.TestCase):
    def test_vocabulary_is_fixed(self):
        self.assertEqual([s.name for s in st.ALL], ["PASS", "FAIL", "XFAIL", "XPASS", "ERROR",
                                                    "TIMEOUT", "CRASH", "UNSUPPORTED", "SKIP"])
        self.assertEqual({s.name for s in st.ALL if s.unexpected},
                         {"FAIL", "XPASS", "ERROR", "TIMEOUT", "CRASH"})
        self.assertFalse(st.UNSUPPORTED.counts_as_pass)
        self.assertFalse(st.SKIP.counts_as_pass)

    def test_worst(self):
        self.assertIs(st.worst(st.PASS, st.FAIL, st.TIMEOUT), st.TIMEOUT)
        self.assertIs(st.worst(st.PASS, st.XFAIL), st.XFAIL)
        self.assertIs(st.worst(st.XFAIL, st.XPASS), st.XPASS)
        self.assertIs(st.worst(st.CRASH, st.ERROR), st.CRASH)
        self.assertIs(st.worst(), st.PASS)

    def test_apply_expectation(self):
        self.assertIs(st.apply_expectation(st.FAIL, None), st.FAIL)
        self.assertIs(st.apply_expectation(st.FAIL, (st.FAIL,)), st.XFAIL)
        self.assertIs(st.apply_expectation(st.TIMEOUT, (st.FAIL, st.TIMEOUT)), st.XFAIL)
        self.assertIs(st.apply_expectation(st.PASS, (st.FAIL,)), st.XPASS)
        self.assertIs(st.apply_expectation(st.CRASH, (st.FAIL,)), st.CRASH)
        self.assertIs(st.apply_expectation(st.UNSUPPORTED, (st.FAIL,)), st.UNSUPPORTED)


def write(text):
    fd, path = tempfile.mkstemp(suffix=".toml")
    with os.fdopen(fd, "w") as f:
        f.write(textwrap.dedent(text))
    return path


def starter_cases():
    sc = scenario.load(os.path.join(CATALOG, "timeouts/recv-timeout.toml"),
                       standins.template_hosts)
    return sc.cases()


class Records(unittest.TestCase):
    def test_load_and_match(self):
        path = write('''\
            format = 1
            impl = "x"

            [[expect]]
            case = "timeouts/recv-timeout:ipv6"
            step = "recv"
            status = ["FAIL", "TIMEOUT"]
            when = { libc = "glibc", impl_version = ">=3.11,<3.13" }
            reason = "r"
            links = ["https://example.invalid/1"]

            [[expect]]
            scenario = "timeouts/*"
            status = "SKIP"
            when = { kernel = ">=99" }
            reason = "never"
            ''')
        recs = expectations.load(path)
        self.assertEqual([r.line for r in recs], [4, 12])
        self.assertEqual(recs[0].statuses, (st.FAIL, st.TIMEOUT))
        cases = starter_cases()
        self.assertEqual(expectations.validate(recs, cases), [])
        info = {"libc": "glibc 2.36", "impl_version": "3.11.7", "kernel": "6.1.0-18-amd64"}
        self.assertEqual(expectations.find(recs, cases[1], info), [recs[0]])
        self.assertEqual(expectations.find(recs, cases[0], info), [])
        self.assertEqual(expectations.find(recs, cases[1], {**info, "libc": "musl 1.2"}), [])
        self.assertEqual(expectations.find(recs, cases[1], {**info, "impl_version": "3.13.0"}), [])
        self.assertEqual(expectations.find(recs, cases[1], {**info, "kernel": "99.1"}),
                         [recs[0], recs[1]])

    def test_unknown_case_and_step_name_the_line(self):
        path = write('''\
            format = 1

            [[expect]]
            case = "timeouts/recv-timeout:*"
            step = "recv"
            status = "FAIL"
            reason = "ok"

            [[expect]]
            case = "timeouts/no-such:*"
            status = "FAIL"
            reason = "stale"

            [[expect]]
            scenario = "timeouts/recv-timeout"
            step = "no-such-step"
            status = "FAIL"
            reason = "stale"
            ''')
        errors = expectations.validate(expectations.load(path), starter_cases())
        self.assertEqual([str(e) for e in errors],
                         [f"{path}:9: record matches no case: 'timeouts/no-such:*'",
                          f"{path}:14: scenario 'timeouts/recv-timeout' has no step "
                          f"'no-such-step'"])

    def test_bad_files(self):
        cases = [
            ('format = 1\n[[expect]]\ncase = "a"\nstatus = "PASS"\nreason = "r"\n', 4,
             "cannot be recorded"),
            ('format = 1\n[[expect]]\ncase = "a"\nstatus = "FAIL"\nreason = "r"\nwhen = { gpu = "x" }\n',
             6, "unknown condition 'gpu'"),
            ('format = 1\n[[expect]]\ncase = "a"\nstatus = "FAIL"\nreason = "r"\n'
             'when = { impl_version = "~3" }\n', 6, "bad version condition"),
            ('format = 1\n[[expect]]\ncase = "a"\nstatus = "FAIL"\n', 2, "needs a reason"),
            ('format = 1\n[[expect]]\ncase = "a"\nstatus = "FAIL"\nreason = "r"\ncolour = 1\n', 6,
             "unknown key 'colour'"),
        ]
        for text, line, message in cases:
            path = write(text)
            with self.subTest(message=message):
                with self.assertRaises(scenario.LoadError) as cm:
                    expectations.load(path)
                self.assertTrue(str(cm.exception).startswith(f"{path}:{line}: "), str(cm.exception))
                self.assertIn(message, str(cm.exception))

    def test_golden_check_is_a_step_name_where_the_scenario_has_golden_flows(self):
        root = os.path.join(REPO, "conformance", "scenarios")
        with_flows = scenario.load(os.path.join(root, "echo", "program-echo.toml"))
        opted_out = scenario.load(os.path.join(root, "listen", "backlog-burst.toml"))
        self.assertTrue(with_flows.golden)
        self.assertFalse(opted_out.golden)
        path = write('''\
            format = 1
            impl = "x"

            [[expect]]
            scenario = "echo/program-echo"
            step = "check:golden"
            status = "FAIL"
            reason = "r"

            [[expect]]
            scenario = "listen/backlog-burst"
            step = "check:golden"
            status = "FAIL"
            reason = "r"
            ''')
        errors = expectations.validate(expectations.load(path),
                                       with_flows.cases() + opted_out.cases())
        self.assertEqual([e.line for e in errors], [10])
        self.assertIn("backlog-burst", str(errors[0]))

    def test_versions(self):
        self.assertTrue(expectations.version_in("3.11.7", ">=3.11,<3.13"))
        self.assertFalse(expectations.version_in("3.13.0", ">=3.11,<3.13"))
        self.assertTrue(expectations.version_in("3.11.7", "==3.11"))
        self.assertTrue(expectations.version_in("6.1.0-18-amd64", ">=6"))
        self.assertFalse(expectations.version_in("5.10.0", ">=6"))
        # Debian's tilde joins numbers too (runsc reports "0.0~20221219.0").
        self.assertTrue(expectations.version_in("0.0~20221219.0", "==0.0~20221219"))
        self.assertFalse(expectations.version_in("0.0~20230605.0", "==0.0~20221219"))
        self.assertTrue(expectations.version_in("0.0~20230605.0", ">0.0~20221219"))

    def test_libc_version_is_the_number_in_the_libc_label(self):
        path = write('''\
            format = 1
            impl = "x"

            [[expect]]
            case = "timeouts/recv-timeout:ipv6"
            status = "FAIL"
            when = { libc = "musl", libc_version = ">=1.2,<1.3" }
            reason = "r"
            ''')
        recs = expectations.load(path)
        case = starter_cases()[1]
        self.assertEqual(expectations.find(recs, case, {"libc": "musl 1.2.3"}), recs)
        self.assertEqual(expectations.find(recs, case, {"libc": "musl 1.1.24"}), [])
        self.assertEqual(expectations.find(recs, case, {"libc": "musl"}), [])   # no version
        self.assertEqual(expectations.find(recs, case, {"libc": "glibc 1.2.3"}), [])


class Folding:
    """What the run does once a case is over: fold the records into its status, under
    the run's conditions."""

    def __init__(self, records):
        self.records = records
        self.run_info = {"os": "linux"}

    def finalize(self, res):
        verdicts.finalize(res, self.records, self.run_info)


class Finalize(unittest.TestCase):
    """How step results, records and case problems become the case status."""

    def runner(self, text):
        recs = expectations.load(write(text))
        return Folding(recs)

    def result(self, verdicts, problem=None):
        case = starter_cases()[0]
        res = CaseResult(case=case, problem=problem)
        res.steps = [StepResult(s.id, s.op, s.actor, verdict=verdicts.get(s.id, st.PASS))
                     for s in case.scenario.steps]
        return res

    RECV_FAIL = '''\
        format = 1
        [[expect]]
        case = "timeouts/recv-timeout:ipv4"
        step = "recv"
        status = "FAIL"
        reason = "known"
        '''

    def test_recorded_step_failure_is_xfail(self):
        r = self.runner(self.RECV_FAIL)
        res = self.result({"recv": st.FAIL})
        r.finalize(res)
        self.assertIs(res.status, st.XFAIL)
        self.assertFalse(res.status.unexpected)

    def test_recorded_step_passing_is_xpass(self):
        r = self.runner(self.RECV_FAIL)
        res = self.result({})
        r.finalize(res)
        self.assertIs(res.status, st.XPASS)
        self.assertTrue(res.status.unexpected)

    def test_intermittent_record_passes_when_it_does_not_show(self):
        text = self.RECV_FAIL.replace('status = "FAIL"', 'status = "FAIL"\n        intermittent = true')
        for verdict, status in ((st.FAIL, st.XFAIL), (st.PASS, st.PASS), (st.TIMEOUT, st.TIMEOUT)):
            r = self.runner(text)
            res = self.result({"recv": verdict} if verdict is not st.PASS else {})
            r.finalize(res)
            self.assertIs(res.status, status, verdict)
        # Repeats that show it once and not once are not "unstable".
        shown, hidden = self.result({"recv": st.FAIL}), self.result({})
        for res in (shown, hidden):
            self.runner(text).finalize(res)
        self.assertEqual(results_mod.unstable([shown, hidden]), [])
        r = self.runner(self.RECV_FAIL)
        shown, hidden = self.result({"recv": st.FAIL}), self.result({})
        for res in (shown, hidden):
            r.finalize(res)
        self.assertEqual(len(results_mod.unstable([shown, hidden])), 1)

    def test_other_step_failing_is_still_fail(self):
        r = self.runner(self.RECV_FAIL)
        res = self.result({"recv": st.FAIL, "settimeout": st.FAIL})
        r.finalize(res)
        self.assertIs(res.status, st.FAIL)

    def test_case_record(self):
        r = self.runner('''\
            format = 1
            [[expect]]
            case = "timeouts/recv-timeout:*"
            status = ["TIMEOUT", "CRASH"]
            reason = "hangs"
            when = { os = "linux" }
            ''')
        res = self.result({"recv": st.TIMEOUT})
        r.finalize(res)
        self.assertIs(res.status, st.XFAIL)
        self.assertEqual(res.expected, ["TIMEOUT", "CRASH"])
        res = self.result({"recv": st.FAIL})
        r.finalize(res)
        self.assertIs(res.status, st.FAIL)
        r.run_info = {"os": "freebsd"}        # condition does not hold: no record
        res = self.result({"recv": st.TIMEOUT})
        r.finalize(res)
        self.assertIs(res.status, st.TIMEOUT)

    def test_problems_and_checks(self):
        r = self.runner("format = 1\n")
        res = self.result({}, problem=st.ERROR)
        r.finalize(res)
        self.assertIs(res.status, st.ERROR)
        res = self.result({}, problem=st.UNSUPPORTED)
        r.finalize(res)
        self.assertIs(res.status, st.UNSUPPORTED)
        res = self.result({})
        res.checks = [CheckResult("fin", "tcp", verdict=st.FAIL, message="0 packets")]
        r.finalize(res)
        self.assertIs(res.status, st.FAIL)
        self.assertIn("check 'fin'", res.message)


if __name__ == "__main__":
    unittest.main()
