"""In a real browser, at phone size: a commune cadre uploads her list, sees the row with an
error and what to fix, uploads the corrected file, confirms, and finds the new members listed."""

from pathlib import Path

import pytest
import xlsxwriter

from hoiso.conftest import log_in
from hoiso.members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = [
    ["Nguyễn Thị Thu Hà", "12/05/1988", "0905 111 222", "Thôn 1"],
    ["H'Linh Niê", 1992, "+84 912 333 444", "Chi hội Thôn 01"],
    ["TRẦN THỊ  BÍCH", "31/02/1985", "0987123456", "buôn Ea Sinh"],
]


def _write(path: Path, rows: list[list[object]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("DS hội viên")
    sheet.write(0, 0, "DANH SÁCH HỘI VIÊN XÃ EA KAR")
    sheet.write_row(2, 0, ["STT", "Họ và tên", "Ngày sinh", "SĐT", "Chi hội"])
    sheet.write_row(3, 0, [1, 2, 3, 4, 5])
    for i, row in enumerate(rows, start=1):
        sheet.write_row(3 + i, 0, [i, *row])
    sheet.write(4 + len(rows), 1, "Tổng cộng: 3 hội viên")
    book.close()
    return path


def test_a_cadre_imports_a_list_fixing_an_error_on_the_way(cast, live_server, chromium, tmp_path):
    base = live_server.url
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    log_in(page, base, "hoa")
    page.goto(f"{base}/u/{cast.commune_a.code}/members/")
    page.get_by_role("link", name="Nhập danh sách").click()
    page.set_input_files("input[name=file]", str(_write(tmp_path / "ds.xlsx", ROWS)))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    # The preview: two new members, one row with an error naming its cell and what to do.
    page.get_by_text("Kết quả Hội Số đọc được").wait_for()
    tiles = page.locator(".tiles").inner_text()
    assert "2\nhội viên mới" in tiles and "1\ndòng có lỗi" in tiles
    problem = page.locator("table.rows tr.error").inner_text()
    assert "Trần Thị Bích" in problem
    assert "Ngày sinh (C7)" in problem and "31/02/1985" in problem
    assert not Member.objects.exists()

    # She fixes the date in her file and uploads it again to the same import.
    fixed = [*ROWS[:2], ["TRẦN THỊ  BÍCH", "28/02/1985", "0987123456", "buôn Ea Sinh"]]
    page.set_input_files(
        "form[action$='/file/'] input[name=file]", str(_write(tmp_path / "ds2.xlsx", fixed))
    )
    page.locator("form[action$='/file/'] button").click()
    page.get_by_text("Kết quả Hội Số đọc được").wait_for()
    tiles = page.locator(".tiles").inner_text()
    assert "3\nhội viên mới" in tiles and "0\ndòng có lỗi" in tiles

    page.get_by_role("button", name="Xác nhận nhập danh sách").click()
    page.get_by_text("3 hội viên đã được thêm.").wait_for()
    page.get_by_role("link", name="Xem danh sách hội viên").click()
    listed = page.locator("#results").inner_text()
    for name in ("Nguyễn Thị Thu Hà", "H'Linh Niê", "Trần Thị Bích"):
        assert name in listed
    bich = Member.objects.get(full_name="Trần Thị Bích")
    assert bich.branch == cast.branch_a2 and str(bich.birth_date) == "1985-02-28"
    assert Member.objects.get(full_name="H'Linh Niê").phone == "0912333444"
    context.close()
