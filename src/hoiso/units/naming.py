"""How the union names its units: in sentences ("Hội LHPN xã Ea Kar"), on its documents' heading
("HỘI LHPN TỈNH ĐẮK LẮK" / "BCH HỘI LHPN XÃ EA KAR"), by the place they stand in ("Ea Kar"), and
the kinds of village a branch is named after (thôn, buôn, bản, ấp, tổ dân phố…).
"""

from __future__ import annotations

from hoiso.core.documents import Heading, Paper, Signature
from hoiso.core.text import fold
from hoiso.units.models import Level, Unit

UNION = "Hội LHPN"
UNION_OF_VIETNAM = "Hội LHPN Việt Nam"

# The kinds of administrative unit a name starts with, as the 2025 reform and the earlier tree
# write them; longest first so that "Thành phố" is not read as something shorter.
_DIVISION_KINDS = ("Thành phố", "Đặc khu", "Thị trấn", "Thị xã", "Phường", "Huyện", "Quận",
                   "Tỉnh", "Xã")  # fmt: skip

# What the whole country calls a village, a hamlet or a street quarter, folded and split into
# words: thôn and xóm (the North and the Centre), buôn and bon (Ê Đê, M'nông), plei, play and plơi
# (Gia Rai, Ba Na), bản (the northern uplands), ấp, khóm, phum and sóc (the South, Khmer), palei
# (Chăm), làng, khu phố, khối, tổ dân phố, khu dân cư, khu vực, đội, cụm. Longest first.
VILLAGE_KINDS: tuple[tuple[str, ...], ...] = tuple(sorted(
    (("to", "dan", "pho"), ("khu", "dan", "cu"), ("khu", "pho"), ("khu", "vuc"), ("thon",),
     ("xom",), ("buon",), ("bon",), ("plei",), ("play",), ("ploi",), ("ban",), ("ap",), ("khom",),
     ("phum",), ("soc",), ("palei",), ("lang",), ("khoi",), ("to",), ("khu",), ("doi",), ("cum",)),
    key=len, reverse=True,
))  # fmt: skip


def village_kind(words: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The kind of village folded `words` start with ("thon", "to dan pho"…), or ()."""
    head = tuple(words)
    return next((k for k in VILLAGE_KINDS if head[: len(k)] == k), ())


# Kinds that, alone, also name something else (a group of the branch, a team, an area).
_NOT_ALONE = frozenset({("to",), ("khu",), ("doi",), ("cum",)})


def is_village_kind(text: str) -> bool:
    """ "Thôn", "Tổ dân phố", "Ấp": a kind of village alone, as a column may be headed ("Tổ",
    "Khu", "Đội", "Cụm" alone are not: a list's "Tổ" is the branch's group)."""
    words = tuple(fold(text).split())
    return bool(words) and village_kind(words) == words and words not in _NOT_ALONE


def _split(name: str) -> tuple[str, str]:
    """ "Xã Ea Kar" → ("Xã", "Ea Kar"); a name without a kind → ("", name)."""
    folded = fold(name)
    for kind in _DIVISION_KINDS:
        if folded.startswith(fold(kind) + " "):
            return name[: len(kind)], name[len(kind) + 1 :].strip()
    return "", name


def place_name(unit: Unit) -> str:
    """The place a unit's documents are dated from: its own name without its kind ("Ea Kar"),
    or, below a commune, its commune's; "Hà Nội" for the central union."""
    if unit.level == Level.CENTRAL:
        return "Hà Nội"
    if unit.level > Level.COMMUNE:
        commune = Unit.objects.filter(path__in=unit.ancestor_paths, level=Level.COMMUNE).first()
        if commune is not None:
            unit = commune
    return _split(unit.name)[1]


def union_name(unit: Unit) -> str:
    """The union of a unit as a sentence names it: "Hội LHPN tỉnh Đắk Lắk", "Hội LHPN xã Ea Kar",
    "Chi hội Buôn Ea Sinh" (a branch or group is named by its own name)."""
    if unit.level == Level.CENTRAL:
        return UNION_OF_VIETNAM
    if unit.level >= Level.BRANCH:
        return unit.name
    kind, bare = _split(unit.name)
    return f"{UNION} {kind.lower()} {bare}" if kind else f"{UNION} {bare}"


def paper(unit: Unit, superior: Unit | None = None) -> Paper:
    """What the documents `unit` issues print: its heading under its superior (the parent unit
    unless given), its place, and who signs for it."""
    if unit.level == Level.CENTRAL:
        heading = Heading(UNION_OF_VIETNAM.upper(), "ĐOÀN CHỦ TỊCH")
        return Paper(heading, place_name(unit), Signature("TM. ĐOÀN CHỦ TỊCH", "CHỦ TỊCH"))
    if superior is None:
        superior = unit.parent
    above = union_name(superior).upper() if superior is not None else UNION_OF_VIETNAM.upper()
    if unit.level == Level.BRANCH:
        return Paper(Heading(above, unit.name.upper()), place_name(unit),
                     Signature("", "CHI HỘI TRƯỞNG"))  # fmt: skip
    if unit.level == Level.GROUP:
        return Paper(Heading(above, unit.name.upper()), place_name(unit),
                     Signature("", "TỔ TRƯỞNG"))  # fmt: skip
    issuer = f"BCH {union_name(unit).upper()}"
    return Paper(
        Heading(above, issuer), place_name(unit), Signature("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH")
    )


def where(unit: Unit) -> str:
    """Where a person belongs, as a document says it: "Chi hội Thôn 1, xã Ea Kar" below a commune,
    "Hội LHPN xã Ea Kar" at a commune or above."""
    if unit.level < Level.BRANCH:
        return union_name(unit)
    commune = Unit.objects.filter(path__in=unit.ancestor_paths, level=Level.COMMUNE).first()
    if commune is None:
        return unit.name
    kind, bare = _split(commune.name)
    return f"{unit.name}, {kind.lower()} {bare}" if kind else f"{unit.name}, {bare}"
