"""Activity pages and branch life: record an activity, take attendance, dues, model branches."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.access import Scope, gate, is_htmx
from hoiso.accounts.roles import MANAGE_ACTIVITIES, RECORD_ACTIVITIES, VIEW_ACTIVITIES
from hoiso.activities import metrics, services
from hoiso.activities.choices import ActivityKind
from hoiso.activities.forms import ActivityForm, FilterForm, RuleForm, ThemeForm
from hoiso.activities.metrics import Span
from hoiso.activities.models import Activity, Attendance, DuesPayment, Theme
from hoiso.activities.photos import photo_path
from hoiso.activities.selectors import access_activity, access_meeting
from hoiso.core.forms import add_service_error
from hoiso.metrics.periods import Period
from hoiso.units.models import Level

PAGE_SIZE = 30


def year_span(request: HttpRequest) -> Span:
    """The year asked for in ?year=, this year by default."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    return Span(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))


@gate(VIEW_ACTIVITIES)
def activity_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = FilterForm(request.GET or None)
    qs = Activity.objects.filter(unit_path__startswith=scope.unit.path).select_related("unit")
    span = year_span(request)
    if form.is_valid() and form.cleaned_data.get("kind"):
        qs = qs.filter(kind=form.cleaned_data["kind"])
    in_year = qs.filter(on__gte=span.start, on__lt=span.end)
    counts = dict(in_year.values_list("kind").annotate(n=Count("pk")).order_by())
    page = Paginator(in_year, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "unit": scope.unit,
        "form": form,
        "page": page,
        "year": span.start.year,
        "by_kind": [(label, counts.get(value, 0)) for value, label in ActivityKind.choices],
        "can_record": scope.can(RECORD_ACTIVITIES) and not scope.unit.is_closed,
    }
    template = "activities/list.html#rows" if is_htmx(request) else "activities/list.html"
    return render(request, template, context)


@gate(RECORD_ACTIVITIES)
def activity_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = ActivityForm(request.POST or None, request.FILES or None, unit=scope.unit)
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data.get("photo")
        try:
            activity = services.activity_record(
                actor=scope.user,
                unit=scope.unit,
                data=form.cleaned_data,
                photo=photo.read() if photo else None,
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            if activity.is_meeting:
                messages.success(request, _("Meeting recorded. Now tick who came."))
                return redirect("activities:attendance", scope.unit.code, activity.pk)
            messages.success(request, _("Activity recorded."))
            return redirect("activities:detail", scope.unit.code, activity.pk)
    return render(request, "activities/form.html", {"unit": scope.unit, "form": form})


@gate(VIEW_ACTIVITIES)
def activity_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    activity = access_activity(scope, pk)
    attendance = []
    if activity.is_meeting:
        attendance = list(
            Attendance.objects.filter(activity=activity)
            .select_related("member")
            .order_by("-present", "member__sort_key")
        )
    context = {
        "unit": scope.unit,
        "activity": activity,
        "attendance": attendance,
        "present": sum(a.present for a in attendance),
        "can_record": scope.can(RECORD_ACTIVITIES),
    }
    return render(request, "activities/detail.html", context)


@gate(VIEW_ACTIVITIES)
def activity_photo(request: HttpRequest, scope: Scope, pk: int) -> HttpResponseBase:
    path = photo_path(access_activity(scope, pk).photo)
    if path is None:
        raise Http404("no photo")
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


def _ticked(request: HttpRequest, name: str) -> set[int]:
    return {int(v) for v in request.POST.getlist(name) if v.isdigit()}


@gate(RECORD_ACTIVITIES)
def attendance(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    activity = access_meeting(scope, pk)
    error = None
    if request.method == "POST":
        try:
            n = services.attendance_record(
                actor=scope.user, activity=activity, present_ids=_ticked(request, "present")
            )
        except ValidationError as e:
            error = e.messages[0]
        else:
            messages.success(request, _("Attendance saved: %(n)d present.") % {"n": n})
            return redirect("activities:branch_life", activity.unit.code)
    members = services.meeting_members(activity)
    present = set(
        Attendance.objects.filter(activity=activity, present=True).values_list(
            "member_id", flat=True
        )
    )
    context = {
        "unit": scope.unit,
        "activity": activity,
        "rows": [(m, m.pk in present) for m in members],
        "error": error,
    }
    return render(request, "activities/attendance.html", context)


@gate(VIEW_ACTIVITIES)
def branch_life(request: HttpRequest, scope: Scope) -> HttpResponse:
    span = year_span(request)
    # Above communes, one row per commune: a province's thousands of branches would not fit.
    communes = None
    if scope.unit.level < Level.COMMUNE:
        lives, communes = metrics.life_by_unit(scope.unit, Level.COMMUNE, span)
    else:
        lives = metrics.branch_life(scope.unit, span)
    model = sum(life.is_model for life in lives)
    context: dict[str, Any] = {
        "communes": communes,
        "unit": scope.unit,
        "year": span.start.year,
        "lives": lives,
        "rule": metrics.rule_for(scope.unit),
        "model": model,
        "model_share": 100 * model / len(lives) if lives else None,
        "is_branch": scope.unit.level == Level.BRANCH,
        "can_record": scope.can(RECORD_ACTIVITIES) and scope.unit.level == Level.BRANCH,
        "can_set_rule": scope.can(MANAGE_ACTIVITIES) and scope.unit.level == Level.PROVINCE,
    }
    return render(request, "activities/branch_life.html", context)


def _quarter(request: HttpRequest) -> dt.date:
    raw = request.GET.get("quarter", "")
    try:
        return services.quarter_of(dt.date.fromisoformat(raw))
    except ValueError:
        return services.quarter_of(timezone.localdate())


def _recent_quarters(n: int = 6) -> list[tuple[dt.date, str]]:
    """The last `n` quarters, each with its label ("Quý IV/2026")."""
    q = services.quarter_of(timezone.localdate())
    out = []
    for _i in range(n):
        out.append((q, Period.containing("quarter", q).label()))
        q = services.quarter_of(q - dt.timedelta(days=1))
    return out


@gate(RECORD_ACTIVITIES)
def dues(request: HttpRequest, scope: Scope) -> HttpResponse:
    if scope.unit.level != Level.BRANCH:
        raise Http404("dues are kept at a branch")
    quarter = _quarter(request)
    error = None
    if request.method == "POST":
        try:
            services.dues_record(
                actor=scope.user,
                branch=scope.unit,
                quarter=quarter,
                paid_ids=_ticked(request, "paid"),
            )
        except ValidationError as e:
            error = e.messages[0]
        else:
            messages.success(request, _("Dues saved."))
            return redirect("activities:branch_life", scope.unit.code)
    members = services.branch_members(scope.unit)
    paid = set(
        DuesPayment.objects.filter(member__in=members, quarter=quarter).values_list(
            "member_id", flat=True
        )
    )
    context = {
        "unit": scope.unit,
        "quarter": quarter,
        "quarters": _recent_quarters(),
        "rows": [(m, m.pk in paid) for m in members],
        "paid": len(paid),
        "error": error,
    }
    return render(request, "activities/dues.html", context)


@gate(MANAGE_ACTIVITIES)
def rules(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The province's model-branch thresholds and themes of the year."""
    if scope.unit.level != Level.PROVINCE:
        raise Http404("set by the province")
    current = metrics.rule_for(scope.unit)
    initial = {"attendance": current.attendance_min, "dues": current.dues_min}
    initial["carded"] = current.carded_min
    post = request.POST if request.method == "POST" else None
    rule_form = RuleForm(post if post and "attendance" in post else None, initial=initial)
    theme_form = ThemeForm(
        post if post and "title" in post else None, initial={"year": timezone.localdate().year}
    )
    try:
        if rule_form.is_valid():
            services.rule_set(actor=scope.user, province=scope.unit, **rule_form.cleaned_data)
            messages.success(request, _("Thresholds saved; every branch's status follows them."))
            return redirect("activities:rules", scope.unit.code)
        if theme_form.is_valid():
            services.theme_add(actor=scope.user, province=scope.unit, **theme_form.cleaned_data)
            messages.success(request, _("Theme added."))
            return redirect("activities:rules", scope.unit.code)
    except ValidationError as e:
        add_service_error(rule_form if rule_form.is_bound else theme_form, e)
    context = {
        "unit": scope.unit,
        "rule_form": rule_form,
        "theme_form": theme_form,
        "themes": Theme.objects.filter(province=scope.unit),
    }
    return render(request, "activities/rules.html", context)
