"""Self-tests of requirements.py: every check has the contract's shape, failures carry a fix."""

import os
import sys
import threading
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from env_support import EnvTestCase  # noqa: E402

from sockspec.env import requirements, tshark  # noqa: E402


class DoctorTests(EnvTestCase):
    needs_root = False

    def test_checks_have_the_contract_shape(self):
        results = requirements.checks()
        names = [r["name"] for r in results]
        for wanted in ("python", "root or user namespaces", "ip", "nft", "tshark",
                       "veth/bridge namespaces", "AF_PACKET capture"):
            self.assertIn(wanted, names)
        for r in results:
            self.assertEqual(set(r), {"name", "ok", "detail", "fix"})
            self.assertIsInstance(r["ok"], bool)
            if not r["ok"]:
                self.assertTrue(r["fix"], r["name"])
        by_name = {r["name"]: r for r in results}
        self.assertEqual(by_name["python"]["ok"], sys.version_info >= (3, 11))
        if tshark.version():
            self.assertEqual(by_name["tshark"]["detail"], tshark.version())
        else:
            self.assertIn("apt-get install tshark", by_name["tshark"]["fix"])

    def test_availability_agrees_with_the_checks(self):
        by_name = {r["name"]: r for r in requirements.checks()}
        self.assertEqual(requirements.available("netns"), by_name["veth/bridge namespaces"]["ok"])
        self.assertEqual(requirements.available("capture"),
                         by_name["AF_PACKET capture"]["ok"] and by_name["tshark"]["ok"]
                         and by_name.get("tshark lua", {"ok": False})["ok"])
        if os.geteuid() == 0:
            self.assertTrue(requirements.available("netns"))


if __name__ == "__main__":
    unittest.main()


class ProbeOnce(unittest.TestCase):
    def test_concurrent_first_calls_probe_once(self):
        """Runs side by side ask from several threads at once: one probe, one answer."""
        calls = []
        gate = threading.Event()

        def slow_probe():
            calls.append(1)
            gate.wait(1)
            return True, "probed"
        entry = mock.Mock(probe=slow_probe)
        with mock.patch.dict(requirements.BY_NAME, {"fake-requirement": entry}):
            requirements._probe_once.cache_clear()
            answers = []
            threads = [threading.Thread(target=lambda: answers.append(
                requirements.probe("fake-requirement"))) for _ in range(4)]
            for t in threads:
                t.start()
            gate.set()
            for t in threads:
                t.join()
            requirements._probe_once.cache_clear()
        self.assertEqual(calls, [1])
        self.assertEqual(answers, [(True, "probed")] * 4)
