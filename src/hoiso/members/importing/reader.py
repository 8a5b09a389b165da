"""Reading the sheets of a field file: .xlsx, .xls, .ods (through calamine) and .csv.

Every reader returns the workbook's sheets as lists of rows of plain Python values (str, int,
float, date, datetime, bool, None); what the cells mean is decided later.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine
from django.utils.translation import gettext as _

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
EXTENSIONS = (*SPREADSHEETS, ".csv")
MAX_BYTES = 50 * 1024 * 1024


class UnreadableFile(ValueError):
    """The file cannot be read as a member list; the message says why, in the user's language."""


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]


def readable_name(filename: str) -> str:
    """A file's own name (no folders), refused if no reader here takes its kind."""
    name = Path(filename).name[:200]
    if Path(name).suffix.lower() not in EXTENSIONS:
        raise UnreadableFile(
            _("Hội Số reads .xlsx, .xls, .ods and .csv files; “%(name)s” is none of these.")
            % {"name": name}
        )
    return name


def read(path: Path, name: str | None = None) -> list[Sheet]:
    """The sheets of the file at `path`; `name` (the uploaded file's name) gives its type."""
    return read_bytes(path.read_bytes(), name or path.name)


def read_bytes(data: bytes, name: str) -> list[Sheet]:
    """The sheets of a file's content; its name gives its type."""
    suffix = Path(readable_name(name)).suffix.lower()
    if suffix == ".csv":
        return [Sheet(Path(name).stem, _read_csv(data))]
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise UnreadableFile(
            _("The file is protected by a password; save a copy without one and upload that.")
        ) from None
    except Exception:
        raise UnreadableFile(
            _("The file could not be opened as a spreadsheet; open it in Excel or LibreOffice, "
              "save it again as .xlsx and upload that copy.")
        ) from None  # fmt: skip
    sheets = []
    try:
        for sheet_name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(sheet_name)
            rows = sheet.to_python(skip_empty_area=False)
            sheets.append(Sheet(sheet_name, [list(r) for r in rows]))
    finally:
        workbook.close()
    return sheets


def _decode(data: bytes) -> str:
    """Excel saves CSV as UTF-8 with a mark, as UTF-16 ("Unicode text"), or in Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")


def _read_csv(data: bytes) -> list[list[Any]]:
    text = _decode(data)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [
        [cell if cell != "" else None for cell in row]
        for row in csv.reader(io.StringIO(text, newline=""), dialect)
    ]
