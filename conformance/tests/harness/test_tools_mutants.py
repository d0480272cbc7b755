"""Mutants: the declaration file, the agent commands, the verdicts, and that the mutations
really change behaviour (wrappers always; shims when they are built)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from sockspec.load import impls
from sockspec.commands import mutants
from sockspec.model.errors import LoadError

HELLO_AND = 1   # the agent's first line is its hello


def agent_answers(argv, requests, env=None):
    """Send JSON requests to an agent, return its answers (after the hello)."""
    lines = "".join(json.dumps(r) + "\n" for r in requests)
    out = subprocess.run(argv, input=lines, capture_output=True, text=True, timeout=60,
                         env=env)
    answers = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return answers[HELLO_AND:]


class MutantsFile(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sockspec-mut-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def write(self, text):
        path = os.path.join(self.dir, "mutants.toml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_the_real_file_loads_and_has_enough_mutants(self):
        declared = mutants.load()
        self.assertGreaterEqual(len(declared), 10)
        self.assertEqual(len({m.name for m in declared}), len(declared))
        self.assertTrue(any(m.shim for m in declared) and any(m.python for m in declared))
        problems = mutants.select_cases(declared, mutants.SCENARIOS)
        self.assertEqual([p for p in problems if "selects no case" in p], [])
        for m in declared:
            self.assertTrue(m.cases, m.name)

    GOOD = ('[[mutant]]\nname = "x"\ndescription = "d"\nbase = "ref"\n'
            'shim = "shutdown-noop"\ncatches = ["echo/"]\n')

    def test_errors_name_the_line(self):
        cases = [
            (self.GOOD.replace('base = "ref"', 'base = "pypy"'), 4, "base must be one of"),
            (self.GOOD.replace('shim = "shutdown-noop"', 'shim = "nope"'), 5, "shims/nope.c"),
            (self.GOOD + 'python = "py/recv-truncating.py"\n', 1, "exactly one of"),
            (self.GOOD.replace("catches", "catched"), 6, "unknown key 'catched'"),
            (self.GOOD.replace('["echo/"]', "[]"), 6, "case id patterns"),
            (self.GOOD + self.GOOD, 8, "duplicate mutant name"),
            (self.GOOD.replace('shim = "shutdown-noop"', 'python = "py/recv-truncating.py"'),
             5, 'base = "cpython"'),
        ]
        for text, line, message in cases:
            with self.subTest(message=message):
                with self.assertRaises(LoadError) as cm:
                    mutants.load(self.write(text))
                self.assertIn(message, cm.exception.message)
                self.assertEqual(cm.exception.line, line)

    def test_unmatched_pattern_is_reported(self):
        declared = mutants.load(self.write(self.GOOD.replace('"echo/"', '"no-such-area/x"')))
        problems = mutants.select_cases(declared, mutants.SCENARIOS)
        self.assertTrue(any("selects no case" in p for p in problems))


class Commands(unittest.TestCase):
    def test_agent_command_lines(self):
        known = impls.load()
        py = mutants.Mutant("m", "d", "cpython", ["x"], python="py/recv-truncating.py")
        argv = mutants.agent_argv(py, known)
        self.assertEqual(argv, [known["cpython"].agent[0],
                                os.path.join(mutants.MUTANTS_DIR, "py", "recv-truncating.py")])
        shim = mutants.Mutant("s", "d", "ref", ["x"], shim="shutdown-noop")
        if os.path.exists(mutants.shim_path("shutdown-noop")):
            argv = mutants.agent_argv(shim, known)
            self.assertEqual(argv[:2], ["env", f"LD_PRELOAD={mutants.shim_path('shutdown-noop')}"])
            self.assertEqual(argv[2:], known["ref"].agent)
        else:
            with self.assertRaisesRegex(FileNotFoundError, "build the shims"):
                mutants.agent_argv(shim, known)

    def test_verdicts(self):
        m = mutants.Mutant("m", "d", "ref", ["x"], cases=["a", "b"])
        self.assertEqual(mutants.judge(m, {"a": "FAIL", "b": "TIMEOUT"})["verdict"], "caught")
        v = mutants.judge(m, {"a": "FAIL", "b": "PASS"})
        self.assertEqual((v["verdict"], v["survived"]), ("SURVIVED", {"b": "PASS"}))
        v = mutants.judge(m, {"a": "FAIL", "b": "UNSUPPORTED"})
        self.assertEqual((v["verdict"], v["not_run"]), ("SURVIVED", {"b": "UNSUPPORTED"}))
        self.assertEqual(mutants.judge(m, {"a": "XFAIL", "b": "CRASH"})["verdict"], "SURVIVED")


class Mutations(unittest.TestCase):
    """The broken agents really answer differently from the real ones."""

    def test_python_wrapper_changes_the_answer(self):
        agent = os.path.join(impls.REPO, "conformance", "agents", "cpython", "agent.py")
        wrapper = os.path.join(mutants.MUTANTS_DIR, "py", "inet-aton-garbage.py")
        request = [{"id": 1, "op": "inet_aton", "args": {"ip_string": "not-an-address"}}]
        real = agent_answers([sys.executable, agent], request)
        broken = agent_answers([sys.executable, wrapper], request)
        self.assertEqual(real[0]["ok"], False)
        self.assertEqual(broken[0], {**broken[0], "ok": True, "result": {"hex": "00000000"}})

    def test_every_wrapper_starts_an_agent(self):
        for m in mutants.load():
            if not m.python:
                continue
            with self.subTest(mutant=m.name):
                answers = agent_answers([sys.executable, os.path.join(mutants.MUTANTS_DIR,
                                                                      m.python)],
                                        [{"id": 1, "op": "gethostname", "args": {}}])
                self.assertTrue(answers and answers[0]["ok"], answers)

    def test_shim_changes_the_answer(self):
        so = mutants.shim_path("shutdown-noop")
        if not os.path.exists(so):
            self.skipTest(f"{so} is not built")
        agent = os.path.join(impls.REPO, "conformance", "agents", "cpython", "agent.py")
        requests = [{"id": 1, "op": "socket", "as": "s", "args": {}},
                    {"id": 2, "op": "shutdown", "sock": "s", "args": {"how": "SHUT_RDWR"}}]
        real = agent_answers([sys.executable, agent], requests)
        broken = agent_answers([sys.executable, agent], requests,
                               env=dict(os.environ, LD_PRELOAD=so))
        self.assertEqual(real[1]["ok"], False)        # ENOTCONN: nothing to shut down
        self.assertEqual(broken[1]["ok"], True)


if __name__ == "__main__":
    unittest.main()
