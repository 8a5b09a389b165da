"""Documents at province scale: delivery to every branch, the issuer's tracking page, the register.

Builds Đắk Lắk's communes and `--branches` branches (one branch head each), then prints JSON:
the time to issue a document to every branch of the province (numbering, one receipt per branch
in one insert, their messages queued through notify()), the p50/p95 of the issuer's tracking page at that many
recipients (half of them have read it), and the p50/p95 of register searches over `--documents`
documents (the province's outgoing register holds them all; each also went to one commune).

Delivery, tracking and the register read units, receipts and documents only: members play no
part in them, so no members are made (`--members` exists for a run beside a member table, and
adds them through the demo's generator).

    python benchmarks/directives.py [--branches 5000] [--documents 100000] [--runs 50]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hoiso_bench_directives python benchmarks/directives.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

# The tiny run that `make test` does (src/hoiso/core/tests/test_benchmarks.py), in a temporary
# HOISO_VAR on SQLite, and the top-level keys its JSON must hold.
SMOKE_ARGS = ["--branches", "60", "--documents", "300", "--runs", "2", "--deliveries", "1"]
SMOKE_KEYS = ["database", "branches", "delivery_ms", "tracking_ms", "register_ms"]

from members import _create_postgres_database, timed  # noqa: E402

WORDS = [
    "ke",
    "hoach",
    "tuyen",
    "truyen",
    "dai",
    "hoi",
    "phu",
    "nu",
    "co",
    "so",
    "huong",
    "dan",
    "thi",
    "dua",
    "khen",
    "thuong",
    "chuyen",
    "doi",
    "so",
    "sinh",
    "ke",
    "giam",
    "ngheo",
    "bao",
    "luc",
    "gia",
    "dinh",
    "tap",
    "huan",
    "can",
    "bo",
    "hoi",
    "vien",
    "ket",
    "nap",
    "quy",
    "tiet",
    "kiem",
    "ngay",
    "8/3",
    "ngay",
    "20/10",
    "an",
    "toan",
    "giao",
    "thong",
    "moi",
    "truong",
    "bien",
    "doi",
    "khi",
    "hau",
]


def _setup_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoiso.settings")
    os.environ.setdefault("HOISO_VAR", str(ROOT / "var" / "bench-directives"))
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        _create_postgres_database(url)


def build(branches: int, documents: int, members: int) -> None:
    from django.db import connection, transaction

    from hoiso.accounts.models import Assignment, User
    from hoiso.accounts.roles import Role
    from hoiso.demo.services import _bulk_children
    from hoiso.documents.models import Counter, Document, Kind, Receipt
    from hoiso.units.models import Level, Unit
    from hoiso.units.services import find_province, load_province

    t0 = time.perf_counter()
    rng = random.Random(16)
    with transaction.atomic():
        province = load_province(province=find_province("Đắk Lắk")).province
        communes = list(Unit.objects.filter(parent=province).order_by("code"))
        pairs = []
        for i in range(branches):
            commune = communes[i % len(communes)]
            n = i // len(communes) + 1
            pairs.append(
                (
                    commune,
                    Unit(
                        parent=commune,
                        level=Level.BRANCH,
                        code=f"{commune.code}-{n:02d}",
                        name=f"Chi hội Thôn {n}",
                    ),
                )
            )
        _bulk_children(pairs)
        boss = User.objects.create(username="bench.tinh", full_name="Benchmark")
        Assignment.objects.create(user=boss, unit=province, role=Role.CADRE)
        heads = User.objects.bulk_create(
            [
                User(username=f"bench.ch{i}", full_name=f"Chi hội trưởng {i}")
                for i in range(branches)
            ]
        )
        units = list(Unit.objects.filter(level=Level.BRANCH).order_by("pk"))
        Assignment.objects.bulk_create(
            [
                Assignment(user=h, unit=u, role=Role.BRANCH_HEAD)
                for h, u in zip(heads, units, strict=False)
            ]
        )
    kinds = list(Kind.values)
    day0 = dt.date(2020, 1, 1)
    docs, numbers = [], {}
    for i in range(documents):
        day = day0 + dt.timedelta(days=i * 2190 // max(documents, 1))
        numbers[day.year] = numbers.get(day.year, 0) + 1
        kind = rng.choice(kinds)
        summary = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        symbol = f"{numbers[day.year]:02d}/{kind}-HLHPN"
        docs.append(
            Document(
                unit=province,
                unit_path=province.path,
                province=province,
                kind=kind,
                year=day.year,
                number=numbers[day.year],
                symbol=symbol,
                summary=summary,
                issued_on=day,
                signer_name="Nguyễn Thị Lan",
                signer_position="Chủ tịch",
                search_text=f"{symbol.lower()} {summary} {province.name.lower()}",
            )
        )
    now = dt.datetime.now(dt.UTC)
    for start in range(0, len(docs), 5000):
        with transaction.atomic():
            made = Document.objects.bulk_create(docs[start : start + 5000])
            if not all(d.pk for d in made):
                made = list(Document.objects.order_by("-pk")[: len(made)])
            Receipt.objects.bulk_create(
                [
                    Receipt(document=d, unit=c, unit_path=c.path, sender=province, sent_at=now)
                    for d, c in ((d, rng.choice(communes)) for d in made)
                ]
            )
    Counter.objects.bulk_create(
        [Counter(unit=province, year=y, last=n) for y, n in numbers.items()]
    )
    if members:
        from hoiso.demo.people import populate

        populate(province, members, seed=11)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"built {branches} branches, {documents} documents in {time.perf_counter() - t0:.0f} s",
        file=sys.stderr,
    )


def measure(runs: int, deliveries: int) -> dict[str, object]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from hoiso.accounts.models import User
    from hoiso.documents.models import Kind, Receipt
    from hoiso.documents.services import Recipients, document_issue
    from hoiso.units.models import Level, Unit

    province = Unit.objects.get(level=Level.PROVINCE)
    boss = User.objects.get(username="bench.tinh")
    branches = Unit.objects.within(province).filter(level=Level.BRANCH).count()
    data = {
        "kind": Kind.PLAN,
        "issuer_code": "HLHPN",
        "summary": "Kế hoạch gửi mọi chi hội",
        "issued_on": timezone.localdate(),
        "signer_name": "Nguyễn Thị Lan",
        "signer_position": "Chủ tịch",
    }
    docs = []

    def deliver(i: int) -> None:
        docs.append(
            document_issue(
                actor=boss, unit=province, data=data, recipients=Recipients(level=Level.BRANCH)
            )
        )

    delivery = timed(deliver, deliveries)
    doc = docs[-1]
    receipts = list(Receipt.objects.filter(document=doc).values_list("pk", flat=True))
    Receipt.objects.filter(pk__in=receipts[::2]).update(read_at=timezone.now(), read_by=boss)
    client = Client()
    client.force_login(boss)
    tracking_url = reverse("documents:tracking", kwargs={"unit_code": province.code, "pk": doc.pk})
    register_url = reverse("documents:register", kwargs={"unit_code": province.code})
    commune = Unit.objects.filter(parent=province).order_by("code").first()
    assert commune is not None
    commune_url = reverse("documents:register", kwargs={"unit_code": commune.code})
    rng = random.Random(3)

    def get(url: str, params: dict[str, str] | None = None, htmx: bool = False) -> None:
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(url, params or {}, headers=headers)
        assert response.status_code == 200, response.status_code

    def two_words() -> str:
        return f"{rng.choice(WORDS)} {rng.choice(WORDS)}"

    result: dict[str, object] = {
        "database": connection.vendor,
        "branches": branches,
        "recipients": len(receipts),
        "delivery_ms": delivery,
        "tracking_ms": {
            "page": timed(lambda i: get(tracking_url), runs),
            "live_refresh": timed(lambda i: get(tracking_url, htmx=True), runs),
            "not_read": timed(lambda i: get(tracking_url, {"state": "unread"}, htmx=True), runs),
        },
        "register_ms": {
            "outgoing_two_words": timed(
                lambda i: get(register_url, {"direction": "out", "q": two_words()}, True), runs
            ),
            "outgoing_number": timed(
                lambda i: get(register_url, {"direction": "out", "q": f"{i + 1}/kh"}, True), runs
            ),
            "outgoing_kind_and_dates": timed(
                lambda i: get(
                    register_url,
                    {"direction": "out", "kind": "CT", "start": "01/01/2023", "end": "31/12/2023"},
                    True,
                ),
                runs,
            ),
            "incoming_commune_two_words": timed(
                lambda i: get(commune_url, {"q": two_words()}, True), runs
            ),
        },
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--branches", type=int, default=5_000)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=0)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--deliveries", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    _setup_environment()
    import django

    django.setup()
    from django.core.management import call_command

    from hoiso.documents.models import Document
    from hoiso.units.models import Level, Unit

    call_command("migrate", verbosity=0)
    fresh = Document.objects.count() < args.documents or (
        Unit.objects.filter(level=Level.BRANCH).count() != args.branches
    )
    if args.rebuild or fresh:
        call_command("flush", interactive=False, verbosity=0)
        build(args.branches, args.documents, args.members)
    print(json.dumps(measure(args.runs, args.deliveries), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
