"""What running a case produced: one result per step, per capture check and per case.
The engine fills these in; the report layer writes them out."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import status as st
from .scenario import Case

# Why a step or check was not run (StepResult.reason, "reason" in results.json):
NOT_RUN_REASONS = {
    "cascade": "it depends on a step that failed or was not run (its socket or file "
               "handle, a saved variable, the step it awaits, or its actor)",
    "unsupported": "the case became UNSUPPORTED at an earlier step",
    "abandoned": "an async request whose answer was never collected",
    "deadline": "the case or run deadline passed before it",
    "error": "the harness's own set-up failed during the case",
    "reference": "a reference it uses was never set (no step failed)",
}


@dataclass
class StepResult:
    id: str
    op: str
    actor: str | None
    request: dict | None = None
    response: dict | None = None
    verdict: st.Status = st.SKIP
    message: str = ""
    record: dict | None = None
    line: int = 0
    awaits: str | None = None          # an await step: the async step it collects
    # Not run (verdict SKIP): why, as one of NOT_RUN_REASONS; None for a step that ran.
    reason: str | None = None
    cause: str | None = None           # not run: the step whose failure it depends on
    # The order in which the engine settled this step's verdict (first cause; unset for
    # steps never reached).
    seq: int | None = None

    def not_run(self, reason: str, why: str, cause: str | None = None) -> None:
        self.verdict, self.reason, self.cause = st.SKIP, reason, cause
        self.message = f"not run: {why}"

    def to_json(self) -> dict:
        out = {"id": self.id, "op": self.op, "actor": self.actor, "line": self.line,
               "request": self.request, "response": self.response,
               "verdict": self.verdict.name, "message": self.message}
        if self.reason is not None:
            out["reason"] = self.reason
            if self.cause is not None:
                out["cause"] = self.cause
        return out


@dataclass
class CheckResult:
    id: str
    filter: str
    verdict: st.Status = st.SKIP
    count: int | None = None
    values: list[str] | None = None
    message: str = ""
    reason: str | None = None          # not evaluated: why (NOT_RUN_REASONS)

    def not_run(self, reason: str, why: str) -> None:
        self.verdict, self.reason, self.message = st.SKIP, reason, f"not run: {why}"

    def to_json(self) -> dict:
        out = {"id": self.id, "filter": self.filter, "verdict": self.verdict.name,
               "count": self.count, "values": self.values, "message": self.message}
        if self.reason is not None:
            out["reason"] = self.reason
        return out


@dataclass
class CaseResult:
    case: Case
    repeat: int = 0
    status: st.Status = st.SKIP
    observed: st.Status = st.SKIP        # before expectations
    problem: st.Status | None = None     # case-level: set-up ERROR, case TIMEOUT, UNSUPPORTED…
    # When the problem arose among the steps (StepResult.seq); None: before the first
    # step (set-up, admission) or after the last (capture, checks).
    problem_seq: int | None = None
    message: str = ""
    expected: list[str] = field(default_factory=lambda: ["PASS"])
    records_applied: list[dict] = field(default_factory=list)
    started: float = 0.0
    duration: float = 0.0
    steps: list[StepResult] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)    # platform behaviour records
    # Optional steps not run, each "<step id>: <why>" (docs/scenario-format.md, optional).
    skipped: list[str] = field(default_factory=list)
    pcapng: str | None = None
    logs: dict[str, str] = field(default_factory=dict)
    hello: dict | None = None
    # What the implementation lacks for this case (`op fdflags`, `platform af_unix`):
    # the reason it is UNSUPPORTED, counted in the run's `missing` summary.
    missing: list[str] = field(default_factory=list)
    # Seconds per phase (netns, capture, agents, steps, teardown, checks): what the
    # harness costs around the scenario's own steps (read by tools/bench-run).
    timings: dict[str, float] = field(default_factory=dict)
    # Kept for the batched check evaluation only.
    captured: Any = None
    context: Any = None                  # the references of the case (load.refs.Context)
    # Wall clock (ns) when the last step was answered and the wire went quiet: golden.py
    # (and checks with window = "steps") leave out what the clean-up (agents exiting)
    # puts on the wire after it.
    steps_end_ns: int | None = None

    @property
    def id(self) -> str:
        return self.case.id

    def to_json(self) -> dict:
        return {"id": self.case.id, "scenario": self.case.scenario.id,
                "variant": self.case.variant, "repeat": self.repeat,
                "status": self.status.name, "observed": self.observed.name,
                "expected": self.expected, "expectation_records": self.records_applied,
                "duration": round(self.duration, 4), "message": self.message,
                "file": self.case.scenario.path,
                "steps": [s.to_json() for s in self.steps],
                "checks": [c.to_json() for c in self.checks],
                "records": self.records, "skipped": self.skipped, "pcapng": self.pcapng,
                "logs": self.logs,
                "timings": {k: round(v, 5) for k, v in self.timings.items()},
                **({"missing": self.missing} if self.missing else {})}
