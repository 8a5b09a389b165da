"""The front door, the audit log pages and the health check."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from hoiso.accounts.roles import VIEW_AUDIT
from hoiso.core import audit_actions
from hoiso.core.access import Scope, gate, my_units
from hoiso.core.models import AuditEvent


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One unit: go straight to it. Several: let the user choose. None: say so."""
    units = my_units(request)
    if not units and hasattr(request.user, "member"):
        return redirect("me:home")
    if len(units) == 1:
        return redirect("units:home", unit_code=units[0].unit.code)
    return render(request, "core/home.html")


@gate(VIEW_AUDIT)
def audit_log(request: HttpRequest, scope: Scope) -> HttpResponse:
    events = AuditEvent.objects.within(scope.unit).select_related("unit", "actor")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    who = request.GET.get("who", "").strip()
    if who:
        events = events.filter(actor_name__icontains=who)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    actions = (
        AuditEvent.objects.within(scope.unit).order_by().values_list("action", flat=True).distinct()
    )
    return render(
        request,
        "core/audit.html",
        {
            "unit": scope.unit,
            "page": page,
            "action": action,
            "who": who,
            "actions": sorted((a, audit_actions.label(a)) for a in actions),
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
