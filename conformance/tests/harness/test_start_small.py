"""docs/agent-protocol.md's "start small" list is a fact: an agent with exactly those
operations (fakes/minimal_agent.py, TCP over IPv4 on the real OS) passes exactly the
cases the doc names. Needs namespaces (root); skipped without them."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

from sockspec.env import requirements
from sockspec.model import paths

FAKES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fakes")
DOC = os.path.join(paths.REPO, "docs", "agent-protocol.md")
sys.path.insert(0, FAKES)
import minimal_agent  # noqa: E402  (its OPS table is what the agent announces)


def doc_list(marker: str) -> list[str]:
    """The backticked names between `<!-- start-small MARKER -->` and its end marker."""
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    m = re.search(rf"<!-- start-small {marker}[^>]*-->(.*?)<!-- end start-small {marker} -->",
                  text, re.S)
    if m is None:
        raise AssertionError(f"{DOC}: no start-small {marker} block")
    return re.findall(r"`([^`]+)`", m.group(1))


class StartSmall(unittest.TestCase):
    def test_the_listed_operations_are_the_minimal_agents(self):
        self.assertEqual(sorted(doc_list("ops")), sorted(minimal_agent.OPS))

    @unittest.skipUnless(requirements.available("netns"), "needs network namespaces (root)")
    def test_the_listed_cases_pass_with_those_operations_alone(self):
        cases = doc_list("cases")
        self.assertTrue(cases)
        with tempfile.TemporaryDirectory(prefix="sockspec-start-small-") as out:
            agent = f"minimal={sys.executable} {os.path.join(FAKES, 'minimal_agent.py')}"
            proc = subprocess.run([sys.executable, paths.CLI, "run", "--agent", agent, "-j", "2",
                                   "--out", out, "--progress", "plain", *cases],
                                  capture_output=True, text=True, timeout=300)
            with open(os.path.join(out, "results.json")) as f:
                doc = json.load(f)
        statuses = {c["id"]: c["status"] for c in doc["cases"]}
        self.assertEqual(statuses, {c: "PASS" for c in cases}, proc.stdout + proc.stderr)


if __name__ == "__main__":
    unittest.main()
