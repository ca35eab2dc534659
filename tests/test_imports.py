"""The package's import graph: no module imports another's private name, and no cycle.

Every ``import`` statement counts, also those inside functions (a lazy import only hides a
circle until both modules are loaded).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "gtconvert"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path) -> list[tuple[str, str | None, str]]:
    """``(module, imported name or None, bound name)`` for each gtconvert import in the source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[str, str | None, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, None, a.asname or a.name) for a in node.names if a.name.startswith("gtconvert")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("gtconvert"):
                target = node.module
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                bound = alias.asname or alias.name
                out.append((sub, None, bound) if sub in MODULES else (target, alias.name, bound))
    return out


def _private_uses(name: str, path: Path) -> list[tuple[str, str, str]]:
    """``(module, other module, private name)``: imported, or read as ``module._name``."""
    imports = _imports(name, path)
    found = [
        (name, target, what or target.rpartition(".")[2])
        for target, what, _ in imports
        if target != name
        and _is_private(what or target.rpartition(".")[2])
        and not (what is None and name.startswith(target.rpartition(".")[0] + "."))
    ]  # a private module (``formats/_common.py``) is for the modules of its own package
    modules = {bound: target for target, what, bound in imports if what is None and target != name}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and _is_private(node.attr)
        ):
            found.append((name, modules[node.value.id], node.attr))
    return found


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_imports_a_private_name_of_another() -> None:
    found = [use for name, path in MODULES.items() for use in _private_uses(name, path)]
    assert found == []


#: Upward hand-overs made inside a method, deliberately: ``Dataset.show``/``_repr_html_`` are
#: thin entry points into gtconvert.preview (which builds on the model), as issue 17 asks;
#: ``Dataset.rename_categories``/``select`` into gtconvert.ops.categories, as issue 18 asks.
DELEGATIONS = {
    ("gtconvert.model", "gtconvert.preview"),
    ("gtconvert.model", "gtconvert.ops.categories"),
    ("gtconvert.model", "gtconvert.views"),
}


def test_the_import_graph_has_no_cycle() -> None:
    graph = {
        name: {
            t
            for t, _, _ in _imports(name, path)
            if t in MODULES and t != name and (name, t) not in DELEGATIONS
        }
        for name, path in MODULES.items()
    }
    # a package's __init__ re-exporting its submodules, and those importing siblings, is not a
    # cycle; a submodule importing its own package's __init__ would be
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_every_import_names_a_module_that_exists() -> None:
    """A lazy import with one dot too few fails only when its branch runs; here it fails at once."""
    missing = [
        f"{name} imports {target}"
        for name, path in MODULES.items()
        for target, _, _ in _imports(name, path)
        if target not in MODULES and target != "gtconvert._matlab"
    ]
    assert missing == []
