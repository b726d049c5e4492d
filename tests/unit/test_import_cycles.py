"""No import cycles in desktop_app, counting imports inside functions and under TYPE_CHECKING:
an import moved into a function to dodge a cycle is still a cycle (DESIGN.md).

Edges are what a module names in `import x` / `from x import y` (y counts when it is a module);
the implicit import of a parent package is not an edge.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Cycles tolerated while being taken apart: none. Nothing may be added here.
KNOWN: set[frozenset[str]] = set()


def module_files(root: Path) -> dict[str, Path]:
    found = {}
    for path in (root / "desktop_app").rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                for alias in node.names:
                    targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_desktop_app_has_no_import_cycles() -> None:
    found = set(cycles(import_graph(module_files(ROOT))))
    assert sorted(sorted(c) for c in found - KNOWN) == []


def test_the_finder_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    package = tmp_path / "desktop_app"
    (package / "services").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "services" / "__init__.py").write_text("")
    (package / "services" / "cases.py").write_text(
        "def act():\n    from desktop_app.services.reships import follow\n    follow()\n")
    (package / "services" / "reships.py").write_text("from . import cases\n")
    (package / "services" / "queue.py").write_text("from desktop_app.services import reships\n")
    found = cycles(import_graph(module_files(tmp_path)))
    assert found == [frozenset({"desktop_app.services.cases", "desktop_app.services.reships"})]
