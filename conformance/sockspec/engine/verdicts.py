"""Expectation folding: a case's step and check verdicts, its own problem and the
expectation records that apply become its final status (docs/harness.md, Statuses and
Expectations).

A case's status is its *first cause*: of the unexpected failures of its steps (after
step records), its checks and its case-level problem (set-up ERROR, case TIMEOUT,
UNSUPPORTED, SKIP), the one that happened first. Steps are ordered by when their
verdict was settled (StepResult.seq); checks come after every step; a case-level
problem at the moment it arose (CaseResult.problem_seq), or at the end when unknown.
"""
from __future__ import annotations

from ..load import expectations as expectations_mod
from ..model import status as st
from ..model.results import CaseResult, StepResult

LAST = float("inf")


def finalize(res: CaseResult, records: list, run_info: dict) -> None:
    """Set res.observed, res.status, res.expected, res.records_applied and the message."""
    applying = expectations_mod.find(records, res.case, run_info)
    by_step = {r.step: r for r in applying if r.step is not None}
    case_record = next((r for r in applying if r.step is None), None)
    observed, cause = observed_status(res, by_step)
    res.observed = observed
    if cause is not None:
        res.message = describe(cause)
    elif not res.message:
        res.message = first_problem(res)
    expected = case_record.statuses if case_record else None
    res.status = case_record.fold(observed) if case_record else observed
    res.expected = [s.name for s in expected] if expected else ["PASS"]
    if by_step and not case_record:
        res.expected = sorted({s.name for r in by_step.values() for s in r.statuses}) \
            if observed is not st.PASS else ["PASS"]
    res.records_applied = [r.to_json() for r in applying]
    if case_record and res.status in (st.XFAIL, st.XPASS):
        note = f"recorded at {case_record.where()}: {case_record.reason}"
        res.message = f"{res.message}; {note}" if res.message else note


def observed_status(res: CaseResult, by_step: dict) -> tuple[st.Status, object]:
    """The status before case records, and its first cause (a StepResult, a CheckResult,
    or None for the case's own problem or a case without failures). Step records are
    applied to the step and check verdicts here; a case that is UNSUPPORTED or SKIP
    keeps them unapplied (nothing it observed is judged)."""
    for item in [*res.steps, *res.checks]:
        if isinstance(item, StepResult):
            # An await carries its async step's answer: a record on either covers both.
            rec = by_step.get(item.id) or by_step.get(item.awaits)
        else:
            rec = by_step.get(f"check:{item.id}")
        if rec is not None and res.problem not in (st.UNSUPPORTED, st.SKIP):
            item.verdict = rec.fold(item.verdict)
            if item.verdict in (st.XFAIL, st.XPASS):
                item.message = (item.message + "; " if item.message else "") + \
                    f"recorded at {rec.where()}: {rec.reason}"
    cause = first_cause(res)
    if cause is not None:
        status = res.problem if cause is res else cause.verdict
        return status, (None if cause is res else cause)
    verdicts = [item.verdict for item in [*res.steps, *res.checks]]
    if st.XPASS in verdicts:
        return st.XPASS, None
    if st.XFAIL in verdicts:
        return st.XFAIL, None
    return st.PASS, None


def first_cause(res: CaseResult) -> object | None:
    """The earliest of: a failing step, a failing check, the case's own problem (`res`
    itself). At the same moment the case's problem comes first (a case timeout during a
    step says more than the step's timeout)."""
    candidates: list[tuple[float, int, int, object]] = []
    if res.problem is not None and res.problem is not st.PASS:
        seq = res.problem_seq if res.problem_seq is not None else LAST
        candidates.append((seq, 0 if res.problem_seq is not None else 3, 0, res))
    for i, s in enumerate(res.steps):
        if s.verdict in st.FAILURES:
            candidates.append((s.seq if s.seq is not None else LAST, 1, i, s))
    for i, c in enumerate(res.checks):
        if c.verdict in st.FAILURES:
            candidates.append((LAST, 2, i, c))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[:3])[3]


def describe(item: object) -> str:
    kind = "step" if isinstance(item, StepResult) else "check"
    return f"{kind} {item.id!r}: {item.verdict.name}: {item.message}"


def first_problem(res: CaseResult) -> str:
    for item in [*res.steps, *res.checks]:
        if item.verdict in st.FAILURES or item.verdict is st.XPASS:
            return describe(item)
    return ""
