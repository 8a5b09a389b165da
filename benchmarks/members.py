"""Member registry at province scale: search, list and member pages over 1,000,000 members.

Builds (once, then reuses) a province of Đắk Lắk's 102 communes with 5,000 branches and
1,000,000 generated members, then prints JSON with p50/p95 in milliseconds for:
- search of a diacritic-less name fragment within one commune and across the province
  (`selectors.search`, the function the page and the API call);
- the first page of a commune's and of the province's member list, and a member's page, as full
  HTML responses through Django's test client, logged in as the province's unit admin.

    python benchmarks/members.py                      # SQLite, in var/bench/
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hoiso_bench python benchmarks/members.py

Options: --members N (default 1,000,000), --branches N (5,000), --runs N (200), --rebuild.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# The tiny run that `make test` does (src/hoiso/core/tests/test_benchmarks.py), in a temporary
# HOISO_VAR on SQLite, and the top-level keys its JSON must hold.
SMOKE_ARGS = ["--members", "300", "--branches", "20", "--runs", "4"]
SMOKE_KEYS = [
    "database",
    "members",
    "search_commune_ms",
    "search_province_ms",
    "list_province_first_page_ms",
    "member_page_ms",
]


def _setup_environment(var: str = "bench") -> None:
    """Settings for a benchmark run: its own `var/<var>` folder, or its own PostgreSQL database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoiso.settings")
    os.environ.setdefault("HOISO_VAR", str(ROOT / "var" / var))
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        _create_postgres_database(url)


def django_ready(var: str, *, rebuild: bool = False) -> None:
    """Django set up and migrated for a benchmark whose data lives in `var/<var>` (SQLite; with
    `rebuild` its file is removed first) or in the database `DATABASE_URL` names."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        _create_postgres_database(url)
    else:
        os.environ.setdefault("HOISO_VAR", str(ROOT / "var" / var))
        if rebuild:
            (Path(os.environ["HOISO_VAR"]) / "hoiso.sqlite3").unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoiso.settings")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2), "n": len(ordered)}


def timed(fn, runs: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def build(members: int, branches: int) -> None:
    """Đắk Lắk's communes, branches spread over them, then the members, in bulk."""
    from django.db import connection, transaction

    from hoiso.accounts.models import Assignment, User
    from hoiso.accounts.roles import Role
    from hoiso.demo.people import populate
    from hoiso.demo.services import _bulk_children
    from hoiso.members.counting.stats import refresh_province
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
                                        code=f"{commune.code}-{n:02d}", name=f"Chi hội Thôn {n}",
                                        is_ethnic_minority_area=n % 3 == 0)))  # fmt: skip
        _bulk_children(pairs)
        user = User.objects.create(username="bench.tinh", full_name="Benchmark")
        Assignment.objects.create(user=user, unit=province, role=Role.UNIT_ADMIN)
    written = populate(province, members, seed=11)
    refresh_province(province)
    # What autovacuum would do on a live server: statistics, and on PostgreSQL the visibility
    # map that lets index-only scans skip the table.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"built {written} members in {branches} branches in {time.perf_counter() - t0:.0f} s",
        file=sys.stderr,
    )


def fragment(rng: random.Random, full_name: str) -> str:
    """What a cadre types: the start of one to three words of a name, without diacritics."""
    from hoiso.core.text import fold

    words = fold(full_name).replace("'", "").split()
    picked = sorted(rng.sample(range(len(words)), k=rng.randint(1, min(3, len(words)))))
    return " ".join(words[i][: rng.randint(2, max(2, len(words[i])))] for i in picked)


def measure(runs: int) -> dict[str, object]:
    from django.db import connection
    from django.test import Client

    from hoiso.accounts.models import User
    from hoiso.members.models import Member
    from hoiso.members.selectors import search
    from hoiso.units.models import Level, Unit

    rng = random.Random(5)
    province = Unit.objects.get(code="66")
    communes = list(Unit.objects.filter(parent=province, level=Level.COMMUNE))
    ids = list(
        Member.objects.values_list("pk", flat=True)[:: max(1, Member.objects.count() // 5000)]
    )
    sample = list(Member.objects.filter(pk__in=rng.sample(ids, min(len(ids), runs * 2))))

    commune_cases = []
    for m in sample[:runs]:
        commune = next(c for c in communes if c.pk == m.commune_id)
        commune_cases.append((commune, fragment(rng, m.full_name)))
    province_cases = [fragment(rng, m.full_name) for m in sample[runs:]] or [
        fragment(rng, m.full_name) for m in sample
    ]

    client = Client()
    client.force_login(User.objects.get(username="bench.tinh"))
    client.get(f"/u/{province.code}/")  # warm the templates and the connection
    page_runs = max(20, runs // 4)

    def list_page(unit: Unit) -> None:
        response = client.get(f"/u/{unit.code}/members/")
        assert response.status_code == 200, response.status_code

    def member_page(i: int) -> None:
        m = sample[i % len(sample)]
        response = client.get(f"/u/{province.code}/members/{m.pk}/")
        assert response.status_code == 200, response.status_code

    found = []
    results = {
        "database": connection.vendor,
        "members": Member.objects.count(),
        "branches": Unit.objects.filter(level=Level.BRANCH).count(),
        "search_commune_ms": timed(
            lambda i: found.append(len(search(*commune_cases[i]).members)), len(commune_cases)
        ),
        "search_province_ms": timed(
            lambda i: found.append(len(search(province, province_cases[i]).members)),
            len(province_cases),
        ),
        "list_commune_first_page_ms": timed(
            lambda i: list_page(communes[i % len(communes)]), page_runs
        ),
        "list_province_first_page_ms": timed(lambda i: list_page(province), page_runs),
        "member_page_ms": timed(member_page, page_runs),
        "search_examples": [q for _c, q in commune_cases[:5]] + province_cases[:5],
        "searches_with_no_result": sum(1 for n in found if n == 0),
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--branches", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    _setup_environment()
    import django

    django.setup()
    from django.core.management import call_command

    from hoiso.members.models import Member

    if args.rebuild:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    if Member.objects.count() != args.members:
        call_command("flush", interactive=False, verbosity=0)
        build(args.members, args.branches)
    print(json.dumps(measure(args.runs), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
