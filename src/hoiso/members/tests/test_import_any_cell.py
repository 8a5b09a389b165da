"""Whatever a list's cells hold, the import reads it without raising, and every row comes out
either as a member to add or update, or with problems that say what to fix; .xls files too."""

import datetime as dt

import pytest
import xlwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoiso.core.sheets import Sheet, read
from hoiso.members.importing.analysis import analyse
from hoiso.members.importing.plan import DUPLICATE, ERROR, NEW, UNCHANGED, UPDATE, Setup

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "SĐT", "Dân tộc", "Tôn giáo",
          "Chi hội", "Địa chỉ", "Ngày vào Hội", "Trình độ học vấn", "Đảng viên"]  # fmt: skip

cell = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1800, 1, 1), max_value=dt.datetime(2100, 12, 31)),
    st.sampled_from(["Thôn 1", "Nữ", "Nam", "Kinh", "Ê-đê", "x", "12/12", "05/03/1985", "1985",
                     "0905 123 456", "066185000123", "xã Ea Đar, huyện Ea Kar", "Tổng cộng"]),
)  # fmt: skip
row = st.lists(cell, min_size=0, max_size=len(HEADER) + 2)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(row, max_size=8))
def test_any_cells_make_members_or_row_errors_never_a_crash(cast, rows):
    plan = analyse([Sheet("DS", [HEADER, *rows])], Setup(unit=cast.commune_a))
    for r in plan.rows:
        assert r.status in (NEW, UPDATE, UNCHANGED, DUPLICATE, ERROR)
        if r.status == ERROR:
            assert r.problems and all(message for _where, message in r.problems)
        else:
            assert r.values["full_name"] and r.branch_id is not None


def test_an_xls_file_is_read_like_any_other(cast, tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("Thôn 1")
    sheet.write(0, 0, "DANH SÁCH HỘI VIÊN")
    for col, text in enumerate(["STT", "Họ và tên", "Ngày sinh", "SĐT"]):
        sheet.write(2, col, text)
    day = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    sheet.write(3, 0, 1)
    sheet.write(3, 1, "NGUYỄN THỊ  HẠNH")
    sheet.write(3, 2, dt.date(1984, 7, 2), day)
    sheet.write(3, 3, 905123456)  # the leading zero lost to a number cell
    path = tmp_path / "ds.xls"
    book.save(str(path))
    plan = analyse(read(path), Setup(unit=cast.commune_a))
    (member,) = plan.rows
    assert member.status == NEW, member.problems
    assert member.values["full_name"] == "Nguyễn Thị Hạnh"
    assert member.values["birth_date"] == dt.date(1984, 7, 2)
    assert member.values["phone"] == "0905123456"
    assert member.branch_id == cast.branch_a1.pk  # the sheet is named after the branch
