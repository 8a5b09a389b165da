"""Training pages: courses and their trainees, certificates, cadres' training records."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import MANAGE_ACTIVITIES, VIEW_ACTIVITIES
from hoiso.activities import services
from hoiso.activities.choices import PROFICIENT, Topic
from hoiso.activities.forms import AssessForm, CourseForm, TraineeForm
from hoiso.activities.metrics import CADRE_ROLES
from hoiso.activities.models import Course, Trainee
from hoiso.activities.pdf import PdfUnavailable, certificate_pdf
from hoiso.activities.selectors import access_cadre, access_course, access_trainee, courses_seen
from hoiso.core.forms import add_service_error
from hoiso.core.text import normalise_phone
from hoiso.members.models import Member
from hoiso.units.models import Level

logger = logging.getLogger(__name__)


def _organises(scope: Scope, course: Course) -> bool:
    return scope.can(MANAGE_ACTIVITIES) and course.organiser_path.startswith(scope.unit.path)


@gate(VIEW_ACTIVITIES)
def course_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    qs = Course.objects.filter(courses_seen(scope)).select_related("organiser").distinct()
    context = {
        "unit": scope.unit,
        "page": Paginator(qs, 30).get_page(request.GET.get("page")),
        "can_manage": scope.can(MANAGE_ACTIVITIES),
    }
    return render(request, "activities/courses.html", context)


@gate(MANAGE_ACTIVITIES)
def course_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                actor=scope.user, organiser=scope.unit, data=form.cleaned_data
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("Course created. Now add its trainees."))
            return redirect("activities:course", scope.unit.code, course.pk)
    return render(request, "activities/course_form.html", {"unit": scope.unit, "form": form})


def _find_trainee(course: Course, who: str) -> dict[str, Any]:
    """A cadre by username or phone, or an active member by card number, within the organiser."""
    who = who.strip()
    try:
        phone = normalise_phone(who)
    except ValueError:
        phone = ""
    user = (
        User.objects.filter(Q(username=who) | (Q(phone=phone) if phone else Q(pk__in=[])))
        .filter(assignments__unit__path__startswith=course.organiser_path)
        .first()
    )
    if user is not None:
        return {"user": user}
    member = Member.objects.filter(
        branch_path__startswith=course.organiser_path, card_number=who.upper(), status="active"
    ).first()
    if member is not None:
        return {"member": member}
    raise ValidationError(
        _(
            "No cadre or member of %(unit)s has this username, phone or card number; "
            "check it and try again."
        )
        % {"unit": course.organiser.union_name}
    )


@gate(VIEW_ACTIVITIES)
def course_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    course = access_course(scope, pk)
    can_manage = _organises(scope, course)
    form = TraineeForm(request.POST if request.method == "POST" and can_manage else None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                found = _find_trainee(course, form.cleaned_data["who"])
                trainee = services.trainee_add(actor=scope.user, course=course, **found)
            except ValidationError as e:
                form.add_error("who", e)
            else:
                messages.success(request, _("%(name)s added.") % {"name": trainee.full_name})
                return redirect("activities:course", scope.unit.code, course.pk)
    trainees = course.trainees.select_related("unit")
    if not course.organiser_path.startswith(scope.unit.path):
        trainees = trainees.filter(unit_path__startswith=scope.unit.path)
    context = {
        "unit": scope.unit,
        "course": course,
        "trainees": [
            (t, AssessForm(initial=_assess_initial(t), prefix=f"t{t.pk}")) for t in trainees
        ],
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "activities/course.html", context)


def _assess_initial(t: Trainee) -> dict[str, Any]:
    return {"attended": t.attended, "completed": t.completed, "result": t.result}


@gate(MANAGE_ACTIVITIES)
def trainee_assess(request: HttpRequest, scope: Scope, pk: int, trainee_pk: int) -> HttpResponse:
    course = access_course(scope, pk, organised=True)
    trainee = access_trainee(scope, course, trainee_pk)
    form = AssessForm(request.POST or None, prefix=f"t{trainee.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            services.trainee_assess(actor=scope.user, trainee=trainee, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, f"{trainee.full_name}: {e.messages[0]}")
        else:
            messages.success(request, _("%(name)s saved.") % {"name": trainee.full_name})
    return redirect("activities:course", scope.unit.code, course.pk)


@gate(VIEW_ACTIVITIES)
def certificate(request: HttpRequest, scope: Scope, pk: int, trainee_pk: int) -> HttpResponse:
    course = access_course(scope, pk)
    trainee = access_trainee(scope, course, trainee_pk, completed=True)
    try:
        pdf = certificate_pdf(trainee)
    except PdfUnavailable:
        # The cadre reads what to do; the administrator reads which library is missing.
        logger.exception("certificate PDF: WeasyPrint (with Pango) cannot be loaded")
        messages.error(
            request,
            _(
                "Certificates cannot be made on this server: its PDF library (WeasyPrint with "
                "Pango) is not installed. Ask the administrator."
            ),
        )
        return redirect("activities:course", scope.unit.code, course.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="chung-nhan-{course.pk}-{trainee.pk}.pdf"'
    return response


def _cadre_rows(users: list[int]) -> dict[int, dict[str, Any]]:
    """Each cadre's completed courses and whether she is proficient in the member software."""
    rows: dict[int, dict[str, Any]] = {u: {"courses": 0, "proficient": False} for u in users}
    for t in Trainee.objects.filter(user_id__in=users, completed=True).select_related("course"):
        row = rows[t.user_id]  # type: ignore[index]
        row["courses"] += 1
        if t.course.topic == Topic.MEMBER_SOFTWARE and t.result >= PROFICIENT:
            row["proficient"] = True
    return rows


@gate(VIEW_ACTIVITIES)
def cadre_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The grassroots cadres serving below this unit, with their training and proficiency."""
    qs = Assignment.objects.filter(
        unit__path__startswith=scope.unit.path,
        unit__level__gte=Level.COMMUNE,
        role__in=CADRE_ROLES,
    )
    if not scope.can_from_above(VIEW_ACTIVITIES):
        # Her superiors see a cadre's record: not those serving beside her at this unit.
        qs = qs.exclude(unit=scope.unit)
    assignments = list(qs.only("pk", "user_id", "full_time"))
    seen: dict[int, Assignment] = {}
    # One line per cadre: her full-time role where she has one (the one the targets count).
    for a in sorted(assignments, key=lambda a: (a.user_id, not a.full_time, a.pk)):
        seen.setdefault(a.user_id, a)
    chosen = list(
        Assignment.objects.filter(pk__in=[a.pk for a in seen.values()])
        .select_related("user", "unit")
        .order_by("unit__path", "user__full_name")
    )
    rows = _cadre_rows([a.user_id for a in chosen])
    context = {
        "unit": scope.unit,
        "cadres": [(a, rows[a.user_id]) for a in chosen],
        "proficient": sum(r["proficient"] for r in rows.values()),
    }
    return render(request, "activities/cadres.html", context)


@gate(VIEW_ACTIVITIES)
def cadre_record(request: HttpRequest, scope: Scope, user_id: int) -> HttpResponse:
    """A cadre's training record: for her superiors (a role above her unit) and for herself."""
    cadre = access_cadre(scope, user_id)
    if cadre != scope.user and not scope.can_from_above(VIEW_ACTIVITIES):
        raise PermissionDenied
    trainings = list(
        Trainee.objects.filter(user=cadre).select_related("course", "course__organiser")
    )
    proficient = any(
        t.completed and t.course.topic == Topic.MEMBER_SOFTWARE and t.result >= PROFICIENT
        for t in trainings
    )
    context = {
        "unit": scope.unit,
        "cadre": cadre,
        "roles": cadre.assignments.select_related("unit"),
        "trainings": trainings,
        "proficient": proficient,
    }
    return render(request, "activities/cadre.html", context)
