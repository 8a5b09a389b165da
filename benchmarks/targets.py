"""Targets dashboard at province scale: 150 communes, 5,000 branches, 1,000,000 members, 300
channels, 200,000 posts over two years, 10 targets.

Builds (once, then reuses) the province, then prints JSON with p50/p95 in milliseconds and the
number of SQL queries of the province's dashboard and of a commune's, as full HTML responses
through Django's test client (logged in as the province's unit admin):
- cold: the metric cache emptied before every request (every value computed from the tables);
- warm: values reused from the cache (what every reader after the first sees until data changes).
Before measuring it rebuilds the member counts and the per-month member tally once, as the
background task does after members change, and prints how long that took.
A second, smaller province size (--scale) shows the query count does not grow with the units.

    python benchmarks/targets.py                      # SQLite, in var/bench_targets/
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/wt5_bench python benchmarks/targets.py

Options: --members N (1,000,000), --branches N (5,000), --posts N (200,000), --runs N (40), --rebuild,
--without-tally (member metrics count the members table, as when members changed since the tally
was last rebuilt), --without-branch-tally (branch life counts the members and dues tables instead
of its per-branch tallies, as before they existed, and as while they are being rebuilt).

Branch life: the build also gives every branch twelve meetings this year (attendance counts) and
70% of members their dues for every quarter begun this year; the province's branch-life page is
measured cold, and the page of an 11th target, the share of model branches over the 5,000
branches (made for that measurement and then removed, so the dashboards keep their 10 targets).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

# The tiny run that `make test` does (src/hoiso/core/tests/test_benchmarks.py), in a temporary
# HOISO_VAR on SQLite, and the top-level keys its JSON must hold.
SMOKE_ARGS = ["--members", "300", "--branches", "160", "--posts", "400", "--runs", "2"]
SMOKE_KEYS = [
    "database",
    "province_dashboard_cold_ms",
    "commune_dashboard_cold_ms",
    "branch_target_drill_down_5000_units_cold_ms",
    "background_member_counts_refresh_ms",
    "province_branch_life_cold_ms",
    "model_branch_drill_down_5000_units_cold_ms",
]

from members import _create_postgres_database, percentiles  # noqa: E402

COMMUNES = 150
CHANNELS = 300
TARGETS = [
    ("Fanpage: 1 bài/tháng", "posts.facebook_page", 3, "month", 1, 40),
    ("Zalo chi hội: 1 tin/tháng", "posts.zalo_group", 4, "month", 1, 30),
    ("Livestream mỗi quý", "posts.livestream", 3, "quarter", 1, 20),
    ("4 bài/tháng trên mọi kênh", "posts.all", 3, "month", 4, 50),
    ("TikTok trong năm", "posts.tiktok", 3, "year", 1, 10),
    ("Tiếp cận công nghệ số ≥ 50%", "members.digital_share", 3, "year", 50, 60),
    ("Thu hút ≥ 65% phụ nữ", "members.recruitment_rate", 3, "year", 65, 50),
    ("Kết nạp ≥ 20 hội viên mới", "members.new", 3, "year", 20, 80),
    ("Chi hội ≥ 150 hội viên", "members.total", 4, "year", 150, 50),
    ("Tăng hội viên trong quý", "members.change", 3, "quarter", 1, 50),
]


def _setup_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoiso.settings")
    os.environ.setdefault("HOISO_VAR", str(ROOT / "var" / "bench_targets"))
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        _create_postgres_database(url)


def build(members: int, branches: int, posts: int) -> None:
    """Đắk Lắk's 102 communes and 48 more, branches, members, channels, posts, targets."""
    from django.db import connection, transaction
    from django.utils import timezone

    from hoiso.accounts.models import Assignment, User
    from hoiso.accounts.roles import Role
    from hoiso.comms.models import Channel, ChannelKind, Post
    from hoiso.demo.people import populate
    from hoiso.demo.services import _bulk_children
    from hoiso.members.counting.stats import refresh_province
    from hoiso.targets.models import PopulationFigure, Target
    from hoiso.units.models import Level, Unit
    from hoiso.units.services import find_province, load_province

    t0 = time.perf_counter()
    rng = random.Random(7)
    today = timezone.localdate()
    with transaction.atomic():
        province = load_province(province=find_province("Đắk Lắk")).province
        real = Unit.objects.filter(parent=province).count()
        extra = [(province, Unit(parent=province, level=Level.COMMUNE, code=f"B{i:03d}",
                                 name=f"Xã Thử Nghiệm {i}")) for i in range(COMMUNES - real)]  # fmt: skip
        _bulk_children(extra)
        communes = list(Unit.objects.filter(parent=province).order_by("code"))
        pairs = []
        for i in range(branches):
            commune = communes[i % len(communes)]
            n = i // len(communes) + 1
            pairs.append((commune, Unit(parent=commune, level=Level.BRANCH,
                                        code=f"{commune.code}-{n:02d}", name=f"Chi hội Thôn {n}")))  # fmt: skip
        _bulk_children(pairs)
        user = User.objects.create(username="bench.tinh", full_name="Benchmark")
        Assignment.objects.create(user=user, unit=province, role=Role.UNIT_ADMIN)
    written = populate(province, members, seed=11)
    refresh_province(province)
    branch_units = list(Unit.objects.filter(level=Level.BRANCH).order_by("path"))
    with transaction.atomic():
        chans = []
        for c in communes:
            chans.append(Channel(unit=c, province=province, unit_path=c.path, kind=ChannelKind.FACEBOOK_PAGE,
                                 name=f"Fanpage {c.name}", url=f"https://facebook.com/b{c.pk}", url_key=f"facebook:b{c.pk}"))  # fmt: skip
        kinds = [ChannelKind.ZALO_GROUP, ChannelKind.TIKTOK, ChannelKind.YOUTUBE]
        while len(chans) < CHANNELS:
            unit = rng.choice(branch_units) if rng.random() < 0.5 else rng.choice(communes)
            kind = ChannelKind.ZALO_GROUP if unit.level == Level.BRANCH else rng.choice(kinds)
            chans.append(Channel(unit=unit, province=province, unit_path=unit.path, kind=kind,
                                 name=f"Kênh {len(chans)}", url=f"https://zalo.me/g/b{len(chans)}", url_key=f"{kind}:b{len(chans)}"))  # fmt: skip
        chans = Channel.objects.bulk_create(chans)
        weights = [rng.choice([0.05, 0.3, 1, 2, 4]) for _ in chans]
        start = today - dt.timedelta(days=730)
        batch = []
        for i, ch in enumerate(rng.choices(chans, weights=weights, k=posts)):
            batch.append(Post(channel=ch, unit_id=ch.unit_id, province=province, unit_path=ch.unit_path,
                              kind=ch.kind, published_on=start + dt.timedelta(days=rng.randint(0, 730)),
                              title=f"Bài {i}", is_livestream=rng.random() < 0.05))  # fmt: skip
            if len(batch) == 10_000:
                Post.objects.bulk_create(batch)
                batch = []
        Post.objects.bulk_create(batch)
        PopulationFigure.objects.bulk_create([
            PopulationFigure(unit=c, year=today.year, women_18_plus=rng.randint(6000, 12000)) for c in communes
        ])  # fmt: skip
        Target.objects.bulk_create([
            Target(unit=province, province=province, unit_path=province.path, year=today.year,
                   title=title, metric=metric, level=level, period_kind=kind,
                   threshold=Decimal(threshold), required_share=Decimal(share))
            for title, metric, level, kind, threshold, share in TARGETS
        ])  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"built {written} members, {posts} posts in {time.perf_counter() - t0:.0f} s",
        file=sys.stderr,
    )


def measure(runs: int) -> dict[str, object]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from hoiso.accounts.models import User
    from hoiso.comms.models import Channel, Post
    from hoiso.members.models import Member
    from hoiso.targets.models import Target
    from hoiso.units.models import Level, Unit

    province = Unit.objects.get(code="66")
    communes = list(Unit.objects.filter(parent=province, level=Level.COMMUNE).order_by("code"))
    client = Client()
    client.force_login(User.objects.get(username="bench.tinh"))
    client.get(f"/u/{province.code}/targets/")  # warm templates and the connection

    def page(url: str, cold: bool) -> tuple[float, int]:
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.status_code
        return elapsed, len(queries.captured_queries)

    def series(urls: list[str], cold: bool) -> dict[str, object]:
        samples, counts = [], set()
        for i in range(runs):
            ms, n = page(urls[i % len(urls)], cold)
            samples.append(ms)
            counts.add(n)
        return {**percentiles(samples), "queries": sorted(counts)}

    province_url = [f"/u/{province.code}/targets/"]
    commune_urls = [f"/u/{c.code}/targets/" for c in communes[:: max(1, len(communes) // 20)]]
    detail_url = [
        f"/u/{province.code}/targets/{Target.objects.filter(metric='posts.zalo_group').get().pk}/"
    ]
    out = {
        "database": connection.vendor,
        "communes": len(communes),
        "branches": Unit.objects.filter(level=Level.BRANCH).count(),
        "members": Member.objects.count(),
        "channels": Channel.objects.count(),
        "posts": Post.objects.count(),
        "targets": Target.objects.count(),
        "province_dashboard_cold_ms": series(province_url, cold=True),
        "province_dashboard_warm_ms": series(province_url, cold=False),
        "commune_dashboard_cold_ms": series(commune_urls, cold=True),
        "commune_dashboard_warm_ms": series(commune_urls, cold=False),
        "branch_target_drill_down_5000_units_cold_ms": series(detail_url, cold=True),
        "province_branch_life_cold_ms": series([f"/u/{province.code}/branch-life/"], cold=True),
    }
    # An 11th target only for its own page, so that the dashboards above keep their 10.
    today = timezone.localdate()
    model = Target.objects.create(
        unit=province, province=province, unit_path=province.path, year=today.year,
        title="Chi hội mẫu ≥ 50%", metric="branch.model_share", level=Level.BRANCH,
        period_kind="year", threshold=Decimal(50), required_share=Decimal(50),
    )  # fmt: skip
    try:
        model_url = [f"/u/{province.code}/targets/{model.pk}/"]
        out["model_branch_drill_down_5000_units_cold_ms"] = series(model_url, cold=True)
    finally:
        model.delete()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--branches", type=int, default=5_000)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--without-branch-tally",
        action="store_true",
        help="branch life counts the members and dues tables, not its per-branch tallies",
    )
    parser.add_argument(
        "--without-tally",
        action="store_true",
        help="mark the member tally out of date, so member metrics count the members table",
    )
    args = parser.parse_args()

    _setup_environment()
    import django

    django.setup()
    from django.core.management import call_command

    from hoiso.comms.models import Post
    from hoiso.members.models import Member

    call_command("migrate", verbosity=0)
    if args.rebuild or Member.objects.count() != args.members or Post.objects.count() != args.posts:
        call_command("flush", interactive=False, verbosity=0)
        build(args.members, args.branches, args.posts)
    branch_life_ms = seed_branch_life()
    refresh_ms = refresh_counts()
    if args.without_tally:
        from hoiso.members.counting.tally import mark_changed
        from hoiso.units.models import Unit

        mark_changed(Unit.objects.get(code="66").pk)
    if args.without_branch_tally:
        from hoiso.activities import tally

        tally.current = lambda *a, **k: None  # type: ignore[assignment]
    out = {**measure(args.runs), **refresh_ms, **branch_life_ms}
    print(json.dumps(out, ensure_ascii=False, indent=2))


def seed_branch_life() -> dict[str, float]:
    """Meetings and dues, once (set-based); then the branch tallies are rebuilt, as the data
    migration or the background task does, timed."""
    from django.db import connection, transaction
    from django.utils import timezone

    from hoiso.activities import metrics
    from hoiso.activities.models import Activity, DuesPayment
    from hoiso.activities.tally import rebuild
    from hoiso.targets.models import Target
    from hoiso.units.models import Level, Unit

    province = Unit.objects.get(code="66")
    today = timezone.localdate()
    Target.objects.filter(metric="branch.model_share").delete()  # left by an interrupted run
    if not DuesPayment.objects.exists():
        rng = random.Random(3)
        quarters = metrics.quarters_due(metrics.Span(dt.date(today.year, 1, 1), today))
        with transaction.atomic():
            branches = Unit.objects.filter(level=Level.BRANCH).values_list("pk", "path")
            Activity.objects.bulk_create(
                [
                    Activity(
                        unit_id=pk,
                        unit_path=path,
                        kind="meeting",
                        title="Sinh hoạt",
                        on=dt.date(today.year, month, 10),
                        attendance_taken=n,
                        participants=rng.randint(n // 2, n),
                    )
                    for pk, path in branches
                    for month in range(1, today.month + 1)
                    for n in [rng.randint(100, 300)]
                ],
                batch_size=5000,
            )
            with connection.cursor() as cursor:
                for q in quarters:
                    cursor.execute(
                        "INSERT INTO activities_duespayment (member_id, quarter, branch_path, paid_on)"
                        " SELECT id, %s, branch_path, %s FROM members_member"
                        " WHERE status = 'active' AND id %% 10 < 7",
                        [q, q],
                    )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    start = time.perf_counter()
    rebuild(province)
    return {"branch_tallies_rebuild_ms": round((time.perf_counter() - start) * 1000)}


def refresh_counts() -> dict[str, float]:
    """Rebuild the province's member counts and per-month tally, as the background task does
    after members change (a database built before the tally existed gets it here), timed."""
    from hoiso.members.counting.stats import refresh_province
    from hoiso.members.counting.tally import refresh_tally
    from hoiso.units.models import Unit

    province = Unit.objects.get(code="66")
    start = time.perf_counter()
    refresh_province(province)
    whole = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    refresh_tally(province)
    return {
        "background_member_counts_refresh_ms": round(whole),
        "of_which_member_tally_ms": round((time.perf_counter() - start) * 1000),
    }


if __name__ == "__main__":
    main()
