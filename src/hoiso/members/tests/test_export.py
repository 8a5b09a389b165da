"""Exports of the member list: the union's layout, formula injection neutralised, audited."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from python_calamine import CalamineWorkbook

from hoiso.conftest import make_member
from hoiso.core.models import AuditEvent
from hoiso.core.workbook import csv_safe
from hoiso.members.export import EXPORT_DIR
from hoiso.members.models import MemberExport


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def _export(client, unit, **data):  # type: ignore[no-untyped-def]
    """Ask for an export and follow it to its page; the worker runs when the request commits."""
    response = client.post(f"/u/{unit.code}/members/export/", data)
    assert response.status_code == 302
    export = MemberExport.objects.latest("created_at")
    assert response["Location"] == f"/u/{unit.code}/members/exports/{export.pk}/"
    return export


def _file(export: MemberExport) -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORT_DIR / f"{export.pk}.{export.format}"


def test_it_neutralises_what_a_spreadsheet_would_run_in_csv():
    assert csv_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for start in ("+", "-", "@", "\t", "\r"):
        assert csv_safe(start + "1") == "'" + start + "1"
    assert csv_safe("Nguyễn Thị Bình") == "Nguyễn Thị Bình"
    assert csv_safe(12) == 12


def test_it_writes_the_unions_layout_to_xlsx(cast, django_capture_on_commit_callbacks):
    make_member(cast.branch_a1, "Nguyễn Thị Bình", phone="0912345678")
    make_member(cast.branch_a2, "=cmd|' /C calc'!A0")
    client = cast.client(cast.hoa)
    with django_capture_on_commit_callbacks(execute=True):
        export = _export(client, cast.commune_a, format="xlsx")
    export.refresh_from_db()
    assert export.ready and export.rows == 2
    sheet = CalamineWorkbook.from_path(str(_file(export))).get_sheet_by_index(0).to_python()
    assert "XÃ EA KAR" in sheet[1][0]
    top = next(i for i, row in enumerate(sheet) if row[0] == "STT")  # the header, in Vietnamese
    body = [row for row in sheet[top + 1 :] if isinstance(row[0], float)]
    assert [row[0] for row in body] == [1.0, 2.0]
    names = [row[1] for row in body]
    assert "Nguyễn Thị Bình" in names
    # Kept as she was written, as text: an .xlsx string cell is never run.
    assert "=cmd|' /C calc'!A0" in names
    # Sensitive columns only when asked for by a role that may see them.
    assert "Số định danh cá nhân (CCCD)" not in sheet[top]


def test_it_writes_csv_that_excel_reads_as_utf8(cast, django_capture_on_commit_callbacks):
    make_member(cast.branch_a1, "Trần Thị Đào")
    with django_capture_on_commit_callbacks(execute=True):
        export = _export(cast.client(cast.hoa), cast.commune_a, format="csv", sensitive="1")
    raw = _file(export).read_text(encoding="utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff"))))
    assert rows[1][1] == "Trần Thị Đào"
    assert "Số định danh cá nhân (CCCD)" in rows[0]


def test_it_exports_the_list_as_filtered(cast, django_capture_on_commit_callbacks):
    make_member(cast.branch_a1, "Nguyễn Thị Bình")
    make_member(cast.branch_a2, "Lê Thị Lan")
    with django_capture_on_commit_callbacks(execute=True):
        export = _export(
            cast.client(cast.hoa), cast.commune_a, format="csv", branch=str(cast.branch_a2.pk)
        )
    text = _file(export).read_text(encoding="utf-8")
    assert "Lê Thị Lan" in text and "Nguyễn Thị Bình" not in text


def test_it_audits_every_export(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _export(cast.client(cast.hoa), cast.commune_a, format="xlsx", sensitive="1")
    event = AuditEvent.objects.get(action="members.exported")
    assert event.actor == cast.hoa and event.unit == cast.commune_a
    assert event.data["sensitive"] is True and event.data["format"] == "xlsx"


def test_it_lets_only_the_author_download(cast, django_capture_on_commit_callbacks):
    make_member(cast.branch_a1)
    with django_capture_on_commit_callbacks(execute=True):
        export = _export(cast.client(cast.hoa), cast.commune_a, format="csv")
    url = f"/u/{cast.commune_a.code}/members/exports/{export.pk}/file/"
    response = cast.client(cast.hoa).get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    # Lan serves the province above, but the file is Hoa's.
    lan_url = f"/u/{cast.province.code}/members/exports/{export.pk}/file/"
    assert cast.client(cast.lan).get(lan_url).status_code == 404
    assert cast.client(cast.thu).get(url).status_code == 404


def test_it_shows_progress_until_the_file_is_written(cast):
    # Without the worker (no commit callbacks run), the export waits and the page says so.
    export = _export(cast.client(cast.hoa), cast.commune_a, format="xlsx")
    page = cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/members/exports/{export.pk}/")
    assert page.status_code == 200
    assert 'hx-trigger="every 2s"' in page.text
    assert "/file/" not in page.text
