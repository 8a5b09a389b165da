"""Field files as they come, read from disk and analysed: every format, the layouts around the
member list, and every value shape the field writes.

The helpers here (writing .xlsx, .ods and .csv files, analysing them) are shared by the other
`test_import_*` modules.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import xlsxwriter

from hoiso.conftest import Cast
from hoiso.core.sheets import UnreadableFile, read
from hoiso.members.choices import Kind, Religion, Sex
from hoiso.members.importing.analysis import analyse
from hoiso.members.importing.plan import ERROR, NEW, Plan, Row, Setup
from hoiso.units.models import Unit

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "SĐT", "Dân tộc", "Tôn giáo", "Chi hội"]
COLUMNS = ("number", "name", "born", "cid", "phone", "ethnicity", "religion", "branch")
CID = "066185000123"  # a woman born in 1985, registered in Đắk Lắk


def member(n: int = 1, name: str = "Nguyễn Thị Bình", **cells: Any) -> list[Any]:
    """A row under HEADER; unnamed cells are a valid woman of branch "Thôn 1"."""
    values = {"number": n, "name": name, "born": dt.date(1985, 3, 5), "branch": "Thôn 1", **cells}
    return [values.get(c) for c in COLUMNS]


# --- Writing files --------------------------------------------------------------------------------


def xlsx(
    path: Path,
    sheets: dict[str, Sequence[Sequence[Any]]],
    merges: Sequence[tuple[str, int, int, int, int]] = (),
) -> Path:
    """An .xlsx as Excel saves it: dates as date cells, numbers as numbers, text as text.
    `merges` are (sheet, first row, first col, last row, last col) over cells already written."""
    book = xlsxwriter.Workbook(str(path))
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, day)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
        for sheet_name, r1, c1, r2, c2 in merges:
            if sheet_name == name:
                sheet.merge_range(r1, c1, r2, c2, rows[r1][c1])
    book.close()
    return path


def _ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value:%Y-%m-%d}">'
                f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>")  # fmt: skip
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")  # fmt: skip
    text = escape(value)
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def ods(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    """A minimal but valid OpenDocument spreadsheet (a zip holding content.xml)."""
    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join(
            "<table:table-row>" + "".join(_ods_cell(c) for c in row) + "</table:table-row>"
            for row in rows
        )
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


# The marks that make a letter of its own (â, ă, ơ…), as opposed to the five tones.
_SHAPES = {"\u0302", "\u0306", "\u031b"}


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters with their vowel marks
    precomposed (ê, ơ, ă…) and the tone as a separate combining mark."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            shape = "".join(m for m in marks if m in _SHAPES)
            tones = "".join(m for m in marks if m not in _SHAPES)
            out += unicodedata.normalize("NFC", base + shape).encode("cp1258")
            out += tones.encode("cp1258")
    return out


def csv_file(path: Path, rows: Sequence[Sequence[Any]], *, kind: str) -> Path:
    """A .csv as Excel and LibreOffice save one: `kind` is utf-8-bom, utf-16-tab, cp1258 or
    semicolon."""
    sep = {"utf-16-tab": "\t", "semicolon": ";"}.get(kind, ",")
    lines = []
    for row in rows:
        cells = ["" if c is None else f"{c:%d/%m/%Y}" if isinstance(c, dt.date) else str(c)
                 for c in row]  # fmt: skip
        lines.append(sep.join(f'"{c}"' if sep in c else c for c in cells))
    text = "\r\n".join(lines) + "\r\n"
    if kind == "utf-16-tab":
        data = text.encode("utf-16")  # with its byte-order mark, as Excel's "Unicode text"
    elif kind == "cp1258":
        data = _cp1258(text)
    else:
        data = text.encode("utf-8-sig")
    path.write_bytes(data)
    return path


def plan_of(path: Path, unit: Unit, **setup: Any) -> Plan:
    return analyse(read(path, path.name), Setup(unit=unit, **setup))


def only_row(plan: Plan) -> Row:
    assert len(plan.rows) == 1, [(r.ref, r.name, r.problems) for r in plan.rows]
    return plan.rows[0]


def rows_by_name(plan: Plan) -> dict[str, Row]:
    return {r.name: r for r in plan.rows}


# --- Formats -------------------------------------------------------------------------------------

LIST = [
    HEADER,
    member(1, "Nguyễn Thị Bình", cid=CID, phone="0912345678", ethnicity="Kinh"),
    member(2, "H'Mai Niê", born="05/03/1985", ethnicity="Ê Đê", religion="Tin Lành"),
    member(3, "Trần Thị Ánh", born=1990, branch="Buôn Ea Sinh"),
]


def _check_list(plan: Plan, cast: Cast) -> None:
    found = rows_by_name(plan)
    assert list(found) == ["Nguyễn Thị Bình", "H'Mai Niê", "Trần Thị Ánh"]
    assert all(r.status == NEW for r in plan.rows), [r.problems for r in plan.rows]
    binh, mai, anh = found.values()
    assert binh.values["citizen_id"] == CID and binh.values["phone"] == "0912345678"
    assert binh.values["birth_date"] == dt.date(1985, 3, 5)
    assert mai.values["birth_date"] == dt.date(1985, 3, 5)
    assert (mai.values["ethnicity"], mai.values["religion"]) == (12, Religion.PROTESTANTISM)
    assert anh.values["birth_year"] == 1990 and "birth_date" not in anh.values
    assert binh.branch_id == mai.branch_id == cast.branch_a1.pk
    assert anh.branch_id == cast.branch_a2.pk


def test_it_reads_an_xlsx(cast: Cast, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"Danh sách": LIST})
    _check_list(plan_of(path, cast.commune_a), cast)


def test_it_reads_an_ods(cast: Cast, tmp_path: Path) -> None:
    path = ods(tmp_path / "ds.ods", {"Danh sách": LIST})
    _check_list(plan_of(path, cast.commune_a), cast)


@pytest.mark.parametrize("kind", ["utf-8-bom", "utf-16-tab", "cp1258", "semicolon"])
def test_it_reads_a_csv_in_every_encoding_and_separator_excel_uses(
    cast: Cast, tmp_path: Path, kind: str
) -> None:
    path = csv_file(tmp_path / "ds.csv", LIST, kind=kind)
    plan = plan_of(path, cast.commune_a)
    _check_list(plan, cast)
    # Text read from Windows-1258 (tones as separate marks) is stored composed.
    assert all(unicodedata.is_normalized("NFC", r.name) for r in plan.rows)


def test_it_reads_a_csv_whose_addresses_hold_the_separator(cast: Cast, tmp_path: Path) -> None:
    rows = [[*HEADER, "Địa chỉ"],
            [*member(1), "Thôn 1, xã Ea Đar, huyện Ea Kar"],
            [*member(2, "Lê Thị Hoa"), "Thôn 1, xã Cư Huê, huyện Ea Kar"]]  # fmt: skip
    plan = plan_of(csv_file(tmp_path / "ds.csv", rows, kind="utf-8-bom"), cast.commune_a)
    assert [r.status for r in plan.rows] == [NEW, NEW], [r.problems for r in plan.rows]
    assert plan.rows[0].values["address"] == "Thôn 1, xã Ea Đar, huyện Ea Kar"


def test_it_refuses_a_file_of_another_kind(tmp_path: Path) -> None:
    path = tmp_path / "ds.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(UnreadableFile, match=r"ds\.pdf"):
        read(path, path.name)


def test_it_refuses_a_broken_spreadsheet_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "ds.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(UnreadableFile) as e:
        read(path, path.name)
    assert str(e.value)


# --- Layouts -------------------------------------------------------------------------------------


def test_it_reads_a_list_under_titles_with_a_merged_two_row_header_and_column_numbers(
    cast: Cast, tmp_path: Path
) -> None:
    rows: list[list[Any]] = [
        ["HỘI LHPN XÃ EA KAR", None, None, None, None, None],
        ["DANH SÁCH HỘI VIÊN NĂM 2025", None, None, None, None, None],
        [],
        ["STT", "Họ và tên", "Năm sinh", None, "Số CCCD", "Chi hội"],
        [None, None, "Nam", "Nữ", None, None],
        [1, 2, 3, 4, 5, 6],
        [1, "Nguyễn Thị Bình", None, dt.date(1985, 3, 5), CID, "Thôn 1"],
        [2, "Trần Văn An", 1980, None, None, "Thôn 1"],
        [3, "Tống Thị Lan", None, "1990", None, "Buôn Ea Sinh"],
        [],
        ["Tổng cộng: 3 hội viên", None, None, None, None, None],
        [None, "Người lập biểu", None, "T/M BAN CHẤP HÀNH", None, None],
        [None, None, None, "CHỦ TỊCH", None, None],
        [None, "Trần Thị Hoa", None, "Lê Thị Mai", None, None],
    ]
    merges = [("DS", 0, 0, 0, 5), ("DS", 1, 0, 1, 5), ("DS", 3, 2, 3, 3), ("DS", 3, 0, 4, 0),
              ("DS", 3, 1, 4, 1), ("DS", 3, 4, 4, 4), ("DS", 3, 5, 4, 5)]  # fmt: skip
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}, merges), cast.commune_a)
    assert [(r.number, r.name) for r in plan.rows[:3]] == [
        (7, "Nguyễn Thị Bình"), (8, "Trần Văn An"), (9, "Tống Thị Lan")
    ]  # fmt: skip
    binh, an, lan = plan.rows[:3]
    assert binh.status == an.status == lan.status == NEW, [r.problems for r in plan.rows]
    assert (binh.values["sex"], binh.values["kind"]) == (Sex.FEMALE, Kind.REGULAR)
    # A man's year in the "Nam" column: an honorary member.
    assert (an.values["sex"], an.values["kind"]) == (Sex.MALE, Kind.HONORARY)
    assert lan.values["birth_year"] == 1990


def test_it_leaves_out_the_signatures_under_the_list(cast: Cast, tmp_path: Path) -> None:
    """The names of the signers under "Người lập biểu" / "Chủ tịch" are not members."""
    rows: list[list[Any]] = [
        HEADER,
        member(1),
        [],
        ["Tổng cộng", None, None, None, None, None, None, None],
        [None, "Ea Kar, ngày 20 tháng 11 năm 2025", None, None, None, None, None, None],
        [None, "Người lập biểu", None, None, None, "Chủ tịch", None, None],
        [None, "Trần Thị Hoa", None, None, None, "Lê Thị Mai", None, None],
    ]
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), cast.commune_a)
    assert [r.name for r in plan.rows] == ["Nguyễn Thị Bình"]


def test_it_reads_every_sheet_with_a_list_and_skips_the_others(cast: Cast, tmp_path: Path) -> None:
    header = HEADER[:-1]  # no "Chi hội" column: the sheet's name says the branch
    sheets = {
        "Hướng dẫn": [["Cách điền danh sách"], ["Ghi họ tên đầy đủ, có dấu."]],
        "Thôn 1": [header, member(1, "Nguyễn Thị Bình")[:-1]],
        "Chi hội Buôn Ea Sinh": [header, member(1, "H'Mai Niê")[:-1],
                                 member(2, "H'Lan Êban")[:-1]],
    }  # fmt: skip
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", sheets), cast.commune_a)
    assert plan.skipped_sheets == ["Hướng dẫn"]
    assert [name for name, _layout in plan.sheets] == ["Thôn 1", "Chi hội Buôn Ea Sinh"]
    placed = {r.name: (r.ref, r.branch_id) for r in plan.rows}
    assert placed == {
        "Nguyễn Thị Bình": ("Thôn 1!2", cast.branch_a1.pk),
        "H'Mai Niê": ("Chi hội Buôn Ea Sinh!2", cast.branch_a2.pk),
        "H'Lan Êban": ("Chi hội Buôn Ea Sinh!3", cast.branch_a2.pk),
    }


def test_it_asks_for_a_branch_when_nothing_names_one(cast: Cast, tmp_path: Path) -> None:
    sheets = {"Sheet1": [HEADER[:-1], member(1)[:-1]]}
    path = xlsx(tmp_path / "ds.xlsx", sheets)
    row = only_row(plan_of(path, cast.commune_a))
    assert row.status == ERROR and row.problems[0][1]
    # A branch chosen for rows without one places it.
    row = only_row(plan_of(path, cast.commune_a, default_branch_id=cast.branch_a2.pk))
    assert (row.status, row.branch_id) == (NEW, cast.branch_a2.pk)


# --- Values, each through a real file ------------------------------------------------------------

NFD_NAME = unicodedata.normalize("NFD", "Nguyễn Thị Bình")


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # Dates: a date cell, the ways people type them, a year alone, a serial number.
        ({"born": dt.date(1985, 3, 5)}, {"birth_date": dt.date(1985, 3, 5), "birth_year": 1985}),
        ({"born": "05/03/1985"}, {"birth_date": dt.date(1985, 3, 5), "birth_year": 1985}),
        ({"born": "5-3-1985"}, {"birth_date": dt.date(1985, 3, 5), "birth_year": 1985}),
        ({"born": 1985}, {"birth_year": 1985}),
        ({"born": "1985"}, {"birth_year": 1985}),
        ({"born": 31111}, {"birth_date": dt.date(1985, 3, 5)}),
        # Phones with spaces, +84, and the leading zero lost to a number cell.
        ({"phone": "0912 345 678"}, {"phone": "0912345678"}),
        ({"phone": "+84 912 345 678"}, {"phone": "0912345678"}),
        ({"phone": "+84912345678"}, {"phone": "0912345678"}),
        ({"phone": 912345678}, {"phone": "0912345678"}),
        # Citizen IDs typed as numbers (zeros lost), with spaces.
        ({"cid": 66185000123}, {"citizen_id": CID}),
        ({"cid": 1185000123}, {"citizen_id": "001185000123"}),
        ({"cid": "066 185 000 123"}, {"citizen_id": CID}),
        # Names in capitals, with doubled spaces, in decomposed Unicode.
        ({"name": "NGUYỄN THỊ BÌNH"}, {"full_name": "Nguyễn Thị Bình"}),
        ({"name": "Nguyễn  Thị   Bình "}, {"full_name": "Nguyễn Thị Bình"}),
        ({"name": NFD_NAME}, {"full_name": "Nguyễn Thị Bình"}),
        ({"name": "H'MAI NIÊ"}, {"full_name": "H'Mai Niê"}),
        # Ethnic groups and religions in their usual spellings.
        ({"ethnicity": "Kinh"}, {"ethnicity": 1}),
        ({"ethnicity": "Ê Đê"}, {"ethnicity": 12}),
        ({"ethnicity": "Êđê"}, {"ethnicity": 12}),
        ({"ethnicity": "dân tộc Ê-đê"}, {"ethnicity": 12}),
        ({"ethnicity": "M'Nông"}, {"ethnicity": 20}),
        ({"ethnicity": "Gia Rai"}, {"ethnicity": 10}),
        ({"religion": "Không"}, {"religion": Religion.NONE}),
        ({"religion": "Phật giáo"}, {"religion": Religion.BUDDHISM}),
        ({"religion": "Thiên Chúa giáo"}, {"religion": Religion.CATHOLICISM}),
        ({"religion": "Đạo Tin Lành"}, {"religion": Religion.PROTESTANTISM}),
    ],
)
def test_it_reads_every_value_shape_from_a_real_file(
    cast: Cast, tmp_path: Path, cells: dict[str, Any], expected: dict[str, Any]
) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"DS": [HEADER, member(1, **cells)]})
    row = only_row(plan_of(path, cast.commune_a))
    assert row.status == NEW, row.problems
    assert {k: row.values.get(k) for k in expected} == expected
    if "full_name" in expected:
        assert unicodedata.is_normalized("NFC", row.values["full_name"])


@pytest.mark.parametrize(
    ("cells", "cell", "words"),
    [
        ({"cid": 241234567}, "D2", "241234567"),  # the old 9-digit CMND
        ({"cid": "0661850001"}, "D2", ""),  # neither a CCCD nor a CMND
        ({"born": "31/02/1985"}, "C2", "31/02/1985"),
        ({"born": "ngày 5 tháng 3"}, "C2", "ngày 5 tháng 3"),
        ({"phone": "12345"}, "E2", "12345"),
        ({"ethnicity": "Xyz"}, "F2", "Xyz"),
        ({"religion": "Đạo lạ"}, "G2", "Đạo lạ"),
        ({"name": "Nguyễn Thị 2"}, "B2", "Nguyễn Thị 2"),
        # A citizen ID that says born in 1985 beside a birth year of 1990.
        ({"born": 1990, "cid": CID}, "D2", ""),
    ],
)
def test_it_turns_a_bad_value_into_an_error_naming_its_cell(
    cast: Cast, tmp_path: Path, cells: dict[str, Any], cell: str, words: str
) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"DS": [HEADER, member(1, **cells)]})
    row = only_row(plan_of(path, cast.commune_a))
    assert row.status == ERROR
    where, message = row.problems[0]
    assert where.endswith(f"({cell})") and message
    assert words in message
