"""The catalog names only what the two catalogues define: every scenario's `seed` names
are entries of the API manifest, and every behaviour id a scenario names (`platform`,
`record`) is an item of the behaviours catalogue. Errors name the scenario's file and
line, so that a typo is found where it was made."""
import os
import unittest

from sockspec.load import api, behaviours
from sockspec.load import scenarios as scenario_mod
from sockspec.model.paths import REPO, SCENARIOS


def load_catalog():
    scenarios, errors = scenario_mod.load_all(SCENARIOS)
    if errors:
        raise AssertionError("scenario files do not load:\n" + "\n".join(map(str, errors)))
    return scenarios


def where(path, line=None):
    rel = os.path.relpath(path, REPO)
    return f"{rel}:{line}" if line else rel


def behaviour_ids_used(scenario):
    """(id, line) for every behaviour the scenario names; line None for `platform`."""
    used = [(item, None) for item in scenario.platform]
    for step in scenario.steps:
        record = (step.expect or {}).get("record")
        if record is not None:
            used.append((record, step.line))
    return used


class CatalogueReferences(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scenarios = load_catalog()

    def test_every_behaviour_id_is_in_the_catalogue(self):
        known = {item.id for item in behaviours.load()}
        unknown = [f"{where(sc.path, line)}: {sc.id} names behaviour {item!r}"
                   for sc in self.scenarios for item, line in behaviour_ids_used(sc)
                   if item not in known]
        if unknown:
            self.fail("behaviour ids missing from the catalogue "
                      "(conformance/api/behaviours.toml):\n" + "\n".join(unknown))

    def test_every_seed_name_is_a_manifest_entry(self):
        names = api.index_names(api.load())
        unknown = [f"{where(sc.path)}: {sc.id} names seed entry {name!r}"
                   for sc in self.scenarios for name in sc.seed if name not in names]
        if unknown:
            self.fail("seed names missing from the API manifest "
                      "(conformance/api/socket-api.toml):\n" + "\n".join(unknown))

    def test_the_catalog_uses_both_catalogues(self):
        """Guards the two tests above against passing on an empty catalog."""
        used = {item for sc in self.scenarios for item, _ in behaviour_ids_used(sc)}
        self.assertIn("seed-herror", used)
        self.assertGreater(len(used), 40)
        self.assertGreater(sum(len(sc.seed) for sc in self.scenarios), 200)


if __name__ == "__main__":
    unittest.main()
