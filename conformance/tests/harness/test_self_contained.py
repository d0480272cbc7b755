"""The repository stands on its own: no tracked file names a path outside it (the team's
reading material next to the checkout, or a folder of the development machine), and the
data the harness needs instead (the API manifest, the behaviours catalogue) loads.

Outside the repository nothing is guaranteed to exist: a user's clone has only what is
tracked. Each hit is reported as file:line so that it can be fixed where it is."""
import os
import re
import subprocess
import unittest

from sockspec.load import api, behaviours
from sockspec.model import paths

# Spelt in pieces so that this file does not match itself.
_SHARED = "sha" + "red"
OUTSIDE = re.compile("|".join([
    re.escape(".." + "/" + _SHARED),                              # the folder beside the checkout
    re.escape(_SHARED + "/") + "(?:seed|research|spec|hooks)",    # its parts, however reached
    re.escape("/" + "work" + "/"),                                # the development machine's tree
]))


def tracked_files():
    """Tracked paths relative to the repository, or None outside a git checkout."""
    try:
        done = subprocess.run(["git", "-C", paths.REPO, "ls-files", "-z"],
                              capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return [p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def text_lines(path):
    """The file's lines, or [] for binary files (captures) and files that are gone."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return []
    if b"\0" in data[:8192]:
        return []
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return []


def outside_references(files):
    hits = []
    for rel in files:
        for number, line in enumerate(text_lines(os.path.join(paths.REPO, rel)), 1):
            found = sorted(set(OUTSIDE.findall(line)))
            if found:
                hits.append(f"{rel}:{number}: {', '.join(found)} in: {line.strip()[:120]}")
    return hits


class SelfContained(unittest.TestCase):
    def test_no_tracked_file_names_a_path_outside_the_repository(self):
        files = tracked_files()
        if files is None:
            self.skipTest("not a git checkout (or no git): nothing to list")
        self.assertGreater(len(files), 100)
        hits = outside_references(files)
        if hits:
            self.fail(f"{len(hits)} reference(s) to paths outside the repository:\n"
                      + "\n".join(hits))

    def test_the_pattern_finds_what_it_must(self):
        for text in (".." + "/" + _SHARED + "/seed/x.rst", "see " + _SHARED + "/research/y",
                     _SHARED + "/spec/z.md", _SHARED + "/hooks/h", "/" + "work/main/out"):
            self.assertRegex(text, OUTSIDE)
        for text in ("shared by every case", "docs/agent-protocol.md", "network/work"):
            self.assertNotRegex(text, OUTSIDE)

    def test_harness_paths_stay_inside_the_repository(self):
        root = os.path.realpath(paths.REPO)
        named = {name: value for name, value in vars(paths).items()
                 if name.isupper() and isinstance(value, str)}
        self.assertIn("API_MANIFEST", named)
        for name, value in named.items():
            inside = os.path.commonpath([root, os.path.realpath(value)]) == root
            self.assertTrue(inside, f"paths.{name} = {value} is outside {root}")

    def test_the_repository_has_its_catalogues(self):
        self.assertEqual(len(api.load()), 71)
        items = behaviours.load()
        self.assertIn("seed-herror", {i.id for i in items})
        self.assertTrue(all(i.title and i.documented and i.varies for i in items))


if __name__ == "__main__":
    unittest.main()
