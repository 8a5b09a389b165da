"""Unit pages: a unit's home with its children, and the cadre's changes to branches and groups.

They live above the apps: the home shows members, the inbox and the to-do beside the tree, and
every page passes the scope gate (accounts), which units, below accounts, may not import.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hoiso.accounts.access import Scope, gate, is_htmx
from hoiso.accounts.roles import (
    CHANGE_UNITS,
    MANAGE_ACCOUNTS,
    MANAGE_MEMBERS,
    VIEW_ACTIVITIES,
    VIEW_AUDIT,
    VIEW_DOCUMENTS,
    VIEW_MEMBERS,
    VIEW_UNIT,
)
from hoiso.core.text import fold, sort_key
from hoiso.documents.selectors import unread_count
from hoiso.members.history import (
    NOW,
    THEN,
    Boundaries,
    active_count_on,
    children_counts_on,
)
from hoiso.members.models import MemberStat
from hoiso.members.selectors import inbox_count
from hoiso.restructuring.permissions import may_restructure
from hoiso.restructuring.views import has_districts
from hoiso.units import reform, services
from hoiso.units.forms import CloseForm, UnitForm
from hoiso.units.models import Level, Unit, today


def _children_with_counts(unit: Unit, show_closed: bool, q: str = "") -> list[Unit]:
    """The unit's children, each with the number of open units of every level below it.

    Siblings' paths have one length, so one grouped query over the subtree counts for all.
    """
    # Branches an import is still writing are not shown until their members are (see
    # units.services.PENDING_FROM).
    children = list(Unit.objects.filter(parent=unit).exclude(valid_from=services.PENDING_FROM))
    if not show_closed:
        children = [c for c in children if not c.is_closed]
    if q:
        children = [c for c in children if fold(q) in fold(c.name)]
    if children:
        width = len(children[0].path)
        rows = (
            Unit.objects.below(unit)
            .active()
            .exclude(parent=unit)
            .annotate(top=Substr("path", 1, width))
            .values("top")
            .annotate(
                branches=Count("pk", filter=Q(level=Level.BRANCH)),
                groups=Count("pk", filter=Q(level=Level.GROUP)),
                communes=Count("pk", filter=Q(level=Level.COMMUNE)),
            )
        )
        counts = {r["top"]: r for r in rows}
        for child in children:
            c = counts.get(child.path, {})
            child.n_communes = c.get("communes", 0)  # type: ignore[attr-defined]
            child.n_branches = c.get("branches", 0)  # type: ignore[attr-defined]
            child.n_groups = c.get("groups", 0)  # type: ignore[attr-defined]
    stats = {s.unit_id: s for s in MemberStat.objects.filter(unit__in=children)}
    for child in children:
        child.n_members = stats[child.pk].active if child.pk in stats else None  # type: ignore[attr-defined]
    children.sort(key=lambda c: (c.is_closed, sort_key(c.name)))
    return children


def as_of(request: HttpRequest) -> tuple[dt.date | None, Boundaries, str]:
    """`?on=YYYY-MM-DD&boundaries=then|now` (the day's counts, on the boundaries of then or of
    today): the day (None when not asked or not a date), the boundaries, and an error to show."""
    raw = request.GET.get("on", "").strip()
    boundaries: Boundaries = THEN if request.GET.get("boundaries") == THEN else NOW
    if not raw:
        return None, boundaries, ""
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return None, boundaries, _("Enter the date as day/month/year.")
    if day > today():
        return None, boundaries, _("Choose a day that is not in the future.")
    return day, boundaries, ""


@gate(VIEW_UNIT)
def unit_home(request: HttpRequest, scope: Scope) -> HttpResponse:
    show_closed = request.GET.get("closed") == "1"
    q = request.GET.get("q", "").strip()
    children = _children_with_counts(scope.unit, show_closed, q)
    context = {
        "unit": scope.unit,
        "children": children,
        "show_closed": show_closed,
        "q": q,
        "can_add": scope.can(CHANGE_UNITS)
        and scope.unit.child_level is not None
        and scope.unit.valid_to is None,
        "can_edit": scope.can_from_above(CHANGE_UNITS),
        "can_setup": scope.can(CHANGE_UNITS) and scope.unit.level == Level.PROVINCE,
        "can_manage_people": scope.can(MANAGE_ACCOUNTS),
        "can_view_audit": scope.can(VIEW_AUDIT),
        "can_view_members": scope.can(VIEW_MEMBERS),
        "can_view_activities": scope.can(VIEW_ACTIVITIES),
        "can_manage_members": scope.can(MANAGE_MEMBERS),
        "stat": MemberStat.objects.filter(unit=scope.unit).first(),
        "inbox": inbox_count(scope.unit) if scope.can(MANAGE_MEMBERS) else 0,
        "child_level_label": Level(scope.unit.child_level).label if scope.unit.child_level else "",
        "today": today(),
        # Documents come to the unit: how many it has not opened yet (None: not hers to see).
        "documents_new": unread_count(scope) if scope.can(VIEW_DOCUMENTS) else None,
    }
    if scope.unit.level <= Level.COMMUNE and may_restructure(scope.user, scope.unit):
        context["can_restructure"] = True
        context["has_districts"] = has_districts(scope.unit)
    if scope.can(CHANGE_UNITS):
        context["split_waiting"] = reform.split_waiting(scope.unit)
    day, boundaries, as_of_error = as_of(request)
    context.update(on=day, boundaries=boundaries, as_of_error=as_of_error)
    if day is not None and scope.can(VIEW_MEMBERS):
        context["as_of_total"] = active_count_on(scope.unit, day, boundaries)
        context["as_of_children"] = children_counts_on(scope.unit, day, boundaries)
    if is_htmx(request):
        return render(request, "pages/unit_home.html#children", context)
    return render(request, "pages/unit_home.html", context)


@gate(CHANGE_UNITS)
def unit_add(request: HttpRequest, scope: Scope) -> HttpResponse:
    parent = scope.unit
    if parent.child_level is None or parent.valid_to is not None:
        messages.error(request, _("Units cannot be added under this unit."))
        return redirect("units:home", unit_code=parent.code)
    form = UnitForm(request.POST or None, initial={f: getattr(parent, f) for f in services.FLAGS})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_create_child(
                actor=scope.user,
                parent=parent,
                name=data["name"],
                **{f: data[f] for f in services.FLAGS},
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Added “%(name)s”.") % {"name": unit.name})
            return redirect("units:home", unit_code=parent.code)
    level = Level(parent.child_level)
    return render(request, "pages/unit_form.html", {"form": form, "unit": parent, "level": level})


@gate(CHANGE_UNITS, from_above=True)
def unit_edit(request: HttpRequest, scope: Scope) -> HttpResponse:
    unit = scope.unit
    form = UnitForm(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    if not unit.is_cadre_managed:
        form.fields["name"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.unit_update(
                actor=scope.user,
                unit=unit,
                name=data["name"] if unit.is_cadre_managed else None,
                **{f: data[f] for f in services.FLAGS},
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Saved."))
            return redirect("units:home", unit_code=unit.code)
    return render(request, "pages/unit_form.html", {"form": form, "unit": unit, "editing": True})


@gate(CHANGE_UNITS, from_above=True)
def unit_close(request: HttpRequest, scope: Scope) -> HttpResponse:
    unit = scope.unit
    form = CloseForm(request.POST or None, initial={"on": today()})
    if not unit.is_cadre_managed or unit.valid_to is not None:
        messages.error(request, _("This unit cannot be closed here."))
        return redirect("units:home", unit_code=unit.code)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_close(
                actor=scope.user,
                unit=unit,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Closed “%(name)s”.") % {"name": unit.name})
            assert unit.parent is not None
            return redirect("units:home", unit_code=unit.parent.code)
    return render(request, "pages/unit_close.html", {"form": form, "unit": unit})


@gate(CHANGE_UNITS)
def successor_confirm(request: HttpRequest, scope: Scope) -> HttpResponse:
    """A cadre says which of her units took over an old unit split in the 2025 reform."""
    if request.method != "POST":
        return redirect("units:home", unit_code=scope.unit.code)
    old = Unit.objects.filter(code=request.POST.get("old", "")).first()
    chosen = Unit.objects.filter(code=request.POST.get("chosen", "")).first()
    if old is None or chosen is None or not scope.unit.contains(chosen):
        messages.error(request, _("Please choose one of the communes offered."))
        return redirect("units:home", unit_code=scope.unit.code)
    try:
        reform.confirm_successor(old, chosen, actor=scope.user)
    except ValueError:
        messages.error(request, _("Please choose one of the communes offered."))
    else:
        messages.success(
            request,
            _("Recorded: “%(new)s” took over “%(old)s”.") % {"new": chosen.name, "old": old.name},
        )
    return redirect("units:home", unit_code=scope.unit.code)
