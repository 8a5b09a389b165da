"""Reads shared by the pages and the exports: the forms a unit reports on or oversees, fetched
through the scope (a form or report outside it is a 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from hoiso.accounts.access import Scope, access
from hoiso.metrics.periods import Period, from_key
from hoiso.reports.models import Item, Report, ReportForm, Section
from hoiso.units.models import Unit, today


def forms_for(unit: Unit) -> QuerySet[ReportForm]:
    """The forms the unit itself fills in: set above it for its level."""
    above = [p for p in unit.ancestor_paths if p != unit.path]
    return ReportForm.objects.filter(
        owner__path__in=above, level=unit.level, active=True
    ).select_related("owner")


def forms_over(unit: Unit) -> QuerySet[ReportForm]:
    """The forms whose reports come from below the unit: set by it or above it for a lower
    level, or set by a unit below it."""
    return (
        ReportForm.objects.filter(
            Q(owner__path__in=unit.ancestor_paths, level__gt=unit.level)
            | Q(owner__path__startswith=unit.path)
        )
        .filter(active=True)
        .select_related("owner")
    )


def access_own_form(scope: Scope, pk: int) -> ReportForm:
    """A form the scope's unit fills in."""
    found = forms_for(scope.unit).filter(pk=pk).first()
    if found is None:
        raise Http404("no such form")
    return found


def access_overseen_form(scope: Scope, pk: int) -> ReportForm:
    found = forms_over(scope.unit).filter(pk=pk).first()
    if found is None:
        raise Http404("no such form")
    return found


def access_owned_form(scope: Scope, pk: int) -> ReportForm:
    found = ReportForm.objects.filter(owner=scope.unit, pk=pk).first()
    if found is None:
        raise Http404("no such form")
    return found


def access_section(form: ReportForm, pk: int) -> Section:
    """A section of a form the scope's unit owns (the form already fetched through the scope)."""
    return access(form.sections.all(), pk, "section")


def access_item(form: ReportForm, pk: int) -> Item:
    return access(form.items.all(), pk, "figure")


def period_in(form: ReportForm, key: str) -> Period:
    """The form's period named by `key`: 404 for another kind, one it does not apply to, or one
    not begun yet."""
    period = from_key(key)
    if period is None or period.kind != form.frequency or not form.applies(period):
        raise Http404("no such period")
    if period.start > today():
        raise Http404("not begun")
    return period


@dataclass
class Due:
    form: ReportForm
    period: Period
    report: Report | None

    @property
    def due_on(self) -> dt.date:
        return self.form.due_on(self.period)

    @property
    def overdue(self) -> bool:
        return (self.report is None or self.report.editable) and self.due_on < today()


def due_list(unit: Unit, count: int = 3) -> list[Due]:
    """The unit's last `count` periods of each form it fills in, newest first, with the stored
    report where there is one (two queries)."""
    forms = list(forms_for(unit))
    wanted: list[tuple[ReportForm, Period]] = []
    for form in forms:
        period = form.period_of(today())
        for _n in range(count):
            if form.applies(period):
                wanted.append((form, period))
            period = period.previous()
    stored = {
        (r.form_id, r.period_start): r
        for r in Report.objects.filter(unit=unit, form__in=forms).select_related("form")
    }
    return [Due(f, p, stored.get((f.pk, p.start))) for f, p in wanted]
