"""Writes for targets: set a target, enter population figures, send reminders."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from hoiso.accounts.models import Assignment
from hoiso.accounts.roles import Role
from hoiso.core import audit, formats
from hoiso.core.text import clean
from hoiso.metrics.registry import LOWER, REGISTRY
from hoiso.metrics.versions import bump
from hoiso.notifications.services import messages_read, notify
from hoiso.targets import compliance
from hoiso.targets.models import Comparison, PopulationFigure, Target
from hoiso.units.models import REFORM_DAY, Level, Unit

log = logging.getLogger(__name__)
TARGET_FIELDS = [
    "year",
    "theme",
    "title",
    "metric",
    "level",
    "period_kind",
    "comparison",
    "threshold",
    "required_share",
    "remind_days",
    "publish_ranking",
]


def _check(target: Target) -> None:
    errors: dict[str, str] = {}
    target.title = clean(target.title)
    target.theme = clean(target.theme)
    if not target.title:
        errors["title"] = _(
            "Name the target, e.g. “Each commune posts on its fanpage every month”."
        )
    if target.metric not in REGISTRY:
        errors["metric"] = _("Choose what is measured from the list.")
    if target.level <= target.unit.level:
        errors["level"] = _("A target applies to the units below yours; choose a lower level.")
    elif target.level not in dict(applies_level(target.unit, target.year)):
        errors["level"] = _(
            "Districts were abolished on 01/07/2025: a target for %(year)s applies to communes "
            "or below."
        ) % {"year": target.year}
    metric = REGISTRY.get(target.metric)
    if metric is not None and target.comparison not in Comparison.for_direction(metric.better):
        if metric.better == LOWER:
            message = _("For “%(metric)s” a lower value is better: choose “at most”.")
        else:
            message = _("For “%(metric)s” a higher value is better: choose “at least”.")
        errors["comparison"] = message % {"metric": metric.label}
    if not 2000 <= target.year <= 2100:
        errors["year"] = _("Give the year as four digits, e.g. 2026.")
    if target.required_share is not None and not Decimal(0) <= target.required_share <= Decimal(
        100
    ):
        errors["required_share"] = _("Give a share between 0 and 100 (%).")
    if target.threshold is not None and target.threshold < 0:
        errors["threshold"] = _("The level to reach cannot be negative.")
    if errors:
        raise ValidationError(errors)


def target_create(*, actor: Any, unit: Unit, data: dict[str, Any]) -> Target:
    """Set a target for the units of one level inside `unit`'s subtree."""
    province = unit.province()
    if province is None:
        raise ValidationError(_("This unit is not inside a province."))
    target = Target(unit=unit, province=province, unit_path=unit.path, created_by=actor)
    for name in TARGET_FIELDS:
        if name in data:
            setattr(target, name, data[name])
    _check(target)
    with transaction.atomic():
        target.save()
        audit.log(actor, "target.created", target, unit=unit, data={"metric": target.metric})
    return target


def target_update(*, actor: Any, target: Target, data: dict[str, Any]) -> Target:
    changed = [n for n in TARGET_FIELDS if n in data and getattr(target, n) != data[n]]
    for name in changed:
        setattr(target, name, data[name])
    _check(target)
    with transaction.atomic():
        target.save()
        audit.log(actor, "target.updated", target, unit=target.unit, data={"fields": changed})
    return target


def target_delete(*, actor: Any, target: Target) -> None:
    with transaction.atomic():
        audit.log(actor, "target.deleted", target, unit=target.unit, data={"title": target.title})
        target.delete()


def population_set(*, actor: Any, year: int, figures: dict[Unit, int | None]) -> int:
    """Enter (or clear, with None) the number of women aged 18+ of several units for a year."""
    for unit, women in figures.items():
        if women is not None and women < 0:
            raise ValidationError(
                _("%(unit)s: the number cannot be negative.") % {"unit": unit.name}
            )
    changed = 0
    with transaction.atomic():
        for unit, women in figures.items():
            current = PopulationFigure.objects.filter(unit=unit, year=year).first()
            if women is None:
                if current:
                    current.delete()
                    changed += 1
                continue
            if current is None or current.women_18_plus != women:
                PopulationFigure.objects.update_or_create(
                    unit=unit, year=year, defaults={"women_18_plus": women, "entered_by": actor}
                )
                changed += 1
        if changed and figures:
            first = next(iter(figures))
            province = first.province()
            if province is not None:
                bump("population", province.pk)
            audit.log(
                actor,
                "population.entered",
                first.parent or first,
                data={"year": year, "units": changed},
            )
    return changed


# --- Reminders ------------------------------------------------------------------------------------

RESPONSIBLE_ROLES = (Role.UNIT_ADMIN, Role.CADRE, Role.BRANCH_HEAD)


def _reminder_text(target: Target, unit: Unit, r: compliance.UnitResult, ends: dt.date) -> str:
    if r.value is None:
        return _(
            "%(unit)s: “%(target)s” cannot be measured yet (a figure is missing); period ends %(d)s."
        ) % {"unit": unit.name, "target": target.title, "d": ends.strftime("%d/%m/%Y")}
    if target.comparison == Comparison.AT_MOST:
        text = _(
            "%(unit)s is over “%(target)s”: %(value)s, at most %(threshold)s; "
            "%(missing)s too many before %(d)s."
        )
    else:
        text = _(
            "%(unit)s lags on “%(target)s”: %(value)s of %(threshold)s; "
            "%(missing)s more before %(d)s."
        )
    # A share reads "mới 50/100%; cần thêm 50%": the sign on the level and on what is missing.
    metric = REGISTRY.get(target.metric)
    is_percent = metric is not None and metric.unit == "percent"
    return text % {
        "unit": unit.name,
        "target": target.title,
        "value": formats.decimal(r.value),
        "threshold": formats.quantity(target.threshold, is_percent=is_percent, digits=2),
        "missing": formats.quantity(r.missing or 0, is_percent=is_percent),
        "d": ends.strftime("%d/%m/%Y"),
    }


def reminder_key(target: Target, period_key: str, unit_id: int) -> str:
    return f"target:{target.pk}:{period_key}:{unit_id}"


def reminders_send(*, today: dt.date | None = None) -> int:
    """Remind the cadres of each lagging unit once per period, N days before it ends, through
    the notifications service: in Hội Số, and by e-mail, Zalo or SMS as each cadre chose.

    Safe to run as often as one likes: a reminder's key names the target, period, unit and
    person, so one already sent for the period is not queued again.
    """
    today = today or timezone.localdate()
    sent = 0
    for target in Target.objects.filter(year=today.year).select_related("unit"):
        period = compliance.current_period(target, today)
        if not (period.start <= today < period.end):
            continue
        if (period.last_day - today).days > target.remind_days:
            continue
        result = compliance.compute(target, period)
        lagging = {r.unit.pk: r for r in result.lagging}
        if not lagging:
            continue
        assignments = Assignment.objects.filter(
            unit_id__in=lagging, role__in=RESPONSIBLE_ROLES, user__is_active=True
        ).select_related("user", "unit")
        by_unit: dict[int, dict[int, Any]] = {}
        for a in assignments:
            by_unit.setdefault(a.unit_id, {})[a.user_id] = a.user
        for unit_id, users in by_unit.items():
            unit = lagging[unit_id].unit
            with override(settings.LANGUAGE_CODE):
                text = _reminder_text(target, unit, lagging[unit_id], period.last_day)
            sent += notify(list(users.values()), "target_reminder", {"text": text[:500]},
                           sender=None, key=reminder_key(target, period.key, unit_id), unit=unit)  # fmt: skip
    return sent


def notices_read(*, user: Any, unit: Unit) -> None:
    messages_read(user=user, unit=unit)


def applies_level(unit: Unit, year: int | None = None) -> list[tuple[int, str]]:
    """The levels a unit can set targets for (those below it); districts only for a year with
    periods before they were abolished."""
    return [
        (v, str(label))
        for v, label in Level.choices
        if unit.level < v <= Level.GROUP
        and not (v == Level.DISTRICT and year is not None and year > REFORM_DAY.year)
    ]
