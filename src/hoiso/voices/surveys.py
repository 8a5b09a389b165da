"""Surveys: a unit writes a short one, opens it to the members of its subtree (a link, a QR code,
their page, a message through notify()), each member answers once, and the results are counted
live by unit one level down and by group (age, ethnicity, the areas the union cares for)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.models import User
from hoiso.core import audit
from hoiso.members.choices import KINH, Status
from hoiso.members.models import Member
from hoiso.notifications.services import notify
from hoiso.units.models import Level, Unit
from hoiso.voices.models import Pick, Question, QuestionKind, Response, Survey

AGE_BANDS = (("18-30", 18, 30), ("31-45", 31, 45), ("46-60", 46, 60), ("60+", 61, 200))
MAX_OPTIONS = 12


# --- Writing a survey -------------------------------------------------------------------------


def survey_create(*, actor: User, unit: Unit, title: str, intro: str, closes_on: dt.date) -> Survey:
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("Please choose a day from today on.")})
    survey = Survey.objects.create(unit=unit, unit_path=unit.path, title=title.strip(),
                                   intro=intro.strip(), closes_on=closes_on, created_by=actor)  # fmt: skip
    audit.log(actor, "survey.created", survey)
    return survey


def clean_options(kind: str, raw: str) -> list[str]:
    """The choices a cadre typed, one per line, blank lines and repeats left out."""
    if kind not in (QuestionKind.ONE, QuestionKind.MANY):
        return []
    options: list[str] = []
    for line in raw.splitlines():
        line = " ".join(line.split())[:100]
        if line and line not in options:
            options.append(line)
    if len(options) < 2:
        raise ValidationError({"options": _("Please write at least two choices, one per line.")})
    if len(options) > MAX_OPTIONS:
        raise ValidationError(
            {"options": _("Please keep to %(n)s choices at most.") % {"n": MAX_OPTIONS}}
        )
    return options


def question_add(
    *, actor: User, survey: Survey, kind: str, text: str, options: str, required: bool
) -> Question:
    if survey.opened_at is not None:
        raise ValidationError(_("The survey is open: its questions can no longer change."))
    position = survey.questions.count() + 1
    return Question.objects.create(survey=survey, position=position, kind=kind, text=text.strip(),
                                   options=clean_options(kind, options), required=required)  # fmt: skip


def question_remove(*, actor: User, question: Question) -> None:
    survey = question.survey
    if survey.opened_at is not None:
        raise ValidationError(_("The survey is open: its questions can no longer change."))
    with transaction.atomic():
        question.delete()
        for n, q in enumerate(survey.questions.order_by("position"), start=1):
            if q.position != n:
                Question.objects.filter(pk=q.pk).update(position=n)


def members_of(survey: Survey) -> QuerySet[Member]:
    return Member.objects.filter(branch_path__startswith=survey.unit_path, status=Status.ACTIVE)


@transaction.atomic
def survey_open(*, actor: User, survey: Survey, tell: bool) -> int:
    """Open the survey to answers; with `tell`, send every member of the subtree a message with
    its link through notify(). Returns how many were told."""
    if not survey.questions.exists():
        raise ValidationError(_("Please add at least one question before opening the survey."))
    if survey.opened_at is None:
        survey.opened_at = timezone.now()
        survey.save(update_fields=["opened_at"])
        audit.log(actor, "survey.opened", survey)
    if not tell:
        return 0
    return notify(
        members_of(survey), "survey",
        {"title": survey.title, "unit": survey.unit.name, "link": f"{settings.SITE_URL}/khao-sat/{survey.pk}/",
         "closes_on": f"{survey.closes_on:%d/%m/%Y}"},
        sender=actor, key=f"survey:{survey.pk}", unit=survey.unit,
    )  # fmt: skip


def is_open(survey: Survey, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return survey.opened_at is not None and today <= survey.closes_on


# --- Answering ----------------------------------------------------------------------------------


def age_band(member: Member, today: dt.date) -> str:
    year = member.birth_date.year if member.birth_date else member.birth_year
    if not year:
        return "?"
    age = today.year - year
    for name, low, high in AGE_BANDS:
        if low <= age <= high:
            return name
    return "?"


def clean_answers(survey: Survey, data: Any) -> dict[str, Any]:
    """The answers from a form's data (`q<id>` fields), checked against each question; errors
    name the question."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in survey.questions.all():
        name = f"q{q.pk}"
        if q.kind == QuestionKind.MANY:
            raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        else:
            raw = data.get(name, "")
        value: Any = None
        try:
            if q.kind == QuestionKind.ONE and raw != "":
                value = [int(raw)]
            elif q.kind == QuestionKind.MANY and raw:
                value = sorted({int(v) for v in raw})
            elif q.kind == QuestionKind.SCALE and raw != "":
                value = int(raw)
            elif q.kind == QuestionKind.TEXT:
                value = " ".join(str(raw).split())[:500] or None
        except (TypeError, ValueError):
            value = "bad"
        if (
            q.kind in (QuestionKind.ONE, QuestionKind.MANY)
            and isinstance(value, list)
            and any(not 0 <= v < len(q.options) for v in value)
        ):
            value = "bad"
        if q.kind == QuestionKind.SCALE and isinstance(value, int) and not 1 <= value <= 5:
            value = "bad"
        if value == "bad":
            errors[name] = _("Please choose one of the answers given.")
        elif value in (None, []) and q.required:
            errors[name] = _("Please answer this question.")
        elif value not in (None, []):
            answers[str(q.pk)] = value
    if errors:
        raise ValidationError(errors)
    return answers


def response_submit(*, survey: Survey, member: Member, data: Any) -> Response:
    """Her answers, once: a second submit (two taps on a slow link) is refused, not doubled."""
    if not is_open(survey):
        raise ValidationError(_("This survey no longer takes answers."))
    if not member.branch_path.startswith(survey.unit_path):
        raise ValidationError(
            _("This survey is for the members of %(unit)s.") % {"unit": survey.unit.name}
        )
    answers = clean_answers(survey, data)
    commune = member.commune
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, member=member, branch_path=member.branch_path,
                age_band=age_band(member, timezone.localdate()), ethnicity=member.ethnicity,
                minority_area=commune.is_ethnic_minority_area, remote_area=commune.is_remote_area,
                border_area=commune.is_border_area, answers=answers,
            )  # fmt: skip
            Pick.objects.bulk_create(picks_of(response))
            return response
    except IntegrityError:
        raise ValidationError(_("You have already answered this survey. Thank you!")) from None


def picks_of(response: Response) -> list[Pick]:
    """The response's choices as rows to count (text answers stay in the response alone)."""
    picks = []
    for key, value in response.answers.items():
        if isinstance(value, str):
            continue
        for n, v in enumerate(value if isinstance(value, list) else [value]):
            picks.append(Pick(
                survey_id=response.survey_id, response=response, question_id=int(key), value=v,
                first=n == 0, branch_path=response.branch_path, age_band=response.age_band,
                minority=response.ethnicity != KINH, minority_area=response.minority_area,
                remote_area=response.remote_area, border_area=response.border_area,
            ))  # fmt: skip
    return picks


# --- Results ------------------------------------------------------------------------------------

# What the results can be grouped by.
GROUPS = ("unit", "age", "ethnicity", "area")


@dataclass
class QuestionResult:
    question: Question
    # group → option index (or scale value) → count; "" is the whole.
    counts: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    answered: Counter[str] = field(default_factory=Counter)
    texts: list[str] = field(default_factory=list)

    def rows(self, group: str) -> list[tuple[str, int, float]]:
        """(option, count, share of those who answered) for one group."""
        total = self.answered[group]
        labels = (
            self.question.options
            if self.question.kind != QuestionKind.SCALE
            else [str(n) for n in range(1, 6)]
        )
        out = []
        for i, label in enumerate(labels):
            key = i if self.question.kind != QuestionKind.SCALE else i + 1
            n = self.counts[group][key]
            out.append((label, n, 100.0 * n / total if total else 0.0))
        return out

    def table(self, groups: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """One row per answer: its label, then (count, share) for the whole and each group."""
        columns = [self.rows(""), *(self.rows(key) for key, _label in groups)]
        return [
            {"label": label, "cells": [{"n": c[i][1], "share": c[i][2]} for c in columns]}
            for i, (label, _n, _share) in enumerate(columns[0])
        ]


@dataclass
class Results:
    survey: Survey
    responses: int
    groups: list[tuple[str, str]]  # (key, label) of each group, in order
    questions: list[QuestionResult]


def _group_labels(survey: Survey, by: str) -> dict[str, str]:
    if by == "unit":
        level = Level.COMMUNE if survey.unit.level < Level.COMMUNE else survey.unit.level + 1
        return {
            u.path: u.name
            for u in Unit.objects.within(survey.unit).filter(level=level).order_by("name")
        }
    if by == "age":
        return {name: _("aged %(band)s") % {"band": name} for name, _low, _high in AGE_BANDS} | {
            "?": _("age unknown")
        }
    if by == "ethnicity":
        return {"kinh": _("Kinh"), "minority": _("ethnic minorities")}
    return {"minority": _("ethnic-minority area"), "remote": _("especially difficult area"),
            "border": _("border area"), "other": _("other areas")}  # fmt: skip


AREAS = {"minority": "minority_area", "remote": "remote_area", "border": "border_area"}
TEXTS_SHOWN = 200


def _counted(result: dict[str, QuestionResult], rows: Any, group: str | None = None) -> None:
    for row in rows:
        question = result.get(str(row["question_id"]))
        if question is None:
            continue
        g = group if group is not None else row["g"]
        question.counts[g][row["value"]] += row["n"]
        question.answered[g] += row["answered"]


def results(survey: Survey, by: str = "unit") -> Results:
    """Counts for every question, overall and per group of `by`: two grouped queries over the
    picks (one for the whole, one for the groups; the areas, which overlap, as one query of
    conditional counts), and the text answers read from the first responses that hold some."""
    by = by if by in GROUPS else "unit"
    questions = list(survey.questions.all())
    per = {str(q.pk): QuestionResult(q) for q in questions}
    labels = _group_labels(survey, by)
    picks = Pick.objects.filter(survey=survey).order_by()
    answered = Sum(Case(When(first=True, then=1), default=0))
    _counted(
        per, picks.values("question_id", "value").annotate(n=Count("*"), answered=answered), ""
    )
    if by == "area":
        sums: dict[str, Any] = {}
        for key, column in AREAS.items():
            sums[f"n_{key}"] = Count("pk", filter=Q(**{column: True}))
            sums[f"a_{key}"] = Sum(Case(When(first=True, **{column: True}, then=1), default=0))
        none = Q(minority_area=False, remote_area=False, border_area=False)
        sums["n_other"] = Count("pk", filter=none)
        sums["a_other"] = Sum(Case(When(none, first=True, then=1), default=0))
        for row in picks.values("question_id", "value").annotate(**sums):
            for key in [*AREAS, "other"]:
                _counted(per, [{"question_id": row["question_id"], "value": row["value"],
                                "n": row[f"n_{key}"], "answered": row[f"a_{key}"] or 0}], key)  # fmt: skip
    else:
        if by == "unit":
            width = len(next(iter(labels), survey.unit_path))
            group: Any = Substr("branch_path", 1, width)
        elif by == "age":
            group = F("age_band")
        else:
            group = Case(When(minority=True, then=Value("minority")), default=Value("kinh"))
        rows = (
            picks.annotate(g=group)
            .values("question_id", "value", "g")
            .annotate(n=Count("*"), answered=answered)
        )
        _counted(per, rows)
    texts = [q for q in questions if q.kind == QuestionKind.TEXT]
    if texts:
        keys = [str(q.pk) for q in texts]
        for answers in Response.objects.filter(survey=survey).values_list("answers", flat=True)[
            :2000
        ]:
            for key in keys:
                result = per[key]
                if key in answers:
                    result.answered[""] += 1
                    if len(result.texts) < TEXTS_SHOWN:
                        result.texts.append(answers[key])
    responses = Response.objects.filter(survey=survey).count()
    return Results(survey, responses, list(labels.items()), list(per.values()))
