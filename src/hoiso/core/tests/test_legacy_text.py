"""Lists typed with the old Vietnamese fonts (.VnTime/TCVN3 and VNI-Times) come back as Unicode,
and Unicode lists are never touched.

The encoders here are written from the two standards' tables as they are published (TCVN3: one
code per toned vowel, in the order grave, hook, tilde, acute, dot; VNI: a base letter followed by
a sign for the hat and the tone), independently of the converter's own tables."""

from __future__ import annotations

import codecs
import random
import unicodedata
from pathlib import Path

import pytest
import xlsxwriter
import xlwt

from hoiso.core.legacy_text import TCVN3, VNI, convert_rows, from_tcvn3, from_vni
from hoiso.core.sheets import read_bytes

# The toned vowels in Unicode, each row: the bare vowel, then grave, hook, tilde, acute, dot.
TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]

# TCVN 5712:1993 (VN3): the bare vowel's code (ASCII for a e i o u y), then the five toned ones.
TCVN3_ROWS = {
    "a": ("a", "\xb5\xb6\xb7\xb8\xb9"),
    "ă": ("\xa8", "\xbb\xbc\xbd\xbe\xc6"),
    "â": ("\xa9", "\xc7\xc8\xc9\xca\xcb"),
    "e": ("e", "\xcc\xce\xcf\xd0\xd1"),
    "ê": ("\xaa", "\xd2\xd3\xd4\xd5\xd6"),
    "i": ("i", "\xd7\xd8\xdc\xdd\xde"),
    "o": ("o", "\xdf\xe1\xe2\xe3\xe4"),
    "ô": ("\xab", "\xe5\xe6\xe7\xe8\xe9"),
    "ơ": ("\xac", "\xea\xeb\xec\xed\xee"),
    "u": ("u", "\xef\xf1\xf2\xf3\xf4"),
    "ư": ("\xad", "\xf5\xf6\xf7\xf8\xf9"),
    "y": ("y", "\xfa\xfb\xfc\xfd\xfe"),
}
TCVN3_CAPITALS = {"Ă": "\xa1", "Â": "\xa2", "Ê": "\xa3", "Ô": "\xa4", "Ơ": "\xa5", "Ư": "\xa6"}


def _toned(vowel: str, tone: int) -> str:
    return unicodedata.normalize("NFC", vowel + TONES[tone])


def to_tcvn3(text: str) -> str:
    """Unicode as a .VnTime user typed it: capitals with a tone (which TCVN3 lacks) are typed as
    the lower-case codes, the .VnTimeH font drawing them as capitals."""
    table = {"đ": "\xae", "Đ": "\xa7", **TCVN3_CAPITALS}
    for vowel, (bare, toned) in TCVN3_ROWS.items():
        table.setdefault(vowel, bare)
        for n, code in enumerate(toned):
            table[_toned(vowel, n)] = code
            table.setdefault(_toned(vowel, n).upper(), code)
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


# VNI-Windows: tone signs after a vowel; the hat (â ê ô) and breve (ă) signs carry the tone too.
VNI_TONE = dict(zip(TONES, "øûõùï", strict=True))
VNI_HAT = {"": "â", **dict(zip(TONES, "àåãáä", strict=True))}
VNI_BREVE = {"": "ê", **dict(zip(TONES, "èúüéë", strict=True))}
VNI_OWN = {"i": "ìæóíò", "ỵ": "î"}  # i's toned forms and ỵ have codes of their own


def to_vni(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", ch)
        tone = next((m for m in marks if m in TONES), "")
        shape = [m for m in marks if m not in TONES]
        upper = base.isupper()
        low = base.lower()
        if low == "đ" or ch in "đĐ":
            code = "ñ"
        elif low == "i" and tone:
            code = VNI_OWN["i"][TONES.index(tone)]
        elif low == "y" and tone == "\u0323":
            code = "î"
        elif shape == ["\u0302"]:
            code = low + VNI_HAT[tone]
        elif shape == ["\u0306"]:
            code = low + VNI_BREVE[tone]
        elif shape == ["\u031b"]:
            code = {"o": "ô", "u": "ö"}[low] + (VNI_TONE[tone] if tone else "")
        elif tone:
            code = low + VNI_TONE[tone]
        else:
            code = ch
            upper = False
        out.append(code.upper() if upper else code)
    return "".join(out)


def every_letter() -> list[str]:
    letters = ["đ"]
    for vowel in VOWELS:
        letters.append(vowel)
        letters.extend(_toned(vowel, n) for n in range(5))
    return letters


def test_tcvn3_every_letter_with_every_tone() -> None:
    for letter in every_letter():
        assert from_tcvn3(to_tcvn3(letter)) == letter, letter
        # In a word typed in capitals (.VnTimeH), the letter comes back a capital.
        word = f"NG{letter.upper()}N"
        assert from_tcvn3(to_tcvn3(word)) == word, word


def test_vni_every_letter_with_every_tone_both_cases() -> None:
    for letter in every_letter():
        for word in (f"ng{letter}n", f"NG{letter.upper()}N", letter.upper()):
            assert from_vni(to_vni(word)) == word, (word, to_vni(word))


@pytest.mark.parametrize(
    ("typed", "meant", "table"),
    [
        ("NguyÔn ThÞ B×nh", "Nguyễn Thị Bình", TCVN3),  # as field files show them
        ("Héi Liªn hiÖp Phô n÷ tØnh §¾k L¾k", "Hội Liên hiệp Phụ nữ tỉnh Đắk Lắk", TCVN3),
        ("Ng\xad\xeai", "Người", TCVN3),
        ("HäC VI£N", "HỌC VIÊN", TCVN3),
        ("Nguyeãn Thò Bình", "Nguyễn Thị Bình", VNI),
        ("Hoäi Lieân hieäp Phuï nöõ tænh Ñaék Laék", "Hội Liên hiệp Phụ nữ tỉnh Đắk Lắk", VNI),
        ("Ngöôøi", "Người", VNI),
    ],
)
def test_known_words(typed: str, meant: str, table: str) -> None:
    convert = from_tcvn3 if table == TCVN3 else from_vni
    assert convert(typed) == meant


# --- Recognising a column -------------------------------------------------------------------------


def _names(n: int) -> list[str]:
    """Names as the demo province has them: Kinh and ethnic-minority names alike."""
    from hoiso.demo.people import _name_and_ethnicity

    rng = random.Random(5)
    return [_name_and_ethnicity(rng, 0.4)[0] for _ in range(n)]


VILLAGES = ["Thôn 1", "Buôn Ê Kê", "Buôn Ko Sieer", "Thôn Hòa Bình", "Tổ dân phố 5", "Buôn Đôn"]


def _list(names: list[str], encode=lambda s: s) -> list[list[object]]:  # type: ignore[no-untyped-def]
    header = ["STT", encode("Họ và tên"), encode("Dân tộc"), encode("Địa chỉ")]
    rows: list[list[object]] = [header]
    for i, name in enumerate(names, start=1):
        rows.append([i, encode(name), encode("Kinh" if i % 3 else "Ê Đê"), encode(VILLAGES[i % 6])])
    return rows


def test_unicode_lists_are_left_as_they_are() -> None:
    names = _names(400)
    rows = _list(names)
    before = [list(r) for r in rows]
    assert convert_rows(rows) == {}
    assert rows == before


@pytest.mark.parametrize(
    "cells",
    [
        ["Hélène Dupont", "José Martí", "Lê Hoà", "Y Bôn", "H'Hoa Êban", "Ksor", "Niê"],
        ["Buôn Ê Kê", "Lê Bé", "Hoà", "Phố Huế", "Bà Rịa"],  # no letter only Unicode has, but one
        ["Café Sài Gòn", "Bún bò", "Phở"],
    ],
)
def test_unicode_cells_that_look_like_old_fonts_are_not_converted(cells: list[str]) -> None:
    rows = [[c] for c in cells]
    assert convert_rows(rows) == {}
    assert [r[0] for r in rows] == cells


@pytest.mark.parametrize(("encode", "table"), [(to_tcvn3, TCVN3), (to_vni, VNI)])
def test_old_font_lists_are_recognised_per_column_and_converted(encode, table) -> None:  # type: ignore[no-untyped-def]
    names = _names(300)
    rows = _list(names, encode)
    found = convert_rows(rows)
    assert found == {1: table, 2: table, 3: table}
    assert rows == _list(names)


def test_a_unicode_header_over_an_old_font_list() -> None:
    """A template from the province (Unicode headers) filled in on an old PC."""
    names = _names(50)
    rows = _list(names, to_vni)
    rows[0] = ["STT", "Họ và tên", "Dân tộc", "Địa chỉ"]
    convert_rows(rows)
    assert rows == _list(names)


# --- Through the reader -----------------------------------------------------------------------------


def _xlsx_bytes(tmp_path: Path, rows: list[list[object]]) -> bytes:
    path = tmp_path / "ds.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("DS")
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    return path.read_bytes()


def _xls_bytes(tmp_path: Path, rows: list[list[object]]) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("DS")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    path = tmp_path / "ds.xls"
    book.save(str(path))
    return path.read_bytes()


def _csv(rows: list[list[object]]) -> str:
    return "".join(",".join(str(c) for c in row) + "\r\n" for row in rows)


@pytest.mark.parametrize("kind", ["xlsx", "xls", "csv-ansi", "csv-utf8"])
def test_the_reader_gives_back_unicode_and_says_which_columns(tmp_path: Path, kind: str) -> None:
    names = _names(60)
    typed = _list(names, to_tcvn3)
    if kind == "xlsx":
        data, name = _xlsx_bytes(tmp_path, typed), "ds.xlsx"
    elif kind == "xls":
        data, name = _xls_bytes(tmp_path, typed), "ds.xls"
    elif kind == "csv-ansi":  # Excel's "CSV (Comma delimited)" on a Western Windows
        data, name = _csv(typed).encode("cp1252"), "ds.csv"
    else:
        data, name = codecs.BOM_UTF8 + _csv(typed).encode(), "ds.csv"
    [sheet] = read_bytes(data, name)
    assert sheet.converted == {1: TCVN3, 2: TCVN3, 3: TCVN3}
    expected = _list(names)
    got = [[str(c) if not isinstance(c, str) else c for c in row[1:]] for row in sheet.rows]
    assert got == [[str(c) for c in row[1:]] for row in expected]


def test_a_windows_vietnamese_csv_is_read_as_such(tmp_path: Path) -> None:
    """Unicode text saved by a Vietnamese Windows (code page 1258, tones as combining marks)."""
    from hoiso.members.tests.test_import_files import _cp1258

    names = _names(60)
    rows = _list(names)
    [sheet] = read_bytes(_cp1258(_csv(rows)), "ds.csv")
    assert sheet.converted == {}
    assert [row[1:] for row in sheet.rows] == [row[1:] for row in rows]
