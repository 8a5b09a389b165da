"""Restructuring at province scale: merging communes and moving a large subtree, over 1,000,000
members, and the as-of member counts before and after.

Builds (once, then reuses) a province of 50 communes of 50 branches with 1,000,000 generated
members (placements included), five of its communes gathered under a district (≈ 100,000
members), and a second, empty province. Then, through the same services the pages call
(`restructuring_draft`, `restructuring_apply`, `restructuring_undo`), as a central admin:
- merges the three communes whose size is nearest 20,000 members into one of them;
- moves the district (≈ 100,000 members) under the other province;
and prints JSON with the seconds of each apply (and of each undo, which puts the data back for
the next run), and p50/p95 in milliseconds of `members.history.active_count_on` for the province
and for a commune, on the boundaries of then and of now, on days either side, before and after.
Each apply and undo also gives the CPU seconds it used (this process, and on PostgreSQL its
server process, read from /proc): on a shared machine the wall time is mostly waiting for a core.
The counts read the provinces' placement tally (members.counting), which the background worker
rebuilds after every change; the benchmark runs that rebuild itself, timed (`recount_s`), before
counting; until it has run, the counts come from the placements (as the figures "stale" show).

    python benchmarks/restructure.py                      # SQLite, in var/bench-restructure/
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hoiso_bench_restructure python benchmarks/restructure.py

Options: --members N (default 1,000,000), --communes N (50), --branches N per commune (50),
--runs N (50), --rebuild.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SMOKE_ARGS = ["--members", "2000", "--communes", "10", "--branches", "3", "--runs", "3"]
SMOKE_KEYS = [
    "database",
    "members",
    "merge",
    "move",
    "count_before",
    "count_after",
    "recount_after_s",
]

DISTRICT_COMMUNES = 5


def _setup_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoiso.settings")
    os.environ.setdefault("HOISO_VAR", str(ROOT / "var" / "bench-restructure"))
    os.environ.setdefault("STATIC_MANIFEST", "0")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2), "n": len(ordered)}


def build(members: int, communes: int, branches: int) -> None:
    """The province, its communes and branches, the members, then the district gathered."""
    from django.db import connection, transaction

    from hoiso.accounts.models import Assignment, User
    from hoiso.accounts.roles import Role
    from hoiso.demo.people import populate
    from hoiso.demo.services import _bulk_children
    from hoiso.units import history
    from hoiso.units.models import REFORM_DAY, Level, Unit
    from hoiso.units.services import central_unit, unit_insert

    t0 = time.perf_counter()
    with transaction.atomic():
        root = central_unit()
        province = unit_insert(parent=root, level=Level.PROVINCE, code="90", name="Tỉnh Thử")
        other = unit_insert(parent=root, level=Level.PROVINCE, code="91", name="Tỉnh Bên")
        made = _bulk_children(
            [(province, Unit(parent=province, level=Level.COMMUNE, code=f"9{c:04d}",
                             name=f"Xã Số {c}", valid_from=REFORM_DAY)) for c in range(communes)]
        )  # fmt: skip
        _bulk_children(
            [(c, Unit(parent=c, level=Level.BRANCH, code=f"{c.code}-{b:02d}",
                      name=f"Chi hội Thôn {b}", valid_from=REFORM_DAY))
             for c in made for b in range(1, branches + 1)]
        )  # fmt: skip
        user = User.objects.create(username="bench.tw", full_name="Benchmark")
        Assignment.objects.create(user=user, unit=root, role=Role.UNIT_ADMIN)
        del other
    written = populate(Unit.objects.get(code="90"), members, seed=13)
    with transaction.atomic():
        province = Unit.objects.get(code="90")
        district = unit_insert(parent=province, level=Level.DISTRICT, code="9D", name="Huyện Thử")
        for commune in Unit.objects.filter(parent=province, level=Level.COMMUNE).order_by("code")[
            communes - DISTRICT_COMMUNES :
        ]:
            history.reparent(commune, district, REFORM_DAY)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"built {written} members in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def _sizes() -> dict[int, int]:
    from django.db.models import Count

    from hoiso.members.models import Member

    rows = Member.objects.active().values("commune_id").annotate(n=Count("pk"))
    return {r["commune_id"]: r["n"] for r in rows}


def counts(runs: int, commune_code: str, only: str = "") -> dict[str, Any]:
    from hoiso.members.history import NOW, THEN, active_count_on
    from hoiso.units.models import Unit

    province, commune = Unit.objects.get(code="90"), Unit.objects.get(code=commune_code)
    today = dt.date.today()
    days = [dt.date(2025, 12, 31), today - dt.timedelta(days=2), today]
    result: dict[str, Any] = {}
    for label, unit in (("province", province), ("commune", commune)):
        if only and label != only:
            continue
        for boundaries in (THEN, NOW):
            samples, values = [], set()
            for i in range(runs):
                day = days[i % len(days)]
                start = time.perf_counter()
                values.add((day, active_count_on(unit, day, boundaries)))
                samples.append((time.perf_counter() - start) * 1000)
            result[f"{label}_{boundaries}_ms"] = percentiles(samples)
            result[f"{label}_{boundaries}_values"] = {d.isoformat(): n for d, n in sorted(values)}
    return result


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and, on PostgreSQL, by its server process."""
    from django.db import connection

    used = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass  # the server runs elsewhere: this process's only
    return used


def recount(*codes: str) -> float:
    """What the background worker does after a change: rebuild the provinces' counts and
    tallies (members.counting); returns its seconds."""
    from hoiso.members.counting.stats import refresh_province
    from hoiso.units.models import Unit

    start = time.perf_counter()
    for code in codes:
        refresh_province(Unit.objects.get(code=code))
    return time.perf_counter() - start


def operate(kind: str, unit_code: str, request: dict[str, Any]) -> tuple[Any, float, float]:
    """Draft (the preview's plan) then apply; returns the restructuring and both times."""
    from hoiso.accounts.models import User
    from hoiso.restructuring.plan import Plan
    from hoiso.restructuring.preview import preview
    from hoiso.restructuring.services import restructuring_apply, restructuring_draft
    from hoiso.units.models import Unit

    actor = User.objects.get(username="bench.tw")
    start = time.perf_counter()
    draft = restructuring_draft(
        actor=actor, unit=Unit.objects.get(code=unit_code), kind=kind, request=request
    )
    preview(Plan.from_json(draft.plan))
    previewed = time.perf_counter() - start
    start, cpu = time.perf_counter(), cpu_seconds()
    applied = restructuring_apply(actor=actor, restructuring=draft)
    LAST_CPU[0] = cpu_seconds() - cpu
    return applied, previewed, time.perf_counter() - start


LAST_CPU = [0.0]


def undo(r: Any) -> float:
    from hoiso.accounts.models import User
    from hoiso.restructuring.services import restructuring_undo

    start, cpu = time.perf_counter(), cpu_seconds()
    restructuring_undo(actor=User.objects.get(username="bench.tw"), restructuring=r)
    LAST_CPU[0] = cpu_seconds() - cpu
    return time.perf_counter() - start


def measure(runs: int) -> dict[str, Any]:
    from django.db import connection

    from hoiso.members.models import Member
    from hoiso.units.models import Level, Unit

    on = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    sizes = _sizes()
    district = Unit.objects.get(code="9D")
    free = Unit.objects.filter(parent__code="90", level=Level.COMMUNE)
    chosen = sorted(free, key=lambda c: abs(sizes.get(c.pk, 0) - 20_000))[:3]
    watched = chosen[0].code
    result: dict[str, Any] = {
        "database": connection.vendor,
        "members": Member.objects.count(),
        "recount_before_s": round(recount("90", "91"), 2),
        "count_before": counts(runs, watched),
    }
    merged, preview_s, apply_s = operate(
        "merge", "90", {"on": on, "units": [c.pk for c in chosen], "keep": chosen[0].pk}
    )
    result["merge"] = {
        "communes_members": [sizes.get(c.pk, 0) for c in chosen],
        "preview_s": round(preview_s, 2),
        "apply_s": round(apply_s, 2),
        "apply_cpu_s": round(LAST_CPU[0], 2),
    }
    moved_members = Member.objects.active().filter(branch_path__startswith=district.path).count()
    moved, preview_s, apply_s = operate(
        "move", "90", {"on": on, "unit": district.pk, "to": Unit.objects.get(code="91").pk}
    )
    result["move"] = {
        "members": moved_members,
        "preview_s": round(preview_s, 2),
        "apply_s": round(apply_s, 2),
        "apply_cpu_s": round(LAST_CPU[0], 2),
    }
    result["count_after_stale"] = counts(max(1, runs // 5), watched, only="province")
    result["recount_after_s"] = round(recount("90", "91"), 2)
    result["count_after"] = counts(runs, watched)
    result["move"]["undo_s"] = round(undo(moved), 2)
    result["move"]["undo_cpu_s"] = round(LAST_CPU[0], 2)
    result["merge"]["undo_s"] = round(undo(merged), 2)
    result["merge"]["undo_cpu_s"] = round(LAST_CPU[0], 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--communes", type=int, default=50)
    parser.add_argument("--branches", type=int, default=50)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    _setup_environment()
    import django

    django.setup()
    from django.core.management import call_command

    from hoiso.members.models import Member

    call_command("migrate", verbosity=0)
    if args.rebuild or Member.objects.count() != args.members:
        call_command("flush", interactive=False, verbosity=0)
        build(args.members, args.communes, args.branches)
    print(json.dumps(measure(args.runs), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
