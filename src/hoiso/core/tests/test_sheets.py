"""The one spreadsheet reader: real files of every format, written here, read within the limits
or refused with a message that names the sheet, the cell and the limit; never a grid from A1 to a
far cell."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import python_calamine
import xlsxwriter
import xlwt
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hoiso.core.sheets import Limits, UnreadableFile, cell_name, read, read_bytes

SMALL = Limits(rows=40, columns=12, memory=64 * 1024 * 1024, size=5 * 1024 * 1024)
Cells = dict[tuple[int, int], Any]


# --- Writing real files ---------------------------------------------------------------------------


def xlsx_bytes(cells: Cells, sheet: str = "Danh sách") -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    ws = book.add_worksheet(sheet)
    for (r, c), value in cells.items():
        if isinstance(value, dt.date):
            ws.write_datetime(r, c, value, day)
        else:
            ws.write(r, c, value)
    book.close()
    return buffer.getvalue()


def xls_bytes(cells: Cells, sheet: str = "Thôn 1") -> bytes:
    book = xlwt.Workbook()
    ws = book.add_sheet(sheet)
    day = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for (r, c), value in cells.items():
        ws.write(r, c, value, day if isinstance(value, dt.date) else xlwt.Style.default_style)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ods_cell(value: Any, repeat: int) -> str:
    attrs = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if isinstance(value, bool):
        kind = f'office:value-type="boolean" office:boolean-value="{str(value).lower()}"'
    elif isinstance(value, int | float):
        kind = f'office:value-type="float" office:value="{value}"'
    elif isinstance(value, dt.date):
        kind = f'office:value-type="date" office:date-value="{value:%Y-%m-%d}"'
    else:
        kind = 'office:value-type="string"'
    return (
        f"<table:table-cell {kind}{attrs}><text:p>{escape(str(value))}</text:p></table:table-cell>"
    )


def ods_bytes(cells: Cells, repeats: dict[tuple[int, int], int] | None = None,
              last_row_repeat: int = 1, sheet: str = "Chi hội") -> bytes:  # fmt: skip
    """An .ods written as LibreOffice writes one: empty rows and cells as repeat counts; a cell
    may itself repeat across columns (`repeats`), and the last row down the sheet."""
    repeats = repeats or {}
    rows: dict[int, list[tuple[int, Any]]] = {}
    for (r, c), value in sorted(cells.items()):
        rows.setdefault(r, []).append((c, value))
    xml, at = [], 0
    for n, r in enumerate(sorted(rows)):
        if r > at:
            xml.append(f'<table:table-row table:number-rows-repeated="{r - at}">'
                       "<table:table-cell/></table:table-row>")  # fmt: skip
        last = n == len(rows) - 1
        rep = (
            f' table:number-rows-repeated="{last_row_repeat}"'
            if last and last_row_repeat > 1
            else ""
        )
        xml.append(f"<table:table-row{rep}>")
        column = 0
        for c, value in rows[r]:
            if c > column:
                xml.append(f'<table:table-cell table:number-columns-repeated="{c - column}"/>')
            xml.append(_ods_cell(value, repeats.get((r, c), 1)))
            column = c + repeats.get((r, c), 1)
        xml.append("</table:table-row>")
        at = r + 1
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(sheet)}">'
        f"{''.join(xml)}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def csv_bytes(cells: Cells, encoding: str = "utf-8-sig") -> bytes:
    height = max((r for r, _c in cells), default=-1) + 1
    lines = []
    for r in range(height):
        row = {c: v for (rr, c), v in cells.items() if rr == r}
        width = max(row, default=-1) + 1
        lines.append(",".join(_csv_field(row.get(c, "")) for c in range(width)))
    return "".join(line + "\r\n" for line in lines).encode(encoding)


def _csv_field(value: Any) -> str:
    """A cell as Excel writes it to CSV: a value holding a quote is quoted, its quotes doubled
    (commas are turned to semicolons, so that the separator stays the comma's)."""
    text = str(value).replace(",", ";")
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if '"' in text else text


def read_in_child(path: Path) -> dict[str, Any]:
    """Read a file in a child process held to 2 GB of address space, so that a reader that builds
    a far cell's grid fails this test instead of taking the test run down with it."""
    code = (
        "import json, sys, django; django.setup()\n"
        "from pathlib import Path\n"
        "from hoiso.core.sheets import UnreadableFile, read\n"
        "try:\n"
        "    sheets = read(Path(sys.argv[1]))\n"
        "    print(json.dumps({'rows': [len(s.rows) for s in sheets]}))\n"
        "except UnreadableFile as e:\n"
        "    print(json.dumps({'refused': str(e)}))\n"
    )

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hoiso.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True, text=True, timeout=300, env=env, preexec_fn=cap,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-1500:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- A far cell ---------------------------------------------------------------------------------

LIST = {(0, 0): "Họ và tên", (0, 1): "Năm sinh", (1, 0): "Nguyễn Thị Bình", (1, 1): 1985}


@pytest.mark.parametrize("lone", [False, True], ids=["beside-a-list", "alone"])
def test_a_cell_at_XFD1048576_is_refused_by_sheet_cell_and_limit(tmp_path, lone):
    cells = {} if lone else dict(LIST)
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_bytes({**cells, (1048575, 16383): "x"}))
    assert path.stat().st_size < 10_000
    found = read_in_child(path)
    message = found["refused"]
    assert "“Danh sách”" in message and "XFD1048576" in message and "200.000" in message


def test_an_ods_row_repeated_to_the_sheet_s_end_is_refused(tmp_path):
    path = tmp_path / "ds.ods"
    path.write_bytes(ods_bytes({**LIST, (5, 3): "x"}, repeats={(5, 3): 16381},
                               last_row_repeat=1048571))  # fmt: skip
    message = read_in_child(path)["refused"]
    assert "“Chi hội”" in message and "200.000" in message


def test_an_xls_cell_at_its_last_column_is_refused(tmp_path):
    path = tmp_path / "ds.xls"
    path.write_bytes(xls_bytes({**LIST, (65535, 255): "x"}))
    message = read_in_child(path)["refused"]
    assert "“Thôn 1”" in message and "IV65536" in message and "60" in message


def test_16384_used_columns_are_refused_naming_the_last_one(settings):
    settings.LANGUAGE_CODE = "en"
    header = {(0, c): f"Cột {c}" for c in range(16384)}
    with pytest.raises(UnreadableFile) as refused:
        read_bytes(xlsx_bytes(header), "ds.xlsx")
    assert "XFD1" in str(refused.value) and "BH" in str(refused.value)
    with pytest.raises(UnreadableFile, match="XFD1"):
        read_bytes(csv_bytes(header), "ds.csv")


def test_a_list_away_from_A1_is_read_from_A1_as_the_user_sees_it():
    cells = {(9, 2): "Họ và tên", (11, 4): 1985.0}
    for data, name in ((xlsx_bytes(cells), "ds.xlsx"), (ods_bytes(cells), "ds.ods"),
                       (xls_bytes(cells), "ds.xls")):  # fmt: skip
        (sheet,) = read_bytes(data, name, SMALL)
        assert len(sheet.rows) == 12 and {len(r) for r in sheet.rows} == {5}, name
        assert sheet.rows[9][2] == "Họ và tên" and sheet.rows[11][4] == 1985.0, name


# --- Limits from settings ------------------------------------------------------------------------


def test_rows_past_the_limit_are_refused_in_every_format(settings):
    settings.SHEET_MAX_ROWS = 30
    cells = {(r, 0): f"Chị {r}" for r in range(31)}
    for data, name in ((xlsx_bytes(cells), "ds.xlsx"), (ods_bytes(cells), "ds.ods"),
                       (xls_bytes(cells), "ds.xls"), (csv_bytes(cells), "ds.csv")):  # fmt: skip
        with pytest.raises(UnreadableFile, match="A31") as refused:
            read_bytes(data, name)
        assert "30" in str(refused.value)
        del cells[(30, 0)]
        assert len(read_bytes({"ds.xlsx": xlsx_bytes, "ds.ods": ods_bytes, "ds.xls": xls_bytes,
                               "ds.csv": csv_bytes}[name](cells), name)[0].rows) == 30  # fmt: skip
        cells[(30, 0)] = "Chị 30"


def test_a_file_past_the_size_limit_is_refused_naming_it(settings, tmp_path):
    settings.UPLOAD_MAX_MB = {"sheet": 1, "picture": 1}
    data = csv_bytes({(r, 0): "Nguyễn Thị Bình " * 4 for r in range(20_000)})
    assert len(data) > 1024 * 1024
    with pytest.raises(UnreadableFile, match="1 MB"):
        read_bytes(data, "ds.csv")
    (tmp_path / "ds.csv").write_bytes(data)
    with pytest.raises(UnreadableFile, match="1 MB"):
        read(tmp_path / "ds.csv")


def test_a_sheet_past_the_memory_bound_is_refused(settings):
    settings.SHEET_MAX_MEMORY_MB = 2
    cells = {
        (r, c): f"{r}-{c} " + "Hội Liên hiệp Phụ nữ " * 3 for r in range(2000) for c in range(12)
    }
    for data, name in ((xlsx_bytes(cells), "ds.xlsx"), (csv_bytes(cells), "ds.csv")):
        with pytest.raises(UnreadableFile, match="2 MB"):
            read_bytes(data, name)
    settings.SHEET_MAX_MEMORY_MB = 50
    assert len(read_bytes(xlsx_bytes(cells), "ds.xlsx")[0].rows) == 2000


def test_a_sheet_larger_in_cells_than_its_grid_is_refused():
    """A hostile .xlsx that writes one cell a million times: calamine would keep every copy."""
    data = xlsx_bytes({(0, 0): "x"})
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                cell = b'<c r="A1" t="n"><v>1</v></c>'
                body = body.replace(b"</row>", cell * 200 + b"</row>")
            z.writestr(info.filename, body)
    with pytest.raises(UnreadableFile):
        read_bytes(out.getvalue(), "ds.xlsx", SMALL)


# --- CSV -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16", "utf-8", "utf-8-sig"])
def test_a_csv_is_read_in_every_encoding_excel_writes_even_utf16_without_its_mark(encoding):
    data = csv_bytes(LIST, encoding)
    (sheet,) = read_bytes(data, "ds.csv", SMALL)
    assert sheet.rows == [["Họ và tên", "Năm sinh"], ["Nguyễn Thị Bình", "1985"]]


def test_a_csv_of_nul_bytes_without_a_pattern_is_explained():
    with pytest.raises(UnreadableFile, match="ký tự rỗng"):
        read_bytes(b"\x00\x00ab\x00\x00cd" * 100, "ds.csv", SMALL)


def test_a_utf16_csv_cut_in_the_middle_of_a_letter_is_explained():
    data = csv_bytes(LIST, "utf-16-le") + b"\x00\xd8"  # half of a surrogate pair
    with pytest.raises(UnreadableFile, match="Unicode text"):
        read_bytes(data, "ds.csv", SMALL)


def test_cell_names_are_those_excel_shows():
    assert [cell_name(0, 0), cell_name(4, 25), cell_name(0, 26), cell_name(1048575, 16383)] == [
        "A1", "Z5", "AA1", "XFD1048576"
    ]  # fmt: skip


# --- Any workbook -------------------------------------------------------------------------------

value = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Z"]),
            min_size=1, max_size=20),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda f: round(f, 3)),
    st.booleans(),
    st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2030, 12, 31)),
)  # fmt: skip
row = st.one_of(st.integers(0, 50), st.sampled_from([65535, 199_999, 1048575]))
column = st.one_of(st.integers(0, 14), st.sampled_from([59, 255, 16383]))
FORMATS = {"xlsx": (1048575, 16383), "ods": (1048575, 16383), "xls": (65535, 255),
           "csv": (2000, 16383)}  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(FORMATS)),
    cells=st.dictionaries(st.tuples(row, column), value, max_size=25),
    repeat=st.sampled_from([1, 1, 3, 16384]),
    rows_repeat=st.sampled_from([1, 1, 7, 1048000]),
)
# A cell holding a quote, as Excel writes it to CSV (quoted, its quote doubled).
@example(kind="csv", cells={(0, 0): "0", (0, 1): '"', (1, 0): "0"}, repeat=1, rows_repeat=1)
def test_no_workbook_makes_the_reader_pass_its_limits(kind, cells, repeat, rows_repeat):
    """Any file either comes back within the limits, cell for cell as calamine reads it, or is
    refused with a message; which of the two is decided by where its cells lie."""
    max_row, max_col = FORMATS[kind]
    cells = {(r, c): v for (r, c), v in cells.items() if r <= max_row and c <= max_col}
    repeats: dict[tuple[int, int], int] = {}
    if kind == "ods" and cells:
        r, c = max(cells)
        repeats[(r, c)] = min(repeat, 16384 - c)
    height = max((r + (rows_repeat if kind == "ods" and r == max(cells)[0] else 1)
                  for r, _c in cells), default=0)  # fmt: skip
    width = max((c + repeats.get((r, c), 1) for r, c in cells), default=0)
    if kind == "csv":
        width = max((c + 1 for r, c in cells), default=0)
    data = {
        "xlsx": lambda: xlsx_bytes(cells),
        "xls": lambda: xls_bytes(cells),
        "ods": lambda: ods_bytes(cells, repeats, rows_repeat),
        "csv": lambda: csv_bytes(cells),
    }[kind]()
    if height > SMALL.rows or width > SMALL.columns:
        with pytest.raises(UnreadableFile):
            read_bytes(data, f"ds.{kind}", SMALL)
        return
    sheets = read_bytes(data, f"ds.{kind}", SMALL)
    assert len(sheets) == 1
    rows = sheets[0].rows
    assert len(rows) <= SMALL.rows and all(len(r) <= SMALL.columns for r in rows)
    if kind == "csv":
        assert len(rows) == height
        return
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    expected = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    assert rows == [list(r) for r in expected]


def test_utf16_detection_does_not_mistake_vietnamese_utf8():
    text = "Họ và tên,Ngày sinh\r\nNguyễn Thị Ánh,05/03/1985\r\n"
    assert read_bytes(text.encode(), "ds.csv", SMALL)[0].rows[1][0] == "Nguyễn Thị Ánh"
    assert codecs.BOM_UTF8 not in text.encode()


def _with_row(cells_xml: str) -> bytes:
    """A real .xlsx with one more row written by hand, as another program might write it."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(LIST)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", cells_xml.encode() + b"</sheetData>")
            z.writestr(info.filename, body)
    return out.getvalue()


@pytest.mark.parametrize(
    "row",
    [
        '<row r="100"><c foo=">" r="Z100" t="n"><v>1</v></c></row>',
        '<row r="100"><c\nr="Z100" t="n"><v>1</v></c></row>',
        '<row r="100">' + '<c t="n"><v>1</v></c>' * 26 + "</row>",
        '<row r="100"><c r="A0100" t="n"><v>1</v></c></row>',
        '<row r="100"><c r="z100" t="n"><v>1</v></c></row>',
    ],
    ids=["quoted-bracket", "newline", "no-reference", "leading-zero", "lower-case"],
)
def test_a_far_cell_written_unusually_is_still_measured(row):
    with pytest.raises(UnreadableFile, match="100"):
        read_bytes(_with_row(row), "ds.xlsx", SMALL)


def test_cells_without_references_are_placed_as_calamine_places_them():
    data = _with_row('<row r="5"><c t="n"><v>7</v></c><c t="n"><v>8</v></c></row>')
    (sheet,) = read_bytes(data, "ds.xlsx", SMALL)
    expected = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert sheet.rows == [list(r) for r in expected.get_sheet_by_index(0).to_python(False)]
    assert sheet.rows[4][:2] == [7.0, 8.0]
