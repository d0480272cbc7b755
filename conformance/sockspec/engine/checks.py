"""Capture checks, judged in batches: the finished cases' captures are written as
pcapng files, every check of a batch is evaluated by one tshark call, and golden flows
are compared (or recorded) over the same batch."""
from __future__ import annotations

import os
import tempfile
import threading
import time
from typing import Callable

from ..env.tshark import Check as TsharkCheck
from ..load import refs
from ..load.topology import address_names
from ..model import status as st
from ..model.paths import case_file_name
from ..model.results import CaseResult, CheckResult
from ..model.scenario import Check
from . import golden
from .context import RunContext

CHECK_BATCH = 32          # capture-carrying cases evaluated by one tshark call (at most)


class CheckBatcher:
    """Evaluates capture checks in batches on a thread of its own, while cases go on.

    tshark costs a fixed ~0.4 s per call (start-up, Lua, the golden flows' second call),
    so cases are batched: a batch is sent once CHECK_BATCH cases wait, and otherwise
    only when the run is about to end - once every case still unfinished is running
    (at most `jobs` of them), whatever waits is sent, so that the last batch holds just
    the last few cases and the run does not end with a long tshark call. Each evaluated
    case is handed to `finish(i, res)` from this thread."""

    def __init__(self, ctx: RunContext, finish: Callable[[int, CaseResult], None],
                 total: int, jobs: int):
        self.ctx = ctx
        self.finish = finish
        self.unfinished = total            # cases whose run_case has not returned
        self.jobs = jobs
        self.waiting: list[tuple[int, CaseResult]] = []
        self.closed = False
        self.cond = threading.Condition()
        self.thread: threading.Thread | None = None

    def submit(self, i: int, res: CaseResult) -> None:
        with self.cond:
            self.waiting.append((i, res))
            if self.thread is None:
                self.thread = threading.Thread(target=self._loop, name="checks", daemon=True)
                self.thread.start()
            self.cond.notify()

    def case_finished(self) -> None:
        with self.cond:
            self.unfinished -= 1
            self.cond.notify()

    def close(self) -> None:
        """Evaluate what is left and wait for it (also on the way out of a failed run)."""
        with self.cond:
            self.closed = True
            self.cond.notify()
        if self.thread is not None:
            self.thread.join()

    def _ready(self) -> bool:
        return bool(self.waiting) and (len(self.waiting) >= CHECK_BATCH or self.closed
                                       or self.unfinished <= self.jobs)

    def _loop(self) -> None:
        while True:
            with self.cond:
                while not self._ready() and not (self.closed and not self.waiting):
                    self.cond.wait()
                if not self.waiting:
                    return
                batch = self.waiting[:CHECK_BATCH]
                del self.waiting[:CHECK_BATCH]
            try:
                self._flush(batch)
            except Exception as e:       # a harness bug: report the cases, keep going
                for i, res in batch:
                    res.problem = st.ERROR
                    res.message = f"harness error evaluating checks: {e}"
                    try:
                        self.finish(i, res)
                    except Exception:
                        pass

    def _flush(self, waiting: list[tuple[int, CaseResult]]) -> None:
        batch = [res for _, res in waiting]
        t0 = time.monotonic()
        try:
            evaluate_batch(self.ctx, batch)
        except Exception as e:            # tshark broke: the checks' cases cannot be judged
            for res in batch:
                res.problem = st.ERROR
                res.message = res.message or f"capture evaluation failed: {e}"
        # The batch's cost (pcapng files, tshark, golden flows), shared by its cases.
        share = (time.monotonic() - t0) / len(batch)
        for res in batch:
            res.timings["checks"] = res.timings.get("checks", 0.0) + share
        for i, res in waiting:
            self.finish(i, res)


def evaluate_batch(ctx: RunContext, batch: list[CaseResult]) -> None:
    """Write each case's pcapng file, evaluate every check of the batch in one tshark
    call over one multi-interface file, then apply golden flows."""
    tshark = ctx.env.tshark
    os.makedirs(ctx.pcap_dir, exist_ok=True)
    interfaces, checks, owners = [], [], {}
    for index, res in enumerate(batch):
        interfaces.append((res.case.id, res.captured))
        res.pcapng = os.path.join(ctx.pcap_dir, case_file_name(res.case.id, res.repeat)
                                  + ".pcapng")
        tshark.write_pcapng(res.pcapng, [(res.case.id, res.captured)])
        for key, spec, cres, check in case_checks(index, res):
            owners[key] = (spec, cres)
            checks.append(check)
    fd, batch_path = tempfile.mkstemp(prefix="batch-", suffix=".pcapng", dir=ctx.pcap_dir)
    os.close(fd)
    try:
        tshark.write_pcapng(batch_path, interfaces)
        verdicts = tshark.evaluate(batch_path, checks) if checks else {}
        for key, (spec, cres) in owners.items():
            verdict = verdicts.get(key)
            if verdict is None:
                cres.verdict, cres.message = st.ERROR, "tshark returned no verdict"
                continue
            judge_check(spec, cres, verdict)
        # Golden captures need the batch file and the judged checks: before it goes.
        settings = golden.Settings(record=ctx.options.record_golden,
                                   root=ctx.options.captures_dir, loopback=ctx.loopback)
        golden.apply(batch, batch_path, settings, tshark)
    finally:
        os.unlink(batch_path)


def case_checks(index: int, res: CaseResult) -> list[tuple[str, Check, CheckResult, TsharkCheck]]:
    """The tshark checks of one case (interface `index` of the batch file), filters
    resolved; a filter that cannot be resolved is not evaluated (SKIP)."""
    names = address_names(res.case.scenario.hosts)
    out = []
    for spec, cres in zip(res.case.scenario.checks, res.checks):
        try:
            cres.filter = refs.resolve_filter(spec.filter, res.context)
        except refs.RefError as e:
            cres.verdict, cres.message = st.SKIP, f"not evaluated: {e}"
            continue
        key = f"{index}/{spec.id}"
        # window = "steps": what the case's sockets sent while they existed, up to the
        # quiet after the last step (not the agents' exit, nor the kernel's answers on
        # behalf of sockets that are gone).
        until = res.steps_end_ns if spec.window == "steps" else None
        out.append((key, spec, cres, TsharkCheck(key=key, interface=index, filter=cres.filter,
                                                 fields=spec.fields, names=names,
                                                 retransmissions=spec.retransmissions,
                                                 until_ns=until)))
    return out


def judge_check(spec: Check, cres: CheckResult, verdict) -> None:
    if verdict.error:
        cres.verdict, cres.message = st.ERROR, f"tshark: {verdict.error}"
        return
    values = verdict.values
    count = verdict.count if verdict.count is not None else (len(values) if values is not None
                                                             else None)
    cres.count, cres.values = count, values
    problems = []
    if spec.count is not None and count != spec.count:
        problems.append(f"{count} packets match, expected {spec.count}")
    if spec.count_min is not None and (count or 0) < spec.count_min:
        problems.append(f"{count} packets match, expected at least {spec.count_min}")
    if spec.count_max is not None and (count or 0) > spec.count_max:
        problems.append(f"{count} packets match, expected at most {spec.count_max}")
    if spec.sequence is not None and not sequence_matches(spec.sequence, values or [], spec.match):
        problems.append(f"sequence {values} does not match {spec.sequence} ({spec.match})")
    cres.verdict = st.FAIL if problems else st.PASS
    cres.message = "; ".join(problems)


def sequence_matches(expected: list[str], values: list[str], mode: str) -> bool:
    if mode == "exact":
        return values == expected
    if mode == "prefix":
        return values[:len(expected)] == expected
    it = iter(values)                     # subsequence: in order, gaps allowed
    return all(any(v == e for v in it) for e in expected)
