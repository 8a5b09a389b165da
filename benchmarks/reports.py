"""Periodic reports at province scale: Đắk Lắk's 102 communes, 5,000 branches, 1,000,000 members.

Builds (once, then reuses) the province with the province's monthly report for its communes and
a monthly report for its branches, last month's reports of 100 communes received, and a year of
the branches' reports in every state (60,000 expected), then prints JSON with p50/p95 in
milliseconds and the SQL queries of three pages, as full HTML responses through Django's test
client, with the metric cache emptied before every request (cold: every figure computed from the
tables):
- a commune's pre-filled monthly draft (a different commune each time, its cadre logged in);
- the province's consolidated report over its 102 communes;
- the completeness grid of the branches' report: 5,000 branches × 12 months, seen from the
  province (one row per commune, each cell counting its branches' reports by state), measured
  as on 31 December, when all twelve months are due.
Before measuring, the member counts and the per-month member tally are rebuilt once, as the
background task does after members change (member figures read the tally).

    python benchmarks/reports.py                      # SQLite, in var/bench-reports/
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hs_reports_bench python benchmarks/reports.py

Options: --members N (1,000,000), --branches N (5,000), --runs N (30), --rebuild.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

# The tiny run that `make test` does (src/hoiso/core/tests/test_benchmarks.py).
SMOKE_ARGS = ["--members", "400", "--branches", "120", "--runs", "2"]
SMOKE_KEYS = [
    "database",
    "communes",
    "branches",
    "members",
    "commune_draft_cold_ms",
    "province_consolidated_cold_ms",
    "completeness_grid_cold_ms",
]

from members import _setup_environment, percentiles  # noqa: E402


def _year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def build(members: int, branches: int) -> None:
    """The province, its branches and members, the two forms and their reports."""
    from django.db import connection, transaction

    from hoiso.accounts.models import Assignment, User
    from hoiso.accounts.roles import Role
    from hoiso.demo.people import populate
    from hoiso.demo.services import _bulk_children
    from hoiso.units.models import Level, Unit
    from hoiso.units.services import find_province, load_province

    t0 = time.perf_counter()
    with transaction.atomic():
        province = load_province(province=find_province("Đắk Lắk")).province
        communes = list(Unit.objects.filter(parent=province).order_by("code"))
        pairs = []
        for i in range(branches):
            commune = communes[i % len(communes)]
            n = i // len(communes) + 1
            pairs.append((commune, Unit(parent=commune, level=Level.BRANCH,
                                        code=f"{commune.code}-{n:02d}", name=f"Chi hội Thôn {n}")))  # fmt: skip
        _bulk_children(pairs)
        lan = User.objects.create(username="bench.tinh", full_name="Benchmark Tỉnh")
        Assignment.objects.create(user=lan, unit=province, role=Role.UNIT_ADMIN)
        for c in communes:
            Assignment.objects.create(user=lan, unit=c, role=Role.CADRE)
    written = populate(province, members, seed=11)
    _reports(province)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"built {written} members in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def _reports(province) -> None:  # type: ignore[no-untyped-def]
    """The communes' monthly form with last month's reports from all but two communes; the
    branches' monthly form with a year of reports in every state."""
    from django.db import transaction
    from django.utils import timezone

    from hoiso.metrics.periods import Period
    from hoiso.reports.models import Report
    from hoiso.reports.standard import standard_create
    from hoiso.units.models import Level, Unit

    rng = random.Random(17)
    year = _year()
    start = dt.date(year, 1, 1)
    with transaction.atomic():
        communes_form = standard_create(
            actor=None, owner=province, which="monthly", starts_on=start
        )
        branches_form = standard_create(actor=None, owner=province, which="monthly",
                                        starts_on=start, level=Level.BRANCH)  # fmt: skip
        branches_form.title = "Báo cáo tháng của chi hội"
        branches_form.save()
        last = Period.containing("month", timezone.localdate()).previous()
        rows = []
        for c in Unit.objects.filter(parent=province, level=Level.COMMUNE).order_by("code")[2:]:
            figures = {"members_end": rng.randint(3000, 15000), "admitted": rng.randint(0, 60),
                       "left": rng.randint(0, 20), "digital": rng.randint(30, 90),
                       "meetings": rng.randint(5, 40), "activities": rng.randint(5, 60),
                       "legal": rng.randint(0, 8), "posts": rng.randint(0, 40),
                       "loans": rng.randint(0, 40), "loans_minority": 0,
                       "poverty": rng.randint(0, 5), "violence": rng.randint(0, 2)}  # fmt: skip
            rows.append(_report(communes_form, c, last, figures, rng))
        Report.objects.bulk_create(rows, batch_size=1000)
        branches = list(Unit.objects.filter(path__startswith=province.path, level=Level.BRANCH))
        rows = []
        month = Period.containing("month", start)
        while month.start.year == year and month.start <= timezone.localdate():
            for b in branches:
                if rng.random() < 0.9:
                    rows.append(_report(branches_form, b, month, {"loans": rng.randint(0, 5)}, rng))
            month = month.next()
            Report.objects.bulk_create(rows, batch_size=2000)
            rows = []


def _report(form, unit, period, figures, rng):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from hoiso.reports.models import Report, Status

    due = form.due_on(period)
    sent = timezone.make_aware(
        dt.datetime.combine(due + dt.timedelta(days=rng.randint(-4, 3)), dt.time(9))
    )
    status = rng.choice([Status.APPROVED, Status.APPROVED, Status.SUBMITTED, Status.RETURNED])
    return Report(form=form, unit=unit, unit_path=unit.path, period_kind=period.kind,
                  period_start=period.start, period_end=period.end, due_on=due, status=status,
                  figures=figures, computed={}, first_submitted_at=sent, submitted_at=sent,
                  approved_at=sent if status == Status.APPROVED else None)  # fmt: skip


def refresh_counts() -> dict[str, float]:
    from hoiso.members.counting.stats import refresh_province
    from hoiso.members.counting.tally import refresh_tally
    from hoiso.units.models import Unit

    province = Unit.objects.get(code="66")
    start = time.perf_counter()
    refresh_province(province)
    refresh_tally(province)
    return {"background_member_counts_refresh_ms": round((time.perf_counter() - start) * 1000)}


def measure(runs: int) -> dict[str, object]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from hoiso.accounts.models import User
    from hoiso.members.models import Member
    from hoiso.metrics.periods import Period
    from hoiso.reports import completeness
    from hoiso.reports.models import Report, ReportForm
    from hoiso.units.models import Level, Unit

    province = Unit.objects.get(code="66")
    communes = list(Unit.objects.filter(parent=province, level=Level.COMMUNE).order_by("code"))
    communes_form = ReportForm.objects.get(owner=province, level=Level.COMMUNE)
    branches_form = ReportForm.objects.get(owner=province, level=Level.BRANCH)
    last = Period.containing("month", timezone.localdate()).previous()
    client = Client()
    client.force_login(User.objects.get(username="bench.tinh"))
    client.get(f"/u/{province.code}/reports/")  # warm templates and the connection

    def page(url: str) -> tuple[float, int]:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(queries.captured_queries)

    def series(urls: list[str]) -> dict[str, object]:
        samples, counts = [], set()
        for i in range(runs):
            ms, n = page(urls[i % len(urls)])
            samples.append(ms)
            counts.add(n)
        return {**percentiles(samples), "queries": sorted(counts)}

    # This month's report, not begun anywhere: each commune's draft is computed from the data.
    this_month = Period.containing("month", timezone.localdate())
    drafts = [f"/u/{c.code}/reports/{communes_form.pk}/{this_month.key}/" for c in communes]
    year = _year()
    december = dt.date(year, 12, 31)
    real_today = completeness.today
    completeness.today = lambda: december  # type: ignore[assignment]
    try:
        grid = series([f"/u/{province.code}/reports/{branches_form.pk}/grid/?year={year}"])
        _periods, rows = completeness.grid(branches_form, province, year, december)
    finally:
        completeness.today = real_today  # type: ignore[assignment]
    return {
        "database": connection.vendor,
        "communes": len(communes),
        "branches": Unit.objects.filter(level=Level.BRANCH).count(),
        "members": Member.objects.count(),
        "reports": Report.objects.count(),
        "commune_draft_cold_ms": series(drafts),
        "province_consolidated_cold_ms": series(
            [f"/u/{province.code}/reports/{communes_form.pk}/{last.key}/total/"]
        ),
        "completeness_grid_cold_ms": grid,
        "completeness_grid_cells": sum(t.expected for r in rows for t in r.tallies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--branches", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    _setup_environment("bench-reports")
    import django

    django.setup()
    from django.core.management import call_command

    from hoiso.members.models import Member
    from hoiso.units.models import Level, Unit

    call_command("migrate", verbosity=0)
    branches = Unit.objects.filter(level=Level.BRANCH).count()
    if args.rebuild or Member.objects.count() != args.members or branches != args.branches:
        call_command("flush", interactive=False, verbosity=0)
        build(args.members, args.branches)
    refreshed = refresh_counts()
    out = {**measure(args.runs), **refreshed}
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
