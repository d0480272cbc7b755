"""The harness's import graph: no cycle, each layer imports only from itself and the
layers below it (model < load < env < engine < report < cli), and no import hides
inside a function (where it would dodge this test's point: a cycle that is only
postponed)."""
import ast
import os
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "sockspec")

# Layer of each top-level module or sub-package of sockspec, lowest first.
LAYERS = {"model": 0, "load": 1, "env": 2, "engine": 3, "report": 4,
          "cli": 5, "commands": 5}


def modules() -> dict[str, str]:
    """Dotted module name (without 'sockspec.') -> file path, for every .py file."""
    found = {}
    for folder, _, files in os.walk(PACKAGE):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            parts = os.path.relpath(path, PACKAGE)[:-3].split(os.sep)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imported(module: str, path: str, known: dict) -> list[tuple[str, int]]:
    """The sockspec modules `module` imports (anywhere in the file), with line numbers."""
    tree = parse(path)
    package = module.split(".") if path.endswith("__init__.py") else module.split(".")[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sockspec."):
                    out.append((alias.name[len("sockspec."):], node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and (node.module == "sockspec" or node.module.startswith("sockspec.")):
                target = node.module[len("sockspec."):] if node.module != "sockspec" else ""
            else:
                continue
            # `from . import x` imports the module x when there is one.
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                out.append((sub if sub in known else target, node.lineno))
    return [(t, line) for t, line in out if t]


def parse(path: str) -> ast.Module:
    with open(path, encoding="utf-8") as f:
        return ast.parse(f.read(), path)


def layer(module: str) -> int | None:
    return LAYERS.get(module.split(".")[0])


class Layers(unittest.TestCase):
    def setUp(self):
        self.modules = modules()
        self.graph = {m: imported(m, p, self.modules) for m, p in self.modules.items()}

    def test_every_module_has_a_layer(self):
        stray = [m for m in self.modules if m and layer(m) is None]
        self.assertEqual(stray, [], "modules outside the layers")

    def test_imports_go_down_the_layers(self):
        wrong = [f"{m} ({layer(m)}) imports {t} ({layer(t)}) at line {line}"
                 for m, targets in self.graph.items() if m
                 for t, line in targets if layer(t) is not None and layer(t) > layer(m)]
        self.assertEqual(wrong, [])

    def test_no_cycle(self):
        edges = {m: {t for t, _ in targets if t in self.modules and t != m}
                 for m, targets in self.graph.items()}
        state: dict[str, int] = {}          # 1 on the current path, 2 done
        cycles = []

        def visit(node: str, path: list[str]) -> None:
            state[node] = 1
            for nxt in sorted(edges.get(node, ())):
                if state.get(nxt) == 1:
                    cycles.append(path[path.index(nxt):] + [nxt])
                elif nxt not in state:
                    visit(nxt, path + [nxt])
            state[node] = 2

        for m in sorted(edges):
            if m not in state:
                visit(m, [m])
        self.assertEqual(cycles, [])

    def test_no_import_inside_a_function(self):
        hidden = []
        for module, path in self.modules.items():
            tree = parse(path)
            for fn in ast.walk(tree):
                if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    hidden += [f"{module}:{n.lineno}" for n in ast.walk(fn)
                               if isinstance(n, (ast.Import, ast.ImportFrom))]
        self.assertEqual(hidden, [])

    def test_the_graph_is_read(self):
        # Guards the test itself: known edges must be found.
        self.assertIn("load.topology", {t for t, _ in self.graph["load.scenarios"]})
        self.assertIn("engine.golden", {t for t, _ in self.graph["engine.checks"]})
        self.assertIn("commands.run", {t for t, _ in self.graph["cli"]})


if __name__ == "__main__":
    unittest.main()
