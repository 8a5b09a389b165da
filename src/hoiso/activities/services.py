"""Every write of activities, branch life, training and equipment: validated, atomic, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.models import User
from hoiso.activities.choices import (
    ActivityKind,
    Mode,
    RequestStatus,
    RequestStep,
    Result,
)
from hoiso.activities.models import (
    Activity,
    Attendance,
    Course,
    DuesPayment,
    Equipment,
    EquipmentRequest,
    EquipmentRequestStep,
    ModelBranchRule,
    Theme,
    Trainee,
)
from hoiso.activities.photos import photo_save
from hoiso.activities.tally import dues_paid_changed
from hoiso.core import audit
from hoiso.core.text import clean
from hoiso.members.choices import Status
from hoiso.members.erasure import eraser
from hoiso.members.models import Member
from hoiso.metrics.versions import bump
from hoiso.units.models import Level, Unit


def _activities_changed(unit: Unit) -> None:
    """Activities, attendance, dues or the model-branch rule changed: the province's cached
    "activities.*" and "branch.*" metric values are retired (see hoiso.metrics.versions)."""
    province = unit.province()
    if province is not None:
        bump("activities", province.pk)


def _check_open(unit: Unit) -> None:
    if unit.is_closed:
        raise ValidationError(_("This unit is closed; record it at the unit that took its place."))


# --- activities -------------------------------------------------------------------------------


def activity_record(
    *, actor: User | None, unit: Unit, data: dict[str, Any], photo: bytes | None = None
) -> Activity:
    """Record an activity held by `unit`; the title defaults to the kind, the date to today."""
    _check_open(unit)
    kind = data.get("kind") or ActivityKind.MEETING
    on = data.get("on") or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date is in the future; record an activity once held.")})
    if kind == ActivityKind.MEETING and unit.level != Level.BRANCH:
        raise ValidationError({"kind": _("Branch meetings are recorded at a branch.")})
    theme = data.get("theme")
    if theme is not None and theme.year != on.year:
        raise ValidationError({"theme": _("This theme belongs to another year.")})
    activity = Activity(
        unit=unit,
        unit_path=unit.path,
        on=on,
        kind=kind,
        title=clean(data.get("title") or "") or str(ActivityKind(kind).label),
        theme=theme,
        place=clean(data.get("place") or ""),
        participants=data.get("participants") or 0,
        partners=clean(data.get("partners") or ""),
        report=(data.get("report") or "").strip(),
        created_by=actor,
    )
    if photo:
        activity.photo = photo_save(photo)
    with transaction.atomic():
        activity.save()
        audit.log(actor, "activity.recorded", activity, data={"kind": kind, "on": on.isoformat()})
        _activities_changed(unit)
    return activity


def branch_members(branch: Unit) -> list[Member]:
    """The branch's active members, in name order."""
    return list(Member.objects.filter(branch=branch, status=Status.ACTIVE).order_by("sort_key"))


def meeting_members(activity: Activity) -> list[Member]:
    """Who was expected at a branch meeting: active members who had joined by its date."""
    return [
        m for m in branch_members(activity.unit) if not m.join_date or m.join_date <= activity.on
    ]


def attendance_record(*, actor: User | None, activity: Activity, present_ids: set[int]) -> int:
    """Set who came to a branch meeting: every active member of the branch gets a row."""
    if not activity.is_meeting:
        raise ValidationError(_("Attendance is taken at branch meetings only."))
    members = meeting_members(activity)
    known = {m.pk for m in members}
    if present_ids - known:
        raise ValidationError(_("Some of the people ticked are not members of this branch."))
    with transaction.atomic():
        Attendance.objects.filter(activity=activity).delete()
        Attendance.objects.bulk_create(
            Attendance(activity=activity, member=m, present=m.pk in present_ids) for m in members
        )
        activity.participants = len(present_ids)
        activity.attendance_taken = len(members)
        activity.save(update_fields=["participants", "attendance_taken"])
        audit.log(
            actor,
            "activity.attendance",
            activity,
            data={"present": len(present_ids), "members": len(members)},
        )
        _activities_changed(activity.unit)
    return len(present_ids)


def quarter_of(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def dues_record(
    *, actor: User | None, branch: Unit, quarter: dt.date, paid_ids: set[int]
) -> tuple[int, int]:
    """Set which members of the branch have paid their dues for a quarter; (added, removed)."""
    if branch.level != Level.BRANCH:
        raise ValidationError(_("Dues are recorded at a branch."))
    quarter = quarter_of(quarter)
    if quarter > timezone.localdate():
        raise ValidationError({"quarter": _("This quarter has not begun yet.")})
    members = {m.pk: m for m in branch_members(branch)}
    if paid_ids - members.keys():
        raise ValidationError(_("Some of the people ticked are not members of this branch."))
    with transaction.atomic():
        existing = set(
            DuesPayment.objects.filter(member_id__in=members, quarter=quarter).values_list(
                "member_id", flat=True
            )
        )
        removed = existing - paid_ids
        added = paid_ids - existing
        DuesPayment.objects.filter(member_id__in=removed, quarter=quarter).delete()
        DuesPayment.objects.bulk_create(
            DuesPayment(
                member_id=pk,
                quarter=quarter,
                branch_path=branch.path,
                paid_on=timezone.localdate(),
                recorded_by=actor,
            )
            for pk in added
        )
        # The branch's per-quarter tally moves with the rows, in the same transaction.
        dues_paid_changed(
            branch,
            quarter,
            [(members[pk].join_date, 1) for pk in added]
            + [(members[pk].join_date, -1) for pk in removed],
        )
        audit.log(
            actor,
            "dues.recorded",
            branch,
            data={"quarter": quarter.isoformat(), "added": len(added), "removed": len(removed)},
        )
        _activities_changed(branch)
    return len(added), len(removed)


def rule_set(
    *, actor: User | None, province: Unit, attendance: int, dues: int, carded: int
) -> ModelBranchRule:
    """The province sets the thresholds of a model branch."""
    if province.level != Level.PROVINCE:
        raise ValidationError(_("Only a province sets the model-branch thresholds."))
    for name, value in (("attendance_min", attendance), ("dues_min", dues), ("carded_min", carded)):
        if not 0 <= value <= 100:
            raise ValidationError({name: _("Enter a percentage from 0 to 100.")})
    with transaction.atomic():
        rule, _created = ModelBranchRule.objects.update_or_create(
            province=province,
            defaults={"attendance_min": attendance, "dues_min": dues, "carded_min": carded},
        )
        audit.log(
            actor,
            "model_branch.rule_set",
            rule,
            data={"attendance": attendance, "dues": dues, "carded": carded},
        )
        _activities_changed(province)
    return rule


def theme_add(*, actor: User | None, province: Unit, year: int, title: str) -> Theme:
    if province.level != Level.PROVINCE:
        raise ValidationError(_("Only a province sets the theme of the year."))
    title = clean(title)
    if not title:
        raise ValidationError({"title": _("Write the theme.")})
    with transaction.atomic():
        theme = Theme.objects.create(province=province, year=year, title=title)
        audit.log(actor, "theme.added", theme)
    return theme


# --- training ---------------------------------------------------------------------------------


def course_create(*, actor: User | None, organiser: Unit, data: dict[str, Any]) -> Course:
    _check_open(organiser)
    course = Course(organiser=organiser, organiser_path=organiser.path, created_by=actor, **data)
    course.title = clean(course.title)
    errors: dict[str, str] = {}
    if course.ends_on < course.starts_on:
        errors["ends_on"] = _("The last day is before the first day.")
    if course.mode == Mode.ONLINE and not course.meeting_link:
        errors["meeting_link"] = _("An online course needs its meeting link.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        course.save()
        audit.log(actor, "course.created", course)
    return course


def trainee_add(
    *, actor: User | None, course: Course, user: User | None = None, member: Member | None = None
) -> Trainee:
    """Put a cadre (her first unit in the organiser's subtree) or a member on a course."""
    if (user is None) == (member is None):
        raise ValueError("exactly one of user and member")
    if user is not None:
        assignment = (
            user.assignments.filter(unit__path__startswith=course.organiser_path)
            .select_related("unit")
            .order_by("unit__path")
            .first()
        )
        if assignment is None:
            raise ValidationError(_("This cadre does not serve a unit of the organiser."))
        unit, name = assignment.unit, user.display_name
        taken = course.trainees.filter(user=user).exists()
    else:
        assert member is not None
        if not member.branch_path.startswith(course.organiser_path):
            raise ValidationError(_("This member does not belong to a unit of the organiser."))
        unit, name = member.branch, member.full_name
        taken = course.trainees.filter(member=member).exists()
    if taken:
        raise ValidationError(_("She is already on this course."))
    with transaction.atomic():
        trainee = Trainee.objects.create(
            course=course, user=user, member=member, full_name=name, unit=unit, unit_path=unit.path
        )
        audit.log(actor, "course.trainee_added", trainee, data={"course": course.pk})
    return trainee


def trainee_assess(
    *, actor: User | None, trainee: Trainee, attended: bool, completed: bool, result: int
) -> Trainee:
    """Record a trainee's attendance, completion and assessment."""
    if completed and not attended:
        raise ValidationError(_("She cannot complete a course she did not attend."))
    if result != Result.NOT_ASSESSED and not attended:
        raise ValidationError(_("Assess only a trainee who attended."))
    trainee.attended, trainee.completed, trainee.result = attended, completed, Result(result)
    with transaction.atomic():
        trainee.save(update_fields=["attended", "completed", "result"])
        audit.log(
            actor,
            "course.trainee_assessed",
            trainee,
            data={"attended": attended, "completed": completed, "result": int(result)},
        )
    return trainee


@eraser
def trainee_records_erase(member: Member) -> None:
    """An erased member's training records stay, for the courses' counts, without her name."""
    trainees = Trainee.objects.filter(member=member)
    ids = list(trainees.values_list("pk", flat=True))
    trainees.update(full_name=_("(erased)"))
    audit.erase_mentions("activities.trainee", ids, _("(erased)"))


# --- equipment --------------------------------------------------------------------------------


def equipment_save(
    *, actor: User | None, unit: Unit, data: dict[str, Any], item: Equipment | None = None
) -> Equipment:
    """Add an item to a unit's equipment list, or change one."""
    item = item or Equipment(unit=unit, unit_path=unit.path)
    for key in ("kind", "quantity", "state", "note"):
        setattr(item, key, data[key] if key != "note" else clean(data.get("note") or ""))
    if item.quantity < 1:
        raise ValidationError({"quantity": _("Enter at least 1.")})
    with transaction.atomic():
        created = item.pk is None
        item.save()
        audit.log(actor, "equipment.added" if created else "equipment.changed", item)
    return item


def equipment_remove(*, actor: User | None, item: Equipment) -> None:
    with transaction.atomic():
        audit.log(actor, "equipment.removed", item)
        item.delete()


def _step(request: EquipmentRequest, step: str, unit: Unit, actor: User | None, note: str) -> None:
    EquipmentRequestStep.objects.create(
        request=request, step=step, unit=unit, actor=actor, note=clean(note)
    )


def equipment_request_create(
    *, actor: User | None, unit: Unit, kind: str, quantity: int, reason: str
) -> EquipmentRequest:
    """A unit asks for equipment; the request goes to the unit above it."""
    _check_open(unit)
    if unit.parent is None or unit.level <= Level.PROVINCE:
        raise ValidationError(_("A province's requests go to the central union, outside Hội Số."))
    if quantity < 1:
        raise ValidationError({"quantity": _("Enter at least 1.")})
    if not clean(reason):
        raise ValidationError({"reason": _("Say what the equipment is needed for.")})
    parent = unit.parent
    with transaction.atomic():
        request = EquipmentRequest.objects.create(
            unit=unit,
            unit_path=unit.path,
            kind=kind,
            quantity=quantity,
            reason=clean(reason),
            at_unit=parent,
            at_path=parent.path,
            created_by=actor,
        )
        _step(request, RequestStep.SENT, parent, actor, "")
        audit.log(actor, "equipment_request.sent", request, data={"to": parent.code})
    return request


def _require(request: EquipmentRequest, status: str) -> None:
    if request.status != status:
        raise ValidationError(
            _("This request is no longer waiting for that step; reload the page to see it.")
        )


def equipment_request_forward(
    *, actor: User | None, request: EquipmentRequest, note: str = ""
) -> EquipmentRequest:
    """The deciding unit passes the request on to the unit above it."""
    _require(request, RequestStatus.PENDING)
    above = request.at_unit.parent
    if above is None or request.at_unit.level <= Level.PROVINCE:
        raise ValidationError(_("The province decides: there is no unit above it in Hội Số."))
    with transaction.atomic():
        request.at_unit, request.at_path = above, above.path
        request.save(update_fields=["at_unit", "at_path"])
        _step(request, RequestStep.FORWARDED, above, actor, note)
        audit.log(actor, "equipment_request.forwarded", request, data={"to": above.code})
    return request


def _decide(
    actor: User | None, request: EquipmentRequest, status: str, step: str, note: str
) -> None:
    """The request's new status and its step in the history (inside the caller's transaction)."""
    request.status = status
    request.save(update_fields=["status"])
    _step(request, step, request.at_unit, actor, note)


def equipment_request_approve(
    *, actor: User | None, request: EquipmentRequest, note: str = ""
) -> EquipmentRequest:
    _require(request, RequestStatus.PENDING)
    with transaction.atomic():
        _decide(actor, request, RequestStatus.APPROVED, RequestStep.APPROVED, note)
        audit.log(actor, "equipment_request.approved", request, data={"note": note})
    return request


def equipment_request_refuse(
    *, actor: User | None, request: EquipmentRequest, note: str
) -> EquipmentRequest:
    _require(request, RequestStatus.PENDING)
    if not clean(note):
        raise ValidationError({"note": _("Give the reason for refusing, for the unit that asked.")})
    with transaction.atomic():
        _decide(actor, request, RequestStatus.REFUSED, RequestStep.REFUSED, note)
        audit.log(actor, "equipment_request.refused", request, data={"note": note})
    return request


def equipment_request_deliver(
    *, actor: User | None, request: EquipmentRequest, note: str = ""
) -> EquipmentRequest:
    """The approved equipment reached the unit: it joins the unit's equipment list."""
    _require(request, RequestStatus.APPROVED)
    with transaction.atomic():
        _decide(actor, request, RequestStatus.DELIVERED, RequestStep.DELIVERED, note)
        audit.log(actor, "equipment_request.delivered", request, data={"note": note})
        Equipment.objects.create(
            unit=request.unit,
            unit_path=request.unit_path,
            kind=request.kind,
            quantity=request.quantity,
            note=_("Delivered on request no. %(n)s") % {"n": request.pk},
        )
    return request
