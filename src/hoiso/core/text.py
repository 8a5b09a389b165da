"""Vietnamese text: cleaning, folding for search, sorting, phone numbers."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")


# Zero-width spaces and joiners, soft hyphens, byte-order marks: pasted from the web or left by
# a spreadsheet, invisible, and enough to make two equal names differ.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


# Names such as Cư M'gar take one apostrophe, the typewriter one: the official list of communes
# writes a curly ’ and some keyboards give ʼ, which would make two spellings of one name.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})


def clean(text: str) -> str:
    """NFC, no invisible characters, one apostrophe ('), single spaces, none at the ends."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text)).translate(_APOSTROPHES)
    return _SPACES.sub(" ", text).strip()


def _slow_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", clean(text).replace("đ", "d").replace("Đ", "D"))
    # Cleaned again: a stray mark between two spaces leaves a double space once dropped.
    return clean("".join(c for c in decomposed if not unicodedata.combining(c))).lower()


def _build_fold_table() -> dict[int, str]:
    """Every precomposed Latin letter with marks (Vietnamese and the rest) → its base letter."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0xC0, 0x2000):
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and base.isascii() and base.isalpha():
            table[code] = base
    for ch in "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff":
        table[ord(ch)] = ""
    return table


_FOLD_TABLE = _build_fold_table()


@functools.lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower-case without diacritics: `Đắk Lắk` → `dak lak`.

    Decomposing drops the tone and vowel marks, but đ/Đ are letters of their own, not d plus a
    mark, so they are mapped explicitly. Text that is already composed (nearly all of it) goes
    through one translation table; anything else takes the long way.
    """
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            return _slow_fold(text)
        text = text.translate(_FOLD_TABLE)
        if not text.isascii():
            return _slow_fold(text)
    return " ".join(text.split()).lower()


# Vietnamese alphabet order; vowels with a breve, circumflex or horn are letters of their own.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Base letter + breve, circumflex or horn → the Vietnamese letter it makes.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_NUMBER = re.compile(r"\d+")


def _letter_and_tone(ch: str) -> tuple[str, int]:
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    tone = 0
    for mark in marks:
        if mark in _TONES:
            tone = _TONES[mark]
        else:
            base = _LETTER_MARKS.get((base, mark), base)
    return base, tone


@functools.lru_cache(maxsize=65_536)
def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Vietnamese dictionary order; numbers inside compare by value (`Thôn 2` before `Thôn 10`)."""
    primary: list[int] = []
    tones: list[int] = []
    pos = 0
    low = clean(text).lower()
    while pos < len(low):
        if m := _NUMBER.match(low, pos):
            primary.extend((1, int(m.group())))  # numbers before letters
            pos = m.end()
            continue
        letter, tone = _letter_and_tone(low[pos])
        primary.append(0 if letter == " " else 10 + _RANK.get(letter, 100 + ord(letter)))
        tones.append(tone)
        pos += 1
    return tuple(primary), tuple(tones)


SortKey = tuple[tuple[int, ...], tuple[int, ...]]


def name_sort_key(full_name: str) -> tuple[SortKey, SortKey]:
    """People sort by given name (the last word), then the rest, the Vietnamese way."""
    words = clean(full_name).split(" ")
    return (sort_key(words[-1]), sort_key(" ".join(words[:-1])))


_PHONE_DIGITS = re.compile(r"[\s.\-()]")


_MOBILE = re.compile(r"0[35789][0-9]{8}")
_LANDLINE = re.compile(r"02[0-9]{9}")  # area code 02xx and 7 digits, since 2017


def normalise_phone(raw: str) -> str:
    """A Vietnamese mobile (0xxxxxxxxx) or landline (02xxxxxxxxx) number in its national form;
    raise ValueError if it is not one."""
    digits = _PHONE_DIGITS.sub("", str(raw))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif len(digits) in (9, 10) and not digits.startswith("0"):
        digits = "0" + digits  # a spreadsheet dropped the leading zero
    if not (_MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits)):
        raise ValueError(raw)
    return digits


# --- Keys the database can sort and search on --------------------------------------------------
# Only [0-9a-z] appear in these keys: every collation (C, en_US, vi_VN) orders such strings the
# same way byte by byte, so an index on them gives Vietnamese order on SQLite and PostgreSQL alike.
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _code(n: int) -> str:
    return _B36[n // 36] + _B36[n % 36]


def db_sort_key(full_name: str) -> str:
    """A [0-9a-z] string whose byte order is the Vietnamese order of people's names."""
    given, rest = name_sort_key(full_name)
    parts = []
    for primary, _tones in (given, rest):
        # Space (0) and the number marker (1) move up by one: "00" is kept to end a section.
        parts.append("".join(_code(min(p + 1 if p < 10 else p, 1295)) for p in primary))
    tones = "".join(str(t) for t in given[1] + rest[1])
    # "00" ends a section and sorts before every letter, so "An" comes before "Anh".
    return f"{parts[0]}00{parts[1]}00{tones}"[:255]


_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Folded words: `H'Mai Niê` → ['h', 'mai', 'hmai', 'nie']` (the apostrophe both ways)."""
    folded = fold(text)
    found = _WORD.findall(folded)
    for chunk in folded.split():
        joined = "".join(_WORD.findall(chunk))
        if joined and joined not in found:
            found.append(joined)
    return found


def prefix_upper_bound(prefix: str) -> str:
    """The smallest [0-9a-z] string after every string that starts with `prefix`."""
    chars = list(prefix)
    while chars:
        i = _B36.index(chars[-1])
        if i + 1 < len(_B36):
            chars[-1] = _B36[i + 1]
            return "".join(chars)
        chars.pop()
    return "~"
