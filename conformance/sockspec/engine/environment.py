"""The engine's collaborators in the environment, passed explicitly.

A run needs six things from below: networks, captures, actors, the capture-checking
tool, the requirement probes and the run's scope (its tag, temp dirs, clean-up on the
way out). Environment names them with the real types; the engine's self-tests pass
stand-ins that implement the same interfaces (tests/harness/engine_standins.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..env import actors, capture, cleanup, netns, requirements, tshark


@dataclass
class Environment:
    create_network: Callable[..., netns.Network]        # netns.Network.create
    start_capture: Callable[[netns.Network, str, str], capture.Capture]
    launcher: actors.Launcher
    tshark: tshark.Tshark
    available: Callable[[str], bool]                    # requirements.available
    scope: cleanup.RunScope

    @classmethod
    def real(cls) -> "Environment":
        return cls(create_network=netns.Network.create, start_capture=capture.Capture.start,
                   launcher=actors.Launcher(), tshark=tshark.Tshark(),
                   available=requirements.available, scope=cleanup.RunScope())
