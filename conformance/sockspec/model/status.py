"""The fixed status vocabulary of sockspec, in one place (like LLVM lit's Test.py).

A result's status says what happened; whether it is *unexpected* (fails the run)
depends only on the status, because expectations are folded in before: a recorded
failure becomes XFAIL, a recorded case that passes becomes XPASS.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    name: str
    unexpected: bool      # makes the run exit non-zero
    counts_as_pass: bool  # only PASS and XFAIL: the implementation behaved as recorded
    severity: int         # which status wins when steps are combined into a case
    meaning: str

    def __str__(self) -> str:
        return self.name


PASS = Status("PASS", False, True, 0, "every step and check behaved as the seed permits")
XFAIL = Status("XFAIL", False, True, 1, "failed as recorded in conformance/expectations/<impl>.toml")
SKIP = Status("SKIP", False, False, 2, "not run: filtered out, disabled by an expectation record, or the run timed out first")
UNSUPPORTED = Status("UNSUPPORTED", False, False, 3, "the implementation lacks what the case needs (before the run, from its hello and probe; or an unexpected `unsupported` answer during it), or the harness machine lacks a requirement")
XPASS = Status("XPASS", True, False, 4, "passed although an expectation record says it fails")
FAIL = Status("FAIL", True, False, 5, "a step or capture check observed something the seed does not permit (including an agent refusing a catalog request as malformed)")
ERROR = Status("ERROR", True, False, 6, "the harness could not do its part: network, agent start, capture, a bad check filter, or an agent line that is not the protocol at all")
TIMEOUT = Status("TIMEOUT", True, False, 7, "a step, the case or the run exceeded its time")
CRASH = Status("CRASH", True, False, 8, "an agent or program died during the case")

ALL: tuple[Status, ...] = (PASS, FAIL, XFAIL, XPASS, ERROR, TIMEOUT, CRASH, UNSUPPORTED, SKIP)
BY_NAME: dict[str, Status] = {s.name: s for s in ALL}

# Statuses an expectation record may name as the expected outcome.
RECORDABLE = (FAIL, TIMEOUT, CRASH, ERROR, UNSUPPORTED, SKIP)
# Statuses that mean "the implementation did something wrong or broke".
FAILURES = (FAIL, ERROR, TIMEOUT, CRASH)


def parse(name: str) -> Status:
    try:
        return BY_NAME[name.upper()]
    except KeyError:
        raise ValueError(f"unknown status {name!r} (one of {', '.join(BY_NAME)})") from None


def worst(*statuses: Status) -> Status:
    """The status that decides a case made of several steps: the most severe."""
    return max(statuses, key=lambda s: s.severity, default=PASS)


def apply_expectation(actual: Status, expected: tuple[Status, ...] | None) -> Status:
    """Fold an expectation record into an observed status.

    Without a record the status stands. With one: an observed status the record
    lists becomes XFAIL; a PASS becomes XPASS (the record is stale: report it);
    any other failure stays what it is (it was not the recorded failure).
    UNSUPPORTED and SKIP stay as they are: nothing was observed.
    """
    if not expected:
        return actual
    if actual in (UNSUPPORTED, SKIP):
        return actual
    if actual in expected:
        return XFAIL
    if actual is PASS:
        return XPASS
    return actual
