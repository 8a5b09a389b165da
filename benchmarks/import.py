"""Import at field scale: a 100,000-row member list, as communes keep them, into members.

Generates (once, then reuses) an .xlsx as the field writes it (title rows, a Vietnamese header, a
row of column numbers, dates as Excel dates, dd/mm/yyyy text or a year alone, phones with spaces,
+84 or a lost leading zero, citizen IDs typed as numbers or with spaces, names in capitals, with
doubled spaces or in decomposed Unicode, ethnicities and religions in their usual spellings, the
"Chi hội" column naming the commune's 20 branches in varied forms, a few bad rows, a totals row
and signatures), then prints JSON, for SQLite and PostgreSQL (each in its own process):

- ours: rows/s end to end (`core.sheets.read` + `analysis.analyse` + `write.members_import_write`, the
  page's and the command's one writer) into an
  empty commune, median and best of --runs, and the process's peak RSS (`ru_maxrss`);
- django-import-export: the same rows, already clean (the member table as our import wrote it,
  saved as a one-header .xlsx named by model fields), loaded into a tablib Dataset and imported
  with a plain `ModelResource` and `import_data(dataset, dry_run=False)`, on --die-rows rows;
- raw: the same clean .xlsx read with calamine and written with `sqlite3.executemany` / `COPY`.

    .venv/bin/python -m pip install -e '.[bench]'    # django-import-export, tablib, openpyxl
    python benchmarks/import.py                       # both databases
    python benchmarks/import.py --database sqlite --runs 1 --profile

Options: --rows N (100,000), --runs N (3), --die-rows N (10,000), --database sqlite|postgres|both,
--pg-url (the server, default postgresql://postgres@127.0.0.1:5432/postgres; the benchmark creates
and uses only the database hoiso_import_bench), --rebuild (new file and databases), --profile.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# The tiny run that `make test` does (src/hoiso/core/tests/test_benchmarks.py), in a temporary
# HOISO_VAR on SQLite, and the top-level keys its JSON must hold.
SMOKE_ARGS = ["--rows", "200", "--runs", "1", "--die-rows", "50", "--database", "sqlite"]
SMOKE_KEYS = ["file", "sqlite", "targets"]
# Files and databases go under HOISO_VAR when it is set (the smoke test gives a temporary
# folder), else under var/bench/ like the other benchmarks.
BENCH = Path(os.environ.get("HOISO_VAR") or ROOT / "var" / "bench")
# Its own HOISO_VAR: SQLite file, cache and secret apart from benchmarks/members.py's.
VAR = BENCH / "import"
PG_DATABASE = "hoiso_import_bench"
# Databases on the shared server that this benchmark must never touch.
FORBIDDEN = {"postgres", "test", "template0", "template1", "wt4", "wt5", "wt6"}
COMMUNE = "Xã Ea Kar"
# The six pre-2025 communes that became Xã Ea Kar, as old lists write them: the import must
# place these rows by the old→new table. Written out here (the data, not the place index's
# internals), so that a change to how the index stores them cannot break the file's generator.
OLD_PLACES = ["thị trấn ea kar, huyện ea kar", "xã cư huê, huyện ea kar", "xã cư ni, huyện ea kar",
              "xã ea đar, huyện ea kar", "xã ea kmút, huyện ea kar", "xã xuân phú, huyện ea kar"]  # fmt: skip
BRANCHES = ["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4", "Thôn 5", "Thôn 6", "Thôn 7", "Thôn 8",
            "Thôn 9", "Thôn 10", "Thôn 11", "Thôn 12", "Thôn Quảng Cư", "Thôn Xuân Thành",
            "Buôn Ea Kmar", "Buôn Ea Sar", "Buôn Tơng Jú", "Buôn Krông Jing", "Khu phố 3",
            "Khu phố Hòa Bình"]  # fmt: skip
HEADER = ["STT", "HỌ VÀ TÊN", "Ngày, tháng, năm sinh", "Dân tộc", "Tôn giáo", "CCCD/CMND", "SĐT",
          "Nơi ở hiện nay", "Chi hội", "Ngày vào Hội", "Số thẻ HV", "Trình độ văn hoá",
          "Nghề nghiệp", "Đảng viên"]  # fmt: skip
ETHNIC_SPELLINGS = {1: ["Kinh", "Kinh", "Kinh", "kinh", "KINH"],
                    12: ["Ê Đê", "Ê-đê", "Êđê", "Ede", "Rađê"], 20: ["M'nông", "Mnông", "M'Nông"],
                    10: ["Jrai", "Gia Rai", "Gia-rai"], 2: ["Tày"], 7: ["Nùng"], 9: ["Dao"],
                    8: ["H'Mông", "Mông"]}  # fmt: skip
RELIGION_SPELLINGS = {0: ["Không", "Không", "không", "", "KHÔNG"], 1: ["Phật giáo", "Đạo Phật", "Phật"],
                      2: ["Công giáo", "Thiên Chúa", "Thiên chúa giáo"],
                      3: ["Tin Lành", "Đạo Tin lành", "Tin lành"], 4: ["Cao Đài"]}  # fmt: skip
EDUCATION_SPELLINGS = {0: ["Không"], 1: ["5/12", "Tiểu học"], 2: ["9/12", "THCS", "7/10"],
                       3: ["12/12", "THPT"], 4: ["Trung cấp"], 5: ["Cao đẳng"], 6: ["Đại học"],
                       7: ["Thạc sĩ"]}  # fmt: skip


# --- The field file -------------------------------------------------------------------------


def _branch_cell(rng: random.Random, name: str) -> str:
    """A branch as lists write it: "Chi hội Thôn 3", "thôn 03", "THÔN SỐ 3", "Buôn Ea Kma"…"""
    roll = rng.random()
    number = name.split()[-1]
    if roll < 0.3:
        return f"Chi hội {name}"
    if roll < 0.55:
        return name
    if roll < 0.65:
        return name.upper()
    if roll < 0.72:
        return f"Chi hội PN {name.lower()}"
    if roll < 0.8 and number.isdigit():
        return name.replace(number, f"{int(number):02d}").lower()
    if roll < 0.85 and number.isdigit():
        return name.replace(number, f"số {number}")
    if roll < 0.9:
        return unicodedata.normalize("NFD", f"Chi hội {name}")
    if roll < 0.93 and name.startswith("Buôn"):
        return name[:-1]  # a near spelling: "Buôn Ea Kma"
    return f"  {name}  "


def _name_cell(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.15:
        return name.upper()
    if roll < 0.22:
        return name.replace(" ", "  ", 1)
    if roll < 0.32:
        return unicodedata.normalize("NFD", name)
    if roll < 0.35:
        return f" {name.lower()} "
    return name


def _date_cell(rng: random.Random, day: dt.date | None, year: int) -> Any:
    if day is None:
        return year if rng.random() < 0.7 else str(year)
    roll = rng.random()
    if roll < 0.6:
        return day  # an Excel date
    if roll < 0.8:
        return f"{day:%d/%m/%Y}"
    if roll < 0.88:
        return f"{day.day}-{day.month}-{day.year}"
    if roll < 0.93:
        return f"{day.day}/{day.month}/{day:%y}"
    return day.year


def _phone_cell(rng: random.Random, phone: str) -> Any:
    roll = rng.random()
    if roll < 0.4:
        return phone
    if roll < 0.6:
        return f"{phone[:4]} {phone[4:7]} {phone[7:]}"
    if roll < 0.72:
        return f"+84 {phone[1:4]} {phone[4:7]} {phone[7:]}"
    if roll < 0.9:
        return int(phone)  # a number cell: the leading zero is gone
    return f"{phone[:4]}.{phone[4:7]}.{phone[7:]}"


def _cid_cell(rng: random.Random, cid: str) -> Any:
    roll = rng.random()
    if roll < 0.45:
        return cid
    if roll < 0.85:
        return int(cid)  # typed as a number: "066…" loses its zeros
    return f"{cid[:3]} {cid[3:6]} {cid[6:9]} {cid[9:]}"


def _bad(rng: random.Random, row: list[Any]) -> None:
    """One of the mistakes a real list has: the cadre fixes these in the error workbook."""
    kind = rng.randrange(6)
    if kind == 0:
        row[2] = "31/02/1985"
    elif kind == 1:
        row[5] = str(rng.randrange(10**8, 10**9))  # an old 9-digit CMND
    elif kind == 2:
        row[6] = "12345"
    elif kind == 3:
        row[8] = "Thôn 99"  # no such branch
    elif kind == 4:
        row[2] = "ngày 5"
    else:
        row[1] = f"{row[1]} 2"


def field_rows(n: int, seed: int) -> tuple[list[list[Any]], dict[str, int]]:
    """`n` member rows as a commune's list holds them, and how many of each deliberate flaw."""
    from hoiso.demo.people import OCCUPATIONS, PhoneBook, _name_and_ethnicity, _pick, _religion

    rng = random.Random(seed)
    today = dt.date.today()
    book = PhoneBook(rng, "EK")
    rows: list[list[Any]] = []
    flaws = {"bad": 0}
    for i in range(n):
        branch = rng.choice(BRANCHES)
        minority = branch.startswith("Buôn")
        name, ethnicity = _name_and_ethnicity(rng, 0.8 if minority else 0.05)
        age = min(int(rng.triangular(18, 85, 40)), 90)
        year = today.year - age
        birth = (
            dt.date(year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.88 else None
        )
        joined_year = rng.randint(max(year + 18, 1990), today.year)
        joined = min(dt.date(joined_year, rng.randint(1, 12), rng.randint(1, 28)), today)
        roll = rng.random()
        address = (
            "" if roll < 0.3
            else f"{branch}, xã Ea Kar" if roll < 0.6
            else f"{branch}, Xã Ea Kar, tỉnh Đắk Lắk" if roll < 0.8
            else f"{branch}, {rng.choice(OLD_PLACES)}, tỉnh Đắk Lắk" if roll < 0.9
            else branch
        )  # fmt: skip
        row = [
            i + 1,
            _name_cell(rng, name),
            _date_cell(rng, birth, year),
            rng.choice(ETHNIC_SPELLINGS[ethnicity]),
            rng.choice(RELIGION_SPELLINGS[_religion(rng, ethnicity)]),
            _cid_cell(rng, book.citizen_id(year)) if rng.random() < 0.7 else None,
            _phone_cell(rng, book.phone()) if rng.random() < 0.75 else None,
            address,
            _branch_cell(rng, branch),
            _date_cell(rng, joined, joined_year) if rng.random() < 0.9 else None,
            book.card() if rng.random() < 0.85 else None,
            rng.choice(rng.choices(list(EDUCATION_SPELLINGS.values()),
                                   weights=[3, 15, 35, 30, 7, 4, 5, 1])[0]),
            _pick(rng, OCCUPATIONS),
            "x" if rng.random() < 0.06 else None,
        ]  # fmt: skip
        if rng.random() < 0.01:
            _bad(rng, row)
            flaws["bad"] += 1
        rows.append(row)
    return rows, flaws


def write_field_file(path: Path, n: int, seed: int) -> dict[str, Any]:
    import xlsxwriter

    t0 = time.perf_counter()
    rows, flaws = field_rows(n, seed)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Danh sách hội viên")
    bold = workbook.add_format({"bold": True, "align": "center", "text_wrap": True, "border": 1})
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, "HỘI LHPN TỈNH ĐẮK LẮK")
    sheet.write_string(1, 0, f"HỘI LHPN {COMMUNE.upper()}")
    sheet.merge_range(2, 0, 2, len(HEADER) - 1, "DANH SÁCH HỘI VIÊN NĂM 2026", bold)
    # Row by row: constant_memory writes each row out as soon as the next one starts.
    for col, text in enumerate(HEADER):
        sheet.write_string(4, col, text, bold)
    for col in range(len(HEADER)):
        sheet.write_number(5, col, col + 1, bold)  # the row of column numbers, as numbers
    r = 6
    for row in rows:
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, int | float):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, value)
        r += 1
    sheet.write_string(r, 1, f"Tổng cộng: {n:,} hội viên".replace(",", "."))
    sheet.write_string(r + 2, 1, "Người lập biểu")
    sheet.write_string(r + 2, 8, "T/M BAN CHẤP HÀNH")
    sheet.write_string(r + 3, 8, "CHỦ TỊCH")
    notes = workbook.add_worksheet("Ghi chú")
    notes.write_string(0, 0, "Danh sách cập nhật đến tháng 11/2026.")
    workbook.close()
    return {
        "rows": n,
        "deliberately_bad_rows": flaws["bad"],
        "bytes": path.stat().st_size,
        "generated_in_s": round(time.perf_counter() - t0, 1),
    }


# --- One database, in its own process ---------------------------------------------------------


def _database_url(database: str, pg_url: str) -> str:
    """Empty for SQLite: the settings' own SQLite (WAL, IMMEDIATE) in HOISO_VAR, not a URL's."""
    if database == "sqlite":
        return ""
    return pg_url.rsplit("/", 1)[0] + "/" + PG_DATABASE


def _prepare_database(database: str, pg_url: str, rebuild: bool) -> None:
    if database == "sqlite":
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{VAR / 'hoiso.sqlite3'}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    assert PG_DATABASE not in FORBIDDEN
    with psycopg.connect(pg_url, autocommit=True) as conn:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        exists = conn.execute(query, [PG_DATABASE]).fetchone() is not None
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{PG_DATABASE}" WITH (FORCE)')
            exists = False
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def _setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "hoiso.settings"
    os.environ["HOISO_VAR"] = str(VAR)
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ["DATABASE_URL"] = url
    os.environ["DB_POOL"] = "0"
    import django
    from django.conf import settings

    # django-import-export as its documentation installs it, in this process only.
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "import_export"]
    django.setup()


def _commune() -> Any:
    """Đắk Lắk's unions, and Xã Ea Kar with its 20 branches (built once per database)."""
    from django.db import transaction

    from hoiso.demo.services import _bulk_children
    from hoiso.units.models import Level, Unit
    from hoiso.units.services import find_province, load_province

    found = Unit.objects.filter(level=Level.COMMUNE, name=COMMUNE).first()
    if found is not None and Unit.objects.filter(parent=found).count() == len(BRANCHES):
        return found
    with transaction.atomic():
        province = load_province(province=find_province("Đắk Lắk")).province
        commune = Unit.objects.get(parent=province, name=COMMUNE)
        _bulk_children([
            (commune, Unit(parent=commune, level=Level.BRANCH, code=f"{commune.code}-{n:02d}",
                           name=f"Chi hội {name}", is_ethnic_minority_area=name.startswith("Buôn")))
            for n, name in enumerate(BRANCHES, start=1)
        ])  # fmt: skip
    return commune


def _empty() -> None:
    """No members anywhere, before each timed run (outside the timing)."""
    from django.db import connection, transaction

    from hoiso.members.models import Member, MemberEvent, NameToken, Placement

    with transaction.atomic(), connection.cursor() as cursor:
        for model in (NameToken, MemberEvent, Placement, Member):
            cursor.execute(f'DELETE FROM "{model._meta.db_table}"')
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _maxrss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def ours(path: Path, commune: Any) -> dict[str, Any]:
    from hoiso.core import sheets
    from hoiso.members.importing import analysis, plan, write
    from hoiso.members.models import ImportStatus, MemberImport

    t0 = time.perf_counter()
    found = sheets.read(path, path.name)
    t1 = time.perf_counter()
    result = analysis.analyse(found, plan.Setup(unit=commune))
    t2 = time.perf_counter()
    imp = MemberImport.objects.create(
        user=None, unit=commune, filename=path.name, status=ImportStatus.WRITING, attempt=1
    )
    counts = write.members_import_write(result, imp=imp, attempt=imp.attempt)
    write.unmark_staged(imp.pk)
    t3 = time.perf_counter()
    rows = len(result.rows)
    return {
        "seconds": round(t3 - t0, 2),
        "rows_per_s": round(rows / (t3 - t0)),
        "read_s": round(t1 - t0, 2),
        "analyse_s": round(t2 - t1, 2),
        "write_commit_s": round(t3 - t2, 2),
        "summary": {**result.summary(), **counts},
        # Which column the errors are in: the deliberately bad rows, and nothing else.
        "errors_by_column": dict(
            Counter(h.split(" (")[0] for r in result.rows for h, _m in r.problems).most_common()
        ),
    }


# The member table's columns that the rows fill, as the clean file names them (model field
# names, ids for units); the others (consent, digital access, timestamps…) take their defaults.
CLEAN = ("province", "commune", "branch", "branch_path", "kind", "full_name", "name_folded",
         "sort_key", "birth_date", "birth_year", "sex", "citizen_id", "phone", "address",
         "village", "ethnicity", "religion", "education", "occupation", "party_member",
         "join_date", "card_number", "status", "status_since")  # fmt: skip


def clean_fields() -> list[Any]:
    from hoiso.members.models import Member

    return [Member._meta.get_field(name) for name in CLEAN]


def write_clean_file(path: Path, limit: int | None = None) -> int:
    """The members as our import wrote them: one header row of field names, then the rows."""
    import xlsxwriter

    from hoiso.members.models import Member

    fields = clean_fields()
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for col, f in enumerate(fields):
        sheet.write_string(0, col, f.name)
    rows = Member.objects.order_by("id").values_list(*(f.attname for f in fields))
    n = 0
    for n, values in enumerate(rows[:limit] if limit else rows.iterator(5000), start=1):
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                sheet.write_datetime(n, col, value.replace(tzinfo=None), stamp)
            elif isinstance(value, dt.date):
                sheet.write_datetime(n, col, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, bool):
                sheet.write_boolean(n, col, value)
            elif isinstance(value, int):
                sheet.write_number(n, col, value)
            elif isinstance(value, list | dict):
                sheet.write_string(n, col, json.dumps(value))
            elif value != "":
                sheet.write_string(n, col, value)
    workbook.close()
    return n


def raw(path: Path) -> dict[str, Any]:
    """Clean rows from .xlsx (calamine) into the member table: executemany or COPY, committed."""
    import sqlite3

    import python_calamine
    from django.db import connection, models, transaction
    from django.utils import timezone

    from hoiso.members.models import Member

    sqlite = connection.vendor == "sqlite"
    t0 = time.perf_counter()
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_index(0).to_python()
    workbook.close()
    by_name = {f.name: f for f in clean_fields()}
    header = rows[0]
    fields = [by_name[h] for h in header]

    def converter(f: Any) -> Any:
        if isinstance(f, models.IntegerField | models.ForeignKey):
            return lambda v: None if v in (None, "") else int(v)
        if isinstance(f, models.DateTimeField):
            return (lambda v: v.isoformat(" ")) if sqlite else (lambda v: v)
        if isinstance(f, models.DateField):
            return (lambda v: v if v in (None, "") else v.isoformat()) if sqlite else (
                lambda v: None if v == "" else v
            )  # fmt: skip
        if isinstance(f, models.BooleanField):
            return bool
        if f.null:
            return lambda v: None if v == "" else v
        return lambda v: "" if v is None else v

    convert = [converter(f) for f in fields]
    width = len(fields)
    # The columns the file does not fill, as the table's defaults, once.
    rest = [f for f in Member._meta.concrete_fields if f not in fields and not f.primary_key]
    now = timezone.now()
    tail = tuple(
        (connection.ops.adapt_datetimefield_value(now) if sqlite else now)
        if isinstance(f, models.DateTimeField)
        else json.dumps(f.get_default())
        if isinstance(f, models.JSONField)
        else f.get_default()
        for f in rest
    )
    data = (
        (*(c(v) for c, v in zip(convert, row, strict=False)), *[""] * (width - len(row)), *tail)
        for row in rows[1:]
    )
    table = Member._meta.db_table
    columns = ", ".join(f'"{f.column}"' for f in (*fields, *rest))
    with transaction.atomic(), connection.cursor() as cursor:
        if sqlite:
            marks = ", ".join("?" * (width + len(rest)))
            sqlite3.Cursor.executemany(
                cursor.cursor, f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', data
            )
        else:
            with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in data:
                    copy.write_row(row)
    seconds = time.perf_counter() - t0
    n = len(rows) - 1
    assert Member.objects.count() == n
    return {"rows": n, "seconds": round(seconds, 2), "rows_per_s": round(n / seconds)}


def django_import_export(path: Path) -> dict[str, Any]:
    """What a Django developer would write: a ModelResource, a tablib Dataset, import_data."""
    import tablib
    from import_export import resources

    from hoiso.members.models import Member

    names = ["id", *(f.name for f in clean_fields())]

    class MemberResource(resources.ModelResource):
        class Meta:
            model = Member
            fields = names

    t0 = time.perf_counter()
    with path.open("rb") as f:
        dataset = tablib.Dataset().load(f, format="xlsx")
    result = MemberResource().import_data(dataset, dry_run=False)
    seconds = time.perf_counter() - t0
    assert not result.has_errors() and not result.has_validation_errors(), result.row_errors()
    n = len(dataset)
    assert Member.objects.count() == n, (Member.objects.count(), n)
    return {"rows": n, "seconds": round(seconds, 2), "rows_per_s": round(n / seconds)}


def profile(path: Path, commune: Any) -> None:
    import cProfile
    import pstats

    _empty()
    profiler = cProfile.Profile()
    profiler.runcall(ours, path, commune)
    out = BENCH / "import.prof"
    profiler.dump_stats(out)
    stats = pstats.Stats(profiler, stream=sys.stderr).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(30)
    print(f"profile written to {out}", file=sys.stderr)


def measure(database: str, args: argparse.Namespace, path: Path) -> dict[str, Any]:
    _prepare_database(database, args.pg_url, args.rebuild)
    _setup_django(_database_url(database, args.pg_url))
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    commune = _commune()
    baseline = _maxrss_mb()
    runs = []
    for _ in range(args.runs):
        _empty()
        gc.collect()
        runs.append(ours(path, commune))
        print(f"{database}: ours {runs[-1]['rows_per_s']} rows/s", file=sys.stderr)
    peak = _maxrss_mb()
    speeds = [r["rows_per_s"] for r in runs]
    clean = BENCH / f"import-{args.rows}-clean-{database}.xlsx"
    clean_rows = write_clean_file(clean)
    die_file = BENCH / f"import-{args.rows}-clean-{database}-{args.die_rows}.xlsx"
    write_clean_file(die_file, limit=args.die_rows)
    _empty()
    raw_result = raw(clean)
    print(f"{database}: raw {raw_result['rows_per_s']} rows/s", file=sys.stderr)
    _empty()
    die = django_import_export(die_file)
    print(f"{database}: django-import-export {die['rows_per_s']} rows/s", file=sys.stderr)
    if args.profile:
        profile(path, commune)
    median = statistics.median(speeds)
    return {
        "database": connection.vendor,
        "ours": {
            "rows_per_s_median": round(median),
            "rows_per_s_best": max(speeds),
            "runs": runs,
            "peak_rss_mb": peak,
            "rss_before_import_mb": baseline,
        },
        "django_import_export": die,
        "raw": {**raw_result, "clean_rows": clean_rows},
        "ratio_ours_to_django_import_export": round(median / die["rows_per_s"], 1),
        "ratio_ours_to_raw": round(median / raw_result["rows_per_s"], 3),
        "process_peak_rss_mb": _maxrss_mb(),
    }


# --- The run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--die-rows", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    BENCH.mkdir(parents=True, exist_ok=True)
    path = BENCH / f"import-{args.rows}-{args.seed}.xlsx"

    if args.child:  # one database, measured in a fresh process so that its peak RSS is its own
        print(json.dumps(measure(args.database, args, path), ensure_ascii=False))
        return

    file_info: dict[str, Any] = {
        "path": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    }
    if args.rebuild or not path.exists():
        _setup_django(_database_url("sqlite", args.pg_url))  # the generator's imports; no queries
        file_info.update(write_field_file(path, args.rows, args.seed))
    else:
        file_info.update({"rows": args.rows, "bytes": path.stat().st_size})
    results: dict[str, Any] = {"file": file_info}
    for database in ("sqlite", "postgres") if args.database == "both" else (args.database,):
        command = [sys.executable, __file__, "--child", "--database", database,
                   "--rows", str(args.rows), "--runs", str(args.runs), "--seed", str(args.seed),
                   "--die-rows", str(args.die_rows), "--pg-url", args.pg_url,
                   *(["--rebuild"] if args.rebuild else []),
                   *(["--profile"] if args.profile else [])]  # fmt: skip
        # This process's HOISO_VAR now names its SQLite folder (VAR): the child gets BENCH back.
        env = {**os.environ, "HOISO_VAR": str(BENCH)}
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True, env=env)
        results[database] = json.loads(done.stdout)
    sqlite = results.get("sqlite")
    results["targets"] = {
        "ours_vs_django_import_export_sqlite_min": 20,
        "ours_vs_raw_min": 0.3,
        "peak_rss_mb_max": 1024,
        "met": {
            db: {
                "x20_django_import_export": r["ratio_ours_to_django_import_export"] >= 20,
                "0.3_of_raw": r["ratio_ours_to_raw"] >= 0.3,
                "memory_under_1_gb": r["ours"]["peak_rss_mb"] < 1024,
            }
            for db, r in results.items()
            if db in ("sqlite", "postgres")
        },
        "sqlite_rows_per_s_target": 35_000,
        "sqlite_rows_per_s": sqlite["ours"]["rows_per_s_median"] if sqlite else None,
    }
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
