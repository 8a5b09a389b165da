"""The metrics layer and the domain apps import one way: down.

Reads every import in the apps' modules (top-level and inside functions, tests left out: they
compose data across apps) and fails on one that runs upward or sideways between these apps:
metrics sits below the domain apps, comms and activities are peers above members, and targets
reads metrics by code without importing any of them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import hoiso

SRC = Path(hoiso.__file__).parent

# What each app may import among the project's apps (the layers below it).
ALLOWED = {
    "metrics": {"core", "units", "accounts"},
    "members": {"core", "units", "accounts", "metrics"},
    "comms": {"core", "units", "accounts", "metrics"},
    "activities": {"core", "units", "accounts", "metrics", "members"},
    "targets": {"core", "units", "accounts", "metrics"},
}


def imports_between_apps(src: Path) -> set[tuple[str, str, str]]:
    """(importing app, imported app, module) for every import of another app of the project."""
    apps = {p.name for p in src.iterdir() if (p / "apps.py").exists()}
    found = set()
    for path in src.rglob("*.py"):
        parts = path.relative_to(src).parts
        if len(parts) < 2 or "tests" in parts or parts[0] not in apps:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                bits = name.split(".")
                if bits[0] == "hoiso" and len(bits) > 1 and bits[1] in apps and bits[1] != parts[0]:
                    found.add((parts[0], bits[1], "/".join(parts)))
    return found


def upward(src: Path) -> list[str]:
    return sorted(
        f"{module} imports {imported}"
        for app, imported, module in imports_between_apps(src)
        if app in ALLOWED and imported not in ALLOWED[app]
    )


def test_the_metrics_layer_and_the_domain_apps_import_only_downward() -> None:
    assert upward(SRC) == []


def test_it_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    for app in ("comms", "targets"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "apps.py").write_text("")
    (tmp_path / "targets" / "services.py").write_text(
        "def f():\n    from hoiso.comms.services import x\n"
    )
    assert upward(tmp_path) == ["targets/services.py imports comms"]
