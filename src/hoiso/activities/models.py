"""Activities and branch life, training courses, and units' digital equipment.

Rows that are counted per unit carry a copy of their unit's path, so that metrics group a
province's rows by the ancestor at any level with one query (see activities.metrics).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoiso.activities.choices import (
    ActivityKind,
    EquipmentKind,
    EquipmentState,
    Mode,
    RequestStatus,
    RequestStep,
    Result,
    Topic,
)
from hoiso.members.models import Member
from hoiso.units.models import Unit


class Theme(models.Model):
    """The province's theme of the year, which activities link to."""

    province = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("theme"), max_length=200)

    class Meta:
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return f"{self.year}: {self.title}"

    @property
    def audit_unit(self) -> Unit:
        return self.province


class Activity(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="activities")
    unit_path = models.CharField(max_length=255, editable=False)
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind)
    title = models.CharField(_("title"), max_length=200)
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("theme of the year")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    # For a branch meeting whose attendance was taken: how many members were on the list (the
    # participants are those present), so that attendance rates read meetings, not their rows.
    attendance_taken = models.PositiveIntegerField(default=0, editable=False)
    partners = models.CharField(_("partners"), max_length=300, blank=True)
    report = models.TextField(_("short report"), max_length=2000, blank=True)
    # A resized JPEG under MEDIA_ROOT, served through the unit's scope, never directly.
    photo = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["unit_path", "on"], name="activity_path_on"),
            # Covering: meeting attendance (what was taken, who came) sums from the index alone.
            models.Index(
                fields=["kind", "on", "unit_path", "attendance_taken", "participants"],
                name="activity_kind_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y} {self.title}"

    @property
    def audit_unit(self) -> Unit:
        return self.unit

    @property
    def is_meeting(self) -> bool:
        return self.kind == ActivityKind.MEETING


class Attendance(models.Model):
    """One member's presence at a branch meeting."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.member_id}: {self.present}"


class DuesPayment(models.Model):
    """A member's dues (hội phí) paid for one quarter."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    # The first day of the quarter paid for.
    quarter = models.DateField(_("quarter"))
    branch_path = models.CharField(max_length=255, editable=False)
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "quarter"], name="dues_unique")]
        indexes = [models.Index(fields=["branch_path", "quarter"], name="dues_path")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.quarter}"


class ModelBranchRule(models.Model):
    """The thresholds of a model branch (chi hội mẫu), set by the province."""

    province = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="+")
    attendance_min = models.PositiveSmallIntegerField(_("meeting attendance at least (%)"))
    dues_min = models.PositiveSmallIntegerField(_("dues paid at least (%)"))
    carded_min = models.PositiveSmallIntegerField(_("members with a card at least (%)"))
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.attendance_min}/{self.dues_min}/{self.carded_min}"

    @property
    def audit_unit(self) -> Unit:
        return self.province


class Course(models.Model):
    organiser = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="courses")
    organiser_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    mode = models.CharField(_("held"), max_length=10, choices=Mode, default=Mode.IN_PERSON)
    place = models.CharField(_("place"), max_length=200, blank=True)
    meeting_link = models.URLField(_("meeting link"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["organiser_path", "starts_on"], name="course_path")]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_unit(self) -> Unit:
        return self.organiser


class Trainee(models.Model):
    """A cadre (a user) or a member on a course, with her attendance and result."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="trainees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="trainings",
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    # Where she serves or belongs: the unit whose subtree counts her.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    attended = models.BooleanField(_("attended"), default=False)
    completed = models.BooleanField(_("completed"), default=False)
    result = models.PositiveSmallIntegerField(
        _("assessment"), choices=Result, default=Result.NOT_ASSESSED
    )

    class Meta:
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"], condition=Q(user__isnull=False), name="trainee_user"
            ),
            models.UniqueConstraint(
                fields=["course", "member"],
                condition=Q(member__isnull=False),
                name="trainee_member",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def audit_unit(self) -> Unit:
        return self.course.organiser


class Equipment(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="equipment")
    unit_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=EquipmentKind)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    state = models.CharField(
        _("state"), max_length=10, choices=EquipmentState, default=EquipmentState.WORKING
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "id"]
        indexes = [models.Index(fields=["unit_path", "kind"], name="equipment_path")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.quantity}"

    @property
    def audit_unit(self) -> Unit:
        return self.unit


class EquipmentRequest(models.Model):
    """A unit's request for equipment; it waits at one unit above, which may pass it further up."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="equipment_requests")
    unit_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=EquipmentKind)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(max_length=10, choices=RequestStatus, default=RequestStatus.PENDING)
    # The unit that decides now (pending) or decided (approved, refused, delivered).
    at_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    at_path = models.CharField(max_length=255, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "at_path"], name="eqreq_at"),
            models.Index(fields=["unit_path"], name="eqreq_from"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_kind_display()} × {self.quantity}"

    @property
    def audit_unit(self) -> Unit:
        return self.unit

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.PENDING, RequestStatus.APPROVED)


class EquipmentRequestStep(models.Model):
    """One dated step of a request's way up the tree and back."""

    request = models.ForeignKey(EquipmentRequest, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=10, choices=RequestStep)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.step}"


class DuesTally(models.Model):
    """Dues paid for one quarter by the members a branch has now and who are active, counted by
    when they joined: `joined` is the first of her join month when she joined in or after the
    quarter paid for, 1 January 1900 when she joined before it (or her join date is unknown). Kept by
    `dues_record` in its transaction and rebuilt per province after members change (see
    activities.tally); read by the dues metric only while current."""

    province = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    branch_path = models.CharField(max_length=255)
    quarter = models.DateField()
    joined = models.DateField()
    paid = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province", "quarter", "branch_path", "joined"],
                name="dues_tally_key",
            )
        ]
        indexes = [
            # Covering: the dues metric reads a province's quarters from the index alone.
            models.Index(
                fields=["province", "quarter", "branch_path", "joined", "paid"],
                name="dues_tally_read",
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch_path} {self.quarter}: {self.paid}"


class RollTally(models.Model):
    """The active members a branch has now, and of them those with a member card, by join month:
    `joined` is the first of her join month, 1 January 1900 when she joined before the state's
    first month (or her join date is unknown). Rebuilt per province after members change (activities.tally)."""

    province = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    branch_path = models.CharField(max_length=255)
    joined = models.DateField()
    active = models.IntegerField(default=0)
    carded = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["province", "branch_path", "joined", "active", "carded"], name="roll_read"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch_path} {self.joined}: {self.active}"


class TallyState(models.Model):
    """Which version of the province's members (members' `MemberTallyState.changes`) the dues
    and roll tallies were built from; they are read only while it is still the current one."""

    province = models.OneToOneField(
        Unit, on_delete=models.CASCADE, primary_key=True, related_name="branch_tally"
    )
    members_version = models.BigIntegerField(default=-1)
    first_month = models.DateField()  # RollTally's months before it are under 1900-01-01

    def __str__(self) -> str:
        return f"{self.province_id}: {self.members_version}"
