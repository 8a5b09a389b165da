"""The member list's workbook in the union's document layout, read back with openpyxl: the
heading beside the motto at the top, the place, date and signature block under the rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook

from hoiso.conftest import make_member
from hoiso.members.export import EXPORT_DIR
from hoiso.members.models import MemberExport


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def _rows(cast, unit, user, monkeypatch, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2026, 3, 5))
    make_member(cast.branch_a1, "Nguyễn Thị Bình")
    make_member(cast.branch_a1, "Lê Thị Lan")
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client(user).post(f"/u/{unit.code}/members/export/", {"format": "xlsx"})
    assert response.status_code == 302
    export = MemberExport.objects.latest("created_at")
    path = Path(settings.MEDIA_ROOT) / EXPORT_DIR / f"{export.pk}.xlsx"
    sheet = load_workbook(path).worksheets[0]
    # Each line as the cadre reads it: the texts of its cells, left to right.
    return [
        [str(c) for c in row if c not in (None, "")] for row in sheet.iter_rows(values_only=True)
    ]


def test_a_communes_list_is_headed_and_signed_as_the_union_writes(
    cast, monkeypatch, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    rows = _rows(cast, cast.commune_a, cast.hoa, monkeypatch, django_capture_on_commit_callbacks)
    assert rows[0] == ["HỘI LHPN TỈNH ĐẮK LẮK", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert rows[1] == ["BCH HỘI LHPN XÃ EA KAR", "Độc lập - Tự do - Hạnh phúc"]
    texts = [" ".join(r) for r in rows]
    title = texts.index("DANH SÁCH HỘI VIÊN")
    header = next(i for i, r in enumerate(rows) if r[:1] == ["STT"])
    names = [r[1] for r in rows[header + 1 :] if r and r[0].isdigit()]
    assert sorted(names) == ["Lê Thị Lan", "Nguyễn Thị Bình"]
    dated = texts.index("Ea Kar, ngày 05 tháng 3 năm 2026")
    assert title < header < dated
    assert rows[dated + 1 : dated + 3] == [["TM. BAN THƯỜNG VỤ"], ["CHỦ TỊCH"]]


def test_a_branchs_list_stands_under_its_commune(
    cast, monkeypatch, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    rows = _rows(cast, cast.branch_a1, cast.hoa, monkeypatch, django_capture_on_commit_callbacks)
    assert rows[0][0] == "HỘI LHPN XÃ EA KAR"
    assert rows[1][0] == "CHI HỘI THÔN 1"
    texts = [" ".join(r) for r in rows]
    dated = texts.index("Ea Kar, ngày 05 tháng 3 năm 2026")
    assert rows[dated + 1] == ["CHI HỘI TRƯỞNG"]
