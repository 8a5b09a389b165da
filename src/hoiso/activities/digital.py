"""Digital capacity: members' phones and skills, each unit's equipment, requests up the tree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.roles import MANAGE_ACTIVITIES, RECORD_ACTIVITIES, VIEW_ACTIVITIES
from hoiso.activities import services
from hoiso.activities.choices import RequestStatus
from hoiso.activities.forms import DecisionForm, EquipmentForm, RequestForm
from hoiso.activities.metrics import members_digital, share
from hoiso.activities.models import Equipment, EquipmentRequest
from hoiso.activities.selectors import access_equipment, access_equipment_request
from hoiso.core.forms import add_service_error
from hoiso.members.choices import DigitalSkill
from hoiso.units.models import Level, Unit


def _shares(counts: dict[str, int]) -> dict[str, Any]:
    total = counts["total"]
    return {
        "total": total,
        "smartphone": share(counts["smartphone"], total),
        "zalo": share(counts["zalo"], total),
        "facebook": share(counts["facebook"], total),
        "skills": [
            (s.label, share(counts.get(f"skill_{s.value}", 0), total)) for s in DigitalSkill
        ],
    }


@gate(VIEW_ACTIVITIES)
def digital_home(request: HttpRequest, scope: Scope) -> HttpResponse:
    unit = scope.unit
    children = list(Unit.objects.filter(parent=unit).active().order_by("name"))
    counts = members_digital(unit, [unit, *children])
    requests_qs = EquipmentRequest.objects.select_related("unit", "at_unit")
    context = {
        "unit": unit,
        "mine": _shares(counts[unit.pk]),
        "children": [(c, _shares(counts[c.pk])) for c in children],
        "equipment": Equipment.objects.filter(unit=unit),
        "sent": list(requests_qs.filter(unit=unit)[:20]),
        "waiting": list(
            requests_qs.filter(
                Q(status=RequestStatus.PENDING) | Q(status=RequestStatus.APPROVED),
                at_path__startswith=unit.path,
            )[:50]
        ),
        "can_record": scope.can(RECORD_ACTIVITIES) and not unit.is_closed,
        "can_request": scope.can(RECORD_ACTIVITIES) and unit.level > Level.PROVINCE,
    }
    return render(request, "activities/digital.html", context)


@gate(RECORD_ACTIVITIES)
def equipment_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = EquipmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.equipment_save(actor=scope.user, unit=scope.unit, data=form.cleaned_data)
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("Equipment added."))
            return redirect("activities:digital", scope.unit.code)
    context = {"unit": scope.unit, "form": form, "title": _("Add equipment")}
    return render(request, "activities/simple_form.html", context)


@gate(RECORD_ACTIVITIES)
def equipment_edit(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    item = access_equipment(scope, pk)
    initial = {"kind": item.kind, "quantity": item.quantity, "state": item.state, "note": item.note}
    form = EquipmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("remove"):
        services.equipment_remove(actor=scope.user, item=item)
        messages.success(request, _("Equipment removed from the list."))
        return redirect("activities:digital", scope.unit.code)
    if request.method == "POST" and form.is_valid():
        services.equipment_save(
            actor=scope.user, unit=scope.unit, data=form.cleaned_data, item=item
        )
        messages.success(request, _("Equipment saved."))
        return redirect("activities:digital", scope.unit.code)
    context = {"unit": scope.unit, "form": form, "title": str(item), "item": item}
    return render(request, "activities/simple_form.html", context)


@gate(RECORD_ACTIVITIES)
def request_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.equipment_request_create(
                actor=scope.user, unit=scope.unit, **form.cleaned_data
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(
                request, _("Request sent to %(unit)s.") % {"unit": req.at_unit.union_name}
            )
            return redirect("activities:request", scope.unit.code, req.pk)
    context = {"unit": scope.unit, "form": form, "title": _("Ask for equipment")}
    return render(request, "activities/simple_form.html", context)


def _can_decide(scope: Scope, req: EquipmentRequest) -> bool:
    """Cadres of the unit where it waits, or above it, decide (the asking unit is below it)."""
    return scope.can(MANAGE_ACTIVITIES) and req.at_path.startswith(scope.unit.path)


@gate(VIEW_ACTIVITIES)
def request_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    req = access_equipment_request(scope, pk)
    context = {
        "unit": scope.unit,
        "req": req,
        "steps": req.steps.select_related("unit", "actor"),
        "form": DecisionForm(),
        "can_decide": _can_decide(scope, req),
        "can_forward": req.at_unit.level > Level.PROVINCE,
    }
    return render(request, "activities/request.html", context)


ACTIONS: dict[str, Callable[..., EquipmentRequest]] = {
    "forward": services.equipment_request_forward,
    "approve": services.equipment_request_approve,
    "refuse": services.equipment_request_refuse,
    "deliver": services.equipment_request_deliver,
}


@require_POST
@gate(MANAGE_ACTIVITIES)
def request_decide(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    req = access_equipment_request(scope, pk)
    if not _can_decide(scope, req):
        raise PermissionDenied
    action = ACTIONS.get(request.POST.get("action", ""))
    form = DecisionForm(request.POST)
    if action is None or not form.is_valid():
        messages.error(request, _("Choose one of the buttons to decide."))
    else:
        try:
            action(actor=scope.user, request=req, note=form.cleaned_data["note"])
        except ValidationError as e:
            messages.error(request, e.messages[0])
        else:
            messages.success(request, _("Request updated."))
    return redirect("activities:request", scope.unit.code, req.pk)
