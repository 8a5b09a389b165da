"""Every write on reports: saving a draft, submitting it, and the upper level's return, approval
and withdrawal of approval. Each step is dated (`Step`), audited and told through notify().

An approved report locks itself and every report of the units below it for periods within its
own: nothing is stored for the lock, it is read from the approvals above (`locked_above`), so
withdrawing the approval reopens them all at once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import Role
from hoiso.core import audit
from hoiso.metrics.periods import Period
from hoiso.notifications.services import notify
from hoiso.reports.figures import Checked, check, prefill
from hoiso.reports.models import Item, Report, ReportForm, Section, Status, Step
from hoiso.units.models import Unit

UPPER_ROLES = (Role.UNIT_ADMIN, Role.CADRE)
OWN_ROLES = (Role.UNIT_ADMIN, Role.CADRE, Role.BRANCH_HEAD)


def locked_above(unit: Unit, period: Period) -> Report | None:
    """The approved report of a unit above `unit` whose period covers `period`, if any."""
    above = [p for p in unit.ancestor_paths if p != unit.path]
    return (
        Report.objects.filter(
            unit_path__in=above,
            status=Status.APPROVED,
            period_start__lte=period.start,
            period_end__gte=period.end,
        )
        .select_related("unit")
        .first()
    )


def _refuse_if_locked(report: Report) -> None:
    lock = locked_above(report.unit, report.period)
    if lock is not None:
        raise ValidationError(
            _(
                "This report is locked: %(unit)s approved its report for %(period)s. Please ask them to withdraw that approval first."
            )
            % {"unit": lock.unit.name, "period": lock.period.label()}
        )


def report_for(form: ReportForm, unit: Unit, period: Period) -> Report:
    """The stored report, or a new unsaved draft."""
    found = (
        Report.objects.filter(form=form, unit=unit, period_start=period.start)
        .select_related("unit", "form")
        .first()
    )
    return found or Report(
        form=form,
        unit=unit,
        unit_path=unit.path,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        due_on=form.due_on(period),
    )


def _step(report: Report, action: str, actor: User | None, note: str = "") -> None:
    Step.objects.create(
        report=report,
        action=action,
        actor=actor,
        actor_name=actor.display_name if actor is not None else "",
        note=note,
        at=timezone.now(),
    )


def _users(unit: Unit | None, roles: tuple[str, ...]) -> list[User]:
    if unit is None:
        return []
    ids = Assignment.objects.filter(unit=unit, role__in=roles).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _tell(report: Report, kind: str, to: list[User], actor: User | None, note: str = "") -> None:
    context = {
        "unit": report.unit.name,
        "form": report.form.title,
        "period": report.period.label(),
        "note": note,
        "by": actor.display_name if actor is not None else "",
    }
    # Queued in the same transaction as the step: both are kept, or neither.
    key = f"{kind}:{report.pk}:{timezone.now().timestamp():.0f}"
    notify(to, kind, context, sender=actor, key=key, unit=report.unit)


def report_save(
    *,
    actor: User,
    form: ReportForm,
    unit: Unit,
    period: Period,
    posted: dict[str, Any],
    complete: bool = False,
) -> tuple[Report, Checked]:
    """Save the unit's draft (figures and texts) if its rules hold; the report and what was
    checked (its `errors` say what to fix, and nothing is saved then)."""
    report = report_for(form, unit, period)
    if report.pk and not report.editable:
        raise ValidationError(_("This report was submitted. Please wait for it to be returned."))
    if report.pk:
        _refuse_if_locked(report)
    items = list(form.items.all())
    computed = prefill(items, unit, period)
    checked = check(items, posted, computed, complete=complete)
    if checked.errors:
        return report, checked
    texts = {
        str(s.pk): str(posted.get(f"text_{s.pk}", "") or "").strip()[:20000]
        for s in form.sections.all()
        if s.kind == "text"
    }
    with transaction.atomic():
        report.figures, report.computed = checked.figures, computed
        report.reasons, report.texts = checked.reasons, texts
        report.save()
        _step(report, Step.Action.SAVED, actor)
        audit.log(
            actor, "report.saved", report, unit=unit, data={"corrected": sorted(checked.reasons)}
        )
    return report, checked


def report_submit(
    *, actor: User, form: ReportForm, unit: Unit, period: Period, posted: dict[str, Any]
) -> tuple[Report, Checked]:
    """Save the draft with every typed figure filled in and send it to the level above."""
    report, checked = report_save(
        actor=actor, form=form, unit=unit, period=period, posted=posted, complete=True
    )
    if checked.errors:
        return report, checked
    now = timezone.now()
    with transaction.atomic():
        report.status = Status.SUBMITTED
        report.submitted_at, report.submitted_by = now, actor
        report.first_submitted_at = report.first_submitted_at or now
        report.save()
        _step(report, Step.Action.SUBMITTED, actor)
        audit.log(actor, "report.submitted", report, unit=unit)
        _tell(report, "report_submitted", _users(unit.parent, UPPER_ROLES), actor)
    return report, checked


def _require(report: Report, *statuses: str) -> None:
    if report.status not in statuses:
        raise ValidationError(
            _("This report is %(status)s now. Please reload the page to see its state.")
            % {"status": report.get_status_display().lower()}
        )


def report_return(*, actor: User, report: Report, note: str) -> Report:
    """The upper level sends a submitted report back, saying what to fix."""
    note = note.strip()
    if not note:
        raise ValidationError(_("Please write what the unit should fix in the note."))
    _require(report, Status.SUBMITTED)
    _refuse_if_locked(report)
    with transaction.atomic():
        report.status, report.returned_at, report.return_note = (
            Status.RETURNED,
            timezone.now(),
            note,
        )
        report.save()
        _step(report, Step.Action.RETURNED, actor, note)
        audit.log(actor, "report.returned", report, unit=report.unit, data={"note": note[:200]})
        _tell(report, "report_returned", _users(report.unit, OWN_ROLES), actor, note)
    return report


def report_approve(*, actor: User, report: Report) -> Report:
    """The upper level approves: the report and everything below it for its period lock."""
    _require(report, Status.SUBMITTED)
    _refuse_if_locked(report)
    with transaction.atomic():
        report.status, report.approved_at, report.approved_by = (
            Status.APPROVED,
            timezone.now(),
            actor,
        )
        report.save()
        _step(report, Step.Action.APPROVED, actor)
        audit.log(actor, "report.approved", report, unit=report.unit)
        _tell(report, "report_approved", _users(report.unit, OWN_ROLES), actor)
    return report


def report_unapprove(*, actor: User, report: Report, note: str = "") -> Report:
    """Withdraw an approval: the report goes back to the unit to correct (as if returned), and
    the reports below it unlock."""
    _require(report, Status.APPROVED)
    _refuse_if_locked(report)
    note = note.strip() or _("Approval withdrawn.")
    with transaction.atomic():
        report.status, report.approved_at, report.approved_by = Status.RETURNED, None, None
        report.returned_at, report.return_note = timezone.now(), note
        report.save()
        _step(report, Step.Action.UNAPPROVED, actor, note)
        audit.log(actor, "report.unapproved", report, unit=report.unit, data={"note": note[:200]})
        _tell(report, "report_unapproved", _users(report.unit, OWN_ROLES), actor, note)
    return report


# --- Forms ---------------------------------------------------------------------------------


def form_create(*, actor: User | None, owner: Unit, data: dict[str, Any]) -> ReportForm:
    """A new form of `owner` for one of the levels below it."""
    if data["level"] <= owner.level:
        raise ValidationError({"level": _("Please choose a level below your unit.")})
    with transaction.atomic():
        form = ReportForm.objects.create(owner=owner, created_by=actor, **data)
        audit.log(actor, "report_form.created", form, unit=owner)
    return form


def section_add(
    *, actor: User | None, form: ReportForm, title: str, kind: str, guidance: str = ""
) -> Section:
    position = form.sections.count() + 1
    section = Section.objects.create(
        form=form, title=title.strip(), kind=kind, guidance=guidance.strip(), position=position
    )
    audit.log(actor, "report_form.changed", form, unit=form.owner, data={"section": section.title})
    return section


def item_add(*, actor: User | None, section: Section, data: dict[str, Any]) -> Item:
    """Add a figure to a figures section; its key is unique in the form and the figures its rules
    name must exist."""
    form = section.form
    keys = set(form.items.values_list("key", flat=True))
    if data["key"] in keys:
        raise ValidationError(
            {"key": _("Please choose another short name: this form has one already.")}
        )
    for field in ("at_most", "weight"):
        if data.get(field) and data[field] not in keys:
            raise ValidationError(
                {field: _("Please name a figure already in this form (its short name).")}
            )
    if data["source"] == "metric" and not data.get("metric"):
        raise ValidationError({"metric": _("Please choose the metric the figure is read from.")})
    item = Item.objects.create(
        form=form, section=section, position=section.items.count() + 1, **data
    )
    audit.log(actor, "report_form.changed", form, unit=form.owner, data={"figure": item.key})
    return item


def item_remove(*, actor: User | None, item: Item) -> None:
    form = item.form
    if form.items.filter(Q(at_most=item.key) | Q(weight=item.key)).exists():
        raise ValidationError(
            _("Another figure's rule names this one. Please remove that rule first.")
        )
    item.delete()
    audit.log(actor, "report_form.changed", form, unit=form.owner, data={"removed": item.key})
