"""Where a row belongs: its branch by name, its commune by today's or a pre-2025 address.

Since 1 July 2025 districts are gone and most communes were merged; field lists still say
"xã Ea Đar, huyện Ea Kar". The old→new table is the one published with `vietnamadminunits` (its
data file only: today's units themselves come from `vietnam-provinces`, whose codes our units
carry). An old commune split between several new ones, or an old name found in two districts when
the address names none, is ambiguous: the cadre chooses.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hoiso.core.text import fold
from hoiso.units.naming import village_kind

_WARD_TYPES = ("thi tran", "phuong", "xa", "tt", "p", "x")
_DISTRICT_TYPES = ("thanh pho", "thi xa", "huyen", "quan", "tp", "tx", "h", "q")
_PROVINCE_TYPES = ("thanh pho", "tinh", "tp", "t")
_TYPE_NAMES = {"tt": "thi tran", "p": "phuong", "x": "xa", "tp": "thanh pho", "tx": "thi xa",
               "h": "huyen", "q": "quan", "t": "tinh"}  # fmt: skip


def key(text: str) -> str:
    """Names as the tables compare them: folded, letters and digits only ("xaeadar")."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


def _split_type(part: str, types: tuple[str, ...]) -> tuple[str, str] | None:
    """("xa", "ea dar") for "xã Ea Đar" / "X. Ea Đar"; None when the part has no such type."""
    folded = fold(part).strip()
    for t in types:
        for sep in (" ", ". ", "."):
            if folded.startswith(t + sep) and len(folded) > len(t) + len(sep):
                return _TYPE_NAMES.get(t, t), folded[len(t) + len(sep) :].strip()
    return None


@dataclass(frozen=True)
class OldWard:
    ward_key: str  # "xaeadar"
    district_short: str  # "eakar"
    new_codes: tuple[str, ...]  # today's communes it became part of


@dataclass
class PlaceIndex:
    """The communes of one (new) province under today's and their old names."""

    new_by_key: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    new_by_short: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    old_by_short: dict[str, list[OldWard]] = field(default_factory=lambda: defaultdict(list))
    district_shorts: set[str] = field(default_factory=set)
    province_shorts: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class PlaceMatch:
    """Today's commune(s) an address points at: one code, or several to choose from."""

    text: str  # the place as the file named it, for the cadre: "xã Ea Đar, huyện Ea Kar"
    codes: tuple[str, ...]

    @property
    def choice_key(self) -> str:
        return key(self.text)


def _data_dir() -> Path:
    # The package's own __init__ pulls in geocoding libraries; only its data is needed here.
    spec = importlib.util.find_spec("vietnamadminunits")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@functools.cache
def province_index(province_code: str) -> PlaceIndex:
    """Built once per process from the published tables (a few milliseconds per province)."""
    code = f"{int(province_code):02d}"
    data = _data_dir()
    index = PlaceIndex()
    db = sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True)
    try:
        new_rows = db.execute(
            "SELECT provinceKey, provinceShortKey, wardKey, wardShortKey, wardCode "
            "FROM admin_units WHERE provinceCode = ?",
            [code],
        ).fetchall()
        if not new_rows:
            return index
        province_key = new_rows[0][0]
        index.province_shorts.add(new_rows[0][1])
        new_code = {}
        for _pk, _ps, ward_key, ward_short, ward_code in new_rows:
            new_code[ward_key] = ward_code
            index.new_by_key[ward_key].append(ward_code)
            index.new_by_short[ward_short].append(ward_code)
        converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
        old_provinces = converter["DICT_PROVINCE"].get(province_key, [province_key])
        becomes: dict[str, list[str]] = defaultdict(list)
        for new_key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"][province_key].items():
            for old_key in old_keys:
                becomes[old_key].append(new_code[new_key])
        divided = converter["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {})
        for old_key, parts in divided.items():
            for part in parts:
                c = new_code[part["newWardKey"]]
                if c not in becomes[old_key]:
                    becomes[old_key].append(c)
        marks = ",".join("?" * len(old_provinces))
        for row in db.execute(
            "SELECT provinceKey, provinceShortKey, districtKey, districtShortKey, wardKey, "
            f"wardShortKey FROM admin_units_legacy WHERE provinceKey IN ({marks})",
            old_provinces,
        ):
            p_key, p_short, d_key, d_short, w_key, w_short = row
            index.province_shorts.add(p_short)
            index.district_shorts.add(d_short)
            codes = tuple(becomes.get(f"{p_key}_{d_key}_{w_key}", ()))
            if not codes:
                continue
            index.old_by_short[w_short].append(OldWard(w_key, d_short, codes))
    finally:
        db.close()
    return index


def _parts(address: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;]|\s-\s", address) if p.strip()]


def find_commune(
    index: PlaceIndex, *, address: str = "", commune: str = "", district: str = ""
) -> PlaceMatch | None:
    """Today's commune for a row, from its commune and district cells or its address.

    None when no commune is named; a match with no codes when the name is not known."""
    ward_type = ward_name = district_short = ""
    pieces = []
    if commune:
        typed = _split_type(commune, _WARD_TYPES)
        ward_type, ward_name = typed if typed else ("", fold(commune))
        pieces.append(commune.strip())
    if district:
        typed = _split_type(district, _DISTRICT_TYPES)
        district_short = key(typed[1] if typed else district)
        pieces.append(district.strip())
    if not ward_name and address:
        parts = _parts(address)
        for i, part in enumerate(parts):
            typed = _split_type(part, _WARD_TYPES)
            if typed and key(typed[1]) in (*index.new_by_short, *index.old_by_short):
                ward_type, ward_name = typed
                pieces.append(part)
                rest = parts[i + 1 :]
                break
        else:
            # An address without types: "Thôn 3, Ea Đar, Ea Kar, Đắk Lắk".
            rest = []
            for i, part in enumerate(parts[1:], start=1):
                k = key(part)
                if k in index.old_by_short or k in index.new_by_short:
                    ward_name, rest = fold(part), parts[i + 1 :]
                    pieces.append(part)
                    break
        for part in rest:
            typed = _split_type(part, _DISTRICT_TYPES)
            short = key(typed[1]) if typed else key(part)
            if short in index.district_shorts and short not in index.province_shorts:
                district_short = short
                pieces.append(part)
                break
    if not ward_name:
        return None
    text = ", ".join(pieces)
    short = key(ward_name)
    full = key(f"{ward_type} {ward_name}") if ward_type else ""
    olds = index.old_by_short.get(short, [])
    if full:
        olds = [o for o in olds if o.ward_key == full]
    if district_short:
        olds = [o for o in olds if o.district_short == district_short]
        # A district is named: the address is written in the old way.
        return match_rows(text, olds)
    news = index.new_by_key.get(full, []) if full else index.new_by_short.get(short, [])
    if news:
        return PlaceMatch(text, tuple(dict.fromkeys(news)))
    return match_rows(text, olds)


def match_rows(text: str, olds: Iterable[OldWard]) -> PlaceMatch:
    return PlaceMatch(text, tuple(dict.fromkeys(c for o in olds for c in o.new_codes)))


# --- Branches ----------------------------------------------------------------------------------

_BRANCH_PREFIXES = ("chi hoi phu nu ", "chi hoi pn ", "chi hoi ", "ch. ", "ch ")


@functools.lru_cache(maxsize=4096)  # asked for each row; a list names a few dozen villages
def branch_key(name: str) -> str:
    """ "Chi hội Thôn 03" and "thôn 3" alike: no prefix, no leading zeros, no punctuation."""
    text = fold(name).strip()
    for prefix in _BRANCH_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    text = re.sub(r"\b0+(\d)", r"\1", text)
    text = re.sub(r"\bso\s+(\d)", r"\1", text)  # "Thôn số 3"
    return re.sub(r"[^0-9a-z]", "", text)


# Words that make another place when added, dropped or swapped: never a typo.
_QUALIFIERS = frozenset({"dong", "tay", "nam", "bac", "thuong", "ha", "trung", "moi", "cu", "ngoai",
                         "trong", "tren", "duoi", "giua", "lon", "nho"})  # fmt: skip
_TONE_MARKS = {
    "\u0300": "huyen",
    "\u0301": "sac",
    "\u0303": "nga",
    "\u0309": "hoi",
    "\u0323": "nang",
}
# A near spelling is at least this similar (difflib's ratio) once the kind of place is set aside.
NEAR = 0.88


@dataclass(frozen=True)
class BranchFound:
    """A branch for a name: `exact` once normalised, or only proposed to the cadre."""

    pk: int
    exact: bool


@dataclass(frozen=True)
class _Name:
    """A branch name as compared: its key, its words, and its spelling with marks."""

    key: str
    words: tuple[str, ...]  # folded, the prefix, the kind of place and leading zeros set aside
    spelling: tuple[str, tuple[str, ...]]  # letters with their shapes (â, ơ…), and the tones
    marked: bool  # written with diacritics at all

    @classmethod
    def of(cls, name: str) -> _Name:
        written = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", name).lower())
        folded = [fold(w) for w in written]
        for prefix in _BRANCH_PREFIX_WORDS:
            if tuple(folded[: len(prefix)]) == prefix:
                written, folded = written[len(prefix) :], folded[len(prefix) :]
                break
        keep = [i for i, w in enumerate(folded)
                if not (w == "so" and i + 1 < len(folded) and folded[i + 1].isdigit())]  # fmt: skip
        written, folded = [_unpad(written[i]) for i in keep], [_unpad(folded[i]) for i in keep]
        # "Mỹ Thạnh", "Thôn Mỹ Thạnh" and "Ấp Mỹ Thạnh" may be one place: every kind of village
        # the country has is set aside alike.
        kind = village_kind(folded)
        return cls(
            key=branch_key(name),
            words=tuple(folded[len(kind) :]),
            spelling=_spelling(written),
            marked=not "".join(written).isascii(),
        )


_BRANCH_PREFIX_WORDS = tuple(tuple(p.replace(".", "").split()) for p in _BRANCH_PREFIXES)


def _unpad(word: str) -> str:
    return re.sub(r"^0+(\d)", r"\1", word)


def _spelling(words: list[str]) -> tuple[str, tuple[str, ...]]:
    """The letters with their shapes (â, ơ, đ…) and the words' tones apart, wherever a tone mark
    sits and however the words are spaced: "Hoà" and "Hòa" are one spelling, "Thanh" and
    "Thạnh" two."""
    letters, tones = [], []
    for word in words:
        for ch in unicodedata.normalize("NFD", word):
            if ch in _TONE_MARKS:
                tones.append(_TONE_MARKS[ch])
            else:
                letters.append(ch)
    return unicodedata.normalize("NFC", "".join(letters)), tuple(tones)


def _never_a_typo(a: str, b: str) -> bool:
    """Two words that name different places however alike they look."""
    return bool(
        a in _QUALIFIERS or b in _QUALIFIERS or len(a) == 1 or len(b) == 1
        or re.search(r"\d", a + b)
    )  # fmt: skip


def _near(a: _Name, b: _Name) -> bool:
    """The same place spelled differently: the same words but for their marks or the kind of place,
    or as many words with the differing ones alike and none of them a qualifier or a number."""
    if a.words == b.words:
        return bool(a.words)
    if len(a.words) != len(b.words):
        return False
    differing = [(x, y) for x, y in zip(a.words, b.words, strict=True) if x != y]
    if any(_never_a_typo(x, y) for x, y in differing):
        return False
    ratio = difflib.SequenceMatcher(None, "".join(a.words), "".join(b.words)).ratio()
    return ratio >= NEAR


class BranchIndex:
    """The open branches of one commune, by name as field lists write them."""

    def __init__(self, branches: Iterable[tuple[int, str]]) -> None:
        self.names = [(pk, _Name.of(name)) for pk, name in branches]
        self.by_key: dict[str, list[tuple[int, _Name]]] = defaultdict(list)
        for pk, name in self.names:
            self.by_key[name.key].append((pk, name))

    def find(self, text: str) -> BranchFound | None:
        """The branch `text` names exactly; else the one branch it is a near spelling of, only
        proposed; else None. Exact: the same key ("Chi hội" prefix, leading zeros, case, spaces
        and punctuation aside) and the same spelling, or a name typed without any marks."""
        name = _Name.of(text)
        if not name.key:
            return None
        same_key = self.by_key.get(name.key, [])
        exact = [pk for pk, b in same_key if not name.marked or b.spelling == name.spelling]
        if len(exact) == 1:
            return BranchFound(exact[0], exact=True)
        if len(exact) > 1:
            return None
        near = [pk for pk, b in self.names if _near(name, b)]
        return BranchFound(near[0], exact=False) if len(near) == 1 else None
