"""Contests a unit runs: who may enter, the stages and their dates, prizes, the entries and their
moderation, a panel of judges scoring each entry by weighted criteria, and the public vote whose
rows (one per counted vote) the vote rule keeps unique by a slot key.

The public vote itself (codes, proof of work, rate limits, the fast endpoint, anomaly flags) is
written elsewhere on these models; `Entry.votes` is the exact count of an entry's counted votes,
kept in the same transaction as each vote and each voiding."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoiso.units.models import Level, Unit


class Eligibility(models.TextChoices):
    UNITS_OF_LEVEL = "units_of_level", _("Units of one level")
    MEMBERS = "members", _("Members")
    ANYONE = "anyone", _("Anyone")


class VoteRule(models.TextChoices):
    ENTRY_DAY = "entry_day", _("One vote per person for each entry each day")
    ENTRY = "entry", _("One vote per person for each entry")
    CONTEST = "contest", _("One vote per person in the whole contest")


class TieRule(models.TextChoices):
    JUDGES_THEN_EARLIER = (
        "judges_then_earlier",
        _("Higher judges' score first, then the earlier entry"),
    )
    VOTES_THEN_EARLIER = "votes_then_earlier", _("More public votes first, then the earlier entry")
    EARLIER = "earlier", _("The earlier entry")


class Stage(models.TextChoices):
    """Where a contest stands at a moment, read off its dates."""

    UPCOMING = "upcoming", pgettext_lazy("contest stage", "Not started")
    ENTRIES = "entries", pgettext_lazy("contest stage", "Entries")
    JUDGING = "judging", pgettext_lazy("contest stage", "Judging")
    VOTING = "voting", pgettext_lazy("contest stage", "Public vote")
    RESULTS = "results", pgettext_lazy("contest stage", "Results")


class Contest(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="contests", verbose_name=_("organiser")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address on the web"), max_length=80, unique=True)
    rules = models.TextField(_("rules"), max_length=20000, blank=True)
    eligibility = models.CharField(
        _("who may enter"), max_length=16, choices=Eligibility.choices, default=Eligibility.MEMBERS
    )
    eligible_level = models.PositiveSmallIntegerField(
        _("level of the units that may enter"), choices=Level.choices, null=True, blank=True
    )
    entries_open = models.DateTimeField(_("entries open"))
    entries_close = models.DateTimeField(_("entries close"))
    judging_open = models.DateTimeField(_("judging opens"))
    judging_close = models.DateTimeField(_("judging closes"))
    voting_open = models.DateTimeField(_("public vote opens"))
    voting_close = models.DateTimeField(_("public vote closes"))
    results_at = models.DateTimeField(_("results published"))
    vote_rule = models.CharField(
        _("vote rule"), max_length=10, choices=VoteRule.choices, default=VoteRule.ENTRY_DAY
    )
    judge_share = models.PositiveSmallIntegerField(
        _("judges' share of the result (%)"),
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tie_rule = models.CharField(
        _("tie rule"),
        max_length=24,
        choices=TieRule.choices,
        default=TieRule.JUDGES_THEN_EARLIER,
    )
    livestream_url = models.URLField(_("livestream link"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-entries_open"]
        indexes = [models.Index(fields=["unit", "entries_open"], name="contest_unit")]
        constraints = [
            models.CheckConstraint(
                condition=Q(judge_share__gte=0) & Q(judge_share__lte=100),
                name="contest_judge_share_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def public_share(self) -> int:
        return 100 - self.judge_share

    def stage_at(self, when: dt.datetime | None = None) -> Stage:
        """The latest stage whose opening has passed (the stages may overlap; the later wins)."""
        when = when or timezone.now()
        if when >= self.results_at:
            return Stage.RESULTS
        if self.voting_open <= when < self.voting_close:
            return Stage.VOTING
        if self.judging_open <= when < self.judging_close:
            return Stage.JUDGING
        if self.entries_open <= when < self.entries_close:
            return Stage.ENTRIES
        if when < self.entries_open:
            return Stage.UPCOMING
        # Between two stages: the last one that opened.
        for stage, opened in (
            (Stage.VOTING, self.voting_open),
            (Stage.JUDGING, self.judging_open),
            (Stage.ENTRIES, self.entries_open),
        ):
            if when >= opened:
                return stage
        return Stage.UPCOMING

    def taking_entries(self, when: dt.datetime | None = None) -> bool:
        when = when or timezone.now()
        return self.entries_open <= when < self.entries_close

    def judging(self, when: dt.datetime | None = None) -> bool:
        when = when or timezone.now()
        return self.judging_open <= when < self.judging_close

    def voting(self, when: dt.datetime | None = None) -> bool:
        when = when or timezone.now()
        return self.voting_open <= when < self.voting_close

    def results_public(self, when: dt.datetime | None = None) -> bool:
        return (when or timezone.now()) >= self.results_at


class Prize(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="prizes")
    rank = models.PositiveSmallIntegerField(_("rank"))
    name = models.CharField(_("prize"), max_length=120)
    quantity = models.PositiveSmallIntegerField(_("how many"), default=1)

    class Meta:
        ordering = ["contest", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "rank"], name="prize_rank_unique")
        ]

    def __str__(self) -> str:
        return self.name


class EntryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("entry", "Waiting for review")
    APPROVED = "approved", pgettext_lazy("entry", "Approved")
    REJECTED = "rejected", pgettext_lazy("entry", "Rejected")


class Entry(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("description"), max_length=10000, blank=True)
    # Who entered: a unit (units_of_level), or a member; who typed it in.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who enters when she is neither a unit nor a member on Hội Số (a contest open to anyone).
    entrant_name = models.CharField(_("who enters"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    status = models.CharField(
        max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    reject_reason = models.CharField(_("reason"), max_length=500, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The exact number of counted (not voided) votes, kept in the vote's own transaction.
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["contest", "created_at", "pk"]
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["contest", "status"], name="entry_contest_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def entrant(self) -> str:
        """Who entered, as the public page names her or it."""
        if self.member_id and self.member:
            return self.member.full_name
        if self.entrant_name:
            return self.entrant_name
        return self.unit.name if self.unit_id and self.unit else ""


class EntryImage(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="images")
    # A stored JPEG (resized by core.images.save_photo) under the contests' photo folder.
    photo = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["entry", "position", "pk"]

    def __str__(self) -> str:
        return self.photo


class EntryLink(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("video link"), max_length=500)

    class Meta:
        ordering = ["entry", "pk"]

    def __str__(self) -> str:
        return self.url


class Judge(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contest", "user"], name="judge_unique")]

    def __str__(self) -> str:
        return f"{self.contest_id}:{self.user_id}"


class Criterion(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # Each criterion is scored 0..max_points; the results normalise to 0–100.
    max_points = models.PositiveSmallIntegerField(
        _("highest score"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["contest", "pk"]

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="scores")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    points = models.PositiveSmallIntegerField(_("points"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["judge", "entry", "criterion"], name="score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.criterion_id}: {self.points}"


class Vote(models.Model):
    """One counted public vote. `slot` is what the contest's vote rule makes unique for a phone:
    "<entry id>:<YYYY-MM-DD>" (entry_day), "<entry id>" (entry), "" (contest)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(max_length=16)
    slot = models.CharField(max_length=32, blank=True)
    day = models.DateField()  # the local day (Asia/Ho_Chi_Minh) of the vote
    created_at = models.DateTimeField(default=timezone.now)
    network = models.CharField(max_length=48, blank=True)  # the IP's /24 (v4) or /64 (v6)
    device = models.CharField(max_length=32, blank=True)  # a short hash of the device's marks
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contest", "phone", "slot"], name="vote_one_per_slot")
        ]
        indexes = [
            models.Index(fields=["entry", "voided_at"], name="vote_entry"),
            models.Index(fields=["contest", "created_at"], name="vote_contest_time"),
            models.Index(fields=["contest", "network"], name="vote_contest_network"),
            models.Index(fields=["contest", "device"], name="vote_contest_device"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.phone} {self.slot}"
