"""A whole province in one command: 102 communes' member lists, 1,000,000 rows in all.

Generates (once, then reuses) a folder of one list per commune of Đắk Lắk, named after the
commune, in turn .xlsx, .xls and .csv (UTF-8 with BOM), a tenth of the files typed in TCVN3
(.VnTime: the bytes of the old font read as Latin-1 letters, as Excel keeps them); each row a
woman with a name, a date of birth, a phone and a village ("Thôn 1" … "Thôn 12", written as field
lists do: "THÔN 3", "thôn 03"). Every row is valid and no two are the same person, so every row
must become a member.

Then, for each database in its own process, on a fresh database holding only the province and its
communes (no branch yet), runs

    python -m hoiso import_members FOLDER --unit 66 --create-branches --json

in-process (`--jobs 2`: the next files are read by a worker process) and prints JSON: seconds,
rows/s, the CPU time and peak RSS (`ru_maxrss`) of this process and of the reading worker, the
load average before and after, members written, rows lost (rows in the files − members written),
branches created, files refused.
Targets: ≤ 300 s on each database, < 1,024 MB, 0 rows lost.

    python benchmarks/province_import.py                     # both databases, full scale
    python benchmarks/province_import.py --database sqlite --rows 100000

Options: --rows N (1,000,000), --files N (102, at most the province's communes), --database
sqlite|postgres|both, --pg-url (the server; the benchmark creates and uses only the database
hoiso_province_bench), --rebuild (new files).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SMOKE_ARGS = ["--rows", "600", "--files", "6", "--database", "sqlite"]
SMOKE_KEYS = ["files", "rows", "tcvn3_files", "sqlite", "targets"]
BENCH = Path(os.environ.get("HOISO_VAR") or ROOT / "var" / "bench")
VAR = BENCH / "province"
PG_DATABASE = "hoiso_province_bench"
FORBIDDEN = {"postgres", "test", "template0", "template1"}
PROVINCE = "66"
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số điện thoại", "Thôn, buôn"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Y", "H'", "Niê", "Ksor"]  # fmt: skip
MIDDLE = ["Thị", "Thị Thu", "Thị Ngọc", "Thị Kim", "Thị Mỹ", "Thị Thanh", "Thị Hồng", "Thị Bích",
          "Thị Minh", "Thị Lệ"]  # fmt: skip
GIVEN = ["Lan", "Hoa", "Mai", "Hương", "Hằng", "Hạnh", "Nga", "Ngân", "Nhung", "Oanh", "Phương",
         "Quyên", "Sương", "Tâm", "Thảo", "Thủy", "Trang", "Uyên", "Vân", "Xuân", "Yến", "Ánh",
         "Bình", "Cúc", "Diệp", "Dung", "Giang", "Hiền", "Huệ", "Khánh", "Liên", "Loan", "Ly",
         "Mơ", "My", "Nguyệt", "Nhàn", "Phúc", "Sen", "Thắm"]  # fmt: skip
VILLAGE_FORMS = ["Thôn {n}", "THÔN {n}", "thôn 0{n}", "Thôn số {n}", "Chi hội Thôn {n}"]
KINDS = ("xlsx", "xls", "csv")
TARGETS = {"seconds": 300, "peak_rss_mb": 1024, "rows_lost": 0}


def _tcvn3_encoder() -> Any:
    """Unicode → the TCVN3 bytes read as Latin-1, from the converter's own table (None when the
    converter is not there)."""
    try:
        from hoiso.core.legacy_text import TCVN3_TABLE
    except ImportError:
        return None
    back = {letter: code for code, letter in TCVN3_TABLE.items()}

    def encode(text: str) -> str:
        # Capitals with a mark have no code: .VnTimeH draws the small letter's code as a capital.
        return "".join(back.get(ch, back.get(ch.lower(), ch)) for ch in text)

    return encode


def _row(i: int) -> list[Any]:
    """The i-th woman of the province: her (name, birth day) pair and her phone are hers alone."""
    combos = len(FAMILY) * len(MIDDLE) * len(GIVEN)
    k = i % combos
    family, middle, given = (FAMILY[k % len(FAMILY)], MIDDLE[(k // len(FAMILY)) % len(MIDDLE)],
                             GIVEN[k // (len(FAMILY) * len(MIDDLE))])  # fmt: skip
    name = f"{family}{'' if family.endswith(chr(39)) else ' '}{middle} {given}"
    born = dt.date(1950, 1, 1) + dt.timedelta(days=(i // combos) * 97 + k % 89)
    phone = f"09{i:08d}"
    return [name, born.strftime("%d/%m/%Y"), phone]


def _rows(start: int, count: int, encode: Any) -> list[list[Any]]:
    out = []
    for n, i in enumerate(range(start, start + count), start=1):
        name, born, phone = _row(i)
        village = VILLAGE_FORMS[i % len(VILLAGE_FORMS)].format(n=1 + i % 12)
        if encode:
            name, village = encode(name), encode(village)
        out.append([n, name, born, phone, village])
    return out


def _write(path: Path, kind: str, rows: list[list[Any]], title: str, header: list[str]) -> None:
    if kind == "xlsx":
        import xlsxwriter

        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet("DS hội viên")
        sheet.write(0, 0, title)
        sheet.write_row(2, 0, header)
        for r, row in enumerate(rows, start=3):
            sheet.write_row(r, 0, row)
        book.close()
    elif kind == "xls":
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("DS")
        sheet.write(0, 0, title)
        for c, text in enumerate(header):
            sheet.write(2, c, text)
        for r, row in enumerate(rows, start=3):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        book.save(str(path))
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")


def make_files(folder: Path, communes: list[tuple[str, str]], rows: int) -> dict[str, Any]:
    """One list per commune, named after it; returns what was written."""
    stamp = folder / "files.json"
    wanted = {"rows": rows, "files": len(communes)}
    if stamp.exists() and json.loads(stamp.read_text())["wanted"] == wanted:
        return json.loads(stamp.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    encode = _tcvn3_encoder()
    started = time.monotonic()
    per, extra = divmod(rows, len(communes))
    start, tcvn3, kinds = 0, 0, {k: 0 for k in KINDS}
    for f, (_code, name) in enumerate(communes):
        count = per + (1 if f < extra else 0)
        kind = KINDS[f % len(KINDS)]
        old_font = encode is not None and f % 10 == 9  # a tenth of the files
        title = f"DANH SÁCH HỘI VIÊN {name.upper()}"
        # An old-font file is typed in the font throughout: title, header and cells.
        _write(folder / f"{name}.{kind}", kind,
               _rows(start, count, encode if old_font else None),
               encode(title) if old_font else title,
               [encode(h) for h in HEADER] if old_font else HEADER)  # fmt: skip
        start += count
        tcvn3 += old_font
        kinds[kind] += 1
    info = {"wanted": wanted, "rows": start, "files": len(communes), "kinds": kinds,
            "tcvn3_files": tcvn3, "generated_s": round(time.monotonic() - started, 1)}  # fmt: skip
    stamp.write_text(json.dumps(info))
    return info


def _database_url(database: str, pg_url: str) -> str:
    return "" if database == "sqlite" else pg_url.rsplit("/", 1)[0] + "/" + PG_DATABASE


def _fresh_database(database: str, pg_url: str) -> None:
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{VAR / 'hoiso.sqlite3'}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    assert PG_DATABASE not in FORBIDDEN
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def _setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "hoiso.settings"
    os.environ["HOISO_VAR"] = str(VAR)
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ["DATABASE_URL"] = url
    os.environ["DB_POOL"] = "0"
    import django

    django.setup()


def _cpu() -> tuple[float, float]:
    """CPU seconds used so far by this process, and by its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def run_one(database: str, pg_url: str, rows: int, files: int, jobs: int = 2) -> dict[str, Any]:
    """In this process: a fresh database with the province's communes, the files, the command."""
    VAR.mkdir(parents=True, exist_ok=True)
    _fresh_database(database, pg_url)
    _setup_django(_database_url(database, pg_url))
    from django.core.management import call_command

    from hoiso.members.models import Member
    from hoiso.units.models import Level, Unit
    from hoiso.units.services import find_province, load_province

    call_command("migrate", verbosity=0)
    load_province(province=find_province("Đắk Lắk"))
    communes = list(
        Unit.objects.filter(level=Level.COMMUNE, parent__code=PROVINCE)
        .order_by("code")
        .values_list("code", "name")[:files]
    )
    made = make_files(BENCH / "province-files", communes, rows)
    out = io.StringIO()
    before = _cpu()
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    call_command("import_members", str(BENCH / "province-files"), unit=PROVINCE,
                 create_branches=True, json=True, jobs=jobs, stdout=out)  # fmt: skip
    seconds = time.monotonic() - started
    after = _cpu()
    report = json.loads(out.getvalue())
    members = Member.objects.count()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reader_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "seconds": round(seconds, 1),
        "rows_per_s": round(made["rows"] / seconds),
        "jobs": jobs,
        # CPU time of this process and of the reading worker(s): on a shared machine the wall
        # time also counts others' work.
        "cpu_s": round(after[0] - before[0], 1),
        "reader_cpu_s": round(after[1] - before[1], 1),
        "load_avg_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "peak_rss_mb": round(peak),
        # The largest worker's peak; both processes together stay below the two added up.
        "reader_peak_rss_mb": round(reader_peak),
        "members": members,
        "rows_lost": made["rows"] - members,
        "row_errors": report["total"]["error"],
        "branches_created": report["total"]["branches"],
        "files_refused": report["total"]["files_refused"],
        "slowest_file_s": max(f["seconds"] for f in report["files"]),
        "_made": made,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=102)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--jobs", type=int, default=2, help="import_members --jobs (2)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rebuild:
        (BENCH / "province-files" / "files.json").unlink(missing_ok=True)
    if args.child:
        print(json.dumps(run_one(args.child, args.pg_url, args.rows, args.files, args.jobs)))
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    result: dict[str, Any] = {"rows": args.rows, "targets": TARGETS}
    for database in databases:
        done = subprocess.run(
            [sys.executable, __file__, "--child", database, "--rows", str(args.rows),
             "--files", str(args.files), "--pg-url", args.pg_url, "--jobs", str(args.jobs)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        made = figures.pop("_made")
        result.update(files=made["files"], kinds=made["kinds"], tcvn3_files=made["tcvn3_files"])
        result[database] = figures
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
