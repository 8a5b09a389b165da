"""The length rules of an SMS: how many parts a text takes, and the text without diacritics.

An SMS part holds 160 characters of the GSM 03.38 alphabet (7 bits each), or 70 characters of
UCS-2 as soon as one character falls outside it, which any Vietnamese letter with a mark does.
A longer text is cut into parts of 153 (GSM-7) or 67 (UCS-2) characters, each paid as one SMS:
without diacritics the same notice costs half or less.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

# GSM 03.38 basic character set, and its extension table (each extension character takes two).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class Length:
    encoding: str  # "GSM-7" | "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    parts: int


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def measure(text: str) -> Length:
    """The encoding an SMS of this text needs, its length in that encoding, and its parts."""
    if is_gsm7(text):
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, part, encoding = GSM7_SINGLE, GSM7_PART, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = UCS2_SINGLE, UCS2_PART, "UCS-2"
    parts = 1 if units <= single else math.ceil(units / part)
    return Length(encoding, units, parts)


# Letters that carry no combining mark to drop, and signs GSM-7 lacks, written as it has them.
_PLAIN = str.maketrans({"đ": "d", "Đ": "D", "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-",
                        "—": "-", "…": "...", "\u00a0": " "})  # fmt: skip


def strip_diacritics(text: str) -> str:
    """Vietnamese without its marks, the way people write SMS: `Hội Phụ nữ Đắk Lắk` →
    `Hoi Phu nu Dak Lak`. Whatever is still outside GSM-7 afterwards becomes `?`."""
    text = unicodedata.normalize("NFD", text.translate(_PLAIN))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text)
    return "".join(ch if ch in GSM7_BASIC or ch in GSM7_EXTENDED else "?" for ch in text)


def fit(text: str, *, plain: bool, parts: int = 1) -> str:
    """The text as sent by SMS: without diacritics if `plain`, cut (with "...") to `parts` parts."""
    if plain:
        text = strip_diacritics(text)
    text = " ".join(text.split())
    if measure(text).parts <= parts:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with its ellipsis
        mid = (lo + hi + 1) // 2
        if measure(text[:mid].rstrip() + "...").parts <= parts:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "..."
