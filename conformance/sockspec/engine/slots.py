"""The -j slots that cases hold while they run, shared by the runs of several
implementations side by side.

A plain semaphore lets a worker that has just released a slot take it straight back
for its next case, ahead of workers that have waited for a long time: side by side, the
implementations with the quickest cases then keep the slots, and another one's first
case can wait until everything else is done. FairSlots hands slots out in the order
they were asked for. A case may hold several slots (an implementation's
`slots_per_case`): it waits, first in line, until that many are free.
"""
from __future__ import annotations

import collections
import contextlib
import threading
from typing import Iterator


class FairSlots:
    """A counting semaphore whose waiters are served first come, first served."""

    def __init__(self, count: int):
        if count < 1:
            raise ValueError("at least one slot")
        self._count = self._free = count
        self._turns: collections.deque[object] = collections.deque()
        self._changed = threading.Condition()

    def acquire(self, count: int = 1) -> int:
        """Wait for `count` slots (at most all of them); returns how many were taken."""
        count = min(max(1, count), self._count)
        turn = object()
        with self._changed:
            self._turns.append(turn)
            while self._turns[0] is not turn or self._free < count:
                self._changed.wait()
            self._turns.popleft()
            self._free -= count
            self._changed.notify_all()     # the next in line may find slots free too
        return count

    def release(self, count: int = 1) -> None:
        with self._changed:
            self._free += count
            self._changed.notify_all()

    @contextlib.contextmanager
    def hold(self, count: int = 1) -> Iterator[None]:
        taken = self.acquire(count)
        try:
            yield
        finally:
            self.release(taken)

    def waiting(self) -> int:
        """How many are queued for a slot (for tests and diagnostics)."""
        with self._changed:
            return len(self._turns)

    def __enter__(self) -> "FairSlots":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
