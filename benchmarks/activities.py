"""Activities metrics and pages over the demo province (50,000 members, a year of union life).

Uses the demo database (`var/`, or HOISO_VAR / DATABASE_URL), loading the demo first if it is not
there, then prints JSON: for every metric of activities/metrics.py, the median and worst time in
milliseconds of computing it for the whole province at the commune and at the branch level over
the last year; and the size (raw and gzip) and time of the province's and a commune's pages.

    python benchmarks/activities.py [--runs 5] [--members 50000]

--members sizes the demo when this benchmark loads it (an existing demo is used as it is).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# The tiny run that `make test` does (src/hoiso/core/tests/test_benchmarks.py), in a temporary
# HOISO_VAR on SQLite, and the top-level keys its JSON must hold.
SMOKE_ARGS = ["--runs", "1", "--members", "300"]
SMOKE_KEYS = ["seeded_s", "metrics_ms", "pages"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--members", type=int, default=50_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoiso.settings")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from hoiso.accounts.models import User
    from hoiso.activities import metrics
    from hoiso.demo.services import demo_is_loaded, demo_load
    from hoiso.units.models import Level, Unit

    call_command("migrate", verbosity=0)
    seeded = None
    if not demo_is_loaded():
        started = time.perf_counter()
        demo_load(members=args.members)
        seeded = round(time.perf_counter() - started, 1)
    province = Unit.objects.get(level=Level.PROVINCE, valid_to__isnull=True)
    today = timezone.localdate()
    year = metrics.Span(today - dt.timedelta(days=365), today + dt.timedelta(days=1))
    functions = {
        "activities.total": metrics.activities_total,
        "activities.digital_skills": metrics.ACTIVITIES_BY_KIND["digital_skills"],
        "activities.digital_skills_communes": metrics.digital_skills_communes,
        "training.cadres_proficient": metrics.cadres_proficient,
        "branches.model": metrics.model_branches,
        "branches.attendance": metrics.attendance_rate,
        "branches.dues": metrics.dues_rate,
        "equipment.without_computer": metrics.units_without_computer,
    }
    out: dict = {"seeded_s": seeded, "metrics_ms": {}, "pages": {}}
    for name, compute in functions.items():
        for level in ("commune", "branch"):
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                values = compute(province, level, year)
                times.append((time.perf_counter() - started) * 1000)
            out["metrics_ms"][f"{name}@{level}"] = {
                "units": len(values),
                "p50": round(statistics.median(times), 1),
                "max": round(max(times), 1),
            }
    client = Client()
    client.force_login(User.objects.get(username="lan.tinh"))
    commune = Unit.objects.get(parent=province, name="Xã Ea Kar")
    for label, url in [
        ("province branch life", f"/u/{province.code}/branch-life/"),
        ("commune branch life", f"/u/{commune.code}/branch-life/"),
        ("commune digital capacity", f"/u/{commune.code}/digital/"),
        ("province activities", f"/u/{province.code}/activities/"),
    ]:
        started = time.perf_counter()
        body = client.get(url).content
        out["pages"][label] = {
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "kb": round(len(body) / 1024, 1),
            "gzip_kb": round(len(gzip.compress(body)) / 1024, 1),
        }
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
