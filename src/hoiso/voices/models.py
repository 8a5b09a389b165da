"""What members say they need: concerns and questions, each held by one unit of the tree at a time
(her branch first, then the commune or the province when forwarded or left unanswered), with
every step dated."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoiso.units.models import Unit


class Topic(models.TextChoices):
    FAMILY = "family", _("Family")
    LIVELIHOOD = "livelihood", _("Livelihood and loans")
    HEALTH = "health", _("Health")
    VIOLENCE = "violence", _("Law, violence and abuse")
    CHILDREN = "children", _("Children")
    DIGITAL = "digital", _("Digital skills")
    OTHER = "other", _("Other")


# Topics flagged at once to the commune's named cadres and shown apart.
URGENT_TOPICS = frozenset({Topic.VIOLENCE})


class State(models.TextChoices):
    OPEN = "open", pgettext_lazy("concern", "Waiting for an answer")
    ANSWERED = "answered", pgettext_lazy("concern", "Answered")
    CLOSED = "closed", pgettext_lazy("concern", "Closed")


class Source(models.TextChoices):
    MEMBER = "member", _("Sent by the member")
    CADRE = "cadre", _("Recorded by a cadre")
    ANONYMOUS = "anonymous", pgettext_lazy("concern", "Anonymous")
    ZALO = "zalo", _("Zalo message")


class Reply(models.TextChoices):
    """How she wants her answer."""

    NONE = "", _("No answer needed")
    APP = "app", _("On Hội Số")
    PHONE = "phone", _("By phone")
    MEETING = "meeting", _("At the branch meeting")


class Concern(models.Model):
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    # Where it was raised (a branch, or a commune) and which unit holds it now.
    origin = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    origin_path = models.CharField(max_length=255)
    holder = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    holder_path = models.CharField(max_length=255)
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    text = models.TextField(_("what she says"), max_length=2000)
    photo = models.CharField(max_length=100, blank=True)  # a stored JPEG, served by a checked view
    reply = models.CharField(_("answer wanted"), max_length=8, choices=Reply.choices, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # Nobody for an anonymous concern: no member, no account, no phone, no address.
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # An anonymous author reads her answer with a code only she was shown (its hash is kept).
    code_hash = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    first_answer_at = models.DateTimeField(null=True, blank=True)
    # When an unanswered concern rises to the unit above (set per unit, reset when it moves).
    rises_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            # A unit's inbox: its subtree's concerns, newest first.
            # (Pattern ops: on PostgreSQL a subtree is a LIKE prefix, see units.history.under.)
            models.Index(
                fields=["origin_path", "created_at"],
                name="concern_subtree",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(fields=["province", "created_at"]),
            models.Index(
                fields=["origin_path"],
                name="concern_urgent",
                condition=Q(urgent=True),
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["rises_on"], name="concern_rises", condition=Q(state="open")),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} #{self.pk}"

    @property
    def anonymous(self) -> bool:
        return self.source == Source.ANONYMOUS


class StepKind(models.TextChoices):
    RAISED = "raised", pgettext_lazy("concern", "Raised")
    ANSWERED = "answered", pgettext_lazy("concern", "Answered")
    FORWARDED = "forwarded", _("Forwarded to the unit above")
    ROSE = "rose", _("Rose to the unit above, unanswered")
    CLOSED = "closed", pgettext_lazy("concern", "Closed")
    REOPENED = "reopened", pgettext_lazy("concern", "Reopened")


class Step(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=10, choices=StepKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d/%m/%Y}"


class VoiceSettings(models.Model):
    """A unit's choices: whether it takes anonymous concerns, and after how many days an
    unanswered one rises to the unit above. A unit without its own row follows the nearest unit
    above that has one, else the defaults."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="+")
    anonymous = models.BooleanField(_("accept anonymous concerns"), default=False)
    rise_after = models.PositiveSmallIntegerField(
        _("days before an unanswered concern rises to the unit above"), default=7
    )

    def __str__(self) -> str:
        return str(self.unit)


# --- Surveys ------------------------------------------------------------------------------------


class QuestionKind(models.TextChoices):
    ONE = "one", _("One choice")
    MANY = "many", _("Several choices")
    SCALE = "scale", _("A scale from 1 to 5")
    TEXT = "text", _("A short text")


class Survey(models.Model):
    """A short survey a unit sends to the members of its subtree; one answer per member."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)
    title = models.CharField(pgettext_lazy("survey", "title"), max_length=200)
    intro = models.TextField(_("a few words to the members"), max_length=1000, blank=True)
    closes_on = models.DateField(_("answers taken until"))
    opened_at = models.DateTimeField(null=True, blank=True)  # None: still being written
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind of answer"), max_length=5, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    options = models.JSONField(default=list, blank=True)  # the choices, in order
    required = models.BooleanField(_("an answer is required"), default=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position")
        ]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One member's answers to a survey, with what the results are grouped by, taken when she
    answered (so that the results stay as they were if she moves or has a birthday)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    branch_path = models.CharField(max_length=255)
    age_band = models.CharField(max_length=8)  # "18-30", "31-45", "46-60", "60+", "?"
    ethnicity = models.PositiveSmallIntegerField()
    minority_area = models.BooleanField(default=False)
    remote_area = models.BooleanField(default=False)
    border_area = models.BooleanField(default=False)
    answers = models.JSONField(default=dict)  # question id → option indexes, a number or text
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "member"], name="one_answer_per_member")
        ]
        indexes = [models.Index(fields=["survey", "branch_path"])]

    def __str__(self) -> str:
        return f"{self.survey} · {self.submitted_at:%d/%m/%Y}"


class Pick(models.Model):
    """One answer chosen in one response (an option, or the scale's number), with what the
    results are grouped by, so that they are counted in the database: one row per choice."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", db_index=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="picks")
    question_id = models.PositiveIntegerField()
    value = models.SmallIntegerField()
    # The response's first pick for the question: summing these counts who answered it.
    first = models.BooleanField(default=True)
    branch_path = models.CharField(max_length=255)
    age_band = models.CharField(max_length=8)
    minority = models.BooleanField(default=False)  # of an ethnic minority
    minority_area = models.BooleanField(default=False)
    remote_area = models.BooleanField(default=False)
    border_area = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["survey", "question_id", "value"], name="pick_count")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"
