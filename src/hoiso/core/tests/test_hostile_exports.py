"""Every spreadsheet Hội Số writes, fed hostile text: no cell of any file holds a formula or a
link, and the text comes back as the text it was (issue 10, item 5)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from python_calamine import CalamineWorkbook

from hoiso.conftest import Cast, make_member
from hoiso.core.workbook import FORMULA_STARTS, Workbook, write_csv
from hoiso.members.export import EXPORT_DIR
from hoiso.members.importing import errors_book, template
from hoiso.members.models import MemberExport
from hoiso.members.tests.test_import_files import HEADER, member, plan_of, xlsx
from hoiso.targets.tests.factories import make_target
from hoiso.units.models import Level
from hoiso.units.services import unit_update

LURE = '{=HYPERLINK("http://x","Bấm vào đây")}'
HOSTILE = [LURE, "=1+1", "@SUM(A1)", '=HYPERLINK("http://x.vn","Thôn 1")', "+84905", "-2+3",
           "http://x.vn/a", "0905123456", "1e5"]  # fmt: skip


def assert_inert(data: bytes) -> list[object]:
    """No formula, no hyperlink anywhere in the workbook; returns every cell's value."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            xml = z.read(name).decode("utf-8")
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not re.search(r"<f[ >]", xml), f"a formula in {name}"
                assert "<hyperlink" not in xml, f"a link in {name}"
            assert "relationships/hyperlink" not in xml, f"a link in {name}"
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [
        v for n in book.sheet_names for row in book.get_sheet_by_name(n).to_python() for v in row
    ]


@pytest.fixture
def hostile(cast: Cast) -> Cast:
    """A member named so, a branch renamed so, a target titled so."""
    unit_update(actor=None, unit=cast.branch_a2, name="@SUM(A1)")
    cast.branch_a2.refresh_from_db()
    for name in HOSTILE:
        make_member(cast.branch_a2, name, occupation=name, village=name)
    make_target(cast.commune_a, title=LURE, level=Level.BRANCH)
    make_target(cast.commune_a, title="=1+1", level=Level.BRANCH)
    return cast


def test_the_writer_keeps_hostile_text_as_text(tmp_path: Path) -> None:
    out = io.BytesIO()
    book = Workbook(out)
    sheet = book.add_sheet(LURE)
    sheet.write_row(0, 0, HOSTILE)
    sheet.title(1, 0, 3, "=1+1")
    book.close()
    values = assert_inert(out.getvalue())
    assert values[: len(HOSTILE)] == HOSTILE  # strings, not numbers, formulas or links
    assert "=1+1" in values


def test_the_csv_writer_guards_every_formula_start() -> None:
    out = io.StringIO()
    write_csv(out, [HOSTILE, [1, None, "Nguyễn Thị Bình"]])
    rows = list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert all(not cell.startswith(FORMULA_STARTS) for row in rows for cell in row)
    assert rows[0][1] == "'=1+1" and rows[1] == ["1", "", "Nguyễn Thị Bình"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_member_export_runs_nothing(
    hostile: Cast, fmt: str, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = hostile.client(hostile.hoa)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/u/{hostile.commune_a.code}/members/export/", {"format": fmt})
    export = MemberExport.objects.get()
    data = (Path(settings.MEDIA_ROOT) / EXPORT_DIR / f"{export.pk}.{fmt}").read_bytes()
    if fmt == "xlsx":
        values = assert_inert(data)
        assert "@SUM(A1)" in values and "=1+1" in values and "http://x.vn/a" in values
    else:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8").lstrip("\ufeff"))))
        assert all(not cell.startswith(FORMULA_STARTS) for row in rows for cell in row)
        assert any(row[3] == "'@SUM(A1)" for row in rows[1:])


def test_the_targets_export_runs_nothing(hostile: Cast) -> None:
    response = hostile.client(hostile.hoa).get(
        reverse("targets:export", args=[hostile.commune_a.code])
    )
    assert response.status_code == 200
    values = assert_inert(response.content)
    assert LURE in values and "=1+1" in values and "@SUM(A1)" in values


def test_the_import_error_workbook_runs_nothing(cast: Cast, tmp_path: Path) -> None:
    rows = [HEADER, *(member(n, name, cid=241234567) for n, name in enumerate(HOSTILE, start=1))]
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), cast.commune_a)
    out = tmp_path / "errors.xlsx"
    assert errors_book.write(plan, out) == len(HOSTILE)
    values = assert_inert(out.read_bytes())
    assert LURE in values and "=1+1" in values


def test_the_import_template_runs_nothing(hostile: Cast) -> None:
    values = assert_inert(template.build(hostile.commune_a))
    assert "@SUM(A1)" in values
