"""Members, their dated history, transfers between units, and the search index of their names."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from hoiso.core.limits import control_error
from hoiso.core.text import normalise_phone
from hoiso.members.choices import (
    ETHNICITY_CHOICES,
    KINH,
    ConsentMethod,
    DigitalSkill,
    Education,
    EventKind,
    Household,
    Kind,
    Religion,
    Sex,
    Status,
    TransferStatus,
)
from hoiso.members.rules import record_errors
from hoiso.units.models import Level, Unit

# Which member column answers "members of this unit" for a unit of each level.
SCOPE_COLUMN = {
    Level.PROVINCE: "province",
    Level.COMMUNE: "commune",
    Level.BRANCH: "branch",
    Level.GROUP: "group",
}


def scope_q(unit: Unit, prefix: str = "") -> Q:
    """Members of the unit's whole subtree, through the narrowest indexed column."""
    column = SCOPE_COLUMN.get(Level(unit.level))
    if column:
        return Q(**{f"{prefix}{column}_id": unit.pk})
    return Q(**{f"{prefix}branch_path__startswith": unit.path})


def visible_q(prefix: str = "") -> Q:
    """Members that every reader may see: not rows an import has staged and not yet published.

    A large import writes its new members in short steps (on SQLite no write may hold the
    database for long), each row marked with the import; they become visible all at once when
    the import's status turns to done (one short final step), and are deleted if it fails.
    """
    published = MemberImport.objects.filter(status=ImportStatus.DONE).values("pk")
    return Q(**{f"{prefix}staged_by__isnull": True}) | Q(**{f"{prefix}staged_by__in": published})


def visible_sql() -> tuple[str, list[Any]]:
    """`visible_q` for plain SQL over the member table."""
    return (
        '("staged_by_id" IS NULL OR "staged_by_id" IN '
        '(SELECT "id" FROM "members_memberimport" WHERE "status" = %s))',
        [ImportStatus.DONE.value],
    )


class MemberQuerySet(models.QuerySet["Member"]):
    def within(self, unit: Unit) -> MemberQuerySet:
        """Members of the unit's whole subtree."""
        return self.filter(scope_q(unit))

    def active(self) -> MemberQuerySet:
        return self.filter(status=Status.ACTIVE)


class VisibleMembers(models.Manager.from_queryset(MemberQuerySet)):  # type: ignore[misc]
    """The default manager: every query leaves out an unfinished import's staged rows. Code that
    must see them (the import itself, its clean-up) uses `Member._base_manager`."""

    def get_queryset(self) -> MemberQuerySet:
        return super().get_queryset().filter(visible_q())


class Member(models.Model):
    # Where she belongs. The province, commune and branch path are copies kept in step by the
    # services, so that "members of a unit" is one indexed column and tables can be partitioned
    # by province.
    # No index of their own: each leads one of the composite indexes below, and every index
    # less is one less B-tree to update for each of a province's million rows.
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    commune = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    branch = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("branch"),
        db_index=False,
    )
    group = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("women's group"),
        db_index=False,
    )
    branch_path = models.CharField(max_length=255, editable=False)

    kind = models.CharField(_("membership"), max_length=10, choices=Kind, default=Kind.REGULAR)
    full_name = models.CharField(_("full name"), max_length=100)
    name_folded = models.CharField(max_length=100, editable=False)
    sort_key = models.CharField(max_length=255, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Kept on its own: old lists often know only the year.
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex, default=Sex.FEMALE)
    citizen_id = models.CharField(_("citizen ID number"), max_length=12, blank=True)
    phone = models.CharField(_("phone number"), max_length=11, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    village = models.CharField(_("village"), max_length=100, blank=True)
    ethnicity = models.PositiveSmallIntegerField(
        _("ethnicity"), choices=ETHNICITY_CHOICES, default=KINH
    )
    religion = models.PositiveSmallIntegerField(_("religion"), choices=Religion, default=0)
    education = models.PositiveSmallIntegerField(
        _("education"), choices=Education, null=True, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    party_member = models.BooleanField(_("Party member"), default=False)

    join_date = models.DateField(_("joined on"), null=True, blank=True)
    card_number = models.CharField(_("card number"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    status_since = models.DateField(_("since"), null=True, blank=True)
    removal_reason = models.CharField(_("reason"), max_length=20, blank=True)
    # Her personal data was erased at her request: an anonymous record, never restored.
    erased = models.BooleanField(default=False)

    has_smartphone = models.BooleanField(_("has a smartphone"), default=False)
    uses_zalo = models.BooleanField(_("uses Zalo"), default=False)
    uses_facebook = models.BooleanField(_("uses Facebook"), default=False)
    digital_skill = models.PositiveSmallIntegerField(
        _("digital skills"), choices=DigitalSkill, default=DigitalSkill.NONE
    )
    household = models.CharField(
        _("household"), max_length=12, choices=Household, blank=True, default=""
    )

    consent_purposes = models.JSONField(_("consent given for"), default=list, blank=True)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    consent_method = models.CharField(
        _("consent given by"), max_length=10, choices=ConsentMethod, blank=True
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The import that wrote her, while its rows are staged (see visible_q); cleared after.
    staged_by = models.ForeignKey(
        "MemberImport",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    objects = VisibleMembers()

    class Meta:
        ordering = ["sort_key", "id"]
        indexes = [
            models.Index(fields=["province", "status", "sort_key", "id"], name="member_prov_sort"),
            models.Index(fields=["commune", "status", "sort_key", "id"], name="member_comm_sort"),
            models.Index(fields=["branch", "status", "sort_key"], name="member_branch_sort"),
            models.Index(fields=["group", "status"], name="member_group"),
            models.Index(fields=["branch_path"], name="member_path"),
            models.Index(fields=["phone"], name="member_phone"),
            models.Index(fields=["citizen_id"], name="member_cid"),
            models.Index(fields=["province", "card_number"], name="member_card"),
            # With the birth year: an import asks for (name, year) pairs, answered from the index
            # alone, however many namesakes the province holds.
            models.Index(fields=["province", "name_folded", "birth_year"], name="member_name"),
            # Only the rows of an import being written: empty the rest of the time.
            models.Index(
                fields=["staged_by"], condition=Q(staged_by__isnull=False), name="member_staged"
            ),
            # The targets' member metrics, answered from the index alone (created first by
            # targets/0002; declared here so that rebuilding the table on SQLite keeps it).
            models.Index(
                fields=[
                    "province",
                    "commune",
                    "branch",
                    "status",
                    "join_date",
                    "status_since",
                    "has_smartphone",
                    "uses_zalo",
                    "uses_facebook",
                ],
                name="member_metrics",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=Q(status=Status.ACTIVE) & ~Q(citizen_id=""),
                name="member_cid_unique_active",
            ),
            models.UniqueConstraint(
                fields=["province", "card_number"],
                condition=~Q(card_number=""),
                name="member_card_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def audit_unit(self) -> Unit:
        return self.branch

    def clean(self) -> None:
        """Rules across fields; each error names the field to fix."""
        today = timezone.localdate()
        errors: dict[str, list[ValidationError]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(ValidationError(message))

        for field, message in record_errors(
            kind=self.kind, sex=self.sex, birth_date=self.birth_date, birth_year=self.birth_year,
            join_date=self.join_date, citizen_id=self.citizen_id, today=today,
        ):  # fmt: skip
            add(field, message)
        for f in self._meta.concrete_fields:
            # Lengths are checked by the fields themselves; control characters are not.
            value = getattr(self, f.attname)
            if isinstance(f, models.CharField) and value and (bad := control_error(value)):
                add(f.name, capfirst(bad))
        if self.phone:
            try:
                normalise_phone(self.phone)
            except ValueError:
                add("phone", gettext_now("Enter the phone number as 10 digits starting with 0."))
        if self.consent_purposes and not (self.consent_date and self.consent_method):
            add("consent_date", gettext_now("Give the date and the way consent was given."))
        if self.group and self.branch_id and self.group.parent_id != self.branch_id:
            add("group", gettext_now("This women's group is not in the member's branch."))
        if errors:
            raise ValidationError(errors)

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    @property
    def year_of_birth(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


class Placement(models.Model):
    """Where a member was an active member over a span of days [valid_from, valid_to): her
    branch (and group) and the branch's path then, so that any count can be asked as of a day.

    An active member has exactly one open placement (valid_to None), whose branch, group and path
    are her current ones; removal closes it, restore opens one, a move or transfer closes and
    opens. Where her branch sat elsewhere in the tree earlier (its UnitSpans), her placement is
    cut along them. Written only by `members.history` (and the bulk writers: the import, the
    demo), with the placements of an import's staged members marked like them (`staged_by`).
    """

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="placements", db_index=False
    )
    branch = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    group = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    # The province of the branch during the span (denormalised, for province-wide counts).
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    path = models.CharField(max_length=255)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    staged_by = models.ForeignKey(
        "MemberImport",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["member", "valid_from"]
        indexes = [
            # The as-of count: a path prefix, the day within [valid_from, valid_to), from the
            # index alone.
            # (LIKE on PostgreSQL needs the pattern operator class whatever the collation;
            # SQLite ignores it and is asked a range.)
            models.Index(
                fields=["path", "valid_from", "valid_to"],
                name="placement_path",
                opclasses=["varchar_pattern_ops", "date_ops", "date_ops"],
            ),
            # "On today's boundaries": the placements of given branches on a day.
            models.Index(fields=["branch", "valid_from", "valid_to"], name="placement_branch"),
            models.Index(fields=["member", "valid_from"], name="placement_member"),
            models.Index(
                fields=["staged_by"], condition=Q(staged_by__isnull=False), name="placement_staged"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(valid_to__isnull=True), name="placement_one_open"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="placement_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.path} {self.valid_from}–{self.valid_to or ''}"


class MemberEvent(models.Model):
    """One dated step of a member's life in the union; her current state follows from them."""

    # Indexed by `event_member` (member, -on).
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=20, choices=EventKind)
    on = models.DateField(_("date"))
    branch = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["member", "-on"], name="event_member")]

    def __str__(self) -> str:
        return f"{self.on} {self.kind}"


class Transfer(models.Model):
    """A member moving to another unit: the sender asks, the receiving unit accepts or refuses."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_branch = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    # The receiving unit (a commune, or a branch when the sender knows it).
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_branch = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=TransferStatus, default=TransferStatus.PENDING)
    note = models.CharField(_("note"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    # Paths copied for the inboxes: "incoming to my subtree" and "sent from my subtree".
    from_path = models.CharField(max_length=255)
    to_path = models.CharField(max_length=255)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["status", "to_path"], name="transfer_in"),
            models.Index(fields=["status", "from_path"], name="transfer_out"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status=TransferStatus.PENDING),
                name="transfer_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.to_unit}"

    @property
    def audit_unit(self) -> Unit:
        return self.from_branch


class DeletionRequest(models.Model):
    """A member's request that her data be deleted; her unit's cadre answers it."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="deletion_requests")
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.member} {self.created_at:%Y-%m-%d}"

    @property
    def audit_unit(self) -> Unit:
        return self.member.branch


class VisibleTokens(models.Manager["NameToken"]):
    """Name-index rows of members every reader may see (see visible_q)."""

    def get_queryset(self) -> models.QuerySet[NameToken]:
        hidden = (
            Member._base_manager.filter(staged_by__isnull=False).exclude(visible_q()).values("pk")
        )
        return super().get_queryset().exclude(member_id__in=hidden)


class NameToken(models.Model):
    """One folded word of a member's name, for search by word prefix within a commune or province.

    `nguyen thi b` reads the rarest word's range of (commune, token) or (province, token); the
    other words are checked on `words`, all of her name's folded words, carried on the same row
    with whether she is active, so that the common search touches no other table.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40)
    # " nguyen thi binh": a leading space, so that `words LIKE '% b%'` is "a word starts with b".
    words = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    # Copies of the member's own commune and province, for the index: no constraint of their own
    # (the member's are checked), which spares an import two checks per word of every name.
    commune = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    province = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )

    objects = VisibleTokens()

    class Meta:
        # PostgreSQL answers from the index alone with the checked columns included; SQLite,
        # which has no INCLUDE, reads them from the row.
        indexes = [
            models.Index(
                fields=["commune", "token"], include=["active", "words"], name="token_commune"
            ),
            models.Index(
                fields=["province", "token"], include=["active", "words"], name="token_province"
            ),
        ]

    def __str__(self) -> str:
        return self.token


class MemberStat(models.Model):
    """Member counts per unit, refreshed in the background after changes (see members.counting)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="member_stat")
    active = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.unit}: {self.active}"


class MemberExport(models.Model):
    """A member list being (or written) to a file; only its author downloads it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    filters = models.JSONField(default=dict)
    format = models.CharField(max_length=4, choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")])
    sensitive = models.BooleanField(default=False)
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.unit} {self.format} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def audit_unit(self) -> Unit:
        return self.unit

    @property
    def ready(self) -> bool:
        return self.finished_at is not None and not self.error

    def restored_filters(self) -> dict[str, Any]:
        """The saved filters, with the sub-unit fetched again."""
        data = dict(self.filters)
        if data.get("branch"):
            data["branch"] = Unit.objects.filter(pk=data["branch"]).first()
        return data


class ImportStatus(models.TextChoices):
    ANALYSING = "analysing", _("Reading the file")
    PREVIEW = "preview", _("Waiting for your check")
    WRITING = "writing", _("Writing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class MemberImport(models.Model):
    """A member list uploaded by a cadre: read and checked in the background, shown to her, then
    written at once when she confirms. Only its author sees it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # None: the command line's operator (`import_members`), who writes through the same import.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    # The language the cadre worked in: messages written by the worker use it.
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus, default=ImportStatus.ANALYSING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The cadre's decisions: header key → field; branch/place names → unit; rows to add anyway.
    headers = models.JSONField(default=dict, blank=True)
    branch_choices = models.JSONField(default=dict, blank=True)
    place_choices = models.JSONField(default=dict, blank=True)
    default_branch = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    add_duplicates = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # Raised each time a worker is sent to read or write it: a worker acts only while the
    # import is still at its own attempt, so a late one never undoes or repeats a newer one.
    attempt = models.PositiveIntegerField(default=0)
    # Branches the write has prepared for the rows of names the cadre chose to create: opened
    # with the members, deleted with them if the write fails (units.services.PENDING_FROM).
    created_branches = models.JSONField(default=list, blank=True)
    # The province's folder it came with (several communes' lists uploaded at once), if any.
    batch = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def audit_unit(self) -> Unit:
        return self.unit


class ImportMemory(models.Model):
    """What a unit's cadres told the import once and need not tell it again: that a column header
    means a field, or that a branch name in their files means one of their branches."""

    class Kind(models.TextChoices):
        HEADER = "header"
        BRANCH = "branch"
        PLACE = "place"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind)
    key = models.CharField(max_length=200)
    value = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "key"], name="import_memory_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.key} → {self.value}"


class MemberTally(models.Model):
    """Members of one unit (province, commune, branch or group) for one month, counted where they
    are placed now: present at the month's end (and of them with digital access), admitted and
    removed during the month. Rebuilt per province in the background (see members.counting.tally) for the
    months from January of last year to December of this year; read by the member metrics only
    while no member of the province has changed since (MemberTallyState)."""

    province = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    level = models.PositiveSmallIntegerField()
    month = models.DateField()  # its first day
    present = models.PositiveIntegerField(default=0)
    present_digital = models.PositiveIntegerField(default=0)
    joined = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="member_tally_unit_month")
        ]
        indexes = [
            # Covering: a metric reads a level's rows for a month from the index alone.
            models.Index(
                fields=["province", "level", "month", "unit", "present", "present_digital"],
                name="member_tally_read",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}: {self.present}"


class PlacementTally(models.Model):
    """Active placements per branch and path (of then), so that the as-of count of a province
    need not read a million placements: on the first day of each kept month (`MONTH`: `n`
    placements active that day) and on each other day something changed (`DAY`: `n` placements
    began that day less those that ended). Active on day D = the MONTH row of D's month plus
    the DAY rows after its first day up to D. Rebuilt per province with MemberTally, for the same
    months, and read by `members.history.active_count_on` only while that tally is current
    (MemberTallyState); otherwise the placements are counted."""

    MONTH, DAY = 0, 1

    province = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    branch_id = models.IntegerField()
    path = models.CharField(max_length=255)
    kind = models.PositiveSmallIntegerField()
    day = models.DateField()
    n = models.IntegerField()

    class Meta:
        indexes = [
            # Covering, a path prefix within a province on a day or days (see Placement's
            # index for the operator class).
            models.Index(
                fields=["province", "kind", "day", "path", "n"],
                name="placement_tally_path",
                opclasses=["int8_ops", "int2_ops", "date_ops", "varchar_pattern_ops", "int4_ops"],
            ),
            # On today's boundaries: given branches on a day or days.
            models.Index(fields=["kind", "day", "branch_id", "n"], name="placement_tally_branch"),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.path} {self.kind} {self.day} {self.n}"


class MemberTallyState(models.Model):
    """Whether a province's MemberTally is current: every member write adds one to `changes` in
    its own transaction; a rebuild records the `changes` it started from in `built_from`. The
    tally is read only while the two are equal."""

    province = models.OneToOneField(
        Unit, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    changes = models.PositiveBigIntegerField(default=0)
    built_from = models.BigIntegerField(default=-1)
    first_month = models.DateField(null=True)
    end_month = models.DateField(null=True)  # first month NOT kept

    def __str__(self) -> str:
        return f"{self.province_id}: {self.changes}/{self.built_from}"
