"""Pages of the yearly rating: the list by rating, the schemes, a unit's self-assessment, the
upper level's decision, a unit's ratings over the years. Thin: gate → form → service → page."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, access, gate
from hoiso.accounts.roles import MANAGE_TARGETS, VIEW_TARGETS
from hoiso.core import audit
from hoiso.core.forms import add_service_error
from hoiso.documents import files
from hoiso.ratings import board as boards
from hoiso.ratings import points, services
from hoiso.ratings.export import boards_xlsx
from hoiso.ratings.forms import CriterionForm, DecideForm, ReopenForm, SchemeForm, SelfForm
from hoiso.ratings.models import RATING_ORDER, Assessment, Kind, Rating, Scheme, Score, State
from hoiso.ratings.selectors import (
    access_evidence,
    access_own_scheme,
    access_rated_scheme,
    access_scheme,
    may_assess,
    may_decide,
    schemes_concerning,
)


def _year(request: HttpRequest) -> int:
    """The year asked for, else last year (the one rated at the start of this one)."""
    raw = request.POST.get("year") if request.method == "POST" else request.GET.get("year")
    try:
        year = int(raw or "")
    except ValueError:
        year = 0
    today = timezone.localdate()
    return year if 2000 <= year <= 2100 else today.year - (1 if today.month < 12 else 0)


@gate(VIEW_TARGETS)
def board(request: HttpRequest, scope: Scope) -> HttpResponse:
    year = _year(request)
    rating = request.GET.get("rating", "")
    rating = rating if rating in (*Rating.values, boards.WAITING, boards.NOT_SENT) else ""
    found = boards.boards_for(scope.unit, year, rating)
    history = reverse("ratings:history", args=["CODE"])
    for b in found:
        url = reverse("ratings:assessment", args=["CODE", b.scheme.pk])
        for line in b.lines:
            line.url = url.replace("CODE", line.unit.code, 1)
            line.history_url = history.replace("CODE", line.unit.code, 1)
    own = [b for b in found if b.scheme.level == scope.unit.level]
    years = sorted(
        {*schemes_concerning(scope.unit).values_list("year", flat=True), year}, reverse=True
    )
    return render(
        request,
        "ratings/list.html",
        {
            "unit": scope.unit,
            "year": year,
            "years": years,
            "boards": found,
            "rating": rating,
            "ratings": RATING_ORDER,
            "own": own,
            "can_set": scope.can(MANAGE_TARGETS) and bool(services.rated_levels(scope.unit)),
        },
    )


@gate(VIEW_TARGETS)
def export(request: HttpRequest, scope: Scope) -> HttpResponse:
    year = _year(request)
    found = boards.boards_for(scope.unit, year)
    out = io.BytesIO()
    boards_xlsx(out, scope.unit, year, found)
    audit.log(scope.user, "ratings.exported", scope.unit, data={"year": year})
    name = f"xep-loai-{scope.unit.code}-{year}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@gate(VIEW_TARGETS)
def history(request: HttpRequest, scope: Scope) -> HttpResponse:
    return render(
        request,
        "ratings/history.html",
        {"unit": scope.unit, "assessments": boards.history_of(scope.unit)},
    )


# --- Schemes ---------------------------------------------------------------------------------


@gate(MANAGE_TARGETS)
def scheme_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    if not services.rated_levels(scope.unit):
        raise Http404("no units below to rate")
    year = _year(request)
    form = SchemeForm(
        request.POST or None,
        unit=scope.unit,
        initial={
            "year": year,
            "title": _("Rating of commune unions %(year)s") % {"year": year},
            "excellent_from": 90,
            "good_from": 70,
            "fair_from": 50,
            "excellent_floor": 50,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(
                actor=scope.user, unit=scope.unit, data=form.cleaned_data
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("The rating is set. Now add its criteria."))
            return redirect("ratings:scheme", unit_code=scope.unit.code, pk=scheme.pk)
    return render(request, "ratings/scheme_form.html", {"unit": scope.unit, "form": form})


@gate(VIEW_TARGETS)
def scheme_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    scheme = access_scheme(scope, pk)
    criteria = list(scheme.criteria.all())
    for c in criteria:
        c.step_list = points.parse_steps(c.steps)  # type: ignore[attr-defined]
        c.metric_label = services.metric_label(c.metric)  # type: ignore[attr-defined]
        c.is_percent = services.is_percent(c.metric)  # type: ignore[attr-defined]
    can_manage = scope.can(MANAGE_TARGETS) and scope.unit.contains(scheme.unit)
    return render(
        request,
        "ratings/scheme.html",
        {
            "unit": scope.unit,
            "scheme": scheme,
            "criteria": criteria,
            "can_manage": can_manage,
            "max_total": sum((c.max_points for c in criteria), 0),
            "locked": scheme.assessments.exclude(state=State.DRAFT).exists(),
            "next_exists": Scheme.objects.filter(
                unit=scheme.unit, level=scheme.level, year=scheme.year + 1
            ).exists(),
        },
    )


@gate(MANAGE_TARGETS)
def scheme_edit(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    scheme = access_own_scheme(scope, pk)
    form = SchemeForm(request.POST or None, instance=scheme, unit=scheme.unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_update(
                actor=scope.user, scheme=access_own_scheme(scope, pk), data=form.cleaned_data
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("The rating is saved."))
            return redirect("ratings:scheme", unit_code=scope.unit.code, pk=pk)
    return render(
        request, "ratings/scheme_form.html", {"unit": scope.unit, "form": form, "scheme": scheme}
    )


@require_POST
@gate(MANAGE_TARGETS)
def scheme_copy(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    source = access_own_scheme(scope, pk)
    try:
        scheme = services.scheme_copy(actor=scope.user, source=source, year=source.year + 1)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("ratings:scheme", unit_code=scope.unit.code, pk=pk)
    messages.success(request, _("Copied. Check the criteria and points for the new year."))
    return redirect("ratings:scheme", unit_code=scope.unit.code, pk=scheme.pk)


def _criterion_page(request: HttpRequest, scope: Scope, pk: int, cid: int | None) -> HttpResponse:
    scheme = access_own_scheme(scope, pk)
    criterion = access(scheme.criteria.all(), cid, "criterion") if cid is not None else None
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(
                actor=scope.user, scheme=scheme, data=form.cleaned_data, criterion=criterion
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("The criterion is saved."))
            return redirect("ratings:scheme", unit_code=scope.unit.code, pk=pk)
    return render(
        request,
        "ratings/criterion_form.html",
        {"unit": scope.unit, "scheme": scheme, "form": form, "criterion": criterion},
    )


@gate(MANAGE_TARGETS)
def criterion_new(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    return _criterion_page(request, scope, pk, None)


@gate(MANAGE_TARGETS)
def criterion_edit(request: HttpRequest, scope: Scope, pk: int, cid: int) -> HttpResponse:
    return _criterion_page(request, scope, pk, cid)


@require_POST
@gate(MANAGE_TARGETS)
def criterion_delete(request: HttpRequest, scope: Scope, pk: int, cid: int) -> HttpResponse:
    scheme = access_own_scheme(scope, pk)
    try:
        services.criterion_delete(
            actor=scope.user, criterion=access(scheme.criteria.all(), cid, "criterion")
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The criterion is deleted."))
    return redirect("ratings:scheme", unit_code=scope.unit.code, pk=pk)


# --- A unit's assessment ---------------------------------------------------------------------


def _scores(assessment: Assessment) -> list[Score]:
    scores = list(
        assessment.scores.select_related("criterion")
        .prefetch_related("files")
        .order_by("criterion__position", "criterion_id")
    )
    for s in scores:  # a share's figure is shown with its % sign
        s.is_percent = services.is_percent(s.criterion.metric)  # type: ignore[attr-defined]
    return scores


def _live(assessment: Assessment, scores: list[Score]) -> None:
    """A draft shows the computed criteria as the year's figures stand now (not saved)."""
    if assessment.state != State.DRAFT:
        return
    figures = services.figures_for(assessment.scheme, assessment.unit)
    for s in scores:
        if s.criterion.kind == Kind.COMPUTED:
            value = figures.get(s.criterion_id)
            s.figure = points.figure_of(value)
            s.self_points = points.computed_points(
                s.criterion, value, services.better_of(s.criterion)
            )


def _found(scheme: Scheme, scope: Scope, create: bool) -> Assessment | None:
    if create:
        return services.assessment_for(scheme, scope.unit)
    return Assessment.objects.filter(scheme=scheme, unit=scope.unit).first()


@gate(VIEW_TARGETS)
def assessment(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    scheme = access_rated_scheme(scope, pk)
    can_assess = may_assess(scope)
    if request.method == "POST" and not can_assess:
        raise PermissionDenied
    found = _found(scheme, scope, create=can_assess)
    scores = _scores(found) if found else []
    editing = bool(found and can_assess and found.state == State.DRAFT)
    form = SelfForm(
        request.POST or None, scores=scores, initial={"summary": found.summary if found else ""}
    )
    if request.method == "POST" and found is not None and form.is_valid():
        uploads = {s.criterion_id: request.FILES.getlist(f"f{s.criterion_id}") for s in scores}
        try:
            services.assessment_save(
                actor=scope.user,
                assessment=found,
                entries=form.entries(),
                summary=form.cleaned_data["summary"],
                uploads=uploads,
            )
            if request.POST.get("action") == "submit":
                services.assessment_submit(actor=scope.user, assessment=found)
        except ValidationError as e:
            add_service_error(form, e)
            found.refresh_from_db()
            scores = _scores(found)
        else:
            sent = request.POST.get("action") == "submit"
            messages.success(request, _("Sent to the upper level.") if sent else _("Saved."))
            return redirect("ratings:assessment", unit_code=scope.unit.code, pk=pk)
    if found is not None:
        _live(found, scores)
    rows = [
        (s, form[f"p{s.criterion_id}"], form[f"e{s.criterion_id}"])
        if editing and s.criterion.kind == Kind.MANUAL
        else (s, None, None)
        for s in scores
    ]
    return render(
        request,
        "ratings/assessment.html",
        {
            "unit": scope.unit,
            "scheme": scheme,
            "assessment": found,
            "scores": scores,
            "rows": rows,
            "form": form,
            "editing": editing,
            "can_decide": may_decide(scope, scheme) and scope.can_from_above(MANAGE_TARGETS),
            "live_total": sum((s.self_points or 0 for s in scores), 0),
            "max_total": sum((s.criterion.max_points for s in scores), 0),
        },
    )


def _decider(scope: Scope, pk: int) -> tuple[Scheme, Assessment]:
    scheme = access_rated_scheme(scope, pk)
    if not may_decide(scope, scheme):
        raise PermissionDenied
    found = Assessment.objects.filter(scheme=scheme, unit=scope.unit).first()
    if found is None:
        raise Http404("no assessment yet")
    return scheme, found


@gate(MANAGE_TARGETS, from_above=True)
def decide(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    scheme, found = _decider(scope, pk)
    scores = _scores(found)
    form = DecideForm(request.POST or None, assessment=found, scores=scores)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_decide(
                actor=scope.user,
                assessment=found,
                adjusted=form.adjusted(),
                on=form.cleaned_data["decided_on"],
                rating=form.cleaned_data["rating"] or None,
                note=form.cleaned_data["note"],
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("The rating is decided."))
            return redirect("ratings:assessment", unit_code=scope.unit.code, pk=pk)
    rows = [(s, form[f"p{s.criterion_id}"], form[f"r{s.criterion_id}"]) for s in scores]
    return render(
        request,
        "ratings/decide.html",
        {
            "unit": scope.unit,
            "scheme": scheme,
            "assessment": found,
            "rows": rows,
            "form": form,
            "reopen_form": ReopenForm(),
        },
    )


@require_POST
@gate(MANAGE_TARGETS, from_above=True)
def reopen(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    _scheme, found = _decider(scope, pk)
    form = ReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Please say why the assessment is reopened."))
        services.assessment_reopen(
            actor=scope.user, assessment=found, reason=form.cleaned_data["reason"]
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Reopened: the unit can change its assessment again."))
    return redirect("ratings:assessment", unit_code=scope.unit.code, pk=pk)


def _evidence(scope: Scope, pk: int, fid: int) -> Any:
    scheme = access_rated_scheme(scope, pk)
    found = Assessment.objects.filter(scheme=scheme, unit=scope.unit).first()
    if found is None:
        raise Http404("no assessment")
    return access_evidence(found, fid)


@gate(VIEW_TARGETS)
def evidence_file(request: HttpRequest, scope: Scope, pk: int, fid: int) -> FileResponse:
    kept = _evidence(scope, pk, fid)
    response = FileResponse(
        files.path_of(kept.stored_name).open("rb"),
        content_type=files.CONTENT_TYPES[kept.file_type],
        as_attachment=kept.file_type not in ("pdf", "png", "jpeg", "webp"),
        filename=kept.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@require_POST
@gate(MANAGE_TARGETS)
def evidence_remove(request: HttpRequest, scope: Scope, pk: int, fid: int) -> HttpResponse:
    if not may_assess(scope):
        raise PermissionDenied
    try:
        services.evidence_remove(actor=scope.user, evidence=_evidence(scope, pk, fid))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("ratings:assessment", unit_code=scope.unit.code, pk=pk)
