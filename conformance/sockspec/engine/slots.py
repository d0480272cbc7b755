"""The -j slots that cases hold while they run, shared by the runs of several
implementations side by side.

A plain semaphore lets a worker that has just released a slot take it straight back
for its next case, ahead of workers that have waited for a long time: side by side, the
implementations with the quickest cases then keep the slots, and another one's first
case can wait until everything else is done. FairSlots hands slots out in the order
they were asked for.
"""
from __future__ import annotations

import collections
import threading


class FairSlots:
    """A counting semaphore whose waiters are served first come, first served."""

    def __init__(self, count: int):
        if count < 1:
            raise ValueError("at least one slot")
        self._free = count
        self._turns: collections.deque[object] = collections.deque()
        self._changed = threading.Condition()

    def acquire(self) -> None:
        turn = object()
        with self._changed:
            self._turns.append(turn)
            while self._turns[0] is not turn or self._free == 0:
                self._changed.wait()
            self._turns.popleft()
            self._free -= 1
            self._changed.notify_all()     # the next in line may find a slot free too

    def release(self) -> None:
        with self._changed:
            self._free += 1
            self._changed.notify_all()

    def waiting(self) -> int:
        """How many are queued for a slot (for tests and diagnostics)."""
        with self._changed:
            return len(self._turns)

    def __enter__(self) -> "FairSlots":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
