"""Where things live in the repository. Every other module asks here, so that moving a
folder is a one-line change. Nothing outside the repository is ever named."""
from __future__ import annotations

import os
import re

# conformance/sockspec/model/paths.py -> the repository root, three folders up.
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CONFORMANCE = os.path.join(REPO, "conformance")
SCENARIOS = os.path.join(CONFORMANCE, "scenarios")
EXPECTATIONS = os.path.join(CONFORMANCE, "expectations")
IMPLS_FILE = os.path.join(CONFORMANCE, "impls.toml")
# What the suite checks (the API manifest) and what it records (the behaviours catalogue).
API_MANIFEST = os.path.join(CONFORMANCE, "api", "socket-api.toml")
BEHAVIOURS = os.path.join(CONFORMANCE, "api", "behaviours.toml")
MUTANTS_DIR = os.path.join(CONFORMANCE, "mutants")
FIXTURES = os.path.join(REPO, "fixtures")
CAPTURES = os.path.join(REPO, "captures")
CLI = os.path.join(REPO, "tools", "sockspec")


def build_dir() -> str:
    """The CMake build whose bin/ holds the reference agent and programs."""
    return os.environ.get("SOCKSPEC_BUILD_DIR") or os.path.join(REPO, "build", "default")


def case_file_name(case_id: str, repeat: int = 0) -> str:
    """A case id as a file name (captures, logs): '/' -> '__', ':' -> '.', anything
    else unusual -> '_', and '.r<k>' for the k-th repeat."""
    name = re.sub(r"[^A-Za-z0-9._+-]+", "_", case_id.replace("/", "__").replace(":", "."))
    return f"{name}.r{repeat}" if repeat else name
