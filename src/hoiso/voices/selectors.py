"""Concerns through the scope: a cadre sees those raised or held in her subtree; a member sees
her own; nobody sees who wrote an anonymous one, because nobody was stored."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from hoiso.accounts.access import Scope, access
from hoiso.members.models import Member
from hoiso.units.history import under
from hoiso.units.models import Level, Unit
from hoiso.voices.models import Concern, Question, Survey
from hoiso.voices.services import settings_for


def concerns_of(scope: Scope) -> QuerySet[Concern]:
    """Concerns raised in the scope's subtree. That takes in those held there now, since a
    concern is only ever held by the unit it was raised at or one above it; and one forwarded up
    from below stays visible to the unit it came from."""
    qs = Concern.objects.filter(under(scope.unit.path, "origin_path"))
    return qs.select_related("origin", "holder", "member")


def access_concern(scope: Scope, pk: Any) -> Concern:
    """A concern of the scope's subtree, or 404."""
    return access(concerns_of(scope), pk, "concern")


def concerns_of_member(member: Member) -> QuerySet[Concern]:
    return Concern.objects.filter(member=member).select_related("holder").order_by("-created_at")


def access_own_concern(member: Member, pk: Any) -> Concern:
    """One of the member's own concerns, or 404."""
    return access(concerns_of_member(member), pk, "concern")


def unit_taking_anonymous(code: str) -> Unit:
    """An open unit (a commune or below) that takes anonymous concerns, or 404."""
    unit = Unit.objects.active().filter(code=code, level__gte=Level.COMMUNE).first()
    if unit is None or not settings_for(unit).anonymous:
        raise Http404("this unit takes no anonymous concerns")
    return unit


def unit_taking_concerns(code: str) -> Unit:
    """An open unit, a commune or below, where a member may send a concern by phone; or 404."""
    unit = Unit.objects.active().filter(code=code, level__gte=Level.COMMUNE).first()
    if unit is None:
        raise Http404("no such unit")
    return unit


# --- Surveys ------------------------------------------------------------------------------------


def surveys_of(scope: Scope) -> QuerySet[Survey]:
    """Surveys of the scope's unit and of the units below it."""
    return Survey.objects.filter(unit_path__startswith=scope.unit.path).select_related("unit")


def access_survey(scope: Scope, pk: Any) -> Survey:
    return access(surveys_of(scope), pk, "survey")


def access_question(scope: Scope, pk: Any, question: Any) -> Question:
    return access(Question.objects.filter(survey=access_survey(scope, pk)), question, "question")


def open_survey(member: Member, pk: Any) -> Survey:
    """A survey opened to the member (one of her units' own), or 404."""
    branch = member.branch
    paths = branch.ancestor_paths if branch is not None else []
    return access(Survey.objects.filter(unit_path__in=paths, opened_at__isnull=False), pk, "survey")


def surveys_for(member: Member) -> QuerySet[Survey]:
    """The surveys open today to the member that she has not answered yet."""
    branch = member.branch
    paths = branch.ancestor_paths if branch is not None else []
    return (
        Survey.objects.filter(
            unit_path__in=paths, opened_at__isnull=False, closes_on__gte=timezone.localdate()
        )
        .exclude(responses__member=member)
        .order_by("closes_on")
    )
