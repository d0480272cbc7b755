"""Format 2 and its converter: every format-1 file converts to a file that loads to the
same scenario; the catalog stays within the size targets."""
import os
import subprocess
import tempfile
import unittest

from sockspec.commands import convert
from sockspec.load import scenarios as scenario

HERE = os.path.dirname(os.path.abspath(__file__))
FORMAT1 = os.path.join(HERE, "format1")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
CATALOG = os.path.join(REPO, "conformance", "scenarios")
BASE = "91089e2"           # the last commit whose catalog is format 1
# docs/scenario-format.md, "Size": the catalog's own targets.
MAX_LINES_PER_FILE = 40
MAX_LINES_PER_STEP = 2.5


def base_catalog() -> dict[str, str] | None:
    """{"area/name.toml": format-1 text} from git history, or None without it."""
    try:
        names = subprocess.run(["git", "-C", REPO, "ls-tree", "-r", "--name-only", BASE,
                                "conformance/scenarios/"], capture_output=True, text=True,
                               check=True).stdout.split()
        return {n.split("conformance/scenarios/")[1]: subprocess.run(
            ["git", "-C", REPO, "show", f"{BASE}:{n}"], capture_output=True, text=True,
            check=True).stdout for n in names if n.endswith(".toml")}
    except (OSError, subprocess.CalledProcessError):
        return None


class Converter(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, self.tmp)

    def check(self, path: str, text: str) -> str:
        new = convert.convert_text(text)
        self.assertIsNone(convert.equivalent(path, text, new, self.tmp), path)
        self.assertIn("format = 2\n", new)
        return new

    def test_fixtures_round_trip(self):
        for area in sorted(os.listdir(FORMAT1)):
            for name in sorted(os.listdir(os.path.join(FORMAT1, area))):
                path = os.path.join(FORMAT1, area, name)
                with open(path) as f:
                    self.check(path, f.read())

    def test_folds_and_shorthands(self):
        path = os.path.join(FORMAT1, "echo", "tcp-hello.toml")
        with open(path) as f:
            new = self.check(path, f.read())
        self.assertIn('{ server = "listener", as = "l", at = "@b", save_port = "port" }', new)
        self.assertIn('data = { text = "Hello, world" }', new)
        self.assertIn('is = { count = 12 }', new)
        self.assertIn('async = "accept"', new)
        # A step's comment follows it.
        self.assertIn('{ server = "close", on = "conn" },  # the seed\'s server closes', new)
        self.assertNotIn("SOCK_STREAM", new)       # the default type
        self.assertNotIn("netns", new)              # implied by the template

    def test_leave_out_marks_absent_arguments(self):
        path = os.path.join(FORMAT1, "timeouts", "sock-nonblock-type.toml")
        with open(path) as f:
            self.check(path, f.read())

    def test_whole_base_catalog_round_trips(self):
        files = base_catalog()
        if files is None:
            self.skipTest("no git history")
        self.assertEqual(len(files), 208)
        for rel, text in files.items():
            with self.subTest(file=rel):
                self.check(os.path.join(self.tmp, "src", rel), text)

    def test_catalog_is_converted_already(self):
        for path in scenario.discover(CATALOG):
            with open(path) as f:
                self.assertEqual(convert.file_format(f.read()), 2, path)


class Size(unittest.TestCase):
    def test_targets_hold(self):
        s = convert.stats(scenario.discover(CATALOG))
        self.assertLessEqual(s["lines_per_file"], MAX_LINES_PER_FILE, s)
        self.assertLessEqual(s["lines_per_step"], MAX_LINES_PER_STEP, s)


class Format2(unittest.TestCase):
    def write(self, body: str) -> str:
        d = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, d)
        os.makedirs(os.path.join(d, "area"))
        path = os.path.join(d, "area", "name.toml")
        with open(path, "w") as f:
            f.write(body)
        return path

    def test_defaults_and_shorthands(self):
        import engine_standins as standins
        sc = scenario.load(self.write('''format = 2
title = "t"
seed = ["socket"]
variants = { ip = [4, 6] }
topology = "pair"
socktype = "SOCK_DGRAM"
actors = { p = "a", q = "b" }
steps = [
  { p = "bound", as = "u", at = "@a", save_port = "port" },
  { p = "socket", as = "s", type = false },
  { q = "socket", as = "t", family = "AF_UNIX", args = { p = 1 } },
  { p = "sendto", on = "u", data = { text = "hi" }, address = ["@b", 9], err = "EACCES" },
  { q = "listener", as = "l", at = ["@b", 7], backlog = false },
  { q = "getsockname", on = "l", is = ["@b", 7], within = 2 },
]
'''), standins.template_hosts)
        self.assertEqual(sc.id, "area/name")
        self.assertEqual([s.id for s in sc.steps],
                         ["p.socket.u", "p.bind.u", "p.getsockname.u", "p.socket.s",
                          "q.socket.t", "p.sendto.u", "q.socket.l", "q.bind.l", "q.listen.l",
                          "q.getsockname.l"])
        s = sc.steps
        self.assertEqual(s[0].args, {"family": "$af", "type": "SOCK_DGRAM"})
        self.assertEqual(s[1].args, {"address": ["@a", 0]})
        self.assertEqual(s[3].args, {"family": "$af"})
        self.assertEqual(s[4].args, {"family": "AF_UNIX", "type": "SOCK_DGRAM", "p": 1})
        self.assertEqual(s[5].args["data"], {"hex": "6869"})
        self.assertEqual(s[5].expect, {"error": "EACCES"})
        self.assertEqual(s[7].args, {"address": ["@b", 7]})
        self.assertEqual(s[8].args, {})
        self.assertEqual((s[9].expect, s[9].timeout, s[9].timeout_set),
                         ({"result": ["@b", 7]}, 2.0, True))
        self.assertEqual(sc.requires, ["netns"])

    def test_repeated_names_count_up(self):
        import engine_standins as standins
        sc = scenario.load(self.write('''format = 2
title = "t"
seed = ["socket"]
actors = { p = "a" }
steps = [
  { p = "socket", as = "s" },
  { p = "recv", on = "s", bufsize = 1, async = "r" },
  { await = "r" },
  { p = "recv", on = "s", bufsize = 1 },
  { p = "recv", on = "s", bufsize = 1, id = "last" },
  { p = "recv", on = "s", bufsize = 1 },
]
'''), standins.template_hosts)
        self.assertEqual([s.id for s in sc.steps],
                         ["p.socket.s", "r", "await.r", "p.recv.s", "last", "p.recv.s~2"])


if __name__ == "__main__":
    unittest.main()
