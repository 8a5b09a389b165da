"""The import applies the member form's field permissions: a branch head neither sees nor writes a
member's citizen ID, ethnicity and religion through it, and a cadre's look at old sensitive values
in the preview is logged as the member page logs it."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from hoiso.accounts.models import User
from hoiso.conftest import Cast, make_member
from hoiso.core.models import AuditEvent
from hoiso.members.choices import Religion
from hoiso.members.importing import files, jobs
from hoiso.members.models import ImportStatus, Member, MemberImport
from hoiso.members.tests.test_import_files import xlsx
from hoiso.units.models import Unit

OLD_CID = "066185000123"  # Bình's, born 1985
NEW_CID = "066185000999"
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số thẻ hội viên", "Số CCCD", "SĐT", "Dân tộc",
          "Tôn giáo"]  # fmt: skip


@pytest.fixture
def binh(cast: Cast) -> Member:
    return make_member(cast.branch_a1, "Nguyễn Thị Bình", citizen_id=OLD_CID, ethnicity=12,
                       religion=Religion.PROTESTANTISM, phone="0987654321",
                       card_number="DL0001")  # fmt: skip


def _row(n: int, name: str = "Nguyễn Thị Bình", **cells: Any) -> list[Any]:
    values = {"born": dt.date(1985, 3, 5), "card": "DL0001", "cid": NEW_CID,
              "phone": "0912000999", "ethnicity": "Kinh", "religion": "Phật giáo", **cells}  # fmt: skip
    return [n, name, values["born"], values["card"], values["cid"], values["phone"],
            values["ethnicity"], values["religion"]]  # fmt: skip


def analysed(user: User, unit: Unit, rows: list[list[Any]]) -> MemberImport:
    """An import by `user` into `unit`, read and checked as the page's task does it."""
    imp = MemberImport.objects.create(user=user, unit=unit, filename="ds.xlsx", language="vi")
    xlsx(files.source_path(imp), {"DS": [HEADER, *rows]})
    jobs.analyse_import.call(str(imp.pk))
    imp.refresh_from_db()
    return imp


def _xlsx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as book:
        return "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))


def test_a_branch_head_neither_sees_nor_writes_the_sensitive_fields(
    cast: Cast, binh: Member
) -> None:
    # Row 1 updates Bình (found by her card); row 2 is an error, for the error workbook.
    imp = analysed(cast.mai, cast.branch_a1, [_row(1), _row(2, "Lê Thị Hoa", born="31/02/1990")])
    assert imp.status == ImportStatus.PREVIEW, imp.error
    assert (imp.summary["update"], imp.summary["error"]) == (1, 1)
    stored = files.preview_path(imp).read_text(encoding="utf-8")
    assert OLD_CID not in stored and NEW_CID not in stored
    (update,) = [r for r in files.load_preview(imp)["rows"] if r["status"] == "update"]
    assert [c[0] for c in update["changes"]] == ["phone"]
    assert OLD_CID not in _xlsx_text(files.errors_path(imp))
    page = cast.client(cast.mai).get(
        reverse("members:import", args=[cast.branch_a1.code, imp.pk]), {"show": "updates"}
    )
    text = page.content.decode()
    assert OLD_CID not in text
    assert (
        "Cột “Số CCCD” không được nhập vì vai trò của bạn không được sửa số định danh cá nhân (CCCD)"
        in text
    )
    assert "Cột “Dân tộc” không được nhập vì vai trò của bạn không được sửa dân tộc" in text
    assert "Cột “Tôn giáo” không được nhập vì vai trò của bạn không được sửa tôn giáo" in text

    jobs.commit_import.call(str(imp.pk))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE, imp.error
    binh.refresh_from_db()
    assert binh.phone == "0912000999"
    assert (binh.citizen_id, binh.ethnicity, binh.religion) == (
        OLD_CID, 12, Religion.PROTESTANTISM
    )  # fmt: skip
    assert not AuditEvent.objects.filter(action="member.sensitive_viewed").exists()


def test_a_branch_head_adds_new_members_without_their_sensitive_fields(cast: Cast) -> None:
    imp = analysed(cast.mai, cast.branch_a1, [_row(1, "Vi Thị Bảo", card="DL0002")])
    assert imp.summary["new"] == 1
    jobs.commit_import.call(str(imp.pk))
    bao = Member.objects.get(full_name="Vi Thị Bảo")
    assert (bao.citizen_id, bao.religion, bao.phone) == ("", Religion.NOT_RECORDED, "0912000999")


def test_a_cadres_look_at_old_sensitive_values_in_the_preview_is_logged(
    cast: Cast, binh: Member
) -> None:
    imp = analysed(cast.hoa, cast.branch_a1, [_row(1)])
    (update,) = [r for r in files.load_preview(imp)["rows"] if r["status"] == "update"]
    assert {c[0] for c in update["changes"]} == {"citizen_id", "phone", "ethnicity", "religion"}
    url = reverse("members:import", args=[cast.branch_a1.code, imp.pk])
    client = cast.client(cast.hoa)
    client.get(url)  # the rows to look at: none of them shows a member's old values
    assert not AuditEvent.objects.filter(action="member.sensitive_viewed").exists()
    text = client.get(url, {"show": "updates"}).content.decode()
    assert OLD_CID in text
    event = AuditEvent.objects.get(action="member.sensitive_viewed")
    assert (event.actor, event.object_id) == (cast.hoa, str(binh.pk))
    jobs.commit_import.call(str(imp.pk))
    binh.refresh_from_db()
    assert (binh.citizen_id, binh.religion) == (NEW_CID, Religion.BUDDHISM)


def test_a_preview_made_before_the_role_was_lowered_shows_no_old_sensitive_value(
    cast: Cast, binh: Member
) -> None:
    imp = analysed(cast.hoa, cast.branch_a1, [_row(1)])
    assert OLD_CID in files.preview_path(imp).read_text(encoding="utf-8")
    # Hoa is now only the branch head of A1; the preview on disk was made when she was a cadre.
    cast.hoa.assignments.all().delete()
    cast.hoa.assignments.create(unit=cast.branch_a1, role="branch_head")
    text = (
        cast.client(cast.hoa)
        .get(reverse("members:import", args=[cast.branch_a1.code, imp.pk]), {"show": "updates"})
        .content.decode()
    )
    assert OLD_CID not in text
    assert not AuditEvent.objects.filter(action="member.sensitive_viewed").exists()
    # Confirming checks the file again with her rights of today.
    jobs.commit_import.call(str(imp.pk))
    binh.refresh_from_db()
    assert (binh.citizen_id, binh.phone) == (OLD_CID, "0912000999")


def test_the_command_line_import_runs_with_every_right(
    cast: Cast, binh: Member, tmp_path: Path
) -> None:
    from django.core.management import call_command

    path = xlsx(tmp_path / "ds.xlsx", {"DS": [HEADER, _row(1)]})
    call_command("import_members", str(path), unit=cast.branch_a1.code)
    binh.refresh_from_db()
    assert (binh.citizen_id, binh.religion) == (NEW_CID, Religion.BUDDHISM)
