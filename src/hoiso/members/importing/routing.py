"""Which commune a file of a province's folder belongs to, by its name: exactly one commune's
name (with or without "Xã"/"Phường" in front) or code, else the province itself, whose import
routes each row by its commune column or address. A name that fits several communes is
reported, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hoiso.members.importing.places import key
from hoiso.units.models import Level, Unit

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
_KINDS = ("xa", "phuong", "dackhu", "thitran")


@dataclass(frozen=True)
class Route:
    file: Path
    unit: Unit | None  # the commune, the province (rows routed one by one), or None: ambiguous
    by_name: bool
    candidates: tuple[str, ...] = ()  # the communes an ambiguous name fits


def _bare(name_key: str) -> str:
    for kind in _KINDS:
        if name_key.startswith(kind) and len(name_key) > len(kind):
            return name_key[len(kind) :]
    return name_key


# What file names say besides the commune: "DS hội viên xã Ea Kar", "danh_sach_24373".
_WORDS = ("danhsach", "ds", "hoivien", "hv", "phunu", "pn")


def _stem_key(stem: str) -> str:
    k = key(stem)
    stripped = True
    while stripped:
        stripped = False
        for word in _WORDS:
            if k.startswith(word) and len(k) > len(word):
                k, stripped = k[len(word) :], True
    return k


class Router:
    """The open communes of a province by code, full name and bare name."""

    def __init__(self, province: Unit) -> None:
        self.province = province
        self.names: dict[str, list[Unit]] = {}
        communes = Unit.objects.within(province).active().filter(level=Level.COMMUNE)
        for commune in communes:
            for k in {commune.code.lower(), key(commune.name), _bare(key(commune.name))}:
                self.names.setdefault(k, []).append(commune)

    def route(self, file: Path) -> Route:
        fits = {c.pk: c for c in self.names.get(_stem_key(file.stem), [])}
        if len(fits) == 1:
            return Route(file, next(iter(fits.values())), by_name=True)
        if fits:
            names = tuple(sorted(f"{c.name} ({c.code})" for c in fits.values()))
            return Route(file, None, by_name=True, candidates=names)
        return Route(file, self.province, by_name=False)


def province_files(folder: Path) -> list[Path]:
    """The member lists of a folder (not the error workbooks an earlier run wrote)."""
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.stem.endswith("-loi")
        and not p.name.startswith(("~$", "."))
    )  # fmt: skip
