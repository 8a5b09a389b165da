"""A list typed on a .VnTime or VNI-Times PC imports as if it had been typed in Unicode: the
preview says which columns were converted, and the error workbook gives the cadre back Unicode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from hoiso.conftest import Cast
from hoiso.core.sheets import read
from hoiso.core.tests.test_legacy_text import to_tcvn3, to_vni
from hoiso.members.importing import files, jobs
from hoiso.members.models import ImportStatus, MemberImport
from hoiso.members.tests.test_import_files import HEADER, member, plan_of, xlsx

LIST = [
    HEADER,
    member(1, "Nguyễn Thị Bình", ethnicity="Kinh", branch="Thôn 1"),
    member(2, "H'Mai Niê", ethnicity="Ê Đê", religion="Tin Lành", branch="Thôn 1"),
    member(3, "Trần Thị Ánh", branch="Buôn Ea Sinh"),
    member(4, "Lê Thị Hoa", born="32/13/1985", branch="Thôn 1"),  # an error row
]


def _typed(encode: Any) -> list[list[Any]]:
    return [[encode(c) if isinstance(c, str) else c for c in row] for row in LIST]


def test_a_tcvn3_list_is_read_as_unicode_with_a_note(cast: Cast, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"Danh sách": _typed(to_tcvn3)})
    with override("vi"):
        plan = plan_of(path, cast.commune_a)
    names = [r.name for r in plan.rows]
    assert names == ["Nguyễn Thị Bình", "H'Mai Niê", "Trần Thị Ánh", "Lê Thị Hoa"]
    assert plan.rows[1].values["ethnicity"] == 12  # "£ §ª" read as Ê Đê
    assert plan.rows[0].branch_id == cast.branch_a1.pk
    [note] = plan.converted
    assert "“Danh sách”" in note and ".VnTime (TCVN3)" in note
    assert "B (“Họ và tên”)" in note and "Vui lòng" in note


def test_a_vni_list_too(cast: Cast, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"DS": _typed(to_vni)})
    plan = plan_of(path, cast.commune_a)
    assert [r.name for r in plan.rows][:3] == ["Nguyễn Thị Bình", "H'Mai Niê", "Trần Thị Ánh"]
    assert "VNI" in plan.converted[0]


def test_a_unicode_list_has_no_note(cast: Cast, tmp_path: Path) -> None:
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": LIST}), cast.commune_a)
    assert plan.converted == []


def test_the_preview_and_the_error_workbook_are_in_unicode(
    cast: Cast, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = settings.MEDIA_ROOT = tmp_path
    imp = MemberImport.objects.create(user=cast.hoa, unit=cast.commune_a, filename="DS.xlsx",
                                      language="vi", status=ImportStatus.ANALYSING)  # fmt: skip
    xlsx(files.source_path(imp), {"DS": _typed(to_tcvn3)})
    jobs.analyse_import.call(str(imp.pk))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.PREVIEW, imp.error
    preview = files.load_preview(imp)
    assert ".VnTime" in preview["converted"][0]
    errors = read(files.errors_path(imp))[0].rows
    assert "Họ và tên" in errors[0]
    assert [r[1] for r in errors[1:]] == ["Lê Thị Hoa"]
    # The page shows the note above the rows.
    client = Client()
    client.force_login(cast.hoa)
    page = client.get(reverse("members:import", args=[cast.commune_a.code, imp.pk]))
    assert "phông chữ cũ .VnTime (TCVN3)" in page.content.decode()
