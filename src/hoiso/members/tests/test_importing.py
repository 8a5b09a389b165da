"""Reading field spreadsheets: every value shape, the header as it really is, and no crashes."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoiso.members.choices import Religion
from hoiso.members.importing.headers import data_rows, field_of, find_layout
from hoiso.members.importing.values import (
    parse_citizen_id,
    parse_date,
    parse_ethnicity,
    parse_name,
    parse_phone,
    parse_religion,
)

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.date(1985, 3, 5), dt.date(1985, 3, 5)),
        (dt.datetime(1985, 3, 5, 0, 0), dt.date(1985, 3, 5)),
        ("05/03/1985", dt.date(1985, 3, 5)),
        ("5-3-1985", dt.date(1985, 3, 5)),
        ("5.3.1985", dt.date(1985, 3, 5)),
        (" 05 / 03 / 1985 ", dt.date(1985, 3, 5)),
        ("1985-03-05", dt.date(1985, 3, 5)),
        ("5/3/85", dt.date(1985, 3, 5)),
        (31111, dt.date(1985, 3, 5)),  # Excel's serial number for that day
        (31111.0, dt.date(1985, 3, 5)),
    ],
)
def test_it_reads_dates_as_the_field_writes_them(cell, expected):
    assert parse_date(cell, today=TODAY).value == expected


@pytest.mark.parametrize("cell", ["1985", 1985, 1985.0])
def test_it_reads_a_year_alone_as_a_year(cell):
    parsed = parse_date(cell, today=TODAY)
    assert (parsed.value, parsed.year_only) == (1985, True)


@pytest.mark.parametrize("cell", ["31/02/1985", "32/01/1985", "ngày 5", "05/03/2030", "2030", True])
def test_it_says_what_is_wrong_with_a_bad_date(cell):
    parsed = parse_date(cell, today=TODAY)
    assert not parsed.ok and parsed.error


@pytest.mark.parametrize(
    "cell",
    ["0912 345 678", "0912.345.678", "+84 912 345 678", "84912345678", 912345678, 912345678.0],
)
def test_it_reads_phones_in_every_shape(cell):
    assert parse_phone(cell).value == "0912345678"


def test_it_refuses_a_phone_that_is_not_one():
    assert parse_phone("12345").error


@pytest.mark.parametrize(
    "cell",
    ["066185000123", "066 185 000 123", 66185000123, 66185000123.0, "066.185.000.123"],
)
def test_it_reads_citizen_ids_even_when_typed_as_numbers(cell):
    assert parse_citizen_id(cell).value == "066185000123"


def test_it_explains_that_an_old_identity_card_is_not_a_citizen_id():
    parsed = parse_citizen_id("241234567")
    assert not parsed.ok and "241234567" in parsed.error


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("NGUYỄN THỊ BÌNH", "Nguyễn Thị Bình"),
        ("nguyễn  thị   bình", "Nguyễn Thị Bình"),
        (unicodedata.normalize("NFD", "Nguyễn Thị Bình"), "Nguyễn Thị Bình"),
        ("H'MAI NIÊ", "H'Mai Niê"),
        ("Lê Thị Ánh ", "Lê Thị Ánh"),
    ],
)
def test_it_cleans_names(cell, expected):
    assert parse_name(cell).value == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Kinh", 1), ("Ê Đê", 12), ("Êđê", 12), ("Ede", 12), ("dân tộc Ê-đê", 12), ("M'Nông", 20),
     ("Mnông", 20), ("Jrai", 10), ("Gia Rai", 10), ("H'Mông", 8), ("Mông", 8), ("Tày", 2),
     ("Nùng", 7), ("Nước ngoài", 55)],
)  # fmt: skip
def test_it_knows_ethnic_groups_by_their_usual_spellings(cell, expected):
    assert parse_ethnicity(cell).value == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Không", Religion.NONE), ("Phật giáo", Religion.BUDDHISM), ("Đạo Phật", Religion.BUDDHISM),
     ("Công giáo", Religion.CATHOLICISM), ("Thiên Chúa giáo", Religion.CATHOLICISM),
     ("Tin Lành", Religion.PROTESTANTISM), ("Đạo Tin Lành", Religion.PROTESTANTISM),
     ("Cao Đài", Religion.CAO_DAI), ("", Religion.NOT_RECORDED)],
)  # fmt: skip
def test_it_knows_religions_by_their_usual_spellings(cell, expected):
    assert parse_religion(cell).value == expected


CELLS = st.one_of(
    st.none(), st.text(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.dates(), st.datetimes(),
)  # fmt: skip


@given(CELLS)
def test_it_never_raises_and_turns_every_bad_value_into_an_error(cell):
    for parse in (parse_date, parse_phone, parse_citizen_id, parse_name, parse_ethnicity,
                  parse_religion):  # fmt: skip
        parsed = parse(cell)
        assert parsed.ok or (isinstance(parsed.error, str) and parsed.error)


@pytest.mark.parametrize(
    "header", ["Họ và tên", "Họ tên", "HỌ VÀ TÊN", "Ngày sinh", "Năm sinh", "Số CCCD",
               "CCCD/CMND", "SĐT", "Số điện thoại", "Dân tộc", "Tôn giáo", "Họ và tên (2)"],
)  # fmt: skip
def test_it_recognises_headers_in_their_many_spellings(header):
    assert field_of(header) is not None


def test_it_finds_the_header_below_titles_with_merged_cells_and_a_numbering_row():
    rows = [
        ["HỘI LHPN XÃ EA KAR", None, None, None, None],
        ["DANH SÁCH HỘI VIÊN NĂM 2025", None, None, None, None],
        [None, None, None, None, None],
        ["STT", "Họ và tên", "Năm sinh", None, "Số CCCD"],
        [None, None, "Nam", "Nữ", None],
        [1, 2, 3, 4, 5],
        [1, "Nguyễn Thị Bình", None, 1985, "066185000123"],
        [2, "Trần Văn An", 1980, None, None],
        [3, "Tống Thị Lan", None, "1990", None],
        [None, None, None, None, None],
        ["Tổng cộng: 2 hội viên", None, None, None, None],
        [None, "Người lập biểu", None, "Chủ tịch", None],
    ]
    layout = find_layout(rows)
    assert layout is not None
    assert layout.header_row == 3 and layout.first_data_row == 6
    assert layout.columns == {0: "number", 1: "full_name", 2: "birth_date", 3: "birth_date",
                              4: "citizen_id"}  # fmt: skip
    assert layout.male_birth_column == 2
    found = list(data_rows(rows, layout))
    assert [number for number, _row in found] == [7, 8, 9]


def test_it_finds_no_layout_in_a_sheet_without_a_header():
    assert find_layout([["a", "b"], [1, 2]]) is None
