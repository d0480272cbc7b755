"""The engine with the real environment modules: starter scenarios for ref and cpython,
a crashing and a hanging fake agent in real namespaces, and nothing left behind.
Skipped when the environment modules or namespaces are not available."""
import json
import os
import subprocess
import sys
import tempfile
import shutil
import unittest

import engine_standins as standins

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
CLI = os.path.join(REPO, "tools", "sockspec")
FAKES = os.path.join(HERE, "fakes")
STARTERS = ["echo/tcp-hello", "timeouts/recv-timeout", "accept-inheritance/default-timeout",
            "shutdown-close/shutdown-wr-fin"]

try:
    from sockspec.env import requirements
    ENV_READY = requirements.available("netns")
except ImportError:
    ENV_READY = False


def ref_build_dir():
    for d in (os.environ.get("SOCKSPEC_BUILD_DIR"), os.path.join(REPO, "build", "default"),
              os.path.join(REPO, "build-agent")):
        if d and os.access(os.path.join(d, "bin", "sockref-agent"), os.X_OK):
            return d
    return None


def namespaces() -> set[str]:
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
    return {line.split()[0] for line in out.stdout.splitlines() if line.strip()}


@unittest.skipUnless(ENV_READY, "environment modules or network namespaces not available")
class Integration(unittest.TestCase):
    def setUp(self):
        self.out = tempfile.mkdtemp(prefix="sockspec-integ-")
        self.addCleanup(shutil.rmtree, self.out, True)
        self.ns_before = namespaces()
        self.mark = f"integration-{os.getpid()}-{id(self)}"

        self.harness_pids = []

    def tearDown(self):
        # Other helpers may create namespaces meanwhile: look only for ours, whose names
        # carry the harness's pid (cleanup.run_tag).
        ours = {ns for ns in namespaces() - self.ns_before
                if any(str(pid) in ns for pid in self.harness_pids)}
        self.assertEqual(ours, set(), "namespaces left behind")
        self.assertEqual(standins.processes_with_env("SOCKSPEC_TEST_MARK", self.mark), [],
                         "processes left behind")

    def cli(self, *args, env=None):
        with subprocess.Popen([sys.executable, CLI, "run", "--out", self.out,
                               "--progress", "plain", *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              env={**os.environ, **(env or {}), "SOCKSPEC_TEST_MARK": self.mark}) as proc:
            self.harness_pids.append(proc.pid)
            proc.stdout_text, proc.stderr_text = proc.communicate(timeout=600)
        proc.stdout, proc.stderr = proc.stdout_text, proc.stderr_text
        with open(os.path.join(self.out, "results.json")) as f:
            return proc, json.load(f)

    def check_starters(self, impl, env=None):
        proc, doc = self.cli("--impl", impl, "-j", "2", *STARTERS, env=env)
        statuses = {c["id"]: c["status"] for c in doc["cases"]}
        self.assertEqual(len(statuses), 8, proc.stdout + proc.stderr)
        self.assertEqual({s for s in statuses.values()}, {"PASS"},
                         json.dumps([(c["id"], c["status"], c["message"]) for c in doc["cases"]
                                     if c["status"] != "PASS"], indent=1))
        self.assertEqual(proc.returncode, 0)
        for c in doc["cases"]:
            if c["scenario"] in ("echo/tcp-hello", "shutdown-close/shutdown-wr-fin"):
                self.assertTrue(os.path.exists(c["pcapng"]))
                self.assertTrue(all(k["verdict"] == "PASS" for k in c["checks"]))

    def test_starters_cpython(self):
        self.check_starters("cpython")

    @unittest.skipUnless(ref_build_dir(), "sockref-agent not built")
    def test_starters_ref(self):
        self.check_starters("ref", {"SOCKSPEC_BUILD_DIR": ref_build_dir()})

    def test_misbehaving_agents_in_namespaces(self):
        for fake, status in (("engine_crash.py", "CRASH"), ("engine_hang.py", "TIMEOUT"),
                             ("engine_garbage.py", "ERROR")):
            with self.subTest(fake=fake):
                scen = tempfile.mkdtemp(dir=self.out)
                os.makedirs(os.path.join(scen, "fake"))
                with open(os.path.join(scen, "fake", "pair.toml"), "w") as f:
                    f.write('format = 1\n[scenario]\nid = "fake/pair"\ntitle = "t"\n'
                            'seed = ["gethostname"]\n[topology]\ntemplate = "pair"\n'
                            '[[actor]]\nname = "x"\nhost = "a"\n[[actor]]\nname = "y"\n'
                            'host = "b"\n[[step]]\nactor = "y"\nop = "gethostname"\n'
                            '[[step]]\nactor = "x"\nop = "gethostbyname"\ntimeout = 1\n'
                            '[[step]]\nactor = "y"\nop = "gethostname"\n')
                proc, doc = self.cli("--agent", f"fake={sys.executable} {FAKES}/{fake}",
                                     "--scenarios", scen)
                self.assertEqual(proc.returncode, 1)
                self.assertEqual([c["status"] for c in doc["cases"]], [status],
                                 proc.stdout + proc.stderr)
                self.assertEqual([s["verdict"] for s in doc["cases"][0]["steps"]],
                                 ["PASS", status, "PASS"])

    def test_minimal_agent_gives_only_pass_and_unsupported(self):
        """An agent that honestly answers `unsupported` to most of the API: no FAIL,
        ERROR or TIMEOUT, and a case stopped by an unsupported answer ends at once."""
        agent = f"minimal={sys.executable} {FAKES}/minimal_agent.py"
        proc, doc = self.cli("--agent", agent, "-j", "2", "echo/tcp-hello",
                             "echo/tcp-teardown", "shutdown-close/shutdown-rd",
                             "shutdown-close/half-close", "timeouts/recv-timeout")
        statuses = {c["id"]: c["status"] for c in doc["cases"]}
        self.assertEqual(set(statuses.values()), {"PASS", "UNSUPPORTED"},
                         json.dumps([(c["id"], c["status"], c["message"]) for c in doc["cases"]
                                     if c["status"] not in ("PASS", "UNSUPPORTED")], indent=1))
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        case = next(c for c in doc["cases"] if c["id"] == "shutdown-close/shutdown-rd:ipv4")
        self.assertTrue(case["message"].startswith(
            "unsupported: shutdown how=SHUT_RD: this implementation has no constant SHUT_RD"),
            case["message"])
        # The shutdown was answered; nothing after it was sent, nobody waited for it.
        shut = [s["verdict"] for s in case["steps"]].index("UNSUPPORTED")
        self.assertTrue(all(s["response"] is not None for s in case["steps"][:shut]))
        self.assertTrue(all((s["verdict"], s.get("reason"), s["response"])
                            == ("SKIP", "unsupported", None) for s in case["steps"][shut + 1:]))
        self.assertTrue(all(k["verdict"] == "SKIP" and k["reason"] == "unsupported"
                            for k in case["checks"]))
        # A peer's pending request (the server's echo loop) was abandoned, not timed out.
        both = next(c for c in doc["cases"]
                    if c["id"] == "echo/tcp-teardown:ipv4:shutdown-both")
        echo = next(s for s in both["steps"] if s["id"] == "echo")
        self.assertEqual((echo["verdict"], echo["reason"], echo["response"]),
                         ("SKIP", "abandoned", None))
        self.assertEqual(both["records"], [])


if __name__ == "__main__":
    unittest.main()
