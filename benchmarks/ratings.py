"""The yearly rating at province scale: 150 communes, 1,500 branches, members spread over them.

Builds (once, then reuses) a province of 150 communes with 10 branches each and `--members`
members (the demo's generator), the province's 2025 scheme (five criteria scored by hand, two
computed from members' figures), every commune's self-assessment (two thirds sent, a third of
them decided); then prints JSON with p50/p95 in milliseconds of full HTML responses through
Django's test client:
- the province's list by rating for 2025 (150 communes, counts per rating);
- its .xlsx export;
- a commune's self-assessment page as its cadre (a draft: the computed criteria are computed
  afresh from the members on every view);
- the province's decision page for a sent assessment.

    python benchmarks/ratings.py                    # SQLite, in var/bench_ratings/
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_ratings python benchmarks/ratings.py

Options: --members N (200,000), --runs N (30), --rebuild.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

SMOKE_ARGS = ["--members", "300", "--runs", "2", "--communes", "6"]
SMOKE_KEYS = ["database", "communes", "members", "province_list_ms", "export_ms",
              "commune_draft_ms", "decide_page_ms"]  # fmt: skip

from members import django_ready, percentiles  # noqa: E402

BRANCHES = 10


def _units(communes: int) -> None:
    from django.db import transaction

    from hoiso.accounts.models import Assignment, User
    from hoiso.accounts.roles import Role
    from hoiso.units.models import Level
    from hoiso.units.services import central_unit, unit_insert

    with transaction.atomic():
        province = unit_insert(parent=central_unit(), level=Level.PROVINCE, code="bench-ratings",
                               name="Tỉnh Thử Xếp Loại")  # fmt: skip
        for c in range(communes):
            commune = unit_insert(parent=province, level=Level.COMMUNE, code=f"br-{c}",
                                  name=f"Xã Thử {c}")  # fmt: skip
            for b in range(BRANCHES):
                unit_insert(parent=commune, level=Level.BRANCH, code=f"br-{c}-{b}",
                            name=f"Chi hội Thôn {b}")  # fmt: skip
        for username, code in (("br.tinh", "bench-ratings"), ("br.xa", "br-0"), ("br.xa1", "br-1")):
            user = User.objects.create_user(username=username, full_name=username, password="x")
            unit = province if code == "bench-ratings" else province.children.get(code=code)
            Assignment.objects.create(user=user, unit=unit, role=Role.UNIT_ADMIN)


def _assessments(province) -> None:  # type: ignore[no-untyped-def]
    from hoiso.accounts.models import User
    from hoiso.ratings import services
    from hoiso.ratings.models import Kind, Mapping
    from hoiso.units.models import Level

    lan = User.objects.get(username="br.tinh")
    D = Decimal
    scheme = services.scheme_create(actor=lan, unit=province, data={
        "year": 2025, "level": Level.COMMUNE, "title": "Xếp loại cơ sở Hội năm 2025",
        "excellent_from": D(90), "good_from": D(75), "fair_from": D(50), "excellent_floor": D(50)})  # fmt: skip
    for n in range(5):
        services.criterion_save(actor=lan, scheme=scheme, data={
            "title": f"Tiêu chí {n + 1}", "max_points": D(14), "kind": Kind.MANUAL})  # fmt: skip
    services.criterion_save(actor=lan, scheme=scheme, data={
        "title": "Hội viên mới", "max_points": D(15), "kind": Kind.COMPUTED, "metric": "members.new",
        "mapping": Mapping.STEPS, "steps": [["30", "15"], ["10", "8"], ["1", "3"]]})  # fmt: skip
    services.criterion_save(actor=lan, scheme=scheme, data={
        "title": "Tiếp cận công nghệ số", "max_points": D(15), "kind": Kind.COMPUTED,
        "metric": "members.digital_share", "mapping": Mapping.PROPORTIONAL, "target": D(65)})  # fmt: skip
    manual = list(scheme.criteria.filter(kind=Kind.MANUAL))
    for n, commune in enumerate(province.children.order_by("code")):
        if commune.code in ("br-0",):
            continue  # left untouched: its cadre's draft is measured
        a = services.assessment_for(scheme, commune)
        services.assessment_save(actor=None, assessment=a,
                                 entries={c.pk: (D(8 + (n + i) % 7), "Báo cáo năm") for i, c in enumerate(manual)})  # fmt: skip
        if n % 3 == 0:
            continue
        services.assessment_submit(actor=None, assessment=a)
        if n % 3 == 1 and commune.code != "br-1":
            services.assessment_decide(actor=lan, assessment=a, adjusted={},
                                       on=__import__("datetime").date(2026, 1, 20))  # fmt: skip


def _build(communes: int, members: int) -> dict:
    from hoiso.demo.people import populate
    from hoiso.ratings.models import Scheme
    from hoiso.units.models import Unit

    province = Unit.objects.filter(code="bench-ratings").first()
    if province is not None and Scheme.objects.filter(unit=province).exists():
        return {"built_s": None}
    started = time.perf_counter()
    _units(communes)
    province = Unit.objects.get(code="bench-ratings")
    populate(province, members, card_prefix="BR")
    _assessments(province)
    return {"built_s": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--communes", type=int, default=150)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    django_ready("bench_ratings", rebuild=args.rebuild)
    from django.db import connection
    from django.test import Client

    from hoiso.accounts.models import User
    from hoiso.members.models import Member
    from hoiso.ratings.models import Scheme
    from hoiso.units.models import Unit

    out: dict = {"database": connection.vendor, **_build(args.communes, args.members)}
    province = Unit.objects.get(code="bench-ratings")
    scheme = Scheme.objects.get(unit=province, year=2025)
    out["communes"] = province.children.count()
    out["members"] = Member.objects.filter(province=province).count()

    def timed(fn) -> dict:  # type: ignore[no-untyped-def]
        fn()  # the first request loads templates and catalogues: not counted
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        return percentiles(samples)

    def page(client: Client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    tinh, xa = Client(), Client()
    tinh.force_login(User.objects.get(username="br.tinh"))
    xa.force_login(User.objects.get(username="br.xa"))
    out["province_list_ms"] = timed(lambda: page(tinh, f"/u/{province.code}/ratings/?year=2025"))
    out["export_ms"] = timed(lambda: page(tinh, f"/u/{province.code}/ratings/export/?year=2025"))
    out["commune_draft_ms"] = timed(lambda: page(xa, f"/u/br-0/ratings/{scheme.pk}/"))
    out["decide_page_ms"] = timed(lambda: page(tinh, f"/u/br-1/ratings/{scheme.pk}/decide/"))
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
