"""What every case of a run shares: the options, the environment, the agent's hello,
what the implementation declares it has (capabilities, merged with impls.toml and the
platform probe), the runtime it reported (which labels the run and which `when`
conditions are matched against), the run deadline."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

from ..load import needs as needs_mod
from ..load.impls import Impl
from ..model.results import CaseResult
from ..model.scenario import Case
from .environment import Environment
from .slots import FairSlots

HELLO_TIMEOUT = 5.0      # seconds for an agent's hello (times the multiplier)
CLOSE_GRACE = 2.0        # seconds agents get to exit after EOF


@dataclass
class Options:
    impl: Impl
    out_dir: str
    jobs: int = 1
    timeout_multiplier: float = 1.0
    run_timeout: float | None = None
    repeat: int = 1
    loopback: bool = False              # forced; also automatic without namespaces
    records: list = field(default_factory=list)
    on_result: Callable[[CaseResult], None] | None = None    # the live display
    # Golden captures (golden.py): record the reference's flows instead of comparing.
    record_golden: bool = False
    captures_dir: str | None = None     # None: <repo>/captures
    # The -j slots a case holds while it runs; shared between the runs of several
    # implementations side by side, handed out in the order asked for (slots.py; None:
    # the run's own worker count is the limit).
    slots: FairSlots | None = None


@dataclass
class RunContext:
    options: Options
    env: Environment
    hello: dict | None = None
    run_info: dict = field(default_factory=dict)
    run_deadline: float | None = None   # time.monotonic() value
    stopping: bool = False              # set on the way out (signal, exit)
    # The implementation's runtime: the hello's, with impls.toml's layers added
    # (needs.merged_runtime); and what it declares it has. None: nothing known (a run
    # whose hello was never read), every need counts as supported.
    runtime: dict = field(default_factory=dict)
    capabilities: needs_mod.Capabilities | None = None
    _needs: dict = field(default_factory=dict)

    @property
    def multiplier(self) -> float:
        return self.options.timeout_multiplier

    @property
    def hello_timeout(self) -> float:
        """Seconds for an agent's hello: the implementation's own (impls.toml
        `hello_timeout`) or HELLO_TIMEOUT, times the multiplier."""
        return (self.options.impl.hello_timeout or HELLO_TIMEOUT) * self.multiplier

    @property
    def loopback(self) -> bool:
        return self.options.loopback or not self.env.available("netns")

    @property
    def logs_dir(self) -> str:
        return os.path.join(self.options.out_dir, "logs")

    @property
    def pcap_dir(self) -> str:
        return os.path.join(self.options.out_dir, "pcap")

    def needs_of(self, case: Case) -> needs_mod.Needs:
        """The case's needs, computed once per run."""
        found = self._needs.get(case.id)
        if found is None:
            found = self._needs[case.id] = needs_mod.case_needs(case)
        return found
