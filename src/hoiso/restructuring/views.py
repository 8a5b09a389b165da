"""The pages of restructuring: the operations' forms, the preview, confirm, the history and undo,
and the review of the people who moved. Only the province's admin (or one above) gets in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.models import Assignment
from hoiso.accounts.roles import MANAGE_ACCOUNTS
from hoiso.core.forms import add_service_error
from hoiso.restructuring import forms, services
from hoiso.restructuring.models import Kind, Restructuring, State
from hoiso.restructuring.permissions import may_restructure
from hoiso.restructuring.plan import Plan
from hoiso.restructuring.preview import preview
from hoiso.restructuring.selectors import (
    access_moved_assignment,
    access_restructuring,
    restructurings_within,
)
from hoiso.units.models import Level, Unit

View = Callable[..., HttpResponseBase]


def restructurer(view: View) -> View:
    """The gate (admins only), then: the province's admin, at a unit above the branches."""

    @gate(MANAGE_ACCOUNTS)
    @wraps(view)
    def wrapped(request: HttpRequest, scope: Scope, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_restructure(scope.user, scope.unit):
            raise PermissionDenied
        if scope.unit.level > Level.COMMUNE:
            raise Http404("no restructuring here")
        return view(request, scope, *args, **kwargs)

    return wrapped


def has_districts(unit: Unit) -> bool:
    return Unit.objects.below(unit).filter(level=Level.DISTRICT, valid_to__isnull=True).exists()


@restructurer
def index(request: HttpRequest, scope: Scope) -> HttpResponse:
    context = {
        "unit": scope.unit,
        "done": restructurings_within(scope.unit).exclude(state=State.DRAFT)[:50],
        "has_districts": has_districts(scope.unit),
        "latest": services.latest_applied(scope.unit.province() or scope.unit),
    }
    return render(request, "restructuring/index.html", context)


FORMS: dict[str, type[forms.OperationForm]] = {
    Kind.MERGE: forms.MergeForm,
    Kind.MOVE: forms.MoveForm,
    Kind.RENAME: forms.RenameForm,
    Kind.DISSOLVE: forms.DissolveForm,
}


@restructurer
def operation(request: HttpRequest, scope: Scope, kind: str) -> HttpResponse:
    """An operation's form; a valid one becomes a draft, shown as its preview."""
    if kind == Kind.SPLIT:
        return _split(request, scope)
    if kind not in FORMS or (kind == Kind.DISSOLVE and not has_districts(scope.unit)):
        raise Http404("no such operation")
    form = FORMS[kind](scope.unit, request.POST or None)
    return _draft_or_form(request, scope, kind, form)


def _split(request: HttpRequest, scope: Scope) -> HttpResponse:
    choice = forms.SplitChoiceForm(scope.unit, request.GET or None)
    if not choice.is_valid():
        return render(
            request,
            "restructuring/operation.html",
            {
                "unit": scope.unit,
                "kind": Kind.SPLIT,
                "form": choice,
                "method": "get",
                "label": Kind(Kind.SPLIT).label,
            },
        )
    split = next(u for u in forms.open_children(scope.unit) if u.pk == choice.cleaned_data["split"])
    form = forms.SplitForm(scope.unit, split, request.POST or None)
    return _draft_or_form(request, scope, Kind.SPLIT, form)


def _draft_or_form(
    request: HttpRequest, scope: Scope, kind: str, form: forms.OperationForm
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.restructuring_draft(
                actor=scope.user, unit=scope.unit, kind=kind, request=form.request()
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            return redirect("restructuring:detail", unit_code=scope.unit.code, pk=draft.pk)
    context = {"unit": scope.unit, "kind": kind, "form": form, "label": Kind(kind).label}
    return render(request, "restructuring/operation.html", context)


@restructurer
def detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """A draft's preview (with confirm), or an applied one's record (with undo and the review
    of the people who moved)."""
    r = access_restructuring(scope, pk)
    plan = Plan.from_json(r.plan)
    context: dict[str, Any] = {"unit": scope.unit, "r": r, "on": plan.on}
    if r.state == State.DRAFT:
        context["preview"] = preview(plan)
    else:
        context["people"] = _people(r)
        context["undo_problems"] = services.undo_problems(r) if r.state == State.APPLIED else []
    return render(request, "restructuring/detail.html", context)


def _people(r: Restructuring) -> list[dict[str, Any]]:
    """Who moved: roles moved to a successor, and roles at units that moved with their subtree,
    each with its assignment if it still holds (to end it)."""
    units = {u.pk: u for u in Unit.objects.filter(pk__in=_unit_ids(r))}
    rows = [*r.record.get("roles", []), *r.record.get("moved_roles", [])]
    held = {
        a.pk: a
        for a in Assignment.objects.filter(pk__in=[x["id"] for x in rows]).select_related(
            "user", "unit"
        )
    }
    created = r.record.get("created", {})
    people = []
    for x in rows:
        a = held.get(x["id"])
        to = created.get(x["to"], x["to"]) if isinstance(x["to"], str) else x["to"]
        people.append(
            {
                "assignment": a,
                "frm": units.get(x["frm"]),
                "to": units.get(to),
                "unit": a.unit if a else units.get(x.get("unit", x["frm"])),
                "dropped": x.get("dropped", False),
            }
        )
    return people


def _unit_ids(r: Restructuring) -> set[int]:
    ids = Plan.from_json(r.plan).unit_ids() | set(r.record.get("created", {}).values())
    for x in r.record.get("moved_roles", []):
        ids.add(x["unit"])
    return ids


@require_POST
@restructurer
def apply(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    r = access_restructuring(scope, pk)
    try:
        services.restructuring_apply(actor=scope.user, restructuring=r)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Done: %(summary)s.") % {"summary": r.summary})
    return redirect("restructuring:detail", unit_code=scope.unit.code, pk=r.pk)


@require_POST
@restructurer
def undo(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    r = access_restructuring(scope, pk)
    try:
        services.restructuring_undo(actor=scope.user, restructuring=r)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Undone: %(summary)s.") % {"summary": r.summary})
    return redirect("restructuring:detail", unit_code=scope.unit.code, pk=r.pk)


@require_POST
@restructurer
def end_assignment(request: HttpRequest, scope: Scope, pk: int, assignment_pk: int) -> HttpResponse:
    r = access_restructuring(scope, pk)
    assignment = access_moved_assignment(r, assignment_pk)
    try:
        services.assignment_end(actor=scope.user, restructuring=r, assignment=assignment)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Role ended."))
    return redirect("restructuring:detail", unit_code=scope.unit.code, pk=r.pk)
