"""Outputs of a run: results.json, junit.xml, summary.md (the live display is
progress.py)."""
from __future__ import annotations

import json
import os
import platform
import subprocess
from collections import Counter
from xml.etree import ElementTree as ET

from ..load import runtime as runtime_mod
from ..model import status as st

RESULTS_FORMAT = "sockspec-results"
RESULTS_VERSION = 1


def suite_revision(repo: str) -> str:
    try:
        out = subprocess.run(["git", "-C", repo, "describe", "--always", "--dirty", "--tags"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"


def libc() -> str | None:
    name, version = platform.libc_ver()
    return f"{name} {version}".strip() or None


def harness_host(tshark_version: str | None) -> dict:
    """The machine the harness ran on: recorded, never used to label the run."""
    return {"os": platform.system().lower(), "os_release": platform.platform(),
            "kernel": platform.release(), "libc": libc(), "arch": platform.machine(),
            "python": platform.python_version(), "tshark": tshark_version}


def run_header(repo: str, impl, hello: dict | None, run_info: dict, tshark_version: str | None,
               options: dict, capabilities: dict | None = None) -> dict:
    """The run as the implementation reported it (impl, version, runtime, label), what
    it declared (capabilities), and separately the harness machine."""
    hello = hello if isinstance(hello, dict) else {}
    runtime = {k: run_info.get(k) for k in ("os", "libc", "arch")}
    runtime["layers"] = run_info.get("layers") or []
    return {
        "suite_revision": suite_revision(repo),
        "impl": impl.name,
        "impl_version": run_info.get("impl_version"),
        "label": run_info.get("label") or run_label(impl.name, run_info),
        "runtime": runtime,
        "agent_argv": impl.agent,
        "hello": hello or None,
        "capabilities": capabilities,
        "kernel": run_info.get("kernel"),
        "tshark": tshark_version,
        "harness_host": harness_host(tshark_version),
        "conditions": run_info,
        "options": options,
    }


def run_label(impl_name: str, run_info: dict) -> str:
    return runtime_mod.label(impl_name, run_info.get("impl_version"),
                             {"os": run_info.get("os"), "libc": run_info.get("libc"),
                              "arch": run_info.get("arch"),
                              "layers": run_info.get("layers") or []})


def missing_summary(results: list) -> list[dict]:
    """What the implementation lacks, by how many cases each thing would unlock (a case
    missing several things counts for each of them), most first."""
    counts = Counter(thing for r in results if r.repeat == 0 for thing in set(r.missing))
    return [{"missing": thing, "cases": n}
            for thing, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def missing_lines(missing: list[dict]) -> list[str]:
    return [f"missing {m['missing']}: {m['cases']} case{'s' if m['cases'] != 1 else ''}"
            for m in missing]


def unexpected(results: list) -> list:
    return [r for r in results if r.status.unexpected]


def unstable(results: list) -> list[dict]:
    """Cases whose status differs between repeats (--repeat N)."""
    seen: dict[str, list[str]] = {}
    for r in results:
        seen.setdefault(r.case.id, []).append(r.status.name)
    # A recorded intermittent difference may show in some repeats only: PASS next to
    # XFAIL is what its record says, not instability of the suite.
    known = {r.case.id for r in results
             if any(rec.get("intermittent") for rec in r.records_applied)}
    return [{"id": cid, "statuses": statuses} for cid, statuses in seen.items()
            if len(set(statuses)) > 1
            and not (cid in known and set(statuses) <= {"PASS", "XFAIL"})]


def write_all(out_dir: str, run: dict, results: list, extra_problems: list[str]) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    counts = Counter(r.status.name for r in results)
    doc = {
        "format": RESULTS_FORMAT, "format_version": RESULTS_VERSION,
        "run": run,
        "summary": {s.name: counts.get(s.name, 0) for s in st.ALL},
        "unexpected": [r.case.id for r in unexpected(results)],
        "unstable": unstable(results),
        "problems": extra_problems,
        "missing": missing_summary(results),
        "cases": [r.to_json() for r in results],
    }
    _write(os.path.join(out_dir, "results.json"), json.dumps(doc, indent=1) + "\n")
    _write(os.path.join(out_dir, "junit.xml"), junit(run, results))
    _write(os.path.join(out_dir, "summary.md"), summary_md(doc, results))
    return doc


def _write(path: str, text: str) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def junit(run: dict, results: list) -> str:
    counts = Counter(r.status.name for r in results)
    suite = ET.Element("testsuite", name=f"sockspec {run.get('label') or run['impl']}",
                       tests=str(len(results)),
                       failures=str(counts["FAIL"] + counts["XPASS"]),
                       errors=str(counts["ERROR"] + counts["TIMEOUT"] + counts["CRASH"]),
                       skipped=str(counts["SKIP"] + counts["UNSUPPORTED"]),
                       time=f"{sum(r.duration for r in results):.3f}")
    props = ET.SubElement(suite, "properties")
    runtime = run.get("runtime") or {}
    host = run.get("harness_host") or {}
    values = {"suite_revision": run.get("suite_revision"), "impl": run.get("impl"),
              "impl_version": run.get("impl_version"), "label": run.get("label"),
              "os": runtime.get("os"), "libc": runtime.get("libc"),
              "arch": runtime.get("arch"),
              "layers": ", ".join(runtime_mod.runtime_text({"layers": [layer]})
                                  for layer in runtime.get("layers") or []),
              "kernel": run.get("kernel"), "tshark": run.get("tshark"),
              "harness_host": " ".join(str(host.get(k)) for k in ("os", "kernel", "libc",
                                                                   "arch") if host.get(k))}
    for key, value in values.items():
        ET.SubElement(props, "property", name=key, value=str(value))
    for r in results:
        name = ":".join(r.case.variant) or "default"
        if r.repeat:
            name += f"#r{r.repeat}"
        tc = ET.SubElement(suite, "testcase", classname=r.case.scenario.id, name=name,
                           time=f"{r.duration:.3f}")
        text = f"{r.status.name}: {r.message}"
        if r.status in (st.FAIL, st.XPASS):
            ET.SubElement(tc, "failure", type=r.status.name, message=r.message).text = text
        elif r.status in (st.ERROR, st.TIMEOUT, st.CRASH):
            ET.SubElement(tc, "error", type=r.status.name, message=r.message).text = text
        elif r.status in (st.SKIP, st.UNSUPPORTED):
            ET.SubElement(tc, "skipped", message=f"{r.status.name}: {r.message}")
        elif r.status is st.XFAIL:
            ET.SubElement(tc, "system-out").text = text
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def summary_md(doc: dict, results: list) -> str:
    run = doc["run"]
    host = run.get("harness_host") or {}
    lines = [f"# sockspec: {run.get('label') or run['impl']}", "",
             f"suite {run['suite_revision']} · kernel {run.get('kernel')}"
             f" · mode {run['conditions'].get('mode')} · tshark {run.get('tshark')}"
             f" · harness host {host.get('os')} {host.get('libc')} {host.get('arch')}", "",
             "| status | cases |", "| --- | --- |"]
    for name, n in doc["summary"].items():
        if n:
            lines.append(f"| {name} | {n} |")
    bad = unexpected(results)
    lines += ["", f"## Unexpected results ({len(bad)})", ""]
    lines += [f"- **{r.status.name}** `{r.case.id}` — {r.message}" for r in bad] or ["none"]
    if doc["unstable"]:
        lines += ["", "## Unstable across repeats", ""]
        lines += [f"- `{u['id']}`: {', '.join(u['statuses'])}" for u in doc["unstable"]]
    if doc["problems"]:
        lines += ["", "## Run problems", ""] + [f"- {p}" for p in doc["problems"]]
    xfail = [r for r in results if r.status is st.XFAIL]
    if xfail:
        lines += ["", f"## Expected failures ({len(xfail)})", ""]
        lines += [f"- `{r.case.id}` — {r.message}" for r in xfail]
    not_run = [r for r in results if r.status in (st.UNSUPPORTED, st.SKIP)]
    if not_run:
        lines += ["", f"## Not run ({len(not_run)})", ""]
        lines += [f"- {r.status.name} `{r.case.id}` — {r.message}" for r in not_run]
    records = [(r.case.id, rec) for r in results for rec in r.records]
    if records:
        lines += ["", "## Platform behaviour records", "", "| case | record | step | observed |",
                  "| --- | --- | --- | --- |"]
        lines += [f"| `{cid}` | {rec['id']} | {rec.get('step')} | "
                  f"`{json.dumps(rec['observed'])}` |" for cid, rec in records]
    if doc.get("missing"):       # last: what would unlock the most cases
        lines += ["", "## What the implementation is missing", "",
                  "By how many cases each would unlock (a case missing several things "
                  "counts for each).", ""]
        lines += [f"- {line}" for line in missing_lines(doc["missing"])]
    return "\n".join(lines) + "\n"
