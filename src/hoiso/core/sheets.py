"""One bounded reader for every spreadsheet a user uploads: .xlsx/.xlsm, .xls and .ods (through
calamine) and .csv.

Calamine builds a sheet's whole used range in memory at once, so a single cell at XFD1048576
beside A1 asks it for half a terabyte and kills the process. Each file is therefore measured
before calamine sees it: a pass over its raw records keeps only counters (the last filled row and
column of each sheet, the number of filled cells), and a sheet beyond the limits in settings is
refused with a message naming the sheet, the cell and the limit. The sheets that pass are read
row by row, with a running estimate of the memory the rows take.

Every sheet comes back as rows of plain Python values (str, int, float, date, datetime, bool;
empty cells are "" from spreadsheets, None from CSV), counted from A1, so that row and column
numbers are those the user sees; what the cells mean is decided later.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import posixpath
import re
import struct
import sys
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from hoiso.core import formats, legacy_text
from hoiso.core.uploads import too_large_message, upload_limit

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
EXTENSIONS = (*SPREADSHEETS, ".csv")
MB = 1024 * 1024
# What calamine keeps per cell: 32 bytes in the dense range it builds for a sheet, about 48 in the
# list of filled cells it gathers first.
_DENSE_CELL = 32
_SPARSE_CELL = 48


class UnreadableFile(ValueError):
    """The file cannot be read as a list; the message says why, in the user's language."""


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]
    # Columns typed with an old Vietnamese font and converted to Unicode: {column index: table}.
    converted: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Limits:
    """How much one file may hold: rows and columns per sheet, memory for the whole file, size."""

    rows: int
    columns: int
    memory: int
    size: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            rows=settings.SHEET_MAX_ROWS,
            columns=settings.SHEET_MAX_COLUMNS,
            memory=settings.SHEET_MAX_MEMORY_MB * MB,
            size=upload_limit("sheet"),
        )


def readable_name(filename: str) -> str:
    """A file's own name (no folders), refused if no reader here takes its kind."""
    name = Path(filename).name[:200]
    if Path(name).suffix.lower() not in EXTENSIONS:
        raise UnreadableFile(
            _("Hội Số reads .xlsx, .xls, .ods and .csv files; “%(name)s” is none of these.")
            % {"name": name}
        )
    return name


def read(path: Path, name: str | None = None, limits: Limits | None = None) -> list[Sheet]:
    """The sheets of the file at `path`; `name` (the uploaded file's name) gives its type."""
    limits = limits or Limits.from_settings()
    size = path.stat().st_size
    if size > limits.size:
        raise UnreadableFile(too_large_message(size, limits.size))
    return read_bytes(path.read_bytes(), name or path.name, limits)


def read_bytes(data: bytes, name: str, limits: Limits | None = None) -> list[Sheet]:
    """The sheets of a file's content, its name giving its type; refused past `limits`."""
    limits = limits or Limits.from_settings()
    suffix = Path(readable_name(name)).suffix.lower()
    if len(data) > limits.size:
        raise UnreadableFile(too_large_message(len(data), limits.size))
    if suffix == ".csv":
        sheet = _read_csv(data, Path(name).stem, limits)
    else:
        sheets = _read_workbook(data, _survey(data, limits), limits)
        for sheet in sheets:
            sheet.converted = legacy_text.convert_rows(sheet.rows)
        return sheets
    return [sheet]


def cell_name(row: int, column: int) -> str:
    """The A1 name of a cell given its 0-based row and column: (1048575, 16383) is XFD1048576."""
    return f"{column_name(column)}{row + 1}"


def column_name(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- Measuring a sheet before it is read ------------------------------------------------------


@dataclass
class Extent:
    """A sheet's filled cells, counted from A1: how far down and right they go, how many there are."""

    rows: int = 0
    columns: int = 0
    cells: int = 0
    lowest: tuple[int, int] = (0, 0)
    rightmost: tuple[int, int] = (0, 0)
    text_bytes: int = 0

    def add(self, row: int, column: int, last_row: int, last_column: int, count: int) -> None:
        if last_row + 1 > self.rows:
            self.rows, self.lowest = last_row + 1, (last_row, column)
        if last_column + 1 > self.columns:
            self.columns, self.rightmost = last_column + 1, (row, last_column)
        self.cells += count

    def check(self, sheet: str, limits: Limits) -> None:
        """Refuse the sheet, naming it, the cell that lies too far and the limit it passes."""
        if self.rows > limits.rows:
            raise UnreadableFile(
                _(
                    "Sheet “%(sheet)s” has a filled cell at %(cell)s, below row %(limit)s: Hội Số "
                    "reads at most %(limit)s rows per sheet. Delete what lies below the list, or "
                    "split the list into several files, and upload it again."
                )
                % {
                    "sheet": sheet,
                    "cell": cell_name(*self.lowest),
                    "limit": formats.number(limits.rows),
                }
            )
        if self.columns > limits.columns:
            raise UnreadableFile(
                _(
                    "Sheet “%(sheet)s” has a filled cell at %(cell)s, right of column %(column)s: "
                    "Hội Số reads at most %(limit)s columns per sheet. Delete what lies right of "
                    "the list and upload it again."
                )
                % {
                    "sheet": sheet,
                    "cell": cell_name(*self.rightmost),
                    "column": column_name(limits.columns - 1),
                    "limit": limits.columns,
                }
            )
        # A sheet cannot hold more filled cells than its grid unless a cell is written twice.
        if self.cells > self.rows * self.columns:
            raise UnreadableFile(_cannot_open())

    def memory(self) -> int:
        """What calamine will use to hold the sheet: its dense grid, its list of cells, its text."""
        return self.rows * self.columns * _DENSE_CELL + self.cells * _SPARSE_CELL + self.text_bytes


class _Unknown(Exception):
    """The bytes are none of the spreadsheet formats measured here."""


def _survey(data: bytes, limits: Limits) -> dict[str, Extent]:
    """Each sheet's extent by name, whatever the file's name says (calamine looks at its content)."""
    try:
        if data.startswith(b"PK\x03\x04"):
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                names = set(book.namelist())
                if "xl/workbook.xml" in names:
                    found = _xlsx_survey(book, limits)
                elif "content.xml" in names:
                    found = _ods_survey(book, limits)
                else:
                    raise _Unknown
        elif data.startswith(_CFB_MAGIC):
            found = _xls_survey(_cfb_workbook_stream(data), limits)
        else:
            raise _Unknown
    except UnreadableFile:
        raise
    except Exception:  # a broken or foreign file: say so rather than fail
        raise UnreadableFile(_cannot_open()) from None
    total = 0
    for name, extent in found.items():
        extent.check(name, limits)
        total += extent.memory()
    if total > limits.memory:
        raise UnreadableFile(_too_much_memory(total, limits))
    return found


def _cannot_open() -> str:
    return _(
        "The file could not be opened as a spreadsheet; open it in Excel or LibreOffice, "
        "save it again as .xlsx and upload that copy."
    )


def _too_much_memory(needed: int, limits: Limits) -> str:
    return _(
        "The file is too large to read at once: it would need about %(needed)s MB of memory, and "
        "Hội Số uses at most %(limit)s MB for one file. Split it into several files."
    ) % {"needed": formats.number(needed // MB + 1), "limit": formats.number(limits.memory // MB)}


def _member(book: zipfile.ZipFile, name: str, limits: Limits) -> Iterator[bytes]:
    """A zip member's bytes in chunks; a member that unpacks beyond the memory limit is refused."""
    if book.getinfo(name).file_size > limits.memory:
        raise UnreadableFile(_too_much_memory(book.getinfo(name).file_size, limits))
    with book.open(name) as stream:
        while chunk := stream.read(1 << 20):
            yield chunk


# Attributes may hold ">" inside quotes, so they are matched quote by quote.
_ATTRS = rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)"


def _segments(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """A stream cut into chunks anywhere, given back in pieces that end before a tag begins."""
    rest = b""
    for chunk in chunks:
        buffer = rest + chunk
        cut = buffer.rfind(b"<")
        if cut < 0:
            cut = len(buffer)
        yield buffer[:cut]
        rest = buffer[cut:]
        if len(rest) > 8 * MB:  # no tag is this long in a spreadsheet
            raise UnreadableFile(_cannot_open())
    yield rest


def _tags(chunks: Iterable[bytes], pattern: re.Pattern[bytes]) -> Iterator[re.Match[bytes]]:
    """The matches of `pattern` (which starts at "<") over a stream cut into chunks anywhere."""
    for segment in _segments(chunks):
        yield from pattern.finditer(segment)


_ATTR_PATTERNS: dict[bytes, re.Pattern[bytes]] = {}


def _attr(attrs: bytes, name: bytes) -> bytes | None:
    pattern = _ATTR_PATTERNS.get(name)
    if pattern is None:
        value = rb"\s*=\s*(\"[^\"]*\"|'[^']*')"
        pattern = _ATTR_PATTERNS[name] = re.compile(rb"(?:^|\s)" + re.escape(name) + value)
    found = pattern.search(attrs)
    return found.group(1)[1:-1] if found else None


def _count(value: bytes | None) -> int:
    """A repeat count (ODS) or a row number; absurd values stay absurd, and are refused later."""
    if value is None:
        return 1
    digits = value.strip()
    if not digits.isdigit() or len(digits) > 12:
        raise UnreadableFile(_cannot_open())
    return max(int(digits), 1)


_XLSX_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])" + _ATTRS + rb"(/?)>")
_CELL_REF = re.compile(rb"\s*([A-Za-z]{1,4})([0-9]{1,8})\s*")


def _xlsx_survey(book: zipfile.ZipFile, limits: Limits) -> dict[str, Extent]:
    found = {name: _xlsx_sheet(_member(book, part, limits)) for name, part in _xlsx_parts(book)}
    strings = 0
    for info in book.infolist():
        if info.filename.lower().startswith("xl/sharedstrings"):
            strings += sum(len(c) for c in _member(book, info.filename, limits))
    if found:
        # Calamine holds the shared strings once for the whole workbook.
        next(iter(found.values())).text_bytes += strings * 2
    return found


def _xlsx_parts(book: zipfile.ZipFile) -> list[tuple[str, str]]:
    """Each sheet's name and the zip member holding it, as the workbook's relationships say."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels.findall("p:Relationship", ns):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(path)
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    members = {n.lower(): n for n in book.namelist()}
    parts = []
    for sheet in workbook.iterfind("m:sheets/m:sheet", ns):
        part = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
        if part.lower() in members:
            parts.append((sheet.get("name", ""), members[part.lower()]))
    return parts


# Excel, LibreOffice and xlsxwriter write every cell as <c r="B7" …>: such a piece of a sheet is
# measured by a few scans in C. A piece with any other cell (no r, r not first, a prefix, a row
# number with a leading zero), or with a ">" that is no tag's end (in a value or an attribute), is
# walked tag by tag instead, keeping the position of cells that do not say where they are.
_FILLED_ROWS = re.compile(rb'<c r="[A-Z]{1,3}([1-9][0-9]{0,6})"[^>]*(?<!/)>')
_FILLED_COLUMNS = re.compile(rb'<c r="([A-Z]{1,3})[1-9][0-9]{0,6}"[^>]*(?<!/)>')
_BLANK_CELL = re.compile(rb'<c r="[A-Z]{1,3}[1-9][0-9]{0,6}"[^>]*/>')
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")


def _cell_tags(segment: bytes) -> int:
    return sum(segment.count(b"<c" + end) for end in (b" ", b"\t", b"\n", b"\r", b">", b"/"))


def _xlsx_sheet(chunks: Iterable[bytes]) -> Extent:
    extent = Extent()
    at = (-1, -1)  # the row and column of the last tag seen, for cells that give none
    for segment in _segments(chunks):
        if segment.count(b"<") == segment.count(b">") and not _PREFIXED_CELL.search(segment):
            rows = _FILLED_ROWS.findall(segment)
            columns = _FILLED_COLUMNS.findall(segment)
            blank = len(_BLANK_CELL.findall(segment))
            if len(rows) == len(columns) and len(rows) + blank == _cell_tags(segment):
                if rows:
                    at = _xlsx_plain(rows, columns, extent)
                last = segment.rfind(b"<c r=")
                segment = segment[last + 1 :] if last >= 0 else segment  # row tags may follow
        at = _xlsx_walk(segment, extent, at)
    return extent


def _xlsx_plain(rows: list[bytes], columns: list[bytes], extent: Extent) -> tuple[int, int]:
    """Add filled cells that all say where they are; the position of the last one."""
    last_row = max(map(int, set(rows)))
    last_column = max(set(columns), key=lambda name: (len(name), name))
    low = rows.index(str(last_row).encode())
    right = columns.index(last_column)
    for i in (low, right):
        row, column = int(rows[i]) - 1, _column_number(columns[i])
        extent.add(row, column, row, column, 0)
    extent.cells += len(rows)
    return int(rows[-1]) - 1, _column_number(columns[-1])


def _xlsx_walk(segment: bytes, extent: Extent, at: tuple[int, int]) -> tuple[int, int]:
    row, column = at
    for tag in _XLSX_TAG.finditer(segment):
        kind, attrs, closed = tag.groups()
        ref = _attr(attrs, b"r")
        if kind == b"row":
            row = _count(ref) - 1 if ref is not None else row + 1
            column = -1
            continue
        if ref is not None:
            cell = _CELL_REF.fullmatch(ref)
            if cell is None:
                raise UnreadableFile(_cannot_open())
            column = _column_number(cell.group(1))
            row = int(cell.group(2)) - 1
        else:
            column += 1
        if not closed:  # "<c r=… s=…/>" is formatting only: calamine skips it, and so does this
            extent.add(row, column, row, column, 1)
    return row, column


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number - 1


_ODS_TAG = re.compile(
    rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])" + _ATTRS + rb"(/?)>"
)


def _ods_survey(book: zipfile.ZipFile, limits: Limits) -> dict[str, Extent]:
    found: dict[str, Extent] = {}
    depth = 0
    extent = Extent()
    row = rows_repeated = column = 0
    for tag in _tags(_member(book, "content.xml", limits), _ODS_TAG):
        ending, kind, attrs, closed = tag.groups()
        if kind == b"table":
            depth += -1 if ending else 0 if closed else 1
            if not ending and depth == 1 and not closed:
                name = html.unescape((_attr(attrs, b"table:name") or b"").decode())
                extent = found.setdefault(name, Extent())
                row = 0
        elif depth != 1:
            continue  # a table inside a cell is no part of the sheet's grid
        elif kind == b"table-row":
            if ending:
                row += rows_repeated
            else:
                rows_repeated, column = _count(_attr(attrs, b"table:number-rows-repeated")), 0
                row += rows_repeated if closed else 0
        elif not ending:
            repeated = _count(_attr(attrs, b"table:number-columns-repeated"))
            if not closed or _attr(attrs, b"office:value-type") is not None:
                last_row, last_column = row + rows_repeated - 1, column + repeated - 1
                extent.add(row, column, last_row, last_column, repeated * rows_repeated)
            column += repeated
    return found


# An .xls is a compound file (a small file system in one file) whose "Workbook" stream holds BIFF
# records; a sheet's cells are records carrying their row and column.
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_CELL_RECORDS = {0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205,
                 0x0206, 0x027E, 0x0406}  # fmt: skip
_MULRK, _BOUNDSHEET, _EOF = 0x00BD, 0x0085, 0x000A


def _cfb_workbook_stream(data: bytes) -> bytes:
    """The "Workbook" (or older "Book") stream of a compound file."""
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if shift not in (9, 12) or mini_shift != 6:
        raise _Unknown
    size = 1 << shift
    dir_start, _sig, cutoff, minifat_start, _n_minifat, difat_next, n_difat = struct.unpack_from(
        "<IIIIIII", data, 0x30
    )
    sectors = (len(data) - size) // size

    def sector(n: int) -> bytes:
        if n >= sectors:
            raise _Unknown
        return data[(n + 1) * size : (n + 2) * size]

    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    for _i in range(min(n_difat, sectors)):
        if difat_next >= _END_OF_CHAIN:
            break
        *more, difat_next = struct.unpack(f"<{size // 4}I", sector(difat_next))
        fat_sectors += more
    fat = b"".join(sector(n) for n in fat_sectors if n < _END_OF_CHAIN)
    table = struct.unpack(f"<{len(fat) // 4}I", fat)

    def chain(start: int, links: tuple[int, ...], read: Any) -> bytes:
        out: list[bytes] = []
        n = start
        for _i in range(len(links) + 1):
            if n >= _END_OF_CHAIN or n >= len(links):
                return b"".join(out)
            out.append(read(n))
            n = links[n]
        raise _Unknown  # a loop

    directory = chain(dir_start, table, sector)
    entries = []
    for i in range(len(directory) // 128):
        entry = directory[i * 128 : (i + 1) * 128]
        length = min(struct.unpack_from("<H", entry, 64)[0], 64)
        name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
        start, stream_size = struct.unpack_from("<II", entry, 116)
        entries.append((name, entry[66], start, stream_size))
    streams = {name.lower(): (start, n) for name, kind, start, n in entries if kind == 2}
    start, stream_size = streams.get("workbook") or streams.get("book") or (None, 0)
    if start is None:
        raise _Unknown
    if stream_size >= cutoff:
        return chain(start, table, sector)[:stream_size]
    # Small streams live in the "mini stream", in 64-byte pieces.
    mini_stream = chain(entries[0][2], table, sector)
    minifat = chain(minifat_start, table, sector)
    mini_table = struct.unpack(f"<{len(minifat) // 4}I", minifat)
    stream = chain(start, mini_table, lambda n: mini_stream[n * 64 : (n + 1) * 64])
    return stream[:stream_size]


def _xls_survey(stream: bytes, limits: Limits) -> dict[str, Extent]:
    found: dict[str, Extent] = {}
    for position, name in _xls_sheets(stream):
        extent = found.setdefault(name, Extent())
        at = position
        while at + 4 <= len(stream):
            kind, length = struct.unpack_from("<HH", stream, at)
            body = stream[at + 4 : at + 4 + length]
            at += 4 + length
            if kind == _EOF:
                break
            if kind in _CELL_RECORDS and length >= 4:
                row, column = struct.unpack_from("<HH", body)
                extent.add(row, column, row, column, 1)
            elif kind == _MULRK and length >= 6:
                row, first = struct.unpack_from("<HH", body)
                (last,) = struct.unpack_from("<H", body, length - 2)
                if last >= first:
                    extent.add(row, first, row, last, last - first + 1)
    return found


def _xls_sheets(stream: bytes) -> list[tuple[int, str]]:
    """Where each sheet's records start, and its name, from the workbook's BOUNDSHEET records."""
    sheets, at, biff8 = [], 0, True
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        body = stream[at + 4 : at + 4 + length]
        at += 4 + length
        if kind == 0x0809 and at == 4 + length:  # the first BOF says which BIFF this is
            biff8 = length >= 2 and struct.unpack_from("<H", body)[0] == 0x0600
        elif kind == _BOUNDSHEET and length >= 7:
            (position,) = struct.unpack_from("<I", body)
            count = body[6]
            if biff8 and length >= 8:
                wide = body[7] & 1
                raw = body[8 : 8 + count * (2 if wide else 1)]
                name = raw.decode("utf-16-le" if wide else "latin-1", "replace")
            else:
                name = body[7 : 7 + count].decode("cp1252", "replace")
            sheets.append((position, name))
        elif kind == _EOF:
            break
    return sheets


# --- Reading -----------------------------------------------------------------------------------


@dataclass
class _Budget:
    """A running estimate of the memory the rows read so far take, refused past the limit."""

    limits: Limits
    used: int = 0
    sheet: str = ""

    def take(self, row: list[Any], number: int) -> None:
        # "" and None are shared by every empty cell: only the list's slot is theirs.
        shared = 49 * row.count("") + 16 * row.count(None)
        self.used += 64 + 8 * len(row) + sum(map(sys.getsizeof, row)) - shared
        if self.used > self.limits.memory:
            raise UnreadableFile(_too_much_memory(self.used, self.limits))
        if number > self.limits.rows:
            Extent(rows=number, lowest=(number - 1, 0)).check(self.sheet, self.limits)
        if len(row) > self.limits.columns:
            Extent(columns=len(row), rightmost=(number - 1, len(row) - 1)).check(
                self.sheet, self.limits
            )


def _read_workbook(data: bytes, surveys: dict[str, Extent], limits: Limits) -> list[Sheet]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise UnreadableFile(
            _("The file is protected by a password; save a copy without one and upload that.")
        ) from None
    except Exception:
        raise UnreadableFile(_cannot_open()) from None
    budget = _Budget(limits, used=sum(e.memory() for e in surveys.values()))
    sheets = []
    try:
        for index, name in enumerate(workbook.sheet_names):
            if name not in surveys and len(surveys) == len(workbook.sheet_names):
                surveys[name] = list(surveys.values())[index]  # a name decoded differently
            if name not in surveys:  # a sheet this reader did not measure is never loaded
                raise UnreadableFile(_cannot_open())
            budget.sheet = name
            sheets.append(Sheet(name, _rows(workbook.get_sheet_by_name(name), budget)))
    finally:
        workbook.close()
    return sheets


def _rows(sheet: Any, budget: _Budget) -> list[list[Any]]:
    """The sheet's rows from A1 to its last filled cell; calamine's own rows start at row 1 but
    at the first filled column, so each row is given back the empty cells left of it."""
    if sheet.start is None:
        return []
    left = [""] * sheet.start[1]
    rows = []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        row = [*left, *cells]
        budget.take(row, number)
        rows.append(row)
    return rows


def _encoding(data: bytes) -> str:
    """Excel saves CSV as UTF-8 with a mark, as UTF-16 ("Unicode text"), or in Windows-1258.

    UTF-16 usually starts with its byte-order mark; without one it still shows itself by its NUL
    bytes, one in every two for the digits, commas and Latin letters of a list."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if (even + odd) * 8 >= len(sample) > 0:
        if odd >= 9 * even:
            return "utf-16-le"
        if even >= 9 * odd:
            return "utf-16-be"
        raise UnreadableFile(
            _(
                "The file holds many empty (NUL) characters, so it is not a text file Hội Số can "
                "read. Open it in Excel, save it as “CSV UTF-8 (Comma delimited)” and upload that."
            )
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for at in range(0, len(data), 1 << 20):
            decoder.decode(data[at : at + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8"


def _windows_vietnamese(cell: str) -> str:
    """A cell read as Latin-1, given back as Windows' Vietnamese code page means it."""
    return unicodedata.normalize("NFC", cell.encode("latin-1").decode("cp1258", "replace"))


def _read_csv(data: bytes, name: str, limits: Limits) -> Sheet:
    """A CSV file's rows. A file that is not UTF-8 is read byte for byte (Latin-1) first, so that
    columns typed with an old Vietnamese font can be recognised by their bytes; the other cells
    are then read as Windows' Vietnamese code page (1258), in which Excel saves CSV there."""
    encoding = _encoding(data)
    legacy = encoding == "cp1258"
    if legacy:
        encoding = "latin-1"
    sample = data[:32768].decode(encoding, errors="ignore")[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    budget = _Budget(limits, sheet=name)
    rows = []
    try:
        for number, cells in enumerate(csv.reader(text, dialect), start=1):
            row = [cell if cell != "" else None for cell in cells]
            budget.take(row, number)
            rows.append(row)
    except UnicodeDecodeError:
        raise UnreadableFile(
            _(
                "The file looks like “Unicode text” (UTF-16) but cannot be read as such. Open it "
                "in Excel, save it as “CSV UTF-8 (Comma delimited)” and upload that."
            )
        ) from None
    except csv.Error:
        raise UnreadableFile(
            _(
                "The file is not a list separated by commas, semicolons or tabs that Hội Số can "
                "read. Open it in Excel, save it as “CSV UTF-8 (Comma delimited)” and upload that."
            )
        ) from None
    plain = _windows_vietnamese if legacy else None
    return Sheet(name, rows, legacy_text.convert_rows(rows, plain))
