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
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hoiso.core.text import fold

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
        return _match(text, olds)
    news = index.new_by_key.get(full, []) if full else index.new_by_short.get(short, [])
    if news:
        return PlaceMatch(text, tuple(dict.fromkeys(news)))
    return _match(text, olds)


def _match(text: str, olds: Iterable[OldWard]) -> PlaceMatch:
    return PlaceMatch(text, tuple(dict.fromkeys(c for o in olds for c in o.new_codes)))


# --- Branches ----------------------------------------------------------------------------------

_BRANCH_PREFIXES = ("chi hoi phu nu ", "chi hoi pn ", "chi hoi ", "ch. ", "ch ")


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


class BranchIndex:
    """The open branches of one commune, by name as field lists write them."""

    def __init__(self, branches: Iterable[tuple[int, str]]) -> None:
        self.by_key: dict[str, list[int]] = defaultdict(list)
        for pk, name in branches:
            self.by_key[branch_key(name)].append(pk)
        self.keys = list(self.by_key)

    def find(self, name: str) -> int | None:
        k = branch_key(name)
        if not k:
            return None
        found = self.by_key.get(k)
        if found and len(found) == 1:
            return found[0]
        if found:
            return None
        # A near spelling ("Buôn Ea Kma" for "Buôn Ea Kmar"), never another number ("Thôn 1"
        # is not "Thôn 10").
        digits = re.findall(r"\d+", k)
        close = [
            c
            for c in difflib.get_close_matches(k, self.keys, n=3, cutoff=0.88)
            if re.findall(r"\d+", c) == digits
        ]
        if len(close) == 1 and len(self.by_key[close[0]]) == 1:
            return self.by_key[close[0]][0]
        return None
