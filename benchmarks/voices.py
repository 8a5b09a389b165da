"""Members' voices at province scale: 100,000 concerns and a survey with 50,000 answers.

Builds (once, then reuses) a province of 100 communes with 10 branches each, 100,000 concerns
spread over its branches and the last year (a fifth of them forwarded to their commune, half
answered), and a survey of the province with four questions and 50,000 answers; then prints JSON
with p50/p95 in milliseconds of:
- a commune's inbox and the province's inbox, as full HTML responses through Django's test client
  (logged in as each unit's admin);
- the survey's results, counted live, grouped by unit, age, ethnicity and area (the results
  function, and the province's results page as a full response).

    python benchmarks/voices.py                     # SQLite, in var/bench_voices/
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_voices python benchmarks/voices.py

Options: --concerns N (100,000), --answers N (50,000), --runs N (30), --rebuild.
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

SMOKE_ARGS = ["--concerns", "300", "--answers", "200", "--runs", "2"]
SMOKE_KEYS = ["database", "concerns", "answers", "commune_inbox_ms", "province_inbox_ms",
              "survey_results_ms", "survey_page_ms"]  # fmt: skip

from members import django_ready, percentiles  # noqa: E402

COMMUNES = 100
BRANCHES = 10
TOPICS = ["family", "livelihood", "health", "violence", "children", "digital", "other"]


def _build(concerns: int, answers: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from hoiso.accounts.models import Assignment, User
    from hoiso.accounts.roles import Role
    from hoiso.units.models import Level, Unit
    from hoiso.units.services import central_unit, unit_insert
    from hoiso.voices.models import Concern, Pick, Question, Response, Survey
    from hoiso.voices.surveys import picks_of

    province = Unit.objects.filter(code="bench-voices").first()
    if province is not None and Concern.objects.filter(province=province).count() >= concerns:
        return {"built_s": None}
    rng = random.Random(5)
    started = time.perf_counter()
    with transaction.atomic():
        province = unit_insert(parent=central_unit(), level=Level.PROVINCE, code="bench-voices",
                               name="Tỉnh Thử Nghiệm")  # fmt: skip
        branches = []
        for c in range(COMMUNES):
            commune = unit_insert(parent=province, level=Level.COMMUNE, code=f"bv-{c}",
                                  name=f"Xã Thử {c}", is_border_area=c % 7 == 0)  # fmt: skip
            for b in range(BRANCHES):
                branches.append(unit_insert(parent=commune, level=Level.BRANCH,
                                            code=f"bv-{c}-{b}", name=f"Chi hội Thôn {b}"))  # fmt: skip
        for username, unit in (("bv.tinh", province), ("bv.xa", Unit.objects.get(code="bv-0"))):
            user = User.objects.create_user(username=username, full_name=username, password="x")
            Assignment.objects.create(user=user, unit=unit, role=Role.UNIT_ADMIN)
        now = timezone.now()
        rows = []
        for n in range(concerns):
            branch = branches[rng.randrange(len(branches))]
            holder = branch.parent if n % 5 == 0 else branch
            state = "answered" if n % 2 else "open"
            created = now - dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
            rows.append(Concern(
                province=province, origin=branch, origin_path=branch.path, holder=holder,
                holder_path=holder.path, topic=TOPICS[n % len(TOPICS)],
                text=f"Ý kiến số {n}: chị em cần vay vốn, học nghề, khám sức khỏe.",
                source="member", state=state, urgent=n % 7 == 3, created_at=created,
                first_answer_at=created + dt.timedelta(days=n % 10) if state == "answered" else None,
            ))  # fmt: skip
        Concern.objects.bulk_create(rows, batch_size=2000)
        survey = Survey.objects.create(unit=province, unit_path=province.path,
                                       title="Nhu cầu của hội viên", closes_on=now.date(),
                                       opened_at=now)  # fmt: skip
        qs = [
            Question.objects.create(survey=survey, position=1, kind="one", text="Điện thoại?",
                                    options=["Có", "Không"]),
            Question.objects.create(survey=survey, position=2, kind="many", text="Muốn học gì?",
                                    options=["Zalo", "Bán hàng", "VNeID", "Ngân hàng số"]),
            Question.objects.create(survey=survey, position=3, kind="scale", text="Mức cần?"),
            Question.objects.create(survey=survey, position=4, kind="text", text="Ý kiến khác?"),
        ]  # fmt: skip
        bands = ["18-30", "31-45", "46-60", "60+"]
        responses = []
        for n in range(answers):
            branch = branches[rng.randrange(len(branches))]
            responses.append(Response(
                survey=survey, member=None, branch_path=branch.path, age_band=bands[n % 4],
                ethnicity=1 if n % 3 else 12, minority_area=n % 3 == 0, remote_area=n % 11 == 0,
                border_area=n % 7 == 0,
                answers={str(qs[0].pk): [n % 2], str(qs[1].pk): [n % 4, (n + 1) % 4],
                         str(qs[2].pk): 1 + n % 5, str(qs[3].pk): "Cần thêm lớp học"},
            ))  # fmt: skip
        Response.objects.bulk_create(responses, batch_size=2000)
        picks = [pick for response in responses for pick in picks_of(response)]
        Pick.objects.bulk_create(picks, batch_size=5000)
    return {"built_s": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concerns", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    django_ready("bench_voices", rebuild=args.rebuild)
    from django.db import connection
    from django.test import Client

    from hoiso.accounts.models import User
    from hoiso.units.models import Unit
    from hoiso.voices import surveys
    from hoiso.voices.models import Concern, Response, Survey

    out: dict = {"database": connection.vendor, **_build(args.concerns, args.answers)}
    province = Unit.objects.get(code="bench-voices")
    commune = Unit.objects.get(code="bv-0")
    survey = Survey.objects.get(unit=province)
    out["concerns"] = Concern.objects.filter(province=province).count()
    out["answers"] = Response.objects.filter(survey=survey).count()

    def timed(fn) -> dict:  # type: ignore[no-untyped-def]
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        return percentiles(samples)

    def page(client: Client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    xa, tinh = Client(), Client()
    xa.force_login(User.objects.get(username="bv.xa"))
    tinh.force_login(User.objects.get(username="bv.tinh"))
    out["commune_inbox_ms"] = timed(lambda: page(xa, f"/u/{commune.code}/voices/"))
    out["province_inbox_ms"] = timed(lambda: page(tinh, f"/u/{province.code}/voices/"))
    out["survey_results_ms"] = {
        by: timed(lambda by=by: surveys.results(survey, by)) for by in surveys.GROUPS
    }
    out["survey_page_ms"] = timed(
        lambda: page(tinh, f"/u/{province.code}/voices/surveys/{survey.pk}/?by=unit")
    )
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
