"""(being written by the catalog-tools helper)"""
import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("not written yet")
    return 2


COMMAND = ("mutants", "(not written yet)", add_arguments, run)
