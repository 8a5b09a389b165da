"""The one way Hội Số writes a spreadsheet (.xlsx or .csv) that a cadre will open.

Every export, error workbook and template goes through here, so that text taken from the
database or from an uploaded file stays text: a member named `=HYPERLINK(…)`, a target titled
`{=…}` or a branch renamed `@SUM(A1)` is never a formula, a link or a number when the file is
opened (OWASP: formula injection). In .xlsx every string is written as a string cell, with
xlsxwriter's conversions off; in .csv, which has no cell types, a cell that a spreadsheet would
run gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

# A spreadsheet treats a CSV cell starting with these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def csv_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs: text that would start a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_name(name: str) -> str:
    """A worksheet name Excel accepts: no []:*?/\\, no quote at either end, at most 31 letters."""
    cleaned = _NOT_IN_SHEET_NAMES.sub(" ", name).strip().strip("'").strip()
    return cleaned[:31] or "Sheet"


class Sheet:
    """A worksheet that writes each value by its type; strings only ever as strings."""

    def __init__(self, sheet: Worksheet, date_format: Format) -> None:
        self._sheet, self._date = sheet, date_format

    def write(self, row: int, col: int, value: Any, fmt: Format | None = None) -> None:
        if value is None or value == "":
            if fmt is not None:
                self._sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            self._sheet.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float | Decimal):
            self._sheet.write_number(row, col, float(value), fmt)
        elif isinstance(value, dt.date):  # a datetime is a date too
            self._sheet.write_datetime(row, col, value, fmt or self._date)
        else:
            self._sheet.write_string(row, col, str(value), fmt)

    def write_row(
        self, row: int, col: int, values: Iterable[Any], fmt: Format | None = None
    ) -> None:
        for j, value in enumerate(values):
            self.write(row, col + j, value, fmt)

    def title(self, row: int, first: int, last: int, text: str, fmt: Format | None = None) -> None:
        """Text across merged cells (a title line)."""
        self._sheet.merge_range(row, first, row, last, "", fmt)
        self._sheet.write_string(row, first, text, fmt)

    def set_column(self, first: int, last: int, width: float, fmt: Format | None = None) -> None:
        self._sheet.set_column(first, last, width, fmt)

    def freeze_panes(self, row: int, col: int) -> None:
        self._sheet.freeze_panes(row, col)

    def autofilter(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self._sheet.autofilter(first_row, first_col, last_row, last_col)


class Workbook:
    """An .xlsx being written to a path or a binary file; `close()` finishes it."""

    def __init__(self, out: str | IO[bytes], *, large: bool = False) -> None:
        # `large`: rows are flushed as they are written (a province's list), so each row must be
        # written in order; otherwise the book is built in memory.
        self._book = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": large,
                "in_memory": not large,
                # Belt and braces: `Sheet.write` never hands a string to the converting writer.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._date = self._book.add_format({"num_format": "dd/mm/yyyy"})
        self._names: set[str] = set()
        self._number_formats: dict[str, Format] = {}

    def add_format(self, properties: dict[str, Any]) -> Format:
        return self._book.add_format(properties)

    def number_format(self, num_format: str) -> Format:
        """A cell format showing numbers so (core.formats.XLSX_*), made once per book; Excel
        writes the separators of the reader's own settings (1.234,5 in Vietnamese)."""
        if num_format not in self._number_formats:
            self._number_formats[num_format] = self._book.add_format({"num_format": num_format})
        return self._number_formats[num_format]

    def add_sheet(self, name: str) -> Sheet:
        """A new sheet; its name is made acceptable to Excel and unique in the book."""
        base = sheet_name(name)
        wanted, n = base, 1
        while wanted.lower() in self._names:
            n += 1
            wanted = f"{base[: 31 - len(str(n)) - 1]}~{n}"
        self._names.add(wanted.lower())
        return Sheet(self._book.add_worksheet(wanted), self._date)

    def close(self) -> None:
        self._book.close()


def write_csv(out: SupportsWrite[str], rows: Iterable[Iterable[Any]]) -> int:
    """Rows to a UTF-8 CSV that Excel opens (byte-order mark) and runs nothing from; returns
    how many rows were written, the header included."""
    out.write("\ufeff")  # Excel reads UTF-8 (Vietnamese) only with a byte-order mark
    writer = csv.writer(out)
    count = 0
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
        count += 1
    return count
