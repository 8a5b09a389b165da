"""Periodic reports: pre-filled figures, the rules of typed figures, the return / resubmit /
approve / un-approve cycle and its locks, completeness, consolidation."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from hoiso.conftest import Cast, make_member, make_unit
from hoiso.members.services import member_remove
from hoiso.metrics.periods import Period
from hoiso.notifications.models import Message
from hoiso.reports import completeness, consolidation, metrics, services
from hoiso.reports.figures import prefill
from hoiso.reports.models import Report, Status, Step
from hoiso.reports.tests.factories import OCTOBER, TYPED, monthly, submitted
from hoiso.units.models import Level, Unit


@pytest.fixture
def form(cast: Cast):  # type: ignore[no-untyped-def]
    return monthly(cast.province)


def test_the_draft_is_prefilled_with_the_counts_by_hand(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    for name in ("Nguyễn Thị An", "Trần Thị Bé", "Lê Thị Cúc"):
        make_member(cast.branch_a1, name, join_date=dt.date(2020, 1, 1))
    make_member(cast.branch_a2, "Phạm Thị Dung", join_date=dt.date(2026, 10, 12))
    make_member(cast.branch_a2, "Võ Thị Em", join_date=dt.date(2026, 11, 2))  # after October
    make_member(cast.branch_b1, "Đỗ Thị Giang", join_date=dt.date(2026, 10, 3))  # other commune
    gone = make_member(cast.branch_a1, "Hà Thị Hạnh", join_date=dt.date(2019, 5, 1))
    member_remove(actor=None, member=gone, reason="moved_away", on=dt.date(2026, 10, 20))
    values = prefill(list(form.items.all()), cast.commune_a, OCTOBER)
    # By hand: An, Bé, Cúc, Dung at the end of October (Em joined later, Hạnh left in it).
    assert values["members_end"] == 4
    assert values["admitted"] == 1
    assert values["left"] == 1


def _post(**over: str) -> dict[str, str]:
    return {**TYPED, **over}


def test_typed_figures_keep_their_rules(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    def errors(**over: str) -> dict[str, str]:
        _r, checked = services.report_save(
            actor=cast.hoa, form=form, unit=cast.commune_a, period=OCTOBER, posted=_post(**over)
        )
        return checked.errors

    assert errors() == {}
    assert "loans" in errors(fig_loans="2,5")  # not a whole number
    assert "poverty" in errors(fig_poverty="-1")
    assert "violence" in errors(fig_violence="mười")
    # Minority women helped cannot outnumber the women helped.
    assert "loans_minority" in errors(fig_loans="3", fig_loans_minority="4")
    # A computed figure is changed only with a reason, which is kept.
    assert "members_end" in errors(fig_members_end="99")
    assert errors(fig_members_end="99", why_members_end="Danh sách giấy chưa nhập") == {}
    report = Report.objects.get()
    assert report.figures["members_end"] == 99
    assert report.reasons == {"members_end": "Danh sách giấy chưa nhập"}
    assert report.computed["members_end"] == 0


def test_a_report_cannot_be_submitted_with_a_typed_figure_missing(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    _report, checked = services.report_submit(
        actor=cast.hoa, form=form, unit=cast.commune_a, period=OCTOBER,
        posted=_post(fig_poverty=""),
    )  # fmt: skip
    assert "poverty" in checked.errors
    assert not Report.objects.filter(status=Status.SUBMITTED).exists()


def test_return_resubmit_approve_unapprove_and_the_locks(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    branch_form = monthly(cast.commune_a, level=Level.BRANCH)
    below = submitted(branch_form, cast.branch_a1, cast.mai)
    report = submitted(form, cast.commune_a, cast.hoa)
    assert report.status == Status.SUBMITTED and report.first_submitted_at is not None
    # Lan at the province is told; returning needs a note.
    assert Message.objects.filter(kind="report_submitted", user=cast.lan).exists()
    with pytest.raises(ValidationError):
        services.report_return(actor=cast.lan, report=report, note=" ")
    services.report_return(actor=cast.lan, report=report, note="Số vay vốn chưa khớp")
    assert report.status == Status.RETURNED
    assert Message.objects.filter(kind="report_returned", user=cast.hoa).exists()
    first = report.first_submitted_at
    report = submitted(form, cast.commune_a, cast.hoa, loans=12)
    assert report.figures["loans"] == 12 and report.first_submitted_at == first
    services.report_approve(actor=cast.lan, report=report)
    assert report.status == Status.APPROVED
    # Approved: the report and the branch's report below it for the month are locked.
    with pytest.raises(ValidationError):
        services.report_save(actor=cast.hoa, form=form, unit=cast.commune_a, period=OCTOBER,
                             posted=_post())  # fmt: skip
    assert services.locked_above(cast.branch_a1, OCTOBER) == report
    with pytest.raises(ValidationError):
        services.report_return(actor=cast.hoa, report=below, note="Sửa lại")
    # Another commune's branch is not locked.
    assert services.locked_above(cast.branch_b1, OCTOBER) is None
    services.report_unapprove(actor=cast.lan, report=report, note="Cần sửa số liệu")
    assert report.status == Status.RETURNED
    assert services.locked_above(cast.branch_a1, OCTOBER) is None
    services.report_return(actor=cast.hoa, report=below, note="Sửa lại")
    services.report_save(actor=cast.hoa, form=form, unit=cast.commune_a, period=OCTOBER,
                         posted=_post())  # fmt: skip
    actions = list(Step.objects.filter(report=report).values_list("action", flat=True))
    assert actions[-3:] == ["approved", "unapproved", "saved"]
    assert "submitted" in actions and "returned" in actions


def test_only_a_submitted_report_can_be_approved(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    report, _c = services.report_save(actor=cast.hoa, form=form, unit=cast.commune_a,
                                      period=OCTOBER, posted=_post())  # fmt: skip
    with pytest.raises(ValidationError):
        services.report_approve(actor=cast.lan, report=report)


def _closed_commune(cast: Cast) -> Unit:
    """A commune open until 15 October 2026 (merged away mid-month)."""
    c = make_unit(cast.province, Level.COMMUNE, "24999", "Xã Cư Bao")
    Unit.objects.filter(pk=c.pk).update(valid_to=dt.date(2026, 10, 15), is_border_area=True)
    c.refresh_from_db()
    return c


def test_consolidation_sums_counts_and_recomputes_percentages(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    closed = _closed_commune(cast)
    Unit.objects.filter(pk=cast.commune_a.pk).update(is_ethnic_minority_area=True)
    submitted(form, cast.commune_a, cast.hoa, members_end=100, digital=50, loans=10)
    submitted(form, cast.commune_b, cast.thu, members_end=300, digital=90, loans=5)
    report = submitted(form, closed, cast.lan, members_end=50, digital=20, loans=5)
    services.report_approve(actor=cast.lan, report=report)
    result = consolidation.consolidate(form, cast.province, OCTOBER)
    assert (result.expected, result.received, result.approved) == (3, 3, 1)
    lines = {line.item.key: line for _s, ls in result.sections for line in ls}
    assert lines["members_end"].total == 450
    assert lines["loans"].total == 20
    # (100×50 + 300×90 + 50×20) / 450, not 50 + 90 + 20.
    assert lines["digital"].total == round((5000 + 27000 + 1000) / 450, 1)
    ethnic, _remote, border = lines["loans"].by_area
    assert (ethnic, border) == (10, 5)
    # November: the closed commune owes nothing.
    november = OCTOBER.next()
    assert consolidation.consolidate(form, cast.province, november).expected == 2


def test_completeness_states_and_metrics(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    closed = _closed_commune(cast)
    submitted(form, cast.commune_a, cast.hoa)
    periods = [OCTOBER]
    cells = completeness.states(form, cast.province, periods, on=dt.date(2026, 11, 30))
    assert cells.states[(cast.commune_a.pk, OCTOBER.start)] == completeness.LATE  # due 5/11
    assert cells.states[(cast.commune_b.pk, OCTOBER.start)] == completeness.MISSING
    assert cells.states[(closed.pk, OCTOBER.start)] == completeness.MISSING
    periods_, rows = completeness.grid(form, cast.province, 2026)
    october = next(i for i, p in enumerate(periods_) if p.start == OCTOBER.start)
    by_name = {r.unit.name: r.tallies[october] for r in rows}
    assert by_name["Xã Ea Kar"].received == 1
    assert by_name["Xã Krông Pắc"].worst == completeness.MISSING
    november = Period.containing("month", dt.date(2026, 11, 1))
    values = metrics.received_share(cast.province, Level.PROVINCE, november)
    # Due in November: October's three reports, one received.
    assert values[cast.province.pk] == round(100 / 3, 1)
    assert metrics.missing(cast.province, Level.COMMUNE, november)[cast.commune_b.pk] == 1
    assert metrics.on_time_share(cast.province, Level.COMMUNE, november)[cast.commune_a.pk] == 0


def _report_row(form, unit: Unit, period: Period, status: str, first: dt.datetime | None) -> None:  # type: ignore[no-untyped-def]
    Report.objects.create(
        form=form, unit=unit, unit_path=unit.path, period_kind=period.kind,
        period_start=period.start, period_end=period.end, due_on=form.due_on(period),
        status=status, figures={}, computed={}, first_submitted_at=first, submitted_at=first,
    )  # fmt: skip


@pytest.mark.parametrize("on", [dt.date(2026, 11, 3), dt.date(2026, 11, 6), dt.date(2026, 12, 31)])
def test_counts_in_the_database_agree_with_each_state(cast: Cast, form, on: dt.date) -> None:  # type: ignore[no-untyped-def]
    """The grid's and the metrics' counts (grouped in the database) are what each expected
    report's own state adds up to: closed mid-period owes that period, opened later owes
    nothing before, on time is by the local day of first submission."""
    from django.utils import timezone

    closed = _closed_commune(cast)
    late_comer = make_unit(cast.province, Level.COMMUNE, "LATE", "Xã Mới")
    Unit.objects.filter(pk=late_comer.pk).update(valid_from=dt.date(2026, 11, 10))
    november = OCTOBER.next()
    at = lambda day, hour: timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))  # noqa: E731
    due = form.due_on(OCTOBER)
    _report_row(form, cast.commune_a, OCTOBER, Status.APPROVED, at(due, 23))  # on time, local
    _report_row(form, cast.commune_b, OCTOBER, Status.SUBMITTED, at(due + dt.timedelta(1), 0))
    _report_row(form, closed, OCTOBER, Status.DRAFT, None)
    _report_row(form, cast.commune_a, november, Status.RETURNED, at(due, 9))
    _report_row(form, closed, november, Status.APPROVED, at(due, 9))  # closed: not expected
    periods = [p for p in completeness.periods_of(form, 2026, on) if p.start >= OCTOBER.start]
    cells = completeness.states(form, cast.province, periods, on)
    expected: dict[tuple[str, dt.date], Counter[str]] = {}
    paths = {u.pk: u.path for u in cells.units}
    for (pk, start), state in cells.states.items():
        counted = expected.setdefault((paths[pk], start), Counter())
        counted[state] += 1
        if (pk, start) in cells.approved_on_time:
            counted[completeness.APPROVED_ON_TIME] += 1
    groups = [u.path for u in Unit.objects.filter(level=Level.COMMUNE)]
    got = completeness.tallies(form, cast.province, periods, groups, on)
    assert {k: t.counts for k, t in got.items() if t.counts} == expected
    assert (late_comer.path, OCTOBER.start) not in expected
    assert (
        expected[(closed.path, OCTOBER.start)][
            completeness.WAITING if on <= due else completeness.DRAFT
        ]
        == 1
    )
    grouped = completeness.tallies(form, cast.province, periods, [cast.province.path], on)
    total = sum((t.counts for t in grouped.values()), Counter())
    assert total == sum(expected.values(), Counter())
