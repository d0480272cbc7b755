"""The live resources of a case, and the run's register of them.

A case's network, capture, actors and temp directory are released by
CaseResources.teardown(): in the case's `finally`, and from the clean-up on the way
out (signals, exit) for every case still running. Both may happen at once, so every
resource is taken out of the object before it is released, and teardown never raises.
"""
from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field

from ..env import actors as actors_mod
from ..env.actors import Actor
from ..env.capture import Capture, CapturedInterface
from ..env.netns import Network
from .context import CLOSE_GRACE


def add_time(timings: dict | None, phase: str, since: float) -> None:
    if timings is not None:
        timings[phase] = timings.get(phase, 0.0) + (time.monotonic() - since)


@dataclass
class CaseResources:
    tmp: str | None = None
    network: Network | None = None
    capture: Capture | None = None
    actors: dict[str, Actor] = field(default_factory=dict)
    captured: list[CapturedInterface] = field(default_factory=list)   # what capture.stop() gave

    def teardown(self, fast: bool = False, timings: dict | None = None) -> None:
        """Close actors, stop the capture, destroy the network, remove temp files.
        `fast` (the way out): kill actors at once instead of letting agents close their
        sockets. `timings` receives the seconds spent: the capture's stop under
        "capture", the rest under "teardown"."""
        t0 = time.monotonic()
        self._end_actors(fast)
        capture, self.capture = self.capture, None
        if capture is not None:
            add_time(timings, "teardown", t0)
            t0 = time.monotonic()
            try:
                self.captured.append(capture.stop())
            except Exception:
                pass              # no capture: the case's checks become an ERROR
            add_time(timings, "capture", t0)
            t0 = time.monotonic()
        network, self.network = self.network, None
        if network is not None:
            try:
                network.destroy()
            except Exception:
                pass
        tmp, self.tmp = self.tmp, None
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        add_time(timings, "teardown", t0)

    def _end_actors(self, fast: bool) -> None:
        running, self.actors = list(self.actors.values()), {}
        if fast:
            for actor in running:
                try:
                    actor.kill()
                except Exception:
                    pass
        else:
            # Side by side: every agent sees EOF at once and the grace period is shared.
            actors_mod.close_all(running, grace=CLOSE_GRACE)


class LiveCases:
    """The resources of every running case, for the clean-up on the way out."""

    def __init__(self) -> None:
        self._live: dict[int, CaseResources] = {}
        self._lock = threading.Lock()

    def add(self, index: int, resources: CaseResources) -> None:
        with self._lock:
            self._live[index] = resources

    def remove(self, index: int) -> None:
        with self._lock:
            self._live.pop(index, None)

    def teardown_all(self) -> None:
        with self._lock:
            live = list(self._live.values())
            self._live.clear()
        for resources in live:
            resources.teardown(fast=True)
