"""Writes to the unit tree: create, update and close cadre-managed units; load official units."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from vietnam_provinces import Province, VietNamDivisionType, Ward

from hoiso.core import audit
from hoiso.core.limits import length_error, max_length
from hoiso.core.text import clean, fold
from hoiso.units import history
from hoiso.units.models import Level, Unit, today

CENTRAL_CODE = "TW"
CENTRAL_NAME = "Trung ương Hội Liên hiệp Phụ nữ Việt Nam"
FLAGS = ("is_ethnic_minority_area", "is_remote_area", "is_border_area")


def unit_insert(*, parent: Unit | None, **fields: Any) -> Unit:
    """Insert a unit and give it its path, which needs the id the database assigns."""
    unit = Unit(parent=parent, path=f"~{uuid.uuid4().hex}", **fields)
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.set_path()
    unit.save(update_fields=["path"])
    history.record_new([unit])
    return unit


def _check_sibling_name(parent: Unit, name: str, *, exclude: Unit | None = None) -> None:
    siblings = Unit.objects.filter(parent=parent).active().values_list("pk", "name")
    for pk, other in siblings:
        if fold(other) == fold(name) and (exclude is None or pk != exclude.pk):
            raise ValidationError(
                {
                    "name": _("“%(name)s” already has a unit named “%(other)s”.")
                    % {"name": parent.name, "other": other}
                }
            )


def _next_code(parent: Unit) -> str:
    """Children's codes extend the parent's: 24175 → 24175-01 → 24175-01-1."""
    width = 2 if parent.level == Level.COMMUNE else 1
    taken = set(Unit.objects.filter(parent=parent).values_list("code", flat=True))
    n = 1
    while f"{parent.code}-{n:0{width}d}" in taken:
        n += 1
    return f"{parent.code}-{n:0{width}d}"


def unit_create_child(*, actor: Any, parent: Unit, name: str, **flags: bool) -> Unit:
    """Add a branch under a commune or a group under a branch."""
    level = parent.child_level
    if level is None:
        raise ValidationError(_("Units cannot be added under a unit of this level."))
    if parent.valid_to is not None:
        raise ValidationError(
            _("This unit is closed or closing (%(date)s); nothing can be added under it.")
            % {"date": parent.valid_to.strftime("%d/%m/%Y")}
        )
    name = clean(name)
    if not name:
        raise ValidationError({"name": _("Enter the unit's name.")})
    with transaction.atomic():
        _check_sibling_name(parent, name)
        unit = unit_insert(
            parent=parent,
            level=level,
            code=_next_code(parent),
            name=name,
            valid_from=today(),
            **{flag: flags.get(flag, getattr(parent, flag)) for flag in FLAGS},
        )
        audit.log(actor, "unit.created", unit, data={"name": name, "parent": parent.code})
    return unit


def unit_update(*, actor: Any, unit: Unit, name: str | None = None, **flags: bool) -> Unit:
    """Rename a branch or group, and set the area flags of any unit."""
    changes: dict[str, list[Any]] = {}
    with transaction.atomic():
        if name is not None and clean(name) != unit.name:
            name = clean(name)
            if not unit.is_cadre_managed:
                raise ValidationError(
                    {"name": _("Official units keep their official name; it cannot be changed.")}
                )
            if not name:
                raise ValidationError({"name": _("Enter the unit's name.")})
            if too_long := length_error(name, max_length(Unit, "name")):
                raise ValidationError({"name": too_long})
            assert unit.parent is not None
            _check_sibling_name(unit.parent, name, exclude=unit)
            changes["name"] = [unit.name, name]
            history.rename(unit, name, today())
        for flag, value in flags.items():
            if flag not in FLAGS:
                raise TypeError(flag)
            if getattr(unit, flag) != value:
                changes[flag] = [getattr(unit, flag), value]
                setattr(unit, flag, value)
        if changes:
            unit.full_clean(exclude=["path"])
            unit.save()
            audit.log(actor, "unit.updated", unit, data=changes)
    return unit


# What must be true before a unit closes, from the apps above units (members: no active member
# left in it). Each check returns what the cadre must do first, or "" when it has nothing against.
ClosingCheck = Callable[[Unit], str]
CLOSING_CHECKS: list[ClosingCheck] = []


def closing_check(check: ClosingCheck) -> ClosingCheck:
    """Register a check that `unit_close` runs (from an app's AppConfig.ready)."""
    if check not in CLOSING_CHECKS:
        CLOSING_CHECKS.append(check)
    return check


def unit_close(*, actor: Any, unit: Unit, on: dt.date, reason: str = "") -> Unit:
    """Close a branch or group (and its open groups) on a date; its history stays."""
    if not unit.is_cadre_managed:
        raise ValidationError(_("Only branches and groups can be closed here."))
    if unit.valid_to is not None:
        raise ValidationError(_("This unit is already closed."))
    if on < unit.valid_from:
        raise ValidationError(
            {
                "on": _("The closing date cannot be before the unit was created (%(date)s).")
                % {"date": unit.valid_from.strftime("%d/%m/%Y")}
            }
        )
    for check in CLOSING_CHECKS:
        if objection := check(unit):
            raise ValidationError(objection)
    with transaction.atomic():
        closed = history.close(unit, on)
        audit.log(
            actor,
            "unit.closed",
            unit,
            data={"on": on.isoformat(), "reason": clean(reason), "units": len(closed)},
        )
    return unit


# --- Official units from vietnam-provinces --------------------------------------------------


@dataclass
class LoadResult:
    province: Unit
    created: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    unchanged: int = 0


def find_province(query: str) -> Province:
    """A province by official code (`66`) or name, with or without diacritics or `Tỉnh`."""
    query = clean(query)
    provinces = list(Province.iter_all())
    if query.isascii() and query.isdigit():
        for p in provinces:
            if p.code.value == int(query):
                return p
    wanted = fold(query).removeprefix("tinh ").removeprefix("thanh pho ")
    for p in provinces:
        name = fold(p.name).removeprefix("tinh ").removeprefix("thanh pho ")
        if name == wanted:
            return p
    raise LookupError(query)


def province_name(p: Province) -> str:
    name = clean(p.name)
    if p.division_type == VietNamDivisionType.TINH and not fold(name).startswith("tinh"):
        name = f"Tỉnh {name}"
    return name


def central_unit() -> Unit:
    unit = Unit.objects.filter(code=CENTRAL_CODE).first()
    return unit or unit_insert(
        parent=None,
        level=Level.CENTRAL,
        code=CENTRAL_CODE,
        name=CENTRAL_NAME,
        valid_from=dt.date(1930, 10, 20),
    )


def _upsert(result: LoadResult, *, parent: Unit, level: Level, code: str, name: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        unit = unit_insert(parent=parent, level=level, code=code, official_code=code, name=name)
        result.created.append(name)
    elif unit.name != name:
        history.rename(unit, name, max(today(), unit.valid_from))
        unit.save(update_fields=["name", "updated_at"])
        result.renamed.append(name)
    else:
        result.unchanged += 1
    return unit


def load_province(*, province: Province, actor: Any = None) -> LoadResult:
    """Create or refresh a province union and one union per current commune; idempotent."""
    with transaction.atomic():
        root = central_unit()
        code = f"{province.code.value:02d}"
        result = LoadResult(province=root)
        result.province = _upsert(
            result, parent=root, level=Level.PROVINCE, code=code, name=province_name(province)
        )
        for ward in sorted(Ward.iter_by_province(province.code), key=lambda w: w.code.value):
            _upsert(
                result,
                parent=result.province,
                level=Level.COMMUNE,
                code=f"{ward.code.value:05d}",
                name=clean(ward.name),
            )
        if result.created or result.renamed:
            audit.log(
                actor,
                "units.loaded",
                result.province,
                data={"created": len(result.created), "renamed": len(result.renamed)},
            )
    return result


# --- Branches made by a member import ------------------------------------------------------------

# A branch an import prepares carries this start date until the import is written: `active()`
# leaves it out of every list, count and choice, so that nobody sees it, nor puts anything in it,
# before its members arrive with it (and a failed import deletes it as if it had never been).
PENDING_FROM = dt.date(9999, 12, 31)


def unit_prepare_child(*, parent: Unit, name: str) -> Unit:
    """A branch under a commune, not yet open (`units_open` opens it): for a write that shows its
    work all at once at the end."""
    level = parent.child_level
    if level is None or parent.valid_to is not None:
        raise ValidationError(_("Units cannot be added under this unit."))
    return unit_insert(
        parent=parent,
        level=level,
        code=_next_code(parent),
        name=clean(name),
        valid_from=PENDING_FROM,
        **{flag: getattr(parent, flag) for flag in FLAGS},
    )


def units_open(*, actor: Any, units: list[Unit], data: dict[str, Any]) -> None:
    """Open prepared branches from today, audited as created (inside the caller's transaction).
    Refused when a sibling of the same name was opened meanwhile."""
    for unit in units:
        assert unit.parent is not None
        _check_sibling_name(unit.parent, unit.name, exclude=unit)
    Unit.objects.filter(pk__in=[u.pk for u in units], valid_from=PENDING_FROM).update(
        valid_from=today()
    )
    for unit in units:
        assert unit.parent is not None
        audit.log(actor, "unit.created", unit,
                  data={"name": unit.name, "parent": unit.parent.code, **data})  # fmt: skip


def units_discard_prepared(ids: list[int]) -> int:
    """Delete prepared branches that were never opened (nothing can be in them)."""
    deleted, _by_model = Unit.objects.filter(pk__in=ids, valid_from=PENDING_FROM).delete()
    return deleted
