"""What a case needs (load/needs.py), admission by what the implementation declares
(engine/admission.py), platform requirements from the hello or the probe through the
agent, the missing summary, labels from the implementation's runtime, `when` on
layers, and @host.ifindex from the implementation. The agent is a real process
(fakes/caps_agent.py) whose hello the test chooses."""
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import textwrap
import unittest
import xml.etree.ElementTree as ET
from unittest import mock

import engine_standins as standins
from sockspec import cli
from sockspec.engine import admission
from sockspec.engine.environment import Environment
from sockspec.engine.schedule import Options, Runner
from sockspec.load import expectations, impls, needs
from sockspec.load import scenarios as scenario
from sockspec.model import paths
from sockspec.model import status as st

FAKES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fakes")
CAPS = [sys.executable, os.path.join(FAKES, "caps_agent.py")]

HEADER = '''\
format = 1
[scenario]
id = "fake/{name}"
title = "fake {name}"
seed = ["gethostname"]
'''
ACTOR = '''
[[actor]]
name = "x"
host = "a"
'''
SCENARIOS = {
    "opts": '[variants]\nip = [4, 6]\n' + ACTOR + '''
[[step]]
op = "socket"
actor = "x"
as = "s"
args = { family = "$af", type = ["SOCK_DGRAM", "SOCK_NONBLOCK"] }
[[step]]
op = "setsockopt"
actor = "x"
sock = "s"
args = { level = "IPPROTO_IPV6", optname = "IPV6_V6ONLY", value = 1 }
[[step]]
op = "recv"
actor = "x"
sock = "s"
args = { bufsize = 1, flags = ["MSG_PEEK"], data = { text = "SO_NOT_A_CONSTANT" } }
''',
    "unix": 'requires = ["af_unix"]\n' + ACTOR + '''
[[step]]
op = "gethostname"
actor = "x"
''',
    "plain": ACTOR + '''
[[step]]
id = "host"
op = "gethostname"
actor = "x"
expect = { result = "fake-host" }
''',
    "wrong": ACTOR + '''
[[step]]
id = "host"
op = "gethostname"
actor = "x"
expect = { result = "another-host" }
''',
    "sysctl": '[topology]\ntemplate = "pair"\nsysctl = { a = { "net.ipv4.tcp_syn_retries" = "1" } }\n'
              + ACTOR + '''
[[step]]
op = "gethostname"
actor = "x"
''',
    "scope": ACTOR + '''
[[step]]
id = "scope"
op = "echo"
actor = "x"
args = { value = "@a.ifindex" }
expect = { result = "@a.ifindex" }
save = { seen = [] }
''',
}
LIMITED = {"ops": ["gethostname", "socket", "echo"],
           "runtime": {"os": "windows", "arch": "x86_64",
                       "layers": [{"name": "wine", "version": "8.0"}]},
           "capabilities": {"constants": ["AF_INET"], "families": ["AF_INET"],
                            "types": ["SOCK_STREAM"], "flags": [],
                            "options": [["SOL_SOCKET", "SO_REUSEADDR"]],
                            "platform": {"af_unix": False}}}
# A case making an AF_UNIX datagram socket, which some implementations lack while
# having AF_UNIX stream sockets (Node.js, Windows).
UNIX_DGRAM = ACTOR + '''
[[step]]
op = "socket"
actor = "x"
as = "u"
args = { family = "AF_UNIX", type = "SOCK_DGRAM" }
[[step]]
op = "close"
actor = "x"
sock = "u"
'''
# Families and types declared as lists, with only some of their pairs creatable.
STREAM_ONLY_UNIX = {"families": ["AF_INET", "AF_UNIX"],
                    "types": ["SOCK_STREAM", "SOCK_DGRAM"],
                    "sockets": [["AF_INET", "SOCK_STREAM"], ["AF_INET", "SOCK_DGRAM"],
                                ["AF_UNIX", "SOCK_STREAM"]]}


class Base(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="sockspec-needs-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.scen = os.path.join(self.root, "scen")
        os.makedirs(os.path.join(self.scen, "fake"))
        for name, body in SCENARIOS.items():
            with open(os.path.join(self.scen, "fake", name + ".toml"), "w") as f:
                f.write(HEADER.format(name=name) + body)
        self.log = os.path.join(self.root, "requests.log")
        patches = [mock.patch.object(Environment, "real", classmethod(lambda cls: standins.env())),
                   mock.patch.object(scenario, "default_hosts_of", standins.template_hosts)]
        for p in patches:
            p.start()
            self.addCleanup(p.stop)
        self.cases = {c.id: c for s in scenario.load_all(self.scen, standins.template_hosts)[0]
                      for c in s.cases()}

    def tearDown(self):
        self.assertEqual(standins.live_processes(), [])

    def add_scenario(self, name, body):
        """A scenario of this test only (the shared ones' counts stay as they are)."""
        with open(os.path.join(self.scen, "fake", name + ".toml"), "w") as f:
            f.write(HEADER.format(name=name) + body)
        self.cases.update((c.id, c) for c in scenario.load(f.name).cases())

    def fake_env(self, hello=None, platform=None, scope=None):
        env = {"FAKE_HELLO": json.dumps(hello or {}), "FAKE_LOG": self.log,
               "FAKE_PLATFORM": json.dumps(platform or {})}
        if scope is not None:
            env["FAKE_SCOPE_ID"] = str(scope)
        return mock.patch.dict(os.environ, env)

    def requests(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(line) for line in f]

    def cli(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(argv))
        return code, out.getvalue(), err.getvalue()

    def run_cli(self, *ids, extra=()):
        agent = "caps=" + " ".join(CAPS)
        return self.cli("run", "--agent", agent, "--scenarios", self.scen, "--out",
                        os.path.join(self.root, "out"), "--progress", "plain", *extra, *ids)

    def results(self):
        with open(os.path.join(self.root, "out", "results.json")) as f:
            return json.load(f)


class NeedsTest(Base):
    def test_needs_of_a_case_after_variant_resolution(self):
        v4 = needs.case_needs(self.cases["fake/opts:ipv4"])
        v6 = needs.case_needs(self.cases["fake/opts:ipv6"])
        self.assertEqual(v4.ops, ("recv", "setsockopt", "socket"))
        self.assertEqual(v4.options, (("IPPROTO_IPV6", "IPV6_V6ONLY"),))
        self.assertEqual(v4.flags, ("MSG_PEEK",))
        self.assertEqual(v4.families, ("AF_INET",))
        self.assertEqual(v6.families, ("AF_INET6",))
        self.assertEqual(v4.types, ("SOCK_DGRAM",))       # SOCK_NONBLOCK is a constant
        self.assertEqual(v4.constants, ("AF_INET", "IPPROTO_IPV6", "IPV6_V6ONLY",
                                        "MSG_PEEK", "SOCK_DGRAM", "SOCK_NONBLOCK"))
        self.assertEqual(needs.case_needs(self.cases["fake/unix"]).platform, ("af_unix",))
        self.assertEqual(needs.case_needs(self.cases["fake/sysctl"]).platform,
                         ("kernel_settings",))
        self.assertEqual(needs.case_needs(self.cases["fake/plain"]).platform, ())

    def test_each_socket_made_needs_its_family_and_type_together(self):
        self.assertEqual(needs.case_needs(self.cases["fake/opts:ipv4"]).sockets,
                         (("AF_INET", "SOCK_DGRAM"),))     # SOCK_NONBLOCK is no type
        self.assertEqual(needs.case_needs(self.cases["fake/opts:ipv6"]).sockets,
                         (("AF_INET6", "SOCK_DGRAM"),))
        self.assertEqual(needs.case_needs(self.cases["fake/plain"]).sockets, ())
        path = os.path.join(paths.SCENARIOS, "sockets", "socket-type.toml")
        found = needs.case_needs(scenario.load(path).cases()[0])
        self.assertIn(("AF_UNIX", "SOCK_STREAM"), found.sockets)     # its socketpair
        self.assertNotIn(("AF_UNIX", "SOCK_DGRAM"), found.sockets)

    def test_optional_steps_need_nothing(self):
        case = self.cases["fake/opts:ipv4"]
        step = case.scenario.steps[1]
        with mock.patch.object(step, "optional", True):
            self.assertNotIn("setsockopt", needs.case_needs(case).ops)
            self.assertEqual(needs.case_needs(case).options, ())

    def test_a_step_that_permits_unsupported_needs_only_its_op(self):
        # sockets/other-families asks for AF_TIPC and AF_VSOCK and accepts
        # "unsupported": an agent without them is the case's subject, not its gap.
        path = os.path.join(paths.SCENARIOS, "sockets", "other-families.toml")
        found = needs.case_needs(scenario.load(path).cases()[0])
        self.assertEqual(found.ops, ("has_ipv6", "socket"))
        self.assertEqual((found.families, found.types, found.constants), ((), (), ()))

    def test_a_lookup_family_is_a_constant_not_a_family_to_create(self):
        path = os.path.join(paths.SCENARIOS, "resolution", "getaddrinfo-passive.toml")
        found = needs.case_needs(scenario.load(path).cases()[0])
        self.assertIn("AF_UNSPEC", found.constants)
        self.assertNotIn("AF_UNSPEC", found.families)

    def test_an_af_unix_socket_needs_the_platforms_af_unix(self):
        path = os.path.join(paths.SCENARIOS, "errors", "timeout-recv.toml")
        found = needs.case_needs(scenario.load(path).cases()[0])
        self.assertIn("af_unix", found.platform)

    def test_privilege_is_decided_only_by_a_permission_answer(self):
        self.assertIs(admission.privilege_from_raw({"ok": True, "result": None}), True)
        refused = {"ok": False, "error": {"type": "error", "errno": "EPERM"}}
        self.assertIs(admission.privilege_from_raw(refused), False)
        # No raw sockets at all (a runtime without them) says nothing about privilege.
        for answer in ({"ok": False, "error": {"type": "unsupported", "message": "no"}},
                       {"ok": False, "error": {"type": "error", "errno": "EPROTONOSUPPORT"}},
                       None):
            self.assertIsNone(admission.privilege_from_raw(answer))

    def test_list_shows_needs(self):
        code, out, _ = self.cli("list", "--scenarios", self.scen, "--json", "fake/opts:ipv6")
        self.assertEqual(code, 0)
        listed = json.loads(out)[0]["needs"]
        self.assertEqual(listed["options"], [["IPPROTO_IPV6", "IPV6_V6ONLY"]])
        self.assertEqual(listed["families"], ["AF_INET6"])
        self.assertEqual(listed["sockets"], [["AF_INET6", "SOCK_DGRAM"]])
        self.assertEqual(set(listed), {"ops", "constants", "options", "flags", "families",
                                       "types", "sockets", "platform"})
        code, out, _ = self.cli("list", "--scenarios", self.scen, "--needs", "fake/opts:ipv4",
                                "fake/unix")
        self.assertEqual(out.splitlines(), [
            "fake/opts:ipv4",
            "  ops: recv, setsockopt, socket",
            "  constants: AF_INET, IPPROTO_IPV6, IPV6_V6ONLY, MSG_PEEK, SOCK_DGRAM, "
            "SOCK_NONBLOCK",
            "  options: IPPROTO_IPV6/IPV6_V6ONLY",
            "  flags: MSG_PEEK",
            "  families: AF_INET",
            "  types: SOCK_DGRAM",
            "  sockets: AF_INET/SOCK_DGRAM",
            "fake/unix",
            "  ops: gethostname",
            "  platform: af_unix"])

    def test_missing_against_capabilities(self):
        caps = needs.capabilities(LIMITED, {"os": "windows"})
        self.assertEqual(needs.missing(needs.case_needs(self.cases["fake/opts:ipv6"]), caps), [
            "op recv", "op setsockopt", "constant AF_INET6", "constant IPPROTO_IPV6",
            "constant IPV6_V6ONLY", "constant MSG_PEEK", "constant SOCK_DGRAM",
            "constant SOCK_NONBLOCK", "option IPPROTO_IPV6/IPV6_V6ONLY", "flag MSG_PEEK",
            "family AF_INET6", "type SOCK_DGRAM"])
        # Not declared = supported: a hello without capabilities lacks nothing.
        bare = needs.capabilities({"ops": ["recv", "setsockopt", "socket"]}, {})
        self.assertEqual(needs.missing(needs.case_needs(self.cases["fake/opts:ipv6"]), bare),
                         [])

    def test_sockets_declares_the_pairs_it_lists(self):
        caps = needs.capabilities({"capabilities": STREAM_ONLY_UNIX}, {})
        self.assertEqual(caps.sockets, frozenset({("AF_INET", "SOCK_STREAM"),
                                                  ("AF_INET", "SOCK_DGRAM"),
                                                  ("AF_UNIX", "SOCK_STREAM")}))
        self.assertEqual(caps.to_json()["sockets"], [["AF_INET", "SOCK_DGRAM"],
                                                     ["AF_INET", "SOCK_STREAM"],
                                                     ["AF_UNIX", "SOCK_STREAM"]])
        # Absent: not declared, so every family with every type.
        without = {k: v for k, v in STREAM_ONLY_UNIX.items() if k != "sockets"}
        self.assertIsNone(needs.capabilities({"capabilities": without}, {}).sockets)

    def test_malformed_sockets_are_read_like_malformed_options(self):
        # Not a list: declares nothing (as a `families` that is not a list).
        for value in ("AF_UNIX/SOCK_STREAM", {"AF_UNIX": "SOCK_STREAM"}, None, 1):
            caps = needs.capabilities({"capabilities": {"sockets": value}}, {})
            self.assertIsNone(caps.sockets, value)
        # Entries that are not two names are left out; the rest still declare.
        caps = needs.capabilities({"capabilities": {"sockets": [
            ["AF_UNIX", "SOCK_STREAM"], ["AF_UNIX"], ["AF_INET", "SOCK_STREAM", "x"],
            ["AF_INET", 1], "AF_INET/SOCK_DGRAM"]}}, {})
        self.assertEqual(caps.sockets, frozenset({("AF_UNIX", "SOCK_STREAM")}))

    def test_a_pair_left_out_of_sockets_is_missing(self):
        self.add_scenario("unixdgram", UNIX_DGRAM)
        wants = needs.case_needs(self.cases["fake/unixdgram"])
        self.assertEqual(wants.sockets, (("AF_UNIX", "SOCK_DGRAM"),))

        def lacking(declared):
            return needs.missing(wants, needs.capabilities({"capabilities": declared}, {}))

        self.assertEqual(lacking(STREAM_ONLY_UNIX), ["socket AF_UNIX/SOCK_DGRAM"])
        without = {k: v for k, v in STREAM_ONLY_UNIX.items() if k != "sockets"}
        self.assertEqual(lacking(without), [])
        # A family missing by itself is named once, as the family, not again as a pair.
        self.assertEqual(lacking(dict(STREAM_ONLY_UNIX, families=["AF_INET"])),
                         ["family AF_UNIX"])
        # `sockets` alone (no families or types lists) still judges the pair.
        self.assertEqual(lacking({"sockets": STREAM_ONLY_UNIX["sockets"]}),
                         ["socket AF_UNIX/SOCK_DGRAM"])


class AdmissionTest(Base):
    def test_limited_hello_gives_unsupported_naming_everything_missing(self):
        with self.fake_env(LIMITED):
            code, out, err = self.run_cli()
        doc = self.results()
        by_id = {c["id"]: c for c in doc["cases"]}
        self.assertEqual(by_id["fake/opts:ipv4"]["status"], "UNSUPPORTED")
        self.assertEqual(by_id["fake/opts:ipv4"]["message"],
                         "missing: op recv, setsockopt; constant IPPROTO_IPV6, IPV6_V6ONLY, "
                         "MSG_PEEK, SOCK_DGRAM, SOCK_NONBLOCK; option IPPROTO_IPV6/IPV6_V6ONLY; "
                         "flag MSG_PEEK; type SOCK_DGRAM")
        self.assertIn("family AF_INET6", by_id["fake/opts:ipv6"]["message"])
        self.assertEqual(by_id["fake/unix"]["message"], "missing: platform af_unix")
        self.assertEqual(by_id["fake/plain"]["status"], "PASS")
        self.assertEqual(by_id["fake/wrong"]["status"], "FAIL")
        # Nothing was sent for the refused cases; the platform the hello declares was
        # not probed (only what it leaves open: abstract names, raw sockets).
        sent = self.requests()
        self.assertNotIn("setsockopt", [r["op"] for r in sent])
        self.assertNotIn({"family": "AF_UNIX", "type": "SOCK_STREAM"},
                         [r.get("args") for r in sent])
        # The summary of what is missing: most cases first, in all three outputs.
        missing = doc["missing"]
        self.assertEqual(missing[0], {"missing": "constant IPPROTO_IPV6", "cases": 2})
        counts = [m["cases"] for m in missing]
        self.assertEqual(counts, sorted(counts, reverse=True))
        self.assertEqual(missing[-1]["cases"], 1)
        self.assertIn({"missing": "platform af_unix", "cases": 1}, missing)
        self.assertIn({"missing": "family AF_INET6", "cases": 1}, missing)
        self.assertEqual(out.splitlines()[-len(missing):],
                         [f"missing {m['missing']}: {m['cases']} case"
                          + ("s" if m["cases"] > 1 else "") for m in missing])
        with open(os.path.join(self.root, "out", "summary.md")) as f:
            summary = f.read().splitlines()
        self.assertEqual(summary[-1], "- missing platform af_unix: 1 case")
        self.assertIn("- missing op recv: 2 cases", summary)

    def test_a_pair_left_out_of_sockets_is_unsupported_before_it_runs(self):
        self.add_scenario("unixdgram", UNIX_DGRAM)
        hello = {"ops": ["gethostname", "socket", "close"],
                 "capabilities": {**STREAM_ONLY_UNIX, "platform": {"af_unix": True}}}
        with self.fake_env(hello):
            code, out, err = self.run_cli("fake/unixdgram", "fake/plain")
        doc = self.results()
        by_id = {c["id"]: c for c in doc["cases"]}
        self.assertEqual(by_id["fake/unixdgram"]["status"], "UNSUPPORTED")
        self.assertEqual(by_id["fake/unixdgram"]["message"],
                         "missing: socket AF_UNIX/SOCK_DGRAM")
        self.assertEqual(by_id["fake/plain"]["status"], "PASS")
        self.assertNotIn({"family": "AF_UNIX", "type": "SOCK_DGRAM"},
                         [r.get("args") for r in self.requests()])
        self.assertEqual(doc["missing"],
                         [{"missing": "socket AF_UNIX/SOCK_DGRAM", "cases": 1}])
        self.assertEqual(out.splitlines()[-1], "missing socket AF_UNIX/SOCK_DGRAM: 1 case")
        self.assertIn(["AF_UNIX", "SOCK_STREAM"], doc["run"]["capabilities"]["sockets"])

        # Without `sockets`, the lists mean every pair: the same case is run.
        hello["capabilities"] = {k: v for k, v in hello["capabilities"].items()
                                 if k != "sockets"}
        with self.fake_env(hello):
            self.run_cli("fake/unixdgram")
        case = self.results()["cases"][0]
        self.assertEqual(case["status"], "PASS", case["message"])
        self.assertIn({"family": "AF_UNIX", "type": "SOCK_DGRAM"},
                      [r.get("args") for r in self.requests()])

    def test_platform_from_the_probe_when_the_hello_is_silent(self):
        with self.fake_env({"ops": ["gethostname", "socket", "bind", "close"]},
                           platform={"af_unix": False}):
            self.run_cli("fake/unix", "fake/plain")
        by_id = {c["id"]: c for c in self.results()["cases"]}
        self.assertEqual(by_id["fake/unix"]["status"], "UNSUPPORTED")
        self.assertEqual(by_id["fake/unix"]["message"], "missing: platform af_unix")
        probe = [r for r in self.requests() if r["op"] != "gethostname"]
        self.assertEqual(probe[0]["args"], {"family": "AF_UNIX", "type": "SOCK_STREAM"})
        self.assertIn({"family": "AF_INET", "type": "SOCK_RAW", "proto": "IPPROTO_ICMP"},
                      [r["args"] for r in probe])
        # Nothing but sockets made (and closed): no connect, no send, no abstract bind
        # after AF_UNIX failed.
        self.assertEqual({r["op"] for r in probe}, {"socket", "close"})
        caps = self.results()["run"]["capabilities"]["platform"]
        self.assertEqual(caps["af_unix"], {"value": False, "from": "probe"})
        self.assertEqual(caps["raw_sockets"], {"value": True, "from": "probe"})

        with self.fake_env({"ops": ["gethostname", "socket", "bind", "close"]},
                           platform={"af_unix": True}):
            self.run_cli("fake/unix")
        self.assertEqual(self.results()["cases"][0]["status"], "PASS")
        binds = [r for r in self.requests() if r["op"] == "bind"]
        self.assertTrue(binds and all("abstract" in r["args"]["address"] for r in binds))

    def test_abstract_names_probed_on_a_declared_af_unix(self):
        with self.fake_env({"capabilities": {"platform": {"af_unix": True,
                                                          "raw_sockets": True}}},
                           platform={"abstract_unix": False}):
            self.run_cli("fake/plain")
        caps = self.results()["run"]["capabilities"]["platform"]
        self.assertEqual(caps["abstract_unix"], {"value": False, "from": "probe"})
        self.assertEqual(caps["privileged"], {"value": True, "from": "probe"})
        self.assertEqual(caps["af_unix"], {"value": True, "from": "hello"})
        # Declared raw sockets still say nothing about privilege: one is opened to see.
        self.assertIn("SOCK_RAW", json.dumps(self.requests()))

    def test_the_hello_wins_over_the_probe(self):
        # The hello says af_unix works; the probe would say otherwise: not asked.
        with self.fake_env({"capabilities": {"platform": {"af_unix": True}}},
                           platform={"af_unix": False}):
            self.run_cli("fake/unix")
        self.assertEqual(self.results()["cases"][0]["status"], "PASS")
        caps = self.results()["run"]["capabilities"]["platform"]
        self.assertEqual(caps["af_unix"], {"value": True, "from": "hello"})


class LabelTest(Base):
    def test_outputs_are_labelled_by_the_implementation(self):
        with self.fake_env(LIMITED):
            code, out, err = self.run_cli("fake/plain")
        label = "caps 2.0 (windows x86_64, wine 8.0)"
        run = self.results()["run"]
        self.assertEqual(run["label"], label)
        self.assertEqual(run["runtime"], {"os": "windows", "libc": None, "arch": "x86_64",
                                          "layers": [{"name": "wine", "version": "8.0"}]})
        self.assertEqual(run["conditions"]["os"], "windows")
        self.assertEqual(run["harness_host"]["os"], "linux")    # recorded apart
        self.assertNotIn("libc", run)
        suite = ET.parse(os.path.join(self.root, "out", "junit.xml")).getroot()
        self.assertEqual(suite.get("name"), f"sockspec {label}")
        with open(os.path.join(self.root, "out", "summary.md")) as f:
            self.assertEqual(f.readline().strip(), f"# sockspec: {label}")
        self.assertIn(f"running 1 case against {label}", err)
        self.assertTrue(out.splitlines()[-1].startswith(f"{label}: 1 results"))

    def test_impls_layers_and_platform_merge_over_the_hello(self):
        impl = impls.Impl("caps", CAPS, layers=[
            {"name": "gvisor", "version_command": [
                sys.executable, "-c", "print('runsc version release-20240101.0')"]}],
            platform={"kernel_settings": False})
        runner = Runner(Options(impl=impl, out_dir=os.path.join(self.root, "o")),
                        standins.env())
        with self.fake_env({"runtime": {"os": "linux", "libc": "musl", "arch": "x86_64"}}):
            runner.probe()
            info = runner.make_run_info()
            self.assertEqual(info["label"], "caps 2.0 (linux/musl x86_64, gvisor 20240101.0)")
            res = {r.case.id: r for r in runner.run([self.cases["fake/sysctl"],
                                                     self.cases["fake/plain"]])}
        self.assertIs(res["fake/sysctl"].status, st.UNSUPPORTED)
        self.assertEqual(res["fake/sysctl"].message, "missing: platform kernel_settings")
        self.assertIs(res["fake/plain"].status, st.PASS, res["fake/plain"].message)

    def test_impls_toml_layers_and_platform(self):
        path = os.path.join(self.root, "impls.toml")
        with open(path, "w") as f:
            f.write(textwrap.dedent('''\
                [gv]
                agent = ["{root}/x"]
                layers = [{ name = "gvisor", version_command = ["runsc", "--version"] }]
                platform = { kernel_settings = false }
                [bad]
                agent = ["x"]
                platform = { warp_drive = true }
                '''))
        with self.assertRaises(impls.LoadError) as e:
            impls.load(path)
        self.assertIn("warp_drive", str(e.exception))
        self.assertTrue(str(e.exception).startswith(f"{path}:7"))
        with open(path, "w") as f:
            f.write('[gv]\nagent = ["x"]\nlayers = [{ name = "gvisor", version_command = '
                    '["runsc", "--version"] }]\nplatform = { kernel_settings = false }\n')
        gv = impls.load(path)["gv"]
        self.assertEqual(gv.layers, [{"name": "gvisor", "version_command": ["runsc",
                                                                            "--version"]}])
        self.assertEqual(gv.platform, {"kernel_settings": False})

    def test_impls_toml_slots_per_case(self):
        path = os.path.join(self.root, "impls.toml")
        for value, expected in (("2", 2), (None, 1)):
            with open(path, "w") as f:
                f.write('[heavy]\nagent = ["x"]\n' +
                        (f"slots_per_case = {value}\n" if value else ""))
            self.assertEqual(impls.load(path)["heavy"].slots_per_case, expected)
        for bad in ("0", "1.5", "true", '"2"'):
            with open(path, "w") as f:
                f.write(f'[heavy]\nagent = ["x"]\nslots_per_case = {bad}\n')
            with self.assertRaises(impls.LoadError) as e:
                impls.load(path)
            self.assertTrue(str(e.exception).startswith(f"{path}:3"), str(e.exception))
        self.assertEqual(impls.load()["wine"].slots_per_case, 2)
        self.assertEqual(impls.load()["ref"].slots_per_case, 1)

    def test_when_matches_layers(self):
        path = os.path.join(self.root, "exp.toml")
        for version, status in ((">=8", "XFAIL"), (">=9", "FAIL")):
            with open(path, "w") as f:
                f.write('format = 1\n[[expect]]\nscenario = "fake/wrong"\nstatus = "FAIL"\n'
                        f'when = {{ layer = "wine", layer_version = "{version}" }}\n'
                        'reason = "wine names hosts its own way"\n')
            with self.fake_env(LIMITED):
                self.run_cli("fake/wrong", extra=("--expectations", path))
            self.assertEqual(self.results()["cases"][0]["status"], status, version)
        rec = expectations.load(path)[0]
        layers = [{"name": "gvisor", "version": "9.1"}, {"name": "wine", "version": "8.0"}]
        # Both conditions hold of one layer: gvisor 9.1 does not make wine >=9.
        self.assertFalse(rec.applies({"layers": layers}))
        self.assertTrue(rec.applies({"layers": layers + [{"name": "wine", "version": "9"}]}))
        self.assertFalse(rec.applies({}))


class ScopeIdTest(Base):
    def test_ifindex_from_the_agent(self):
        with self.fake_env({"ops": ["echo", "getaddrinfo"]}, scope=42):
            self.run_cli("fake/scope")
        case = self.results()["cases"][0]
        self.assertEqual(case["status"], "PASS", case["message"])
        self.assertEqual(case["steps"][0]["request"]["args"], {"value": 42})
        asked = [r for r in self.requests() if r["op"] == "getaddrinfo"]
        self.assertEqual(len(asked), 1)
        self.assertEqual(asked[0]["args"]["flags"], ["AI_NUMERICHOST"])
        self.assertTrue(asked[0]["args"]["host"].startswith("fe80::"))

    def test_kernel_index_when_the_agent_cannot_answer(self):
        with self.fake_env({"ops": ["echo", "gethostname"]}):
            self.run_cli("fake/scope", "fake/plain")
        by_id = {c["id"]: c for c in self.results()["cases"]}
        step = by_id["fake/scope"]["steps"][0]
        self.assertEqual(step["request"]["args"], {"value": 1})   # the stand-in's index
        self.assertIn("@a.ifindex is the kernel's interface index", step["message"])
        # Cases that do not name @x.ifindex ask nothing.
        self.assertEqual(sorted(r["op"] for r in self.requests()
                                if r["op"] not in ("socket", "bind", "close")),
                         ["echo", "gethostname"])


if __name__ == "__main__":
    unittest.main()
