"""tools/sockspec subcommands, with the environment replaced by stand-ins."""
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import textwrap
import unittest
from unittest import mock

import engine_standins as standins
from sockspec import cli
from sockspec.report import progress, results
from sockspec.engine.environment import Environment
from sockspec.model import status as st
from sockspec.model.results import CaseResult
from sockspec.load import scenarios as scenario

FAKES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fakes")
AGENT = f"fake={sys.executable} {os.path.join(FAKES, 'engine_agent.py')}"

SCENARIO = '''\
format = 1
[scenario]
id = "fake/{name}"
title = "fake {name}"
seed = ["gethostname"]
features = ["{feature}"]
[variants]
ip = [4, 6]
[[actor]]
name = "x"
host = "a"
[[step]]
id = "host"
op = "gethostname"
actor = "x"
expect = {{ result = "{result}" }}
'''


PROGRAM_SCENARIO = '''\
format = 1
[scenario]
id = "fake/prog"
title = "an example program of an --agent implementation"
seed = ["gethostname"]
[[actor]]
name = "p"
host = "a"
kind = "program"
[[step]]
op = "spawn"
actor = "p"
args = { program = "prog-lines", argv = ["", "first"] }
[[step]]
op = "readline"
actor = "p"
expect = { result = "first" }
'''


class CliTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="sockspec-cli-")
        self.addCleanup(shutil.rmtree, self.root, True)
        os.makedirs(os.path.join(self.root, "scen", "fake"))
        for name, feature, result in (("good", "alpha", "fake-host"), ("bad", "beta", "nope")):
            with open(os.path.join(self.root, "scen", "fake", name + ".toml"), "w") as f:
                f.write(SCENARIO.format(name=name, feature=feature, result=result))
        patches = [mock.patch.object(Environment, "real", classmethod(lambda cls: standins.env())),
                   mock.patch.object(scenario, "default_hosts_of", standins.template_hosts)]
        for p in patches:
            p.start()
            self.addCleanup(p.stop)

    def tearDown(self):
        self.assertEqual(standins.live_processes(), [])

    def cli(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(argv))
        return code, out.getvalue(), err.getvalue()

    def expectations(self, text):
        path = os.path.join(self.root, "exp.toml")
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def run_fake(self, *extra):
        return self.cli("run", "--agent", AGENT, "--scenarios", os.path.join(self.root, "scen"),
                        "--out", os.path.join(self.root, "out"), "--loopback", *extra)

    def test_list_and_selection(self):
        code, out, _ = self.cli("list", "--scenarios", os.path.join(self.root, "scen"), "--json")
        self.assertEqual(code, 0)
        self.assertEqual([c["id"] for c in json.loads(out)],
                         ["fake/bad:ipv4", "fake/bad:ipv6", "fake/good:ipv4", "fake/good:ipv6"])
        for args, wanted in ((["fake/good"], ["fake/good:ipv4", "fake/good:ipv6"]),
                             (["*:ipv6"], ["fake/bad:ipv6", "fake/good:ipv6"]),
                             (["fake/goo"], []),
                             (["--feature", "beta"], ["fake/bad:ipv4", "fake/bad:ipv6"]),
                             (["--area", "other"], [])):
            code, out, _ = self.run_fake("--list-only", *args)
            self.assertEqual(out.split(), wanted, args)

    def test_run_exit_status_and_outputs(self):
        code, out, err = self.run_fake("-j", "2", "--progress", "plain")
        self.assertEqual(code, 1, err)
        lines = [l.split() for l in out.splitlines() if l.startswith(("PASS", "FAIL"))]
        self.assertEqual(sorted((l[0], l[1]) for l in lines),
                         [("FAIL", "fake/bad:ipv4"), ("FAIL", "fake/bad:ipv6"),
                          ("PASS", "fake/good:ipv4"), ("PASS", "fake/good:ipv6")])
        self.assertTrue(all(l[2].endswith("s") for l in lines))
        with open(os.path.join(self.root, "out", "results.json")) as f:
            doc = json.load(f)
        self.assertEqual(doc["run"]["impl"], "fake")
        self.assertEqual(doc["run"]["hello"]["impl"], "fake")
        self.assertEqual(doc["summary"]["FAIL"], 2)
        for name in ("junit.xml", "summary.md"):
            self.assertTrue(os.path.exists(os.path.join(self.root, "out", name)))
        code, out, _ = self.run_fake("fake/good")
        self.assertEqual(code, 0)

    def test_expectations_make_xfail_and_catch_stale_records(self):
        path = self.expectations('''\
            format = 1
            [[expect]]
            scenario = "fake/bad"
            step = "host"
            status = "FAIL"
            reason = "the fake has another name"
            ''')
        code, out, err = self.run_fake("--expectations", path)
        self.assertEqual(code, 0, out + err)
        with open(os.path.join(self.root, "out", "results.json")) as f:
            doc = json.load(f)
        self.assertEqual(doc["summary"]["XFAIL"], 2)
        path = self.expectations('''\
            format = 1
            [[expect]]
            scenario = "fake/good"
            status = "FAIL"
            reason = "claims a failure that does not happen"

            [[expect]]
            scenario = "fake/gone"
            status = "FAIL"
            reason = "stale"
            ''')
        code, out, err = self.run_fake("--expectations", path, "fake/good")
        self.assertEqual(code, 1)
        self.assertIn(f"{path}:7: record matches no case", err)
        with open(os.path.join(self.root, "out", "results.json")) as f:
            doc = json.load(f)
        self.assertEqual(doc["summary"]["XPASS"], 2)

    def test_agent_that_does_not_start(self):
        code, out, err = self.cli("run", "--agent", "nope=/nonexistent/agent", "--scenarios",
                                  os.path.join(self.root, "scen"), "--out",
                                  os.path.join(self.root, "out"), "--loopback")
        self.assertEqual(code, 1)
        self.assertIn("did not start", err)
        with open(os.path.join(self.root, "out", "results.json")) as f:
            self.assertEqual(json.load(f)["summary"]["ERROR"], 4)

    def test_show(self):
        self.run_fake("fake/bad:ipv4")
        code, out, _ = self.cli("show", "fake/bad:ipv4", "--scenarios",
                                os.path.join(self.root, "scen"), "--out",
                                os.path.join(self.root, "out"))
        self.assertEqual(code, 0)
        self.assertIn('id = "fake/bad"', out)
        self.assertIn("fake/bad:ipv4 FAIL", out)

    def test_unstable_repeats(self):
        case = scenario.load(os.path.join(self.root, "scen", "fake", "good.toml"),
                             standins.template_hosts).cases()[0]
        a = CaseResult(case=case, status=st.PASS)
        b = CaseResult(case=case, repeat=1, status=st.FAIL)
        self.assertEqual(results.unstable([a, b]),
                         [{"id": case.id, "statuses": ["PASS", "FAIL"]}])
        self.assertEqual(results.unstable([a, a]), [])

    def test_progress_display(self):
        case = scenario.load(os.path.join(self.root, "scen", "fake", "good.toml"),
                             standins.template_hosts).cases()[0]
        ok = CaseResult(case=case, status=st.PASS, duration=0.25)
        bad = CaseResult(case=case, status=st.FAIL, duration=1.5, message="why")
        plain = io.StringIO()
        rep = progress.Reporter(2, stream=plain, live=False)
        rep.case_done(ok)
        rep.case_done(bad)
        self.assertEqual(plain.getvalue().splitlines(),
                         [f"PASS        {case.id} 0.25s", f"FAIL        {case.id} 1.50s"])
        live = io.StringIO()
        rep = progress.Reporter(2, stream=live, live=True)
        rep.case_done(ok)
        rep.case_done(bad)
        rep.finish()
        text = live.getvalue()
        self.assertIn("[1/2] PASS=1", text)
        self.assertIn(f"FAIL        {case.id} 1.50s  why\n", text)   # unexpected: kept
        self.assertNotIn(f"PASS        {case.id}", text)             # passes: only counted
        self.assertIn("[2/2] FAIL=1 PASS=1", text)

    def test_several_implementations_side_by_side(self):
        other = f"other={sys.executable} {os.path.join(FAKES, 'engine_agent.py')}"
        code, out, _ = self.cli("run", "--agent", AGENT, "--agent", other, "--impl", "fake",
                                "--impl", "other", "-j", "2", "--scenarios",
                                os.path.join(self.root, "scen"), "--out",
                                os.path.join(self.root, "out"), "--loopback",
                                "--progress", "plain", "fake/good")
        self.assertEqual(code, 0, out)
        for name in ("fake", "other"):
            with open(os.path.join(self.root, "out", name, "results.json")) as f:
                doc = json.load(f)
            self.assertEqual(doc["run"]["impl"], name)
            self.assertEqual([c["status"] for c in doc["cases"]], ["PASS", "PASS"])
        with open(os.path.join(self.root, "out", "matrix.md")) as f:
            matrix = f.read()
        self.assertIn("| `fake/good:ipv4` | PASS | PASS |", matrix)
        # Each progress line names its implementation.
        self.assertEqual(sorted(line.split()[1] for line in out.splitlines()
                                if line.startswith("PASS")), ["fake"] * 2 + ["other"] * 2)

    def test_side_by_side_refuses_one_expectations_file(self):
        code, _, err = self.cli("run", "--impl", "ref", "--impl", "cpython",
                                "--expectations", "x.toml", "--scenarios",
                                os.path.join(self.root, "scen"))
        self.assertEqual(code, 2)
        self.assertIn("not with several --impl", err)

    def test_programs_for_an_agent_run(self):
        programs = f"fake={sys.executable} {os.path.join(FAKES, 'engine_{program}.py')}"
        with open(os.path.join(self.root, "scen", "fake", "prog.toml"), "w") as f:
            f.write(PROGRAM_SCENARIO)
        code, out, _ = self.run_fake("--programs", programs, "fake/prog")
        self.assertEqual(code, 0, out)
        code, _, err = self.run_fake("--programs", "fake=/bin/true", "fake/prog")
        self.assertEqual(code, 2)
        self.assertIn("{program}", err)
        code, _, err = self.run_fake("--programs", "nobody=/x/{program}", "fake/prog")
        self.assertEqual(code, 2)
        self.assertIn("no implementation 'nobody'", err)

    def test_subcommand_table_is_extensible(self):
        calls = []
        cli.register("hello", "test command", lambda p: p.add_argument("--x"),
                     lambda args: calls.append(args.x) or 0)
        self.addCleanup(cli.COMMANDS.pop, "hello")
        self.assertEqual(self.cli("hello", "--x", "1")[0], 0)
        self.assertEqual(calls, ["1"])


if __name__ == "__main__":
    unittest.main()
