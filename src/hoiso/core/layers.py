"""The apps' layers, from the bottom, and the reading of `src/hoiso`'s import graph that holds
them: an app imports only apps of a lower layer (never a peer of its own layer, never one above),
so no two apps can import each other in a circle. `core/tests/test_layers.py` fails on any import
that breaks this; the README's Architecture section tells the same table in words.

Everything is read with `ast`, without importing: module-level imports and those inside
functions alike, `import x` and `from x import y`; tests and migrations are not read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The project's own modules (settings, urls, the API, the test cast) stand above every app.
PROJECT = "project"
LAYERS: list[frozenset[str]] = [
    frozenset({"core"}),
    frozenset({"units"}),
    frozenset({"accounts"}),
    frozenset({"metrics"}),
    frozenset({"members"}),
    frozenset({"notifications"}),
    frozenset({"comms", "activities", "documents", "voices", "contests"}),
    frozenset({"targets", "reports", "ratings"}),
    frozenset({"restructuring"}),
    frozenset({"pages"}),
    frozenset({"demo"}),
    frozenset({PROJECT}),
]
LAYER_OF = {app: n for n, layer in enumerate(LAYERS) for app in layer}
SKIPPED = ("tests", "migrations")


@dataclass(frozen=True)
class Import:
    """One import statement: the module that runs it, what it names, and where."""

    where: str  # "members/stats.py:19"
    app: str  # the importing app, or PROJECT
    target: str  # the module imported, e.g. "hoiso.targets.cache"
    names: tuple[str, ...]  # for `from x import a, b`: ("a", "b")
    target_app: str  # the imported app, or PROJECT


def _app_of(rel: Path) -> str:
    return rel.parts[0] if len(rel.parts) > 1 else PROJECT


def _app_named(root: Path, module: str) -> str:
    """The app a module belongs to: "hoiso.members.models" → members; "hoiso.api" → PROJECT."""
    parts = module.split(".")
    if len(parts) < 2 or (root / f"{parts[1]}.py").exists():
        return PROJECT
    return parts[1]


def _absolute(node: ast.ImportFrom, rel: Path, package: str) -> str:
    """`from .x import y` in hoiso/members/a.py → "hoiso.members.x"."""
    if not node.level:
        return node.module or ""
    parts = [package, *rel.parts[:-1]]
    if rel.name == "__init__.py":
        parts.append("")  # the package itself is the base of its own relative imports
    base = parts[: len(parts) - node.level + 1]
    return ".".join([p for p in base if p] + ([node.module] if node.module else []))


def imports(root: Path) -> Iterator[Import]:
    """Every import of a `hoiso` module in the package at `root`, tests and migrations aside."""
    package = root.name
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if any(part in SKIPPED for part in rel.parts[:-1]):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found: list[tuple[str, tuple[str, ...]]] = [(a.name, ()) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = tuple(alias.name for alias in node.names)
                found = [(_absolute(node, rel, package), names)]
            else:
                continue
            for target, names in found:
                if target == package or target.startswith(package + "."):
                    yield Import(
                        f"{rel}:{node.lineno}",
                        _app_of(rel),
                        target,
                        names,
                        _app_named(root, target),
                    )


def violations(root: Path) -> list[str]:
    """Each import that runs upward, sideways or into an app the table does not place, and each
    private name (`_helper`) taken from another app, in words."""
    found = []
    for imp in imports(root):
        source, target = imp.app, imp.target_app
        if target == source:
            continue
        if source not in LAYER_OF or target not in LAYER_OF:
            unknown = source if source not in LAYER_OF else target
            found.append(f"{imp.where}: {imp.target}: the app {unknown} has no layer")
        elif LAYER_OF[target] > LAYER_OF[source]:
            found.append(f"{imp.where}: {imp.target}: {source} imports {target}, above it")
        elif LAYER_OF[target] == LAYER_OF[source]:
            found.append(f"{imp.where}: {imp.target}: {source} imports its peer {target}")
        private = [n for n in imp.names if n.startswith("_")]
        if private:
            found.append(
                f"{imp.where}: {imp.target}: takes {target}'s private {', '.join(private)}"
            )
    return found


def circles(root: Path) -> list[list[str]]:
    """The circles in the graph of which app imports which (each once, from its first app)."""
    edges: dict[str, set[str]] = {}
    for imp in imports(root):
        if imp.target_app != imp.app:
            edges.setdefault(imp.app, set()).add(imp.target_app)
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()

    def walk(app: str, trail: list[str]) -> None:
        for nxt in sorted(edges.get(app, ())):
            if nxt in trail:
                circle = trail[trail.index(nxt) :]
                if frozenset(circle) not in seen:
                    seen.add(frozenset(circle))
                    found.append([*circle, nxt])
            elif len(trail) < len(edges) + 1:
                walk(nxt, [*trail, nxt])

    for app in sorted(edges):
        walk(app, [app])
    return found
