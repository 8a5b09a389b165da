"""The layout of the union's documents (Decree 30/2020/NĐ-CP, Appendix I, and the union's own
practice), the same on a PDF page and in a workbook.

A document carries, at the top, the issuing unit's heading in two lines (its superior in capitals,
then the issuing body in bold capitals: "HỘI LHPN TỈNH ĐẮK LẮK" / "BCH HỘI LHPN XÃ EA KAR") with
the national motto block on its right; at the bottom, the place and date ("Ea Kar, ngày 05 tháng 3
năm 2026") and the signature block ("TM. BAN THƯỜNG VỤ" / "CHỦ TỊCH", room for the hand, the
name). This module knows the layout only: what a given unit writes is `units.naming.paper(unit)`.

Use:
- HTML/PDF (WeasyPrint): render with `context(paper, signed_on, number=…)` merged into the
  template's context; `{% include "core/document/styles.css" %}` inside the page's `<style>`, then
  `{% include "core/document/heading.html" %}` at the top and
  `{% include "core/document/signature.html" %}` at the bottom.
- Workbook (`core/workbook.py`): `row = write_heading(book, sheet, paper, last_col)` before the
  title, and `write_signature(book, sheet, paper, row, last_col, signed_on)` after the last row.
The motto and the union's titles are official wording, written the same whatever the language of
the interface.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hoiso.core.workbook import Sheet, Workbook

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def date_words(day: dt.date) -> str:
    """ "ngày 05 tháng 3 năm 2026": Decree 30 writes a day below 10, and the months 1 and 2,
    with a leading zero (so that "ngày 1 tháng 1" cannot be altered to "ngày 11 tháng 12")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def quoted(text: str) -> str:
    """Text in Vietnamese quotation marks: “…”."""
    return f"“{text}”"


@dataclass(frozen=True)
class Heading:
    """The issuing unit's two heading lines, in capitals as they are printed."""

    superior: str  # "HỘI LHPN TỈNH ĐẮK LẮK" (regular)
    issuer: str  # "BCH HỘI LHPN XÃ EA KAR" (bold)


@dataclass(frozen=True)
class Signature:
    """Who signs: on whose behalf ("TM. BAN THƯỜNG VỤ", or "" for one who signs in her own
    right), her title ("CHỦ TỊCH") and her name, left blank to be written by hand."""

    on_behalf: str
    title: str
    name: str = ""

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.on_behalf, self.title) if line]


@dataclass(frozen=True)
class Paper:
    """What a document of one issuing unit prints around its text."""

    heading: Heading
    place: str  # "Ea Kar": the place name of the issuing unit
    signature: Signature
    motto: bool = True  # the national motto block on the right of the heading

    def dated(self, day: dt.date) -> str:
        """ "Ea Kar, ngày 05 tháng 3 năm 2026"."""
        return f"{self.place}, {date_words(day)}"

    def signed_by(self, name: str) -> Paper:
        """The same paper with the signatory's name printed under the signature."""
        return Paper(
            self.heading,
            self.place,
            Signature(self.signature.on_behalf, self.signature.title, name),
            self.motto,
        )


def context(paper: Paper, signed_on: dt.date, *, number: str = "") -> dict[str, Any]:
    """What the document templates read: the paper, the motto, the dated line, the number."""
    return {"paper": paper, "nation": NATION, "motto": MOTTO, "dated": paper.dated(signed_on),
            "number": number}  # fmt: skip


def _formats(book: Workbook) -> dict[str, Any]:
    """The cell formats of the heading and signature, made once per workbook."""
    centred = {"align": "center", "valign": "vcenter", "font_size": 12}
    return {
        "plain": book.shared_format("document.plain", centred),
        "bold": book.shared_format("document.bold", {**centred, "bold": True}),
        "rule": book.shared_format("document.rule", {**centred, "bold": True, "font_size": 10}),
        "italic": book.shared_format("document.italic", {**centred, "italic": True}),
    }


def _halves(last_col: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The columns of the left block and of the right block (the right one a little wider); a
    sheet of one column gets the right block in the column beside it."""
    split = max(0, (last_col + 1) * 2 // 5 - 1)
    if split >= last_col:
        return (0, 0), (1, max(1, last_col))
    return (0, split), (split + 1, last_col)


def write_heading(book: Workbook, sheet: Sheet, paper: Paper, last_col: int, row: int = 0) -> int:
    """The heading (left) and motto (right) from `row` on; returns the first row after them."""
    f = _formats(book)
    (l0, l1), (r0, r1) = _halves(last_col)
    lines: list[tuple[tuple[str, Any], tuple[str, Any]]] = [
        ((paper.heading.superior, f["plain"]), (NATION if paper.motto else "", f["bold"])),
        ((paper.heading.issuer, f["bold"]), (MOTTO if paper.motto else "", f["bold"])),
        (("———", f["rule"]), ("———————" if paper.motto else "", f["rule"])),
    ]
    for left, right in lines:
        _block(sheet, row, l0, l1, *left)
        _block(sheet, row, r0, r1, *right)
        row += 1
    return row + 1


def write_signature(
    book: Workbook, sheet: Sheet, paper: Paper, row: int, last_col: int, signed_on: dt.date
) -> int:
    """The place and date, then the signature block, on the right from `row` on; returns the
    first row after them."""
    f = _formats(book)
    _, (r0, r1) = _halves(last_col)
    r0 = max(r0, (last_col + 1) * 3 // 5)  # the right part of the page, under the motto's end
    _block(sheet, row, r0, r1, paper.dated(signed_on), f["italic"])
    row += 1
    for line in paper.signature.lines:
        _block(sheet, row, r0, r1, line, f["bold"])
        row += 1
    row += 4  # room for the hand signature and the seal
    if paper.signature.name:
        _block(sheet, row, r0, r1, paper.signature.name, f["bold"])
        row += 1
    return row


def _block(sheet: Sheet, row: int, first: int, last: int, text: str, fmt: Any) -> None:
    if not text:
        return
    if first == last:
        sheet.write(row, first, text, fmt)
    else:
        sheet.title(row, first, last, text, fmt)
