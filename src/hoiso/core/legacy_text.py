"""Lists typed with the old Vietnamese fonts, read back as Unicode.

Before Unicode, Vietnamese offices typed with 8-bit fonts: TCVN3 (also called ABC; the .VnTime
family, with .VnTimeH drawing capitals) and VNI-Windows (the VNI-Times family). The file keeps the
font's byte codes, so Excel, which knows nothing of the font, stores "Nguyễn Thị" as "NguyÔn ThÞ"
(TCVN3) or "Nguyeãn Thò" (VNI): Western letters and signs at the places of Vietnamese ones.

`convert_rows` decides for each column, from its text alone, whether it reads as Vietnamese as it is
or only once read through one of the two old tables, and converts the columns that need it. A column
is converted only when the conversion turns clearly more of its words into Vietnamese syllables, so
a Unicode list with "Hélène" or "Buôn Ê Kê" in it is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TCVN3 = "TCVN3"
VNI = "VNI"

# The fonts each table was typed with, as a cadre knows them.
FONTS = {TCVN3: ".VnTime (TCVN3)", VNI: "VNI-Times (VNI)"}

# TCVN3 (TCVN 5712:1993, VN3): one byte per letter. The text holds the byte as the Latin-1
# character of the same number. Capitals with a tone mark have no code here: .VnTimeH draws the
# lower-case codes as capitals.
_TCVN3_CODES = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
TCVN3_TABLE = {chr(code): letter for code, letter in _TCVN3_CODES.items()}

# VNI-Windows: a base letter followed by a sign character for the vowel's hat and tone; a few
# letters have a single code of their own. Longest sequences are read first.
_VNI_MARKS = {
    # tone marks after a plain vowel: grave, acute, hook, tilde, dot below
    "ø": "\u0300", "ù": "\u0301", "û": "\u0309", "õ": "\u0303", "ï": "\u0323",
    "Ø": "\u0300", "Ù": "\u0301", "Û": "\u0309", "Õ": "\u0303", "Ï": "\u0323",
}  # fmt: skip
# The hat (circumflex) with each tone, and the breve with each tone, after a, e or o.
_VNI_HATS = {
    "â": "\u0302", "à": "\u0302\u0300", "á": "\u0302\u0301", "å": "\u0302\u0309",
    "ã": "\u0302\u0303", "ä": "\u0302\u0323",
    "Â": "\u0302", "À": "\u0302\u0300", "Á": "\u0302\u0301", "Å": "\u0302\u0309",
    "Ã": "\u0302\u0303", "Ä": "\u0302\u0323",
}  # fmt: skip
_VNI_BREVES = {
    "ê": "\u0306", "è": "\u0306\u0300", "é": "\u0306\u0301", "ú": "\u0306\u0309",
    "ü": "\u0306\u0303", "ë": "\u0306\u0323",
    "Ê": "\u0306", "È": "\u0306\u0300", "É": "\u0306\u0301", "Ú": "\u0306\u0309",
    "Ü": "\u0306\u0303", "Ë": "\u0306\u0323",
}  # fmt: skip
_VNI_SINGLE = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
    "Ô": "Ơ", "Ö": "Ư", "Ñ": "Đ", "Ì": "Ì", "Í": "Í", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "Î": "Ỵ",
}  # fmt: skip


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for base in "aeiouyAEIOUY":
        for sign, mark in _VNI_MARKS.items():
            table[base + sign] = unicodedata.normalize("NFC", base + mark)
    for base in "aeoAEO":
        for sign, marks in _VNI_HATS.items():
            table[base + sign] = unicodedata.normalize("NFC", base + marks)
    for base in "aA":
        for sign, marks in _VNI_BREVES.items():
            table[base + sign] = unicodedata.normalize("NFC", base + marks)
    # ơ and ư (single codes) take a tone sign after them too: "ôø" is ờ, "öï" is ự.
    for base, letter in (("ô", "ơ"), ("ö", "ư"), ("Ô", "Ơ"), ("Ö", "Ư")):
        for sign, mark in _VNI_MARKS.items():
            table[base + sign] = unicodedata.normalize("NFC", letter + mark)
    for code, letter in _VNI_SINGLE.items():
        table.setdefault(code, letter)
    return table


VNI_TABLE = _vni_table()
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI_TABLE, key=len, reverse=True)))
_TCVN3_PATTERN = re.compile("[" + re.escape("".join(TCVN3_TABLE)) + "]")


def _tcvn3_case(text: str, original: str) -> str:
    """TCVN3 has no capitals with a tone mark: .VnTimeH draws the lower-case codes as capitals.

    A cell whose plain letters are all capitals (at least two of them) was typed in capitals, and
    its converted letters are made capitals too. In a name written with capitals ("Lê Thị ¸nh"),
    a word that begins with a toned vowel could not have been typed otherwise: it is given its
    capital ("Lê Thị Ánh") when every other word of the cell begins with one."""
    plain = [c for c in original if "A" <= c <= "Z" or "a" <= c <= "z"]
    if len(plain) >= 2 and all(c.isupper() for c in plain):
        return text.upper()
    words = text.split(" ")
    starts = [(w, o) for w, o in zip(words, original.split(" "), strict=False) if w]
    lowered = [w for w, o in starts if w[0].islower() and o[0] in TCVN3_TABLE]
    if (
        lowered
        and len(starts) > len(lowered)
        and all(w[0].isupper() for w, o in starts if not (w[0].islower() and o[0] in TCVN3_TABLE))
    ):
        return " ".join(
            w[:1].upper() + w[1:] if w and o and o[0] in TCVN3_TABLE and w[0].islower() else w
            for w, o in zip(words, original.split(" "), strict=False)
        )
    return text


def from_tcvn3(text: str) -> str:
    converted, found = _TCVN3_PATTERN.subn(lambda m: TCVN3_TABLE[m.group()], text)
    return _tcvn3_case(converted, text) if found else text


def from_vni(text: str) -> str:
    return _VNI_PATTERN.sub(lambda m: VNI_TABLE[m.group()], text)


CONVERTERS: dict[str, Callable[[str], str]] = {TCVN3: from_tcvn3, VNI: from_vni}


# --- Is it Vietnamese? ---------------------------------------------------------------------------

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?"
# Vowel groups of Vietnamese syllables (tone marks taken off); codas after them.
_OPEN = "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu uôi ươi ươu oai oay oao oeo uây uya uyu iêu yêu"
_CLOSED = "a ă â e ê i y o ô ơ u ư iê yê oa oă oe oo uâ uê uô ươ uy uyê uơ"
_SYLLABLE = re.compile(
    rf"{_ONSET}(?:(?:{'|'.join(_OPEN.split())})|(?:{'|'.join(_CLOSED.split())})"
    r"(?:ch|ng|nh|c|k|m|n|p|t)?)"
)
_WORD_SPLIT = re.compile(r"[\s,.;:()/\\\"'’\-–_0-9|+*&?!<>\[\]{}=#%]+")


def _is_syllable(word: str) -> bool:
    if any(c.isupper() for c in word[1:]) and not word.isupper():
        return False  # "NguyÔn": a capital inside a lower-case word
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(c in _TONES for c in decomposed) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return _SYLLABLE.fullmatch(base) is not None


def _words(text: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(text) if w]


@dataclass
class _Tally:
    """How many of a column's non-ASCII words read as Vietnamese syllables: as the text stands,
    and read through each old table."""

    words: int = 0
    plain: int = 0
    tables: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CONVERTERS, 0))

    def gain(self, table: str) -> int:
        return self.tables[table] - self.plain


def _reads(text: str) -> bool:
    return all(_is_syllable(w) for w in _words(text))


def _tally(texts: list[str], plain: Callable[[str], str]) -> _Tally:
    tally = _Tally()
    for text in texts:
        for word in _words(text):
            if word.isascii():
                continue
            tally.words += 1
            tally.plain += _reads(plain(word))
            for name, convert in CONVERTERS.items():
                tally.tables[name] += _reads(convert(word))
    return tally


_UNICODE_ONLY = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]"
)
# A column is judged on at most this many of its cells, taken evenly from top to bottom: enough
# for any list, cheap for a long one.
SAMPLE = 1000


def _unchanged(text: str) -> str:
    return text


def _legacy_candidate(cell: Any, plain: Callable[[str], str] | None) -> bool:
    """Text that may be in an old font: not plain ASCII and, in a spreadsheet, without any letter
    only Unicode has (ă, đ, ơ, ư, ạ…: a cell holding one is Unicode as it stands)."""
    if not isinstance(cell, str) or cell.isascii():
        return False
    return plain is not None or _UNICODE_ONLY.search(cell) is None


def _texts(rows: list[list[Any]], column: int, plain: Callable[[str], str] | None) -> list[str]:
    texts: list[str] = []
    for row in rows[:: max(1, len(rows) // (4 * SAMPLE))]:
        if column < len(row) and _legacy_candidate(row[column], plain):
            texts.append(row[column])
            if len(texts) >= SAMPLE:
                break
    return texts


def convert_rows(
    rows: list[list[Any]], plain: Callable[[str], str] | None = None
) -> dict[int, str]:
    """Convert in place the columns of `rows` typed with an old font; {column index: table}.

    `plain` reads a cell as it is meant when no old font is involved: nothing to do for a
    spreadsheet's text; for a CSV file in Windows' own Vietnamese code page the cells come as
    Latin-1 (so that the old fonts' bytes are seen) and `plain` decodes them as that code page,
    every cell that is not converted being given back through it.

    A column is converted when one table makes at least two more of its words Vietnamese than the
    plain reading does, and at least a third more of them, so that a few French or
    ethnic-minority names change nothing; in a spreadsheet a cell with a letter only Unicode has
    (ă, đ, ơ, ư, ạ…) is Unicode and left as it is. A file is typed on one computer with one font: once
    one column is clearly in a table, another column is converted with it whenever the table
    reads more of its words than the plain reading does."""
    width = max((len(r) for r in rows), default=0)
    tallies: dict[int, _Tally] = {}
    for column in range(width):
        texts = _texts(rows, column, plain)
        if not texts:
            continue
        tallies[column] = _tally(texts, plain or _unchanged)
    strong: dict[int, str] = {}
    for column, tally in tallies.items():
        name = max(CONVERTERS, key=tally.gain)
        gain = tally.gain(name)
        if gain >= 2 and gain * 3 >= tally.words:
            strong[column] = name
    found = dict(strong)
    if strong:
        table = max(set(strong.values()), key=list(strong.values()).count)
        for column, tally in tallies.items():
            if column not in found and tally.gain(table) > 0:
                found[column] = table
    if not found and plain is None:
        return found
    for row in rows:
        for column, cell in enumerate(row):
            if not _legacy_candidate(cell, plain):
                continue
            if column in found:
                row[column] = CONVERTERS[found[column]](cell)
            elif plain is not None:
                row[column] = plain(cell)
    return found
