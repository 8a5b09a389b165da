"""Logins and member edits while a large import writes, on SQLite (the embedded default).

A 300,000-row field list (the generator of benchmarks/import.py) is confirmed in a commune; its
write runs in a worker process of its own, exactly as the task worker runs it
(`jobs.commit_import`). While its write phase lasts, this process sends 20 logins and 20 member
edits through Django's full request stack (middleware, sessions, the views), spread evenly over the
expected write: one person logging in again and again, another editing members, each in a thread
with its own database connection, and prints JSON: how many
succeeded, how many got "busy" (503) or an error, their latency (p50/p95/p99/max in seconds), and
from the worker the write's length and its longest single transaction.

    .venv/bin/python benchmarks/import_concurrency.py               # 300,000 rows
    .venv/bin/python benchmarks/import_concurrency.py --rows 300    # a quick check (the tests)

Options: --rows N (300,000), --logins N (20), --edits N (20), --var DIR (its own HOISO_VAR,
default var/bench/import_concurrency; the SQLite file there is made afresh each run).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

# A tiny run for the smoke test (core/tests/test_benchmarks.py); --var is relative to its folder.
SMOKE_ARGS = ["--rows", "300", "--logins", "4", "--edits", "4", "--var", "smoke-var"]
SMOKE_KEYS = ["import", "requests", "succeeded", "server_errors"]

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
PASSWORD = "mat-khau-dai-2026"
# Write speed assumed to spread the requests over the write (measured: ~10,000 rows/s here).
ROWS_PER_SECOND = 10_000


def _field_file_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "benchmarks" / "import.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _setup(var: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "hoiso.settings"
    os.environ["HOISO_VAR"] = str(var)
    os.environ["DATABASE_URL"] = ""
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()


def _prepare(var: Path, rows: int, field: Any) -> dict[str, Any]:
    """A fresh database with the commune, a cadre, 20 members to edit and the confirmed import."""
    from django.core.management import call_command
    from django.db import transaction

    from hoiso.accounts.models import Assignment, User
    from hoiso.accounts.roles import Role
    from hoiso.members.importing import files, jobs
    from hoiso.members.models import ImportStatus, MemberImport
    from hoiso.members.services import member_admit
    from hoiso.units.models import Level, Unit

    call_command("migrate", verbosity=0)
    commune = field._commune()
    branch = Unit.objects.filter(parent=commune, level=Level.BRANCH).order_by("code").first()
    assert branch is not None
    with transaction.atomic():
        cadre = User(username="can-bo", full_name="Trần Thị Hoa", phone="0912000002")
        cadre.set_password(PASSWORD)
        cadre.save()
        Assignment.objects.create(user=cadre, unit=commune, role=Role.UNIT_ADMIN)
        members = [
            member_admit(actor=cadre, branch=branch, data={
                "full_name": f"Nguyễn Thị Mẫu {i}", "birth_year": 1970 + i, "sex": "F",
            }).pk
            for i in range(20)
        ]  # fmt: skip
    source = var.parent / f"field-{rows}.xlsx"
    if not source.exists():
        field.write_field_file(source, rows, seed=2026)
    imp = MemberImport.objects.create(user=cadre, unit=commune, filename="danh-sach.xlsx",
                                      status=ImportStatus.PREVIEW, language="vi")  # fmt: skip
    shutil.copyfile(source, files.source_path(imp))
    attempt = jobs.claim_write(imp)
    return {"import": str(imp.pk), "attempt": attempt, "unit": commune.code, "members": members}


def worker(import_id: str, attempt: int) -> None:
    """The task worker's part: run the write, timing each of its transactions."""
    from hoiso.core import busy
    from hoiso.members.importing import jobs, write

    held: list[float] = []
    plain = busy.short_transaction

    def timed(step: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return plain(step, **kwargs)
        finally:
            held.append(time.perf_counter() - t0)

    jobs.short_transaction = timed  # type: ignore[attr-defined]
    write.short_transaction = timed  # type: ignore[assignment]
    t0 = time.perf_counter()
    jobs.commit_import.call(import_id, attempt)
    held.sort()
    print(json.dumps({"worker_s": round(time.perf_counter() - t0, 2), "ended_at": time.time(),
                      "transactions": len(held),
                      "median_transaction_s": round(statistics.median(held), 3),
                      "slowest_transactions_s": [round(t, 3) for t in held[-5:]],
                      "longest_transaction_s": round(held[-1], 3)}))  # fmt: skip


def _edit_data(member_id: int, unit_code: str, n: int) -> dict[str, Any]:
    """The edit form as the page fills it, with a new phone number."""
    from hoiso.members.forms import MemberForm
    from hoiso.members.models import Member
    from hoiso.units.models import Unit

    member = Member.objects.get(pk=member_id)
    form = MemberForm(instance=member, unit=Unit.objects.get(code=unit_code), sensitive=True,
                      placing=False)  # fmt: skip
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if hasattr(value, "strftime"):
            value = value.strftime("%d/%m/%Y")
        data[name] = "on" if value is True else value
    data["phone"] = f"09{n:08d}"
    return data


def _requests(setup: dict[str, Any], logins: int, edits: int, spread: float) -> list[dict]:
    """Two people at work: one logs in again and again, one edits members (her session opened
    before the import began), each request at its time on an even schedule over `spread`."""
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    results: list[dict[str, Any]] = []
    editor = Client(raise_request_exception=False, HTTP_HOST="localhost")
    editor.login(username="can-bo", password=PASSWORD)
    forms = {n: _edit_data(setup["members"][n % len(setup["members"])], setup["unit"], n)
             for n in range(edits)}  # fmt: skip
    start = time.perf_counter()

    def one(kind: str, n: int) -> None:
        at = time.time()
        t0 = time.perf_counter()
        if kind == "login":
            client = Client(raise_request_exception=False, HTTP_HOST="localhost")
            response = client.post(reverse("accounts:login"),
                                   {"username": "can-bo", "password": PASSWORD})  # fmt: skip
        else:
            member_id = setup["members"][n % len(setup["members"])]
            url = reverse("members:edit", args=[setup["unit"], member_id])
            response = editor.post(url, forms[n])
        results.append({"kind": kind, "status": response.status_code, "at": at,
                        "ok": response.status_code == 302, "s": time.perf_counter() - t0})  # fmt: skip

    def person(kind: str, count: int, offset: float) -> None:
        try:
            for n in range(count):
                wait = start + offset + spread * n / max(count, 1) - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                one(kind, n)
        finally:
            connections.close_all()

    half = spread / max(2 * max(logins, edits), 1)
    threads = [threading.Thread(target=person, args=("login", logins, 0.0)),
               threading.Thread(target=person, args=("edit", edits, half))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _wait_for_writing(import_id: str, proc: subprocess.Popen, timeout: float) -> None:
    """Wait until the worker has checked the file and started writing."""
    from django.core.cache import cache

    from hoiso.members.importing import progress

    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        found = cache.get(progress.PROGRESS_KEY.format(import_id)) or {}
        if found.get("phase") == "writing":
            break
        time.sleep(0.05)


def _quantile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--var", type=Path, default=ROOT / "var" / "bench" / "import_concurrency")
    parser.add_argument("--worker", nargs=2, metavar=("IMPORT", "ATTEMPT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    var = args.var.resolve()
    if args.worker:
        _setup(var)
        worker(args.worker[0], int(args.worker[1]))
        return

    for name in ("hoiso.sqlite3", "hoiso.sqlite3-wal", "hoiso.sqlite3-shm"):
        (var / name).unlink(missing_ok=True)
    shutil.rmtree(var / "cache", ignore_errors=True)
    var.mkdir(parents=True, exist_ok=True)
    _setup(var)
    setup = _prepare(var, args.rows, _field_file_module())
    cmd = [sys.executable, __file__, "--var", str(var), "--worker", setup["import"],
           str(setup["attempt"])]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    _wait_for_writing(setup["import"], proc, timeout=600 + args.rows / 1000)
    # Spread over the expected write; at a tiny scale, a quarter second apart all the same (40
    # password checks at once would measure the CPU, not the database).
    spread = max(args.rows / ROWS_PER_SECOND, 0.25 * (args.logins + args.edits))
    results = _requests(setup, args.logins, args.edits, spread)
    out, _err = proc.communicate(timeout=3600)
    worker_figures = json.loads(out.strip().splitlines()[-1])

    from hoiso.members.models import ImportStatus, Member, MemberImport

    imp = MemberImport.objects.get(pk=setup["import"])
    times = [r["s"] for r in results]
    print(json.dumps({
        "rows": args.rows,
        "import": {"status": imp.status, "added": imp.summary.get("added"),
                   "members_visible": Member.objects.count(),
                   **{k: v for k, v in worker_figures.items() if k != "ended_at"}},
        "requests": len(results),
        "succeeded": sum(r["ok"] for r in results),
        "busy_503": sum(r["status"] == 503 for r in results),
        "server_errors": sum(r["status"] >= 500 and r["status"] != 503 for r in results),
        "sent_over_s": round(spread, 1),
        # Sent while the worker was still writing (before its final step had ended).
        "sent_during_write": sum(r["at"] < worker_figures["ended_at"] for r in results),
        "latency_s": {
            "p50": round(statistics.median(times), 3),
            "p95": round(_quantile(times, 95), 3),
            "p99": round(_quantile(times, 99), 3),
            "max": round(max(times), 3),
        },
        "ok": imp.status == ImportStatus.DONE and all(r["ok"] for r in results)
        and _quantile(times, 99) <= 3.0,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
