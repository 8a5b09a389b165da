"""Forms and reports for the tests, built through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hoiso.accounts.models import User
from hoiso.metrics.periods import Period
from hoiso.reports import services
from hoiso.reports.models import Report, ReportForm
from hoiso.reports.standard import standard_create
from hoiso.units.models import Level, Unit

OCTOBER = Period.containing("month", dt.date(2026, 10, 1))
TYPED = {"fig_loans": "10", "fig_loans_minority": "4", "fig_poverty": "2", "fig_violence": "0"}


def monthly(owner: Unit, level: int = Level.COMMUNE) -> ReportForm:
    return standard_create(
        actor=None, owner=owner, which="monthly", starts_on=dt.date(2026, 1, 1), level=level
    )


def submitted(
    form: ReportForm, unit: Unit, actor: User, period: Period = OCTOBER, **figures: Any
) -> Report:
    posted = {**TYPED, **{f"fig_{k}": str(v) for k, v in figures.items()}}
    posted.update({f"why_{k}": "Số liệu thực tế" for k in figures})
    report, checked = services.report_submit(
        actor=actor, form=form, unit=unit, period=period, posted=posted
    )
    assert not checked.errors, checked.errors
    return report
