"""benchmarks/import_concurrency.py at a tiny scale, so that it cannot rot: it runs end to end
in its own processes and database, and every login and edit beside the import succeeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[4] / "benchmarks" / "import_concurrency.py"


@pytest.mark.skipif(not SCRIPT.exists(), reason="run from a checkout")
def test_the_concurrency_benchmark_runs_at_a_tiny_scale(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--rows", "300", "--logins", "4", "--edits", "4",
         "--var", str(tmp_path / "var")],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout)
    assert figures["import"]["status"] == "done" and figures["import"]["added"] > 250
    assert figures["requests"] == figures["succeeded"] == 8
    assert figures["server_errors"] == 0
    assert figures["import"]["longest_transaction_s"] < 2
