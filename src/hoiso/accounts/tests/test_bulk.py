"""Accounts in bulk: a spreadsheet of cadres, its preview with each row's errors (which row, which
field, what to fix), then accounts and roles made on confirm, with printable login slips and a
forced password change at the first login."""

from __future__ import annotations

import io
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoiso.accounts.models import AccountImport, Assignment, User
from hoiso.accounts.roles import Role
from hoiso.conftest import Cast, make_unit
from hoiso.core.models import AuditEvent
from hoiso.units.models import Level

HEADER = ("STT", "Họ và tên", "Số điện thoại", "Đơn vị", "Vai trò", "Chuyên trách")


def _upload(rows: list[tuple[Any, ...]]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Cán bộ")
    sheet.write(0, 0, "DANH SÁCH CÁN BỘ")
    sheet.write_row(2, 0, HEADER)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(2 + i, 0, (i, *row))
    book.close()
    return SimpleUploadedFile("can-bo.xlsx", buffer.getvalue())


ROWS = [
    ("Phạm Thị Hồng", "0913 111 222", "24373", "Cán bộ", "x"),  # row 4: by code
    ("Y Blú Niê", 913333444, "Chi hội Thôn 1", "Chi hội trưởng", ""),  # 5: lost zero, by name
    ("Lò Thị Sen", "0913555666", "Chi hội Thôn 5", "Cán bộ", ""),  # 6: two units of that name
    ("Đinh Thị Na", "0913777888", "Ea Kar", "Cán bộ", ""),  # 7: nearly "Xã Ea Kar"
    ("Hà Thị Mai", "12345", "24373", "Chủ tịch", "có lẽ"),  # 8: phone, role, full-time
    ("Trần Thị Khác", "0912000002", "24373", "Cán bộ", ""),  # 9: Hoa's phone, another name
    ("Trần Thị Hoa", "0912000002", "24190", "Người xem", ""),  # 10: Hoa herself: a role more
    ("Phạm Thị Hồng", "0913111222", "Chi hội Thôn 1", "Người xem", ""),  # 11: Hồng, a 2nd role
    ("Phạm Văn Nam", "0913111222", "24373", "Người xem", ""),  # 12: Hồng's phone, other name
]


@pytest.fixture
def twins(cast: Cast) -> None:
    make_unit(cast.commune_a, Level.BRANCH, "24373-05", "Chi hội Thôn 5")
    make_unit(cast.commune_b, Level.BRANCH, "24190-05", "Chi hội Thôn 5")


def _preview(cast: Cast) -> tuple[AccountImport, str]:
    client = cast.client(cast.lan)
    response = client.post(reverse("people:bulk", args=[cast.province.code]),
                           {"file": _upload(ROWS)})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    imp = AccountImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    return imp, page


def _problems(page: str, row: int) -> str:
    return page.split(f'data-label="Dòng">{row}</td>')[1].split("</tr>")[0]


def test_the_preview_names_each_rows_errors_and_creates_nothing(cast: Cast, twins: None) -> None:
    _imp, page = _preview(cast)
    assert "<strong>2</strong> tài khoản mới" in page and "<strong>5</strong> dòng có lỗi" in page
    assert "<strong>4</strong> vai trò sẽ giao" in page
    assert "mới" in _problems(page, 4) and "Vui lòng" not in _problems(page, 4)
    six = _problems(page, 6)
    assert "Đơn vị" in six and "24373-05" in six and "24190-05" in six and "Vui lòng" in six
    assert "Xã Ea Kar" in _problems(page, 7) and "24373" in _problems(page, 7)
    eight = _problems(page, 8)
    assert "Số điện thoại" in eight and "Vai trò" in eight and "Chuyên trách" in eight
    assert "Vui lòng" in _problems(page, 9) and "Trần Thị Hoa" not in _problems(page, 9)
    assert "tài khoản đã có" in _problems(page, 10)
    assert "dòng 4" in _problems(page, 12)
    assert not User.objects.filter(phone="0913111222").exists()


def test_confirming_makes_accounts_roles_and_slips_and_the_first_login_forces_a_change(
    cast: Cast, twins: None
) -> None:
    imp, _page = _preview(cast)
    client = cast.client(cast.lan)
    response = client.post(reverse("people:bulk_confirm", args=[cast.province.code, imp.pk]))
    assert response.status_code == 302
    hong = User.objects.get(phone="0913111222")
    assert hong.must_change_password and hong.full_name == "Phạm Thị Hồng"
    roles = {(a.unit.code, a.role, a.full_time) for a in hong.assignments.all()}
    assert roles == {("24373", Role.CADRE, True), ("24373-01", Role.VIEWER, False)}
    blu = User.objects.get(phone="0913333444")
    assert blu.assignments.get().unit == cast.branch_a1
    assert Assignment.objects.filter(user=cast.hoa, unit=cast.commune_b, role=Role.VIEWER).exists()
    assert not cast.hoa.__class__.objects.get(pk=cast.hoa.pk).must_change_password
    assert (
        User.objects.filter(full_name__in=["Lò Thị Sen", "Hà Thị Mai", "Phạm Văn Nam"]).count() == 0
    )
    assert AuditEvent.objects.filter(action="account.bulk_created").count() == 1
    assert AuditEvent.objects.filter(action="account.created").count() == 2
    # A second confirm changes nothing.
    client.post(reverse("people:bulk_confirm", args=[cast.province.code, imp.pk]))
    assert User.objects.filter(phone="0913111222").count() == 1

    slips = client.get(reverse("people:bulk_slips", args=[cast.province.code, imp.pk]))
    assert slips.status_code == 200 and slips.content.startswith(b"%PDF")
    assert slips["Content-Type"] == "application/pdf"
    # The slip's one-time password logs her in, and she must change it first.
    from hoiso.accounts import bulk

    password = next(s["password"] for s in bulk.cache.get(bulk.slips_key(imp))
                    if s["phone"] == "0913111222")  # fmt: skip
    html = bulk.render_to_string("accounts/slips.html", {"slips": bulk.cache.get(
        bulk.slips_key(imp)), "login_url": "http://x/accounts/login/"})  # fmt: skip
    assert html.count('class="slip"') == 2 and "đổi mật khẩu" in html and password in html
    newcomer = cast.client(None)
    assert newcomer.login(username="0913111222", password=password)
    home = newcomer.get(reverse("units:home", args=["24373"]))
    assert home.status_code == 302 and home["Location"] == reverse("accounts:password")


def test_a_commune_admin_sees_no_unit_outside_her_commune(cast: Cast) -> None:
    client = cast.client(cast.hoa)
    client.post(reverse("people:bulk", args=[cast.commune_a.code]),
                {"file": _upload([("Lê Thị Tư", "0913000111", "Xã Krông Pắc", "Cán bộ", "")])})  # fmt: skip
    imp = AccountImport.objects.get()
    page = client.get(reverse("people:bulk_detail", args=[cast.commune_a.code, imp.pk]))
    text = page.content.decode()
    assert "không có đơn vị “Xã Krông Pắc”" in text
    client.post(reverse("people:bulk_confirm", args=[cast.commune_a.code, imp.pk]))
    assert not User.objects.filter(phone="0913000111").exists()


def test_a_file_without_the_columns_is_refused_with_what_to_add(cast: Cast) -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet().write_row(0, 0, ("Họ và tên", "Đơn vị"))
    book.close()
    page = cast.client(cast.lan).post(
        reverse("people:bulk", args=[cast.province.code]),
        {"file": SimpleUploadedFile("x.xlsx", buffer.getvalue())},
    )
    assert page.status_code == 200
    assert "Số điện thoại" in page.content.decode() and not AccountImport.objects.exists()


@pytest.mark.parametrize("who", ["mai", "vy", "thu"])
def test_only_admins_of_the_unit_may_upload(cast: Cast, who: str) -> None:
    response = cast.client(getattr(cast, who)).get(
        reverse("people:bulk", args=[cast.commune_a.code])
    )
    assert response.status_code in (403, 404)


def test_the_cadres_list_is_cleared_after_the_retention_days(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from hoiso.members.retention import files_purge

    settings.GENERATED_FILES_RETENTION_DAYS = 7
    _imp, _page = _preview(cast)
    assert files_purge().account_lists == 0
    later = timezone.now() + dt.timedelta(days=8)
    assert files_purge(now=later).account_lists == 1
    assert AccountImport.objects.get().rows == []


def test_the_passwords_can_go_by_zalo_or_sms_instead_of_slips(cast: Cast, twins: None) -> None:
    from hoiso.notifications import delivery
    from hoiso.notifications.models import PURGED, Message

    imp, page = _preview(cast)
    assert 'value="send"' in page and 'value="slips" checked' in page
    client = cast.client(cast.lan)
    client.post(reverse("people:bulk_confirm", args=[cast.province.code, imp.pk]),
                {"passwords": "send"})  # fmt: skip
    imp.refresh_from_db()
    assert (imp.summary["new"], imp.summary["sent"], imp.summary["slips"]) == (2, 2, 0)
    # No slip is kept: the password is only in her message, which the outbox does not show.
    slips = client.get(reverse("people:bulk_slips", args=[cast.province.code, imp.pk]))
    assert slips.status_code == 404
    done = client.get(reverse("people:bulk_detail", args=[cast.province.code, imp.pk]))
    assert "Hộp thư đi" in done.content.decode() and "phiếu" not in done.content.decode().lower()
    hong = User.objects.get(phone="0913111222")
    message = Message.objects.get(user=hong)
    assert message.secret and message.unit == cast.province and message.phone == "0913111222"
    password = message.context["password"]
    assert password in message.short
    outbox = client.get(reverse("notifications:outbox", args=[cast.province.code]))
    assert password not in outbox.content.decode()
    delivery.deliver()
    message.refresh_from_db()
    assert message.short == PURGED and message.context == {}
    # The password she received logs her in, and she must change it first.
    newcomer = cast.client(None)
    assert newcomer.login(username="0913111222", password=password)
    home = newcomer.get(reverse("units:home", args=["24373"]))
    assert home.status_code == 302 and home["Location"] == reverse("accounts:password")


@pytest.mark.parametrize("who", ["hoa", "mai", "vy", "thu"])
def test_no_one_without_the_right_confirms_either_way(cast: Cast, twins: None, who: str) -> None:
    from django.core.exceptions import PermissionDenied

    from hoiso.accounts import bulk
    from hoiso.notifications.models import Message

    imp, _page = _preview(cast)  # Lan's, at the province
    for passwords in ("send", "slips"):
        response = cast.client(getattr(cast, who)).post(
            reverse("people:bulk_confirm", args=[cast.province.code, imp.pk]),
            {"passwords": passwords},
        )
        assert response.status_code in (403, 404)
        with pytest.raises(PermissionDenied):
            bulk.accounts_bulk_create(actor=getattr(cast, who), imp=imp, send=passwords == "send")
    assert not Message.objects.exists() and not User.objects.filter(phone="0913111222").exists()
