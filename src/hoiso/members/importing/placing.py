"""Placing each row in a branch of the import's unit: by its branch cell, its village, its sheet's
name or the cadre's default, after finding its commune from its address (old names included).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from hoiso.core.sheets import Sheet
from hoiso.core.text import clean
from hoiso.members.importing import new_branches
from hoiso.members.importing.headers import Layout
from hoiso.members.importing.places import (
    BranchFound,
    BranchIndex,
    PlaceMatch,
    branch_key,
    find_commune,
    province_index,
)
from hoiso.members.importing.plan import Plan, Row, Setup
from hoiso.units.models import Level, Unit


class Places:
    """The units rows can go to, inside the import's unit."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.level = Level(unit.level)
        self.province = Unit.objects.get(
            path__in=[*unit.ancestor_paths, unit.path], level=Level.PROVINCE
        )
        units = Unit.objects.within(unit).active()
        self.communes = {u.code: u for u in units.filter(level=Level.COMMUNE)}
        if self.level in (Level.BRANCH, Level.GROUP):
            self.communes = {}
        by_commune: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.branch_names: dict[int, str] = {}
        self.branch_paths: dict[int, str] = {}
        for pk, parent_id, name, path in units.filter(level=Level.BRANCH).values_list(
            "pk", "parent_id", "name", "path"
        ):
            by_commune[parent_id].append((pk, name))
            self.branch_names[pk] = name
            self.branch_paths[pk] = path
        self.branch_commune = {pk: c for c, pks in by_commune.items() for pk, _n in pks}
        self.indexes = {c: BranchIndex(pks) for c, pks in by_commune.items()}
        self.index = province_index(self.province.code)
        self._communes_seen: dict[tuple[str, str, str], PlaceMatch | None] = {}
        self._branches_seen: dict[tuple[int, str], BranchFound | None] = {}
        # Every commune of the province by code, to name the one a row's address points at.
        self.commune_names = dict(
            Unit.objects.filter(parent=self.province, level=Level.COMMUNE).values_list(
                "code", "name"
            )
        )

    def commune_of(self, address: str, commune: str, district: str) -> PlaceMatch | None:
        """find_commune, once per distinct address: a list repeats its villages."""
        key = (address, commune, district)
        if key not in self._communes_seen:
            self._communes_seen[key] = find_commune(
                self.index, address=address, commune=commune, district=district
            )
        return self._communes_seen[key]

    def find_branch(self, commune_id: int, name: str) -> BranchFound | None:
        key = (commune_id, name)
        if key not in self._branches_seen:
            index = self.indexes.get(commune_id)
            self._branches_seen[key] = index.find(name) if index else None
        return self._branches_seen[key]

    def add_branch(self, pk: int, commune_id: int, name: str, path: str) -> None:
        """A branch the import has just created, for the rows placed in it."""
        self.branch_names[pk], self.branch_paths[pk] = name, path
        self.branch_commune[pk] = commune_id

    def unit_paths_and_communes(self) -> dict[int, tuple[str, int]]:
        """Branch id → (its path, its commune's id)."""
        return {pk: (path, self.branch_commune[pk]) for pk, path in self.branch_paths.items()}

    def branches_of(self, commune_id: int) -> list[tuple[int, str]]:
        return sorted(
            ((pk, name) for pk, name in self.branch_names.items()
             if self.branch_commune.get(pk) == commune_id),
            key=lambda p: p[1],
        )  # fmt: skip


def _cell_text(row: Row, layout: Layout, name: str) -> str:
    col = layout.column_of(name)
    if col is None or col >= len(row.cells) or row.cells[col] in (None, ""):
        return ""
    return _clean_cell(row.cells[col])


@functools.lru_cache(maxsize=16_384, typed=True)
def _clean_cell(value: Any) -> str:
    return clean(str(value))


def place_row(
    row: Row, layout: Layout, sheet: Sheet, setup: Setup, places: Places, plan: Plan
) -> None:
    """Choose the row's branch: its branch cell, its village, its sheet's name, or the default."""
    unit = places.unit
    if places.level in (Level.BRANCH, Level.GROUP):
        row.branch_id = unit.pk if places.level == Level.BRANCH else unit.parent_id
        return
    commune = _commune_of_row(row, layout, setup, places, plan)
    if commune is not None:
        _branch_of_row(row, layout, sheet, setup, places, plan, commune)


def _commune_of_row(
    row: Row, layout: Layout, setup: Setup, places: Places, plan: Plan
) -> Unit | None:
    """The row's commune: the import's own, or the one its address names (None, with the row's
    problem said, when it is outside, ambiguous or missing)."""
    unit = places.unit
    commune: Unit | None = unit if places.level == Level.COMMUNE else None
    match = places.commune_of(
        _cell_text(row, layout, "address"),
        _cell_text(row, layout, "commune"),
        _cell_text(row, layout, "district"),
    )
    row.place = match
    if match is not None and match.codes:
        inside = [c for c in match.codes if c in places.communes]
        if commune is not None:
            if commune.code not in match.codes:
                row.problem(
                    _("Address"),
                    _("“%(place)s” is in %(today)s today, not in %(unit)s: import this row in "
                      "that commune's list, or correct the address.")
                    % {"place": match.text, "today": _commune_label(places, match.codes),
                       "unit": commune.name},
                )  # fmt: skip
                return None
        elif len(inside) == 1 and len(match.codes) == 1:
            commune = places.communes[inside[0]]
        elif match.choice_key in setup.place_choices:
            commune = places.communes.get(setup.place_choices[match.choice_key])
        elif inside:
            plan.ambiguous_places.setdefault(
                match.choice_key,
                (match.text, [(c, places.commune_names[c]) for c in inside]),
            )
            row.problem(
                _("Address"),
                _("“%(place)s” was split or is ambiguous: choose today's commune for it above.")
                % {"place": match.text},
            )
            return None
        else:
            row.problem(
                _("Address"),
                _("“%(place)s” is outside %(unit)s.") % {"place": match.text, "unit": unit.name},
            )
            return None
    elif match is not None and places.level == Level.PROVINCE:
        row.problem(
            _("Address"),
            _("No commune called “%(place)s” was found in the province; check the spelling.")
            % {"place": match.text},
        )
        return None
    if commune is None:
        row.problem(
            _("Address"),
            _("Which commune? Add a Xã/Phường column or write the commune in the address."),
        )
        return None
    return commune


def _branch_of_row(
    row: Row,
    layout: Layout,
    sheet: Sheet,
    setup: Setup,
    places: Places,
    plan: Plan,
    commune: Unit,
) -> None:
    """The row's branch in its commune, or the question the cadre must answer about it."""
    index = places.indexes.get(commune.pk)
    branch_cell = _cell_text(row, layout, "branch")
    village = _cell_text(row, layout, "village")
    for source in (branch_cell, village):
        if not source:
            continue
        found = places.find_branch(commune.pk, source) if index is not None else None
        if found and found.exact:
            row.branch_id = found.pk
            return
        key = f"{commune.pk}:{branch_key(source)}"
        chosen = setup.branch_choices.get(key)
        if chosen:
            row.branch_id = chosen
            return
        create = key in setup.create_branches or (
            setup.create_all_branches and not new_branches.why_not(source)
        )
        if found is None and create and setup.may_create_branches:
            _to_create(row, plan, commune, key, source)
            return
        # A near spelling is only proposed: her rows wait for the cadre, like an unknown name.
        if found or source == branch_cell:
            _ask_branch(row, plan, places, setup, commune, source, found)
            return
    found = places.find_branch(commune.pk, sheet.name) if index is not None else None
    if found and found.exact:
        row.branch_id = found.pk
        return
    default = setup.default_branch_id
    if default and places.branch_commune.get(default) == commune.pk:
        row.branch_id = default
        return
    if village:
        _ask_branch(row, plan, places, setup, commune, village, None)
        return
    row.problem(
        _("Branch"),
        _("Which branch? Add a “Chi hội” column, or choose a branch for rows without one."),
    )


def _ask_branch(
    row: Row,
    plan: Plan,
    places: Places,
    setup: Setup,
    commune: Unit,
    name: str,
    near: BranchFound | None,
) -> None:
    """The row waits for the cadre to say which branch `name` is (with the one proposed), or,
    when no branch is near and she may, whether to create it."""
    key = f"{commune.pk}:{branch_key(name)}"
    plan.unknown_branches.setdefault(
        key, (f"{name} ({commune.name})", places.branches_of(commune.pk))
    )
    plan.branch_rows[key] = plan.branch_rows.get(key, 0) + 1
    if near is None:
        if setup.may_create_branches:
            _note_new_name(plan, key, name)
        row.problem(
            _("Branch"),
            _("%(commune)s has no branch called “%(name)s”: choose which branch it is above.")
            % {"commune": commune.name, "name": name},
        )
        return
    plan.branch_proposals[key] = near.pk
    row.problem(
        _("Branch"),
        _("“%(name)s” is not exactly the name of a branch of %(commune)s: confirm above whether "
          "it is “%(branch)s”.")
        % {"name": name, "commune": commune.name, "branch": places.branch_names[near.pk]},
    )  # fmt: skip


def _note_new_name(plan: Plan, key: str, name: str) -> None:
    """Offer `name` as a new branch (its spellings are checked once every row is read)."""
    if new_branches.why_not(name):
        return
    if new_branches.is_marked(name):
        plan.spellings.setdefault(key, set()).add(new_branches.spelling(name))
        if key not in plan.creatable or not new_branches.is_marked(plan.creatable[key]):
            plan.creatable[key] = new_branches.new_branch_name(name)
    else:
        plan.creatable.setdefault(key, new_branches.new_branch_name(name))


def _to_create(row: Row, plan: Plan, commune: Unit, key: str, name: str) -> None:
    """The cadre chose to create this name's branch: the row is new, in the branch to come."""
    if new_branches.why_not(name):
        row.problem(
            _("Branch"),
            _("“%(name)s” is too short to name a new branch: write the village's full name.")
            % {"name": name},
        )
        return
    _note_new_name(plan, key, name)
    plan.to_create.setdefault(key, ("", commune.pk))
    plan.branch_rows[key] = plan.branch_rows.get(key, 0) + 1
    row.new_branch = key


def settle_new_branches(plan: Plan) -> None:
    """Once every row is placed: a name written with two sets of marks ("Thôn Mỹ Thạnh", "Thôn Mỹ
    Thanh") is two places, so no branch is made of it; the others take their cleaned name."""
    split = {key for key, spelt in plan.spellings.items() if len(spelt) > 1}
    for key in split:
        plan.creatable.pop(key, None)
        plan.to_create.pop(key, None)
    for key, (_name, commune_id) in list(plan.to_create.items()):
        plan.to_create[key] = (plan.creatable[key], commune_id)
    for row in plan.rows:
        if row.new_branch in split:
            row.new_branch = ""
            row.problem(
                _("Branch"),
                _("This village is written in several ways in the file (with different marks): "
                  "correct the file so that each village is written one way."),
            )  # fmt: skip


def _commune_label(places: Places, codes: Iterable[str]) -> str:
    return " / ".join(places.commune_names.get(code, code) for code in codes)
