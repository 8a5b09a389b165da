"""In a real browser, at 360 px: a commune cadre whose commune has no branches yet imports her
first list, chooses to create the branches it names, confirms, and finds them made."""

from pathlib import Path

import pytest
import xlsxwriter

from hoiso.accounts.roles import Role
from hoiso.conftest import log_in, make_unit, make_user
from hoiso.members.models import Member
from hoiso.units.models import Level, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _write(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("DS")
    sheet.write_row(0, 0, ["STT", "Họ và tên", "Năm sinh", "Thôn, buôn"])
    rows = [("Nguyễn Thị Thu Hà", 1988, "THÔN 3"), ("H'Linh Niê", 1992, "Buôn Ea Kmar"),
            ("Trần Thị Bích", 1985, "thôn 03")]  # fmt: skip
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, [i, *row])
    book.close()
    return path


def test_a_cadre_imports_her_first_list_and_her_branches_are_made(
    cast, live_server, chromium, tmp_path
):
    commune = make_unit(cast.province, Level.COMMUNE, "24400", "Xã Cư Huê")
    make_user("nga", "Y Nga", "0912000077", (commune, Role.CADRE))
    base = live_server.url
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    log_in(page, base, "nga")
    page.goto(f"{base}/u/{commune.code}/members/")
    page.get_by_role("link", name="Nhập danh sách").click()
    page.set_input_files("input[name=file]", str(_write(tmp_path / "ds.xlsx")))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    # Every row waits: her villages are not branches yet; each is offered, with its rows.
    page.get_by_text("Kết quả Hội Số đọc được").wait_for()
    assert "0\nhội viên mới" in page.locator(".tiles").inner_text()
    offer = page.get_by_role("combobox", name="THÔN 3")
    assert "Tạo chi hội mới: Chi hội Thôn 3" in offer.locator("option:checked").inner_text()
    assert "2 dòng" in page.get_by_text("THÔN 3 (Xã Cư Huê)").inner_text()
    assert page.viewport_size and page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Áp dụng lựa chọn và kiểm tra lại").first.click()

    page.locator("#new-branches").wait_for()
    assert "Chi hội Buôn Ea Kmar" in page.locator("#new-branches").inner_text()
    assert "3\nhội viên mới" in page.locator(".tiles").inner_text()
    assert not Unit.objects.filter(parent=commune).exists()
    page.get_by_role("button", name="Xác nhận nhập danh sách").click()
    page.get_by_text("Đã tạo 2 chi hội.").wait_for()

    page.goto(f"{base}/u/{commune.code}/")
    home = page.locator("main").inner_text()
    assert "Chi hội Thôn 3" in home and "Chi hội Buôn Ea Kmar" in home
    thon3 = Unit.objects.get(parent=commune, name="Chi hội Thôn 3")
    assert Member.objects.filter(branch=thon3).count() == 2
    context.close()
