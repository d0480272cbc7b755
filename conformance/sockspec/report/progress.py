"""The live display of a run: a one-line progress display on a terminal (unexpected
results printed as they happen), else one plain line per case."""
from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from typing import TextIO

from ..model import status as st
from ..model.results import CaseResult


class Reporter:
    """Progress: a live one-line display on a terminal, else one plain line per case."""

    def __init__(self, total: int, stream: TextIO | None = None, live: bool | None = None):
        self.total = total
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty() if live is None else live
        self.done = 0
        self.counts: Counter = Counter()
        self.lock = threading.Lock()
        self.t0 = time.monotonic()

    def case_done(self, res: CaseResult, impl: str | None = None) -> None:
        """One finished case; `impl` names its implementation when several run side
        by side."""
        with self.lock:
            self.done += 1
            self.counts[res.status.name] += 1
            where = f"{impl} " if impl else ""
            line = f"{res.status.name:<11} {where}{res.case.id}" + (
                f" (repeat {res.repeat + 1})" if res.repeat else "") + f" {res.duration:.2f}s"
            if not self.live:
                print(line, file=self.stream, flush=True)
                return
            if res.status.unexpected or res.status in (st.XFAIL,):
                self._clear()
                print(line + (f"  {res.message}" if res.message else ""), file=self.stream)
            counts = " ".join(f"{k}={v}" for k, v in sorted(self.counts.items()))
            status = f"[{self.done}/{self.total}] {counts} | {res.case.id}"
            width = 118
            self.stream.write("\r\x1b[K" + status[:width])
            self.stream.flush()

    def _clear(self) -> None:
        self.stream.write("\r\x1b[K")

    def finish(self) -> None:
        if self.live:
            with self.lock:
                self._clear()
                self.stream.flush()
