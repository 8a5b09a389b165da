"""Every script in benchmarks/ runs at a tiny scale and prints the JSON it promises, so that none
rots unnoticed when the code it measures changes.

A benchmark declares its tiny run at module level: `SMOKE_ARGS = [...]`, the command-line
arguments of a run of a few seconds, and optionally `SMOKE_KEYS = [...]`, the top-level keys its
JSON must hold. The test reads both from the script's source without running it, then runs the
script in its own process on SQLite, in a temporary HOISO_VAR (never the demo's or var/bench/).
A script without SMOKE_ARGS fails here: a new benchmark must say how it is smoke-run.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[4] / "benchmarks"


def benchmark_scripts() -> list[Path]:
    """The scripts in benchmarks/ (not tests, not private helpers)."""
    return sorted(
        p
        for p in BENCHMARKS.glob("*.py")
        if not p.name.startswith(("_", "test_")) and p.name != "conftest.py"
    )


def smoke_settings(script: Path) -> tuple[list[str], list[str]]:
    """The script's SMOKE_ARGS and SMOKE_KEYS, read from its source; AssertionError without args."""
    found: dict[str, Any] = {}
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id in ("SMOKE_ARGS", "SMOKE_KEYS"):
                found[target.id] = ast.literal_eval(node.value)  # type: ignore[arg-type]
    args = found.get("SMOKE_ARGS")
    assert isinstance(args, list) and all(isinstance(a, str) for a in args), (
        f"benchmarks/{script.name} declares no SMOKE_ARGS: add a module-level "
        "SMOKE_ARGS = [...] (strings) with the arguments of a run of a few seconds"
    )
    keys = found.get("SMOKE_KEYS", [])
    assert isinstance(keys, list), f"benchmarks/{script.name}: SMOKE_KEYS must be a list"
    return args, keys


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, made once: each run starts from a copy, not from migrations."""
    var = tmp_path_factory.mktemp("bench-template")
    subprocess.run(
        [sys.executable, "-m", "hoiso", "migrate", "--verbosity", "0"],
        env=_environment(var),
        check=True,
        capture_output=True,
    )
    return var


def _environment(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        HOISO_VAR=str(var),
        DJANGO_SETTINGS_MODULE="hoiso.settings",
        PYTHONPATH=str(BENCHMARKS.parent / "src"),
    )
    return env


def test_there_are_benchmarks_to_smoke_run() -> None:
    named = {
        "import.py", "import_concurrency.py", "members.py", "targets.py", "activities.py",
        "directives.py", "notify.py", "province_import.py", "restructure.py", "voices.py",
        "reports.py",
        "ratings.py",
        "votes.py",
    }  # fmt: skip
    assert named <= {p.name for p in benchmark_scripts()}


def test_it_fails_on_a_benchmark_that_declares_no_smoke_run(tmp_path: Path) -> None:
    script = tmp_path / "new_figure.py"
    script.write_text('"""A new figure."""\nRUNS = 5\nprint("{}")\n', encoding="utf-8")
    with pytest.raises(AssertionError, match="declares no SMOKE_ARGS"):
        smoke_settings(script)
    script.write_text('SMOKE_ARGS: list[str] = ["--runs", "1"]\n', encoding="utf-8")
    assert smoke_settings(script) == (["--runs", "1"], [])


@pytest.mark.parametrize("script", benchmark_scripts(), ids=lambda p: p.name)
def test_the_benchmark_runs_at_tiny_scale(script: Path, migrated: Path, tmp_path: Path) -> None:
    args, keys = smoke_settings(script)
    for db in migrated.glob("hoiso.sqlite3*"):  # with its -wal file, if one was left
        shutil.copy(db, tmp_path / db.name)
    done = subprocess.run(
        [sys.executable, str(script), *args],
        env=_environment(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{script.name} {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    try:
        figures = json.loads(done.stdout)
    except json.JSONDecodeError as e:
        pytest.fail(f"{script.name} printed no JSON ({e}):\n{done.stdout[-2000:]}")
    assert isinstance(figures, dict) and figures, f"{script.name} printed no JSON object"
    missing = [k for k in keys if k not in figures]
    assert not missing, f"{script.name}'s JSON lacks {missing}; it has {sorted(figures)}"
    if script.name == "import_concurrency.py":
        # Beside a tiny import every login and edit must still succeed, never a server error.
        assert figures["import"]["status"] == "done"
        assert figures["requests"] == figures["succeeded"] > 0
        assert figures["server_errors"] == 0
    if script.name == "notify.py":
        # The worker killed and restarted mid-way loses nothing and sends no SMS twice.
        assert figures["messages"] > 0 and figures["lost"] == 0 and figures["sent_twice_sms"] == 0
    if script.name == "province_import.py":
        assert figures["files"] == 6
    if script.name == "directives.py":
        assert figures["branches"] == 60
    if script.name == "restructure.py":
        assert figures["members"] > 0
    if script.name == "voices.py":
        assert (figures["concerns"], figures["answers"]) == (300, 200)
    if script.name == "ratings.py":
        assert (figures["communes"], figures["members"]) == (6, 300)
    if script.name == "votes.py":
        # Every accepted vote is in the table and in the counts, none twice, no error.
        assert figures["accepted"] > 0 and figures["errors"] == 0
        assert figures["accepted"] == figures["in_database"] == figures["counted"]
        assert figures["lost"] == figures["doubled"] == 0
