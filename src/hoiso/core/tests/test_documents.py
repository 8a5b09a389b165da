"""The document layout's pieces: the date as Decree 30 writes it, quotation marks, the workbook
rows of the heading and the signature block."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from hoiso.core.documents import (
    Heading,
    Paper,
    Signature,
    date_words,
    quoted,
    write_heading,
    write_signature,
)
from hoiso.core.workbook import Workbook


@pytest.mark.parametrize(
    ("day", "words"),
    [(dt.date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
     (dt.date(2026, 1, 9), "ngày 09 tháng 01 năm 2026"),
     (dt.date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
     (dt.date(2026, 12, 1), "ngày 01 tháng 12 năm 2026"),
     (dt.date(2025, 10, 20), "ngày 20 tháng 10 năm 2025")],
)  # fmt: skip
def test_it_writes_days_below_10_and_months_1_and_2_with_a_zero(day: dt.date, words: str) -> None:
    assert date_words(day) == words


def test_it_quotes_in_vietnamese_marks() -> None:
    assert quoted("Tết sum vầy") == "“Tết sum vầy”"


PAPER = Paper(
    Heading("HỘI LHPN TỈNH ĐẮK LẮK", "BCH HỘI LHPN XÃ EA KAR"),
    "Ea Kar",
    Signature("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"),
).signed_by("H'Hen Niê")


@pytest.mark.parametrize("last_col", [0, 1, 2, 5, 14])
def test_the_heading_and_signature_fit_any_number_of_columns(last_col: int) -> None:
    out = io.BytesIO()
    book = Workbook(out, large=True)
    sheet = book.add_sheet("Danh sách")
    row = write_heading(book, sheet, PAPER, last_col)
    sheet.write(row, 0, "Nguyễn Thị Bình")
    write_signature(book, sheet, PAPER, row + 2, last_col, dt.date(2026, 3, 5))
    book.close()
    lines = [
        [c for c in r if c] for r in load_workbook(out).worksheets[0].iter_rows(values_only=True)
    ]
    texts = [" ".join(str(c) for c in line) for line in lines]
    assert texts[0] == "HỘI LHPN TỈNH ĐẮK LẮK CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert texts[1] == "BCH HỘI LHPN XÃ EA KAR Độc lập - Tự do - Hạnh phúc"
    at = texts.index("Ea Kar, ngày 05 tháng 3 năm 2026")
    assert texts.index("Nguyễn Thị Bình") < at
    assert texts[at + 1 : at + 3] == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"]
    assert texts[-1] == "H'Hen Niê"
