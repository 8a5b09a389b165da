"""Finding the header row of a field spreadsheet and what each column holds.

Field lists carry title rows above the header, headers merged across two rows ("Năm sinh" over
"Nam" | "Nữ"), a row of column numbers under the header, and totals and signatures at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from hoiso.core.text import fold
from hoiso.units.naming import is_village_kind

# What each column may be called, folded (no diacritics, lower case, single spaces).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("stt", "tt", "so tt", "so thu tu"),
    "full_name": ("ho va ten", "ho ten", "ho, ten", "ho va ten hoi vien", "ten hoi vien",
                  "ho ten hoi vien", "ho va ten (khai sinh)"),
    "birth_date": ("ngay sinh", "ngay thang nam sinh", "ngay, thang, nam sinh", "nam sinh",
                   "sinh ngay", "ngay/thang/nam sinh"),
    "sex": ("gioi tinh", "gioi"),
    "citizen_id": ("so cccd", "cccd", "cccd/cmnd", "cmnd/cccd", "so cmnd", "cmnd",
                   "so dinh danh", "so dinh danh ca nhan", "can cuoc cong dan", "so can cuoc",
                   "so dinh danh (cccd)", "so dinh danh ca nhan (cccd)", "so dinh danh/cccd",
                   "so dinh danh ca nhan/cccd", "so can cuoc/cccd",
                   "so cccd/cmnd", "so cmnd/cccd"),
    "phone": ("sdt", "so dien thoai", "dien thoai", "so dt", "dt", "dien thoai lien he",
              "so dien thoai lien he"),
    "ethnicity": ("dan toc",),
    "religion": ("ton giao",),
    "address": ("dia chi", "noi o", "noi o hien nay", "cho o hien nay", "thuong tru",
                "dia chi thuong tru", "que quan"),
    "village": ("thon", "thon/buon", "thon, buon", "thon, buon, khu pho", "khu pho",
                "to dan pho", "thon (buon, khu pho)", "thon/to dan pho"),
    "branch": ("chi hoi", "ten chi hoi", "sinh hoat tai chi hoi"),
    "join_date": ("ngay vao hoi", "ngay ket nap", "nam vao hoi", "ngay vao hoi lhpn"),
    "card_number": ("so the", "so the hoi vien", "ma the", "so the hv"),
    "education": ("trinh do hoc van", "hoc van", "trinh do van hoa", "van hoa"),
    "occupation": ("nghe nghiep", "nghe nghiep hien nay"),
    "party_member": ("dang vien", "la dang vien"),
    "commune": ("xa", "xa/phuong", "phuong/xa", "xa, phuong", "xa, phuong, thi tran",
                "xa/phuong/thi tran", "xa (phuong)", "phuong, xa"),
    "district": ("huyen", "quan/huyen", "huyen/quan", "huyen, thi xa", "huyen/thi xa",
                 "huyen, thi xa, thanh pho"),
}  # fmt: skip
_LOOKUP = {variant: name for name, variants in SYNONYMS.items() for variant in variants}
_NUMBER_CELL = re.compile(r"^\(?\d{1,2}\)?$")
# Totals and signature blocks under the list: "Tổng cộng", "Người lập biểu", "T/M Ban Chấp hành".
_END_WORDS = ("tong cong", "tong so", "tong:", "cong:", "nguoi lap", "xac nhan", "ngay ", "tm.",
              "tm ", "t/m", "ky ten", "ky, ghi ro", "ghi chu", "chu tich", "pho chu tich",
              "truong ban", "can bo lap")  # fmt: skip
# The signature block: nothing under it is a member ("Người lập biểu", "T/M Ban Chấp hành",
# "Ea Kar, ngày 20 tháng 11 năm 2025", and the signatories' names below).
_SIGNATURE_WORDS = ("nguoi lap", "xac nhan", "tm.", "tm ", "t/m", "ky ten", "ky, ghi ro",
                    "chu tich", "pho chu tich", "truong ban", "can bo lap")  # fmt: skip
_SIGNED_ON = re.compile(r"ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}")


def header_key(header: Any) -> str:
    """A header as headers are compared and remembered: folded, without "(2)" or ":"."""
    text = fold(str(header or "")).rstrip(":*").strip()  # "Họ và tên *" marks it required
    return re.sub(r"\s*\(\s*\d+\s*\)$", "", text).rstrip(":*").strip()  # "Họ và tên (2)"


def field_of(header: Any, known: dict[str, str] | None = None) -> str | None:
    """The record field a header names, or None. `known` holds a unit's own corrections
    (header key → field, "" for a column to leave out)."""
    text = header_key(header)
    if known and text in known:
        return known[text] or None
    return _LOOKUP.get(text) or ("village" if _names_villages(text) else None)


def _names_villages(text: str) -> bool:
    """ "Thôn", "Ấp", "Bản", "Thôn/Buôn", "Thôn, bản, tổ dân phố", "Ấp (khóm)": a column headed by
    kinds of village, however they are written together, holds the village."""
    parts = [p for p in re.split(r"\s*(?:[/,;()\-]|\bhoac\b|\bva\b)\s*", text) if p]
    return bool(parts) and all(is_village_kind(p) for p in parts)


@dataclass
class Layout:
    """Where the data starts and which column holds what (column index → field)."""

    header_row: int
    first_data_row: int
    columns: dict[int, str] = field(default_factory=dict)
    # Columns whose header says the person's sex ("Năm sinh" split into "Nam" | "Nữ").
    male_birth_column: int | None = None
    # The header text of each column, as the file writes it.
    headers: dict[int, str] = field(default_factory=dict)
    _by_field: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _built_for: int = field(default=-1, repr=False, compare=False)

    def column_of(self, name: str) -> int | None:
        """The (first) column holding the field; asked for every cell of a big file."""
        if self._built_for != len(self.columns):
            self._by_field = {}
            for col, f in sorted(self.columns.items(), reverse=True):
                self._by_field[f] = col
            self._built_for = len(self.columns)
        return self._by_field.get(name)


def _cells(row: Sequence[Any]) -> list[str]:
    return [_text(c) for c in row]


def _text(cell: Any) -> str:
    if cell is None or cell == "":
        return ""
    if isinstance(cell, float) and cell.is_integer():  # spreadsheets store 1 as 1.0
        return str(int(cell))
    return fold(str(cell))


def _filled(row: Sequence[Any]) -> list[str]:
    """Merged cells arrive as one value and blanks: carry a header over the blanks to its right."""
    out, last = [], ""
    for cell in _cells(row):
        last = cell or last
        out.append(last)
    return out


def find_layout(
    rows: Sequence[Sequence[Any]], scan: int = 25, known: dict[str, str] | None = None
) -> Layout | None:
    """The header is the row (of the first `scan`) that names the most known columns."""
    best: tuple[int, int] | None = None
    for i, row in enumerate(rows[:scan]):
        score = sum(1 for cell in row if field_of(cell, known))
        if score >= 2 and (best is None or score > best[1]):
            best = (i, score)
    if best is None:
        return None
    index = best[0]
    layout = Layout(header_row=index, first_data_row=index + 1)
    parents = _filled(rows[index])
    below = _cells(rows[index + 1]) if index + 1 < len(rows) else []
    layout.headers = {
        col: str(cell) for col, cell in enumerate(rows[index]) if cell not in (None, "")
    }
    for col, cell in enumerate(rows[index]):
        if name := field_of(cell, known):
            layout.columns[col] = name
    # A second header row: "Nam" / "Nữ" under a merged "Năm sinh", or named columns under a
    # merged group heading. Only a row that reads as headers is one; else it is the first member.
    sub = [field_of(c, known) for c in (rows[index + 1] if index + 1 < len(rows) else [])]
    splits = {
        col: text
        for col, text in enumerate(below)
        if text in ("nu", "nam") and col < len(parents) and field_of(parents[col]) == "birth_date"
    }
    named = {col: f for col, f in enumerate(sub) if f and col not in layout.columns}
    if (splits or named) and not _is_numbering(below):
        for col, text in splits.items():
            layout.columns[col] = "birth_date"
            # "Năm sinh (Nữ)": the merged heading names the column only once.
            heading = next(
                (
                    str(rows[index][c])
                    for c in range(col, -1, -1)
                    if rows[index][c] not in (None, "")
                ),
                "",
            )
            layout.headers[col] = f"{heading} ({rows[index + 1][col]})".strip()
            if text == "nam":
                layout.male_birth_column = col
        for col, name in named.items():
            layout.columns[col] = name
            layout.headers[col] = str(rows[index + 1][col])
        layout.first_data_row += 1
    # The row of column numbers (1, 2, 3… or (1), (2)…) under the header.
    if layout.first_data_row < len(rows) and _is_numbering(_cells(rows[layout.first_data_row])):
        layout.first_data_row += 1
    return layout


def _is_numbering(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) >= 2 and all(_NUMBER_CELL.match(c) for c in filled)


def data_rows(rows: Sequence[Sequence[Any]], layout: Layout) -> Iterator[tuple[int, Sequence[Any]]]:
    """(spreadsheet row number, cells) of each member row; totals, signatures and blank rows at
    the end are left out."""
    name_col = layout.column_of("full_name")
    for i in range(layout.first_data_row, len(rows)):
        row = rows[i]
        raw_first = next((c for c in row if c is not None and c != ""), None)
        if raw_first is None:
            continue  # a blank row
        name_cell = _cell(row, name_col) if name_col is not None else None
        name = _text(name_cell) if name_cell is not None else ""
        if name:
            # A member's row may say "Chủ tịch" in a note; only her name cell tells.
            if _signs(name):
                break
            if name.startswith(_END_WORDS):
                continue
        else:
            # No name: a totals or signature row, or a member whose name is missing.
            cells = [c for c in _cells(row) if c]
            if any(_signs(c) for c in cells):
                break
            if not cells or cells[0].startswith(_END_WORDS) or not _has_other_data(row, layout):
                continue
        yield i + 1, row


def _signs(text: str) -> bool:
    return text.startswith(_SIGNATURE_WORDS) or bool(_SIGNED_ON.search(text))


def _cell(row: Sequence[Any], col: int) -> Any:
    return row[col] if col < len(row) and row[col] not in (None, "") else None


def _has_other_data(row: Sequence[Any], layout: Layout) -> bool:
    return any(
        _cell(row, col) is not None for col, name in layout.columns.items() if name != "number"
    )
