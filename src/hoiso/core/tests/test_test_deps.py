"""scripts/test-deps, which `make test` and `.ci/run` run first: what it does on a machine where
Debian packages are missing, as root and not. `dpkg-query`, `apt-get` and `id` are stand-ins put
first on PATH, so that nothing is installed or removed on this machine."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[4] / "scripts" / "test-deps"
ALL = ["chromium", "libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"]


def _fake(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def run(
    tmp_path: Path, installed: list[str], uid: int
) -> tuple[subprocess.CompletedProcess[str], str]:
    """The script on a machine where only `installed` are; returns its run and apt-get's calls."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    calls = tmp_path / "apt-get.calls"
    # dpkg-query -W -f='${Status}' <package>: the last argument is the package.
    cases = "".join(f'  {p}) printf "install ok installed" ;;\n' for p in installed)
    _fake(
        bin_,
        "dpkg-query",
        f'for p; do :; done\ncase "$p" in\n{cases}  *) echo "no packages found" >&2; exit 1 ;;\nesac',
    )
    _fake(bin_, "apt-get", f'echo "$@" >> "{calls}"')
    _fake(bin_, "id", f"echo {uid}")
    env = {**os.environ, "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True)
    return done, calls.read_text() if calls.exists() else ""


def test_it_does_nothing_when_everything_is_installed(tmp_path: Path) -> None:
    done, apt = run(tmp_path, installed=ALL, uid=1000)
    assert (done.returncode, done.stdout, done.stderr, apt) == (0, "", "", "")


def test_it_stops_with_the_command_that_installs_what_is_missing(tmp_path: Path) -> None:
    done, apt = run(tmp_path, installed=["libpango-1.0-0", "libpangoft2-1.0-0"], uid=1000)
    assert done.returncode == 1
    assert "sudo apt-get install -y chromium fonts-dejavu-core\n" in done.stderr
    assert apt == ""


@pytest.mark.parametrize("installed", [[], ["chromium", "libpango-1.0-0"]])
def test_as_root_it_installs_only_what_is_missing(tmp_path: Path, installed: list[str]) -> None:
    done, apt = run(tmp_path, installed=installed, uid=0)
    assert done.returncode == 0, done.stderr
    missing = " ".join(p for p in ALL if p not in installed)
    assert apt.splitlines() == ["update -qq", f"install -y -qq {missing}"]


def test_make_test_and_ci_run_it_first() -> None:
    root = SCRIPT.parents[1]
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    assert "test: test-deps " in makefile and "\tsh scripts/test-deps\n" in makefile
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    # The package list and the installing live in the script only.
    assert "sh scripts/test-deps\n" in ci and "apt-get" not in ci and "libpango" not in ci
