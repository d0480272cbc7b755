"""expect: every key of the format, alone and combined."""
import unittest

from sockspec.engine.expect import judge, timeout_bounds
from sockspec.load import scenarios as scenario_loader
from sockspec.model.paths import SCENARIOS

OK = lambda result, elapsed=0.01: {"id": 1, "ok": True, "result": result, "elapsed": elapsed}
ERR = lambda typ, errno=None: {"id": 1, "ok": False, "elapsed": 0.0,
                               "error": {"type": typ, "errno": errno, "message": "m"}}


class Judge(unittest.TestCase):
    def check(self, expect, response, passed):
        j = judge(expect, response)
        self.assertEqual(j.passed, passed, j.message)
        if not passed:
            self.assertTrue(j.message)
        return j

    def test_absent_expect_means_success(self):
        self.check(None, OK(None), True)
        self.check(None, ERR("error", "EBADF"), False)

    def test_ok(self):
        self.check({"ok": False}, ERR("value"), True)
        self.check({"ok": False}, OK(1), False)
        self.check({"ok": True}, OK(1), True)

    def test_result_exact(self):
        self.check({"result": 2.0}, OK(2.0), True)
        self.check({"result": 2}, OK(2.0), True)        # numbers compare as numbers
        self.check({"result": 1}, OK(True), False)      # booleans are not numbers
        self.check({"result": {"hex": "AB"}}, OK({"hex": "ab"}), True)
        self.check({"result": [1, 2]}, OK([1, 2, 3]), False)
        self.check({"result": None}, OK(None), True)
        self.check({"result": 1}, ERR("error", "EBADF"), False)

    def test_one_of(self):
        self.check({"one_of": [0, 111]}, OK(111), True)
        self.check({"one_of": [0, 111]}, OK(5), False)

    def test_error(self):
        self.check({"error": "timeout"}, ERR("timeout"), True)
        self.check({"error": ["ECONNREFUSED", "ETIMEDOUT"]}, ERR("error", "ETIMEDOUT"), True)
        self.check({"error": "EWOULDBLOCK"}, ERR("error", "EAGAIN"), True)
        self.check({"error": "error"}, ERR("error", "EBADF"), True)
        self.check({"error": "EBADF"}, ERR("error", "ENOTSOCK"), False)
        self.check({"error": "EBADF"}, OK(None), False)

    def test_both_outcomes_permitted(self):
        e = {"one_of": [0], "error": "EINVAL"}
        self.check(e, OK(0), True)
        self.check(e, ERR("error", "EINVAL"), True)
        self.check(e, OK(1), False)
        self.check(e, ERR("error", "EPERM"), False)

    def test_contains_type_len_regex(self):
        self.check({"contains": {"count": 12}}, OK({"count": 12, "sha256": "x"}), True)
        self.check({"contains": {"count": 12}}, OK({"count": 11}), False)
        self.check({"contains": {"count": 12}}, OK(12), False)
        self.check({"type": "int"}, OK(3), True)
        self.check({"type": "int"}, OK(True), False)
        self.check({"type": "number"}, OK(3.5), True)
        self.check({"type": "bytes"}, OK({"hex": "00"}), True)
        self.check({"type": "null"}, OK(None), True)
        self.check({"len": 3}, OK({"hex": "000102"}), True)
        self.check({"len": 2}, OK([1, 2]), True)
        self.check({"len": 2}, OK("abc"), False)
        self.check({"regex": r"^\d+ ok$"}, OK("200 ok"), True)
        self.check({"regex": "x"}, OK(5), False)

    def test_address(self):
        self.check({"address": ["192.0.2.1"]}, OK({"address": ["192.0.2.1", 4000]}), True)
        self.check({"address": ["2001:db8:1::1", 4000]},
                   OK(["2001:db8:1:0:0:0:0:1", 4000, 0, 0]), True)
        self.check({"address": ["192.0.2.1", 5]}, OK(["192.0.2.1", 4000]), False)
        self.check({"address": ["192.0.2.2"]}, OK(["192.0.2.1", 4000]), False)
        self.check({"address": ["/tmp/s"]}, OK("/tmp/s"), True)

    def test_elapsed_timeout_form(self):
        late = lambda e: {**ERR("timeout"), "elapsed": e}
        spec = {"error": "timeout", "elapsed": {"timeout": 1.3}}
        self.check(spec, late(1.300), True)           # the value itself, rounded
        self.check(spec, late(1.2995), True)          # within the clock's granularity
        self.check(spec, late(1.298), False)          # early
        self.check(spec, late(1.3 + 0.025 + 0.13), True)
        self.check(spec, late(1.3 + 0.025 + 0.13 + 0.002), False)
        self.assertIn("late", judge(spec, late(2.0)).message)
        self.assertIn("early", judge(spec, late(1.0)).message)
        # the multiplier widens the slack, not the value: 1.3 + 2 * 0.155
        self.assertTrue(judge(spec, late(1.60), multiplier=2).passed)
        self.assertFalse(judge(spec, late(1.62), multiplier=2).passed)
        self.assertFalse(judge(spec, late(1.29), multiplier=2).passed)
        low, high = timeout_bounds(0.5)
        self.assertAlmostEqual(low, 0.499)
        self.assertAlmostEqual(high, 0.575)

    def test_every_catalog_timeout_catches_a_late_timer(self):
        """Mutant-like: for every step of the catalog that expects a timeout to fire,
        a timer that fires at twice its value plus 20 ms fails, one 4 ms late passes."""
        scenarios, errors = scenario_loader.load_all(SCENARIOS)
        self.assertEqual(errors, [])
        steps = [(sc.id, step) for sc in scenarios for step in sc.steps
                 if isinstance((step.expect or {}).get("elapsed"), dict)]
        self.assertGreaterEqual(len(steps), 22)
        for sid, step in steps:
            value = step.expect["elapsed"]["timeout"]
            with self.subTest(scenario=sid, step=step.id, timeout=value):
                response = lambda e: {"id": 1, "ok": False, "elapsed": e,
                                      "error": {"type": "timeout", "message": "timed out"}}
                self.assertFalse(judge({"ok": False, "elapsed": step.expect["elapsed"]},
                                       response(2 * value + 0.020)).passed)
                self.assertTrue(judge({"ok": False, "elapsed": step.expect["elapsed"]},
                                      response(value + 0.004)).passed)
                self.assertTrue(judge({"ok": False, "elapsed": step.expect["elapsed"]},
                                      response(round(value, 3))).passed)

    def test_elapsed(self):
        self.check({"error": "timeout", "elapsed": [0.5, 1.5]},
                   {**ERR("timeout"), "elapsed": 0.51}, True)
        self.check({"error": "timeout", "elapsed": [0.5, 1.5]},
                   {**ERR("timeout"), "elapsed": 0.49}, False)
        self.check({"elapsed": [-1, 1.5]}, OK(None, 1.6), False)
        self.check({"elapsed": [0.1, -1]}, OK(None, 99.0), True)
        self.assertTrue(judge({"elapsed": [-1, 1.0]}, OK(None, 1.8), multiplier=2).passed)

    def test_record(self):
        j = self.check({"one_of": [0, 1], "error": "EINVAL", "record": "B11"}, OK(1), True)
        self.assertEqual(j.record, {"id": "B11", "observed": 1, "permitted": True})
        j = self.check({"one_of": [0], "error": "EINVAL", "record": "B11"},
                       ERR("error", "EPERM"), False)
        self.assertEqual(j.record["observed"], {"error": "EPERM"})


if __name__ == "__main__":
    unittest.main()
