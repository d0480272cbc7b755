"""Expectation folding: a case's step and check verdicts, its own problem and the
expectation records that apply become its final status (docs/harness.md, Statuses and
Expectations)."""
from __future__ import annotations

from ..load import expectations as expectations_mod
from ..model import status as st
from ..model.results import CaseResult, StepResult


def finalize(res: CaseResult, records: list, run_info: dict) -> None:
    """Set res.observed, res.status, res.expected, res.records_applied and the message."""
    applying = expectations_mod.find(records, res.case, run_info)
    by_step = {r.step: r for r in applying if r.step is not None}
    case_record = next((r for r in applying if r.step is None), None)
    observed = observed_status(res, by_step)
    res.observed = observed
    expected = case_record.statuses if case_record else None
    res.status = st.apply_expectation(observed, expected)
    res.expected = [s.name for s in expected] if expected else ["PASS"]
    if by_step and not case_record:
        res.expected = sorted({s.name for r in by_step.values() for s in r.statuses}) \
            if observed is not st.PASS else ["PASS"]
    res.records_applied = [r.to_json() for r in applying]
    if case_record and res.status in (st.XFAIL, st.XPASS):
        note = f"recorded at {case_record.where()}: {case_record.reason}"
        res.message = f"{res.message}; {note}" if res.message else note
    if not res.message:
        res.message = first_problem(res)


def observed_status(res: CaseResult, by_step: dict) -> st.Status:
    """The most severe verdict of the steps and checks (step records applied) and the
    case's own problem; UNSUPPORTED and SKIP cases keep theirs."""
    verdicts: list[st.Status] = []
    for item in [*res.steps, *res.checks]:
        if isinstance(item, StepResult):
            # An await carries its async step's answer: a record on either covers both.
            rec = by_step.get(item.id) or by_step.get(item.awaits)
        else:
            rec = by_step.get(f"check:{item.id}")
        if rec is not None and res.problem not in (st.UNSUPPORTED, st.SKIP):
            item.verdict = st.apply_expectation(item.verdict, rec.statuses)
            if item.verdict in (st.XFAIL, st.XPASS):
                item.message = (item.message + "; " if item.message else "") + \
                    f"recorded at {rec.where()}: {rec.reason}"
        if item.verdict is not st.SKIP:
            verdicts.append(item.verdict)
    if res.problem is not None:
        verdicts.append(res.problem)
    if res.problem in (st.UNSUPPORTED, st.SKIP):
        return res.problem
    return st.worst(*verdicts) if verdicts else st.PASS


def first_problem(res: CaseResult) -> str:
    for item in [*res.steps, *res.checks]:
        if item.verdict in st.FAILURES or item.verdict is st.XPASS:
            kind = "step" if isinstance(item, StepResult) else "check"
            return f"{kind} {item.id!r}: {item.verdict.name}: {item.message}"
    return ""
