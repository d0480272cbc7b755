"""tools/sockspec behaviours and matrix: Markdown made from results.json files."""
import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest

from sockspec.report import behaviours, matrix
from sockspec import cli

RESEARCH = """\
# notes

### A. Blocking

1. **Does accept inherit O_NONBLOCK?**
   * Linux: no.

2. **`setdefaulttimeout` applies to
   library sockets** [probe]: more text.

### B. Connecting

11. **`connect()` to a closed port.**
"""

SCENARIO = """\
format = 1
[scenario]
id = "area/rec"
title = "t"
seed = ["socket"]
platform = ["B11"]
[[actor]]
name = "x"
host = "a"
[[step]]
id = "look"
op = "gettimeout"
actor = "x"
expect = { one_of = [{ null = true }, 0.0], record = "A1" }
[[step]]
id = "conn"
op = "connect"
actor = "x"
expect = { error = ["ECONNREFUSED", "ETIMEDOUT"], record = "A2" }
"""


def results(impl, version, cases, kernel="6.1.0"):
    return {"format": "sockspec-results", "format_version": 1,
            "run": {"impl": impl, "hello": {"impl": impl, "impl_version": version},
                    "os": "linux", "kernel": kernel, "libc": "glibc 2.36",
                    "suite_revision": "abc123"},
            "summary": {"PASS": len(cases)}, "cases": cases}


class Behaviours(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sockspec-beh-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.research = self.write("research.md", RESEARCH)
        os.makedirs(os.path.join(self.dir, "area"))
        self.scenario = self.write(os.path.join("area", "rec.toml"), SCENARIO)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text if isinstance(text, str) else json.dumps(text))
        return path

    def case(self, status, timeout_value, conn_error, pcap=None):
        return {"id": "area/rec", "scenario": "area/rec", "variant": [], "repeat": 0,
                "status": status, "file": self.scenario, "pcapng": pcap,
                "records": [{"id": "A1", "step": "look", "observed": timeout_value,
                             "permitted": True},
                            {"id": "A2", "step": "conn", "observed": {"error": conn_error},
                             "permitted": conn_error in ("ECONNREFUSED", "ETIMEDOUT")}]}

    def test_titles_from_the_research_list(self):
        titles = behaviours.research_titles(self.research)
        self.assertEqual(titles, {"A1": "Does accept inherit O_NONBLOCK?",
                                  "A2": "setdefaulttimeout applies to library sockets",
                                  "B11": "connect() to a closed port."})

    def test_real_research_list(self):
        if not os.path.exists(behaviours.RESEARCH):
            self.skipTest("no research list")
        titles = behaviours.research_titles()
        self.assertEqual(len(titles), 50)
        self.assertIn("H46", titles)

    def run_cli(self, command, *paths):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli.main([command, *paths] + (["--research", self.research]
                                                 if command == "behaviours" else []))
        return code, out.getvalue()

    def test_behaviours_per_item_and_run(self):
        one = self.write("one.json", results("ref", "0.1.0",
                                             [self.case("PASS", None, "ECONNREFUSED", "/x.pcapng")]))
        two = self.write("two.json", results("cpython", "3.11.2",
                                             [self.case("FAIL", 0.0, "EHOSTUNREACH")]))
        code, md = self.run_cli("behaviours", one, two)
        self.assertEqual(code, 0)
        self.assertIn("## A1: Does accept inherit O_NONBLOCK?", md)
        self.assertIn("| `area/rec` | look | null \\| 0.0 | `null` | `0.0` |", md)
        self.assertIn("error ECONNREFUSED \\| error ETIMEDOUT", md)
        self.assertIn("`error EHOSTUNREACH (not permitted)`", md)
        self.assertIn("## B11: connect() to a closed port.", md)    # from platform = [...]
        self.assertIn("`case PASS` | `case FAIL`", md)
        self.assertIn("Captures: `<run output>/pcap/x.pcapng`", md)
        self.assertIn("| ref 0.1.0 | ref 0.1.0 | linux 6.1.0 glibc 2.36 | abc123 |", md)
        self.assertIn("## Where the runs differ", md)
        self.assertIn("| A1 | `area/rec` | look | `null` | `0.0` |", md)
        self.assertLess(md.index("## A1"), md.index("## A2"))
        self.assertLess(md.index("## A2"), md.index("## B11"))

    def test_same_implementation_twice_gets_told_apart(self):
        one = self.write("one.json", results("ref", "0.1.0", [self.case("PASS", None, "E")]))
        two = self.write("two.json", results("ref", "0.1.0", [self.case("PASS", None, "E")],
                                             kernel="6.8.0"))
        runs = behaviours.load_runs([one, two])
        self.assertNotEqual(runs[0].label, runs[1].label)

    def test_bad_input(self):
        bad = self.write("bad.json", {"format": "other"})
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(cli.main(["behaviours", bad]), 2)
            self.assertEqual(cli.main(["matrix", os.path.join(self.dir, "missing.json")]), 2)
        self.assertIn("not a sockspec results file", err.getvalue())

    def test_matrix(self):
        one = self.write("one.json", results("ref", "0.1.0", [self.case("PASS", None, "E")]))
        repeated = [self.case("PASS", 0.0, "E"), dict(self.case("FAIL", 0.0, "E"), repeat=1)]
        two = self.write("two.json", results("cpython", "3.11.2", repeated))
        code, md = self.run_cli("matrix", one, two)
        self.assertEqual(code, 0)
        self.assertIn("| case | ref 0.1.0 | cpython 3.11.2 |", md)
        self.assertIn("| **area** | | |", md)
        self.assertIn("| `area/rec` | PASS `A1=null` `A2=error E` | PASS/FAIL `A1=0.0` "
                      "`A2=error E` |", md)
        self.assertEqual(matrix.cell([]), "—")


if __name__ == "__main__":
    unittest.main()
