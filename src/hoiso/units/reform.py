"""The 2025 reform, replayable: a province's tree before 1 July 2025 (province → district →
commune) loaded as history, and today's communes linked as the successors of the old ones.

The old units and where each went come from the old→new table published with
`vietnamadminunits` (its data files only, as the member import reads them). The old units are
closed units (valid_to = 1 July 2025): an old province that is today's (same code, e.g. Đắk Lắk)
is today's unit, which simply began earlier; one merged into it (Phú Yên) is a closed province
with today's as successor. An old commune wholly inside one of today's communes gets that
commune as successor; one split between several gets none: the candidates are recorded
(SuccessorCandidate) for a cadre to confirm, never guessed.

Today's branches of a commune that has exactly one predecessor and nothing split into it were in
that old commune before the reform: their spans (and their members' placements, through the
members' hook) are carried back. Other branches wait for `place_branches_before`, with an
assignment a person (or the demo, which builds its own) gives.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from hoiso.core import audit
from hoiso.core.text import clean, fold
from hoiso.units.models import (
    REFORM_DAY,
    SEGMENT_WIDTH,
    Level,
    SuccessorCandidate,
    Unit,
    UnitSpan,
)
from hoiso.units.services import central_unit, find_province, load_province, unit_insert

# The old units are known as they stood on 30 June 2025, not since when: history starts here by
# default (the demo's and reports' earliest year), and a province may load it from earlier.
HISTORY_FROM = dt.date(2024, 1, 1)
OLD_CODE = "cu-{}"  # old units' codes ("cu-54", "cu-555", "cu-22015"): never today's

# Called as hook(branch_ids, since) once branches have been given their place before the
# reform: the members app carries their members' placements back (registered from its ready()).
BRANCHES_BACKDATED: list[Any] = []


def on_branches_backdated(hook: Any) -> Any:
    if hook not in BRANCHES_BACKDATED:
        BRANCHES_BACKDATED.append(hook)
    return hook


@dataclass
class HistoryResult:
    province: Unit
    created: int = 0
    linked: int = 0  # old communes given today's successor
    split: dict[str, list[str]] = field(default_factory=dict)  # old name → candidates' names
    branches: int = 0  # today's branches placed in their old commune


def _data() -> tuple[sqlite3.Connection, dict[str, Any]]:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("vietnamadminunits")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    db = sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)
    converter = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    return db, converter


def _old_unit(
    result: HistoryResult, parent: Unit, level: Level, code: str, name: str, since: dt.date
) -> Unit:
    existing = Unit.objects.filter(code=OLD_CODE.format(code)).first()
    if existing is not None:
        return existing
    result.created += 1
    return unit_insert(
        parent=parent, level=level, code=OLD_CODE.format(code), official_code=code,
        name=clean(name), valid_from=since, valid_to=REFORM_DAY,
    )  # fmt: skip


def _begin_earlier(unit: Unit, since: dt.date) -> None:
    """Today's unit existed before the reform too (the province that kept its code)."""
    if unit.valid_from <= since:
        return
    first = UnitSpan.objects.filter(unit=unit).order_by("valid_from").first()
    if first is not None and first.valid_from == unit.valid_from:
        UnitSpan.objects.filter(pk=first.pk).update(valid_from=since)
    Unit.objects.filter(pk=unit.pk).update(valid_from=since)
    unit.valid_from = since


def load_history(query: str, *, since: dt.date = HISTORY_FROM, actor: Any = None) -> HistoryResult:
    """Load the province's pre-2025 tree as history; running it again changes nothing."""
    found = find_province(query)
    with transaction.atomic():
        province = load_province(province=found).province
        result = HistoryResult(province=province)
        _begin_earlier(province, since)
        db, converter = _data()
        try:
            _load(result, db, converter, since)
        finally:
            db.close()
        result.branches = place_branches_before(_unambiguous(province), since)
        audit.log(
            actor,
            "units.history_loaded",
            province,
            data={"created": result.created, "linked": result.linked,
                  "split": len(result.split), "branches": result.branches},
        )  # fmt: skip
    return result


def _load(
    result: HistoryResult, db: sqlite3.Connection, converter: dict[str, Any], since: dt.date
) -> None:
    province = result.province
    rows = db.execute(
        "SELECT provinceKey, wardKey, wardCode, ward FROM admin_units WHERE provinceCode = ?",
        [province.code],
    ).fetchall()
    if not rows:
        return
    new_key = rows[0][0]
    today = list(Unit.objects.filter(parent=province, level=Level.COMMUNE, valid_to=None))
    by_code = {u.code: u for u in today}
    by_name: dict[str, list[Unit]] = defaultdict(list)
    for u in today:
        by_name[fold(u.name)].append(u)

    def today_unit(code: str, name: str) -> Unit | None:
        # The two packages' codes differ for a few communes (Xã Xuân Cảnh: 22060 and 22066):
        # then the one unit of that name, if there is exactly one.
        named = by_name.get(fold(name), [])
        return by_code.get(f"{int(code):05d}") or (named[0] if len(named) == 1 else None)

    new_commune = {ward_key: today_unit(code, name) for _p, ward_key, code, name in rows}
    becomes: dict[str, Unit] = {}
    for ward_key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"][new_key].items():
        for old_key in old_keys:
            if (unit := new_commune.get(ward_key)) is not None:
                becomes[old_key] = unit
    split: dict[str, list[tuple[Unit, bool]]] = defaultdict(list)
    for old_key, parts in converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {}).items():
        for part in parts:
            if (unit := new_commune.get(part["newWardKey"])) is not None:
                split[old_key].append((unit, bool(part.get("isDefaultNewWard"))))
    old_provinces = converter["DICT_PROVINCE"].get(new_key, [new_key])
    marks = ",".join("?" * len(old_provinces))
    legacy = db.execute(
        "SELECT province, provinceCode, provinceKey, district, districtCode, districtKey, "
        "ward, wardCode, wardKey FROM admin_units_legacy "
        f"WHERE provinceKey IN ({marks}) ORDER BY provinceCode, districtCode, wardCode",
        old_provinces,
    ).fetchall()
    root = central_unit()
    provinces: dict[str, Unit] = {}
    districts: dict[str, Unit] = {}
    for p_name, p_code, p_key, d_name, d_code, d_key, w_name, w_code, w_key in legacy:
        if p_code not in provinces:
            if int(p_code) == int(province.code):
                provinces[p_code] = province
            else:
                old = _old_unit(result, root, Level.PROVINCE, p_code, p_name, since)
                province.predecessors.add(old)
                provinces[p_code] = old
        if d_code not in districts:
            districts[d_code] = _old_unit(
                result, provinces[p_code], Level.DISTRICT, d_code, d_name, since
            )
        commune = _old_unit(result, districts[d_code], Level.COMMUNE, w_code, w_name, since)
        full_key = f"{p_key}_{d_key}_{w_key}"
        if full_key in split and len({u.pk for u, _d in split[full_key]}) > 1:
            for unit, is_default in split[full_key]:
                SuccessorCandidate.objects.get_or_create(
                    unit=commune, candidate=unit, defaults={"is_default": is_default}
                )
            result.split[commune.name] = sorted({u.name for u, _d in split[full_key]})
        elif full_key in becomes or full_key in split:
            successor = becomes.get(full_key) or split[full_key][0][0]
            successor.predecessors.add(commune)
            result.linked += 1


def _unambiguous(province: Unit) -> dict[int, Unit]:
    """Today's branches whose commune came from exactly one old commune, and nothing split
    into it: branch id → that old commune."""
    out: dict[int, Unit] = {}
    split_into = set(
        SuccessorCandidate.objects.filter(candidate__parent=province).values_list(
            "candidate_id", flat=True
        )
    )
    for commune in Unit.objects.filter(parent=province, level=Level.COMMUNE, valid_to=None):
        olds = list(commune.predecessors.all())
        if len(olds) != 1 or commune.pk in split_into:
            continue
        for branch_id in Unit.objects.filter(parent=commune, level=Level.BRANCH).values_list(
            "pk", flat=True
        ):
            out[branch_id] = olds[0]
    return out


def place_branches_before(assignment: dict[int, Unit], since: dt.date) -> int:
    """Give today's branches (and their groups) a place before the reform: in the given old
    commune, from `since` (or the branch's start, if later and before the reform) to 30 June
    2025. A branch that already has a span before the reform is left as it is."""
    step = SEGMENT_WIDTH + 1
    placed: list[int] = []
    for branch_id, old in assignment.items():
        branch = Unit.objects.get(pk=branch_id)
        if (
            branch.valid_from < REFORM_DAY
            or UnitSpan.objects.filter(unit=branch, valid_from__lt=REFORM_DAY).exists()
        ):
            continue
        subtree = list(Unit.objects.filter(path__startswith=branch.path, valid_from=REFORM_DAY))
        cut = len(branch.path) - step
        for unit in subtree:
            old_path = f"{old.path}{unit.path[cut:]}"
            parent_id = old.pk if unit.pk == branch.pk else unit.parent_id
            UnitSpan.objects.create(
                unit=unit, parent_id=parent_id, path=old_path, name=unit.name,
                valid_from=since, valid_to=REFORM_DAY,
            )  # fmt: skip
        Unit.objects.filter(pk__in=[u.pk for u in subtree]).update(valid_from=since)
        placed.append(branch_id)
    if placed:
        for hook in BRANCHES_BACKDATED:
            hook(placed, since)
    return len(placed)


def split_waiting(unit: Unit) -> list[tuple[Unit, list[SuccessorCandidate]]]:
    """The old units split between several units of `unit`'s subtree, still waiting for a cadre
    to say which one succeeds them, each with its candidates."""
    waiting: dict[int, tuple[Unit, list[SuccessorCandidate]]] = {}
    rows = (
        SuccessorCandidate.objects.filter(candidate__path__startswith=unit.path)
        .select_related("unit", "unit__parent", "candidate")
        .order_by("unit__name", "candidate__name")
    )
    for row in rows:
        waiting.setdefault(row.unit_id, (row.unit, []))[1].append(row)
    return list(waiting.values())


def confirm_successor(old: Unit, chosen: Unit, *, actor: Any = None) -> None:
    """A cadre's answer for a split old unit: `chosen` is recorded as its successor."""
    with transaction.atomic():
        if not SuccessorCandidate.objects.filter(unit=old, candidate=chosen).exists():
            raise ValueError("not a candidate")
        chosen.predecessors.add(old)
        SuccessorCandidate.objects.filter(unit=old).delete()
        audit.log(
            actor, "unit.successor_confirmed", chosen, data={"old": old.code, "name": old.name}
        )
