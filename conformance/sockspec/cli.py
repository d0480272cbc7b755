"""tools/sockspec: the command line. Each command is a module exporting
COMMAND = (name, help, add_arguments, handler); COMMANDS lists them in --help order, so
adding a command is adding its module to the table."""
from __future__ import annotations

import argparse
from typing import Callable

from .commands import convert, doctor, listing, mutants, run, show
from .report import behaviours, coverage, matrix

COMMANDS: dict[str, tuple[str, Callable, Callable]] = {}


def register(name: str, help_text: str, add_args: Callable, handler: Callable) -> None:
    COMMANDS[name] = (help_text, add_args, handler)


for _command in (
    run.COMMAND,
    listing.COMMAND,
    doctor.COMMAND,
    show.COMMAND,
    coverage.COMMAND,
    mutants.COMMAND,
    behaviours.COMMAND,
    matrix.COMMAND,
    convert.COMMAND,
):
    register(*_command)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sockspec", description="socket API conformance harness")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, add_args, _) in COMMANDS.items():
        add_args(sub.add_parser(name, help=help_text, description=help_text))
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return COMMANDS[args.command][2](args)
