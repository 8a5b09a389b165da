"""The member registry pages: list and search, a member's page, add and edit, lifecycle steps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate, is_htmx
from hoiso.accounts.roles import (
    CHANGE_MEMBERS,
    MANAGE_MEMBERS,
    PERMISSIONS,
    VIEW_MEMBERS,
    VIEW_SENSITIVE,
)
from hoiso.core import audit
from hoiso.core.forms import add_service_error
from hoiso.members import selectors, services
from hoiso.members.choices import EventKind, RemovalReason
from hoiso.members.export import EXPORT_DIR, export_create
from hoiso.members.forms import FilterForm, MemberForm, RemoveForm, RestoreForm, TransferForm
from hoiso.members.models import Member
from hoiso.members.selectors import access_export, access_member
from hoiso.units.models import Level, Unit

PAGE_SIZE = 50
COUNT_CAP = 10_000


class CountedPaginator(Paginator):
    """A paginator told its count, so that a province's list does not count a million rows."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


@gate(VIEW_MEMBERS)
def member_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    sensitive = scope.can(VIEW_SENSITIVE)
    form = FilterForm(request.GET or None, unit=scope.unit, sensitive=sensitive)
    filters = form.filters()
    q = form.cleaned_data.get("q", "").strip() if form.is_bound and form.is_valid() else ""
    if form.uses_sensitive:
        audit.log(scope.user, "members.filtered_sensitive", scope.unit, data=dict(request.GET))
    filtered = any(v for k, v in request.GET.items() if k not in ("q", "page", "status")) or (
        request.GET.get("status", "active") not in ("", "active")
    )
    context: dict[str, Any] = {"unit": scope.unit, "form": form, "q": q, "filtered": filtered}
    if q:
        result = selectors.search(scope.unit, q, filters, sensitive=sensitive)
        if result.by_citizen_id:
            audit.log(scope.user, "members.searched_citizen_id", scope.unit)
        context.update(members=result.members, more=result.more, searching=True)
    else:
        count, exact = selectors.member_count(scope.unit, filters, cap=COUNT_CAP)
        paginator = CountedPaginator(selectors.member_list(scope.unit, filters), PAGE_SIZE, count)
        page = paginator.get_page(request.GET.get("page"))
        context.update(members=list(page.object_list), page=page, exact=exact)
    context["can_add"] = scope.can(CHANGE_MEMBERS) and scope.unit.level >= Level.COMMUNE
    context["can_export"] = scope.can(MANAGE_MEMBERS)
    context["can_sensitive"] = sensitive
    template = "members/list.html#results" if is_htmx(request) else "members/list.html"
    return render(request, template, context)


def _history(member: Member) -> list[dict[str, Any]]:
    """Her events in words: unit names rather than codes, reasons and fields by their labels."""
    events = list(member.events.select_related("branch", "actor")[:50])
    codes = {e.data.get(k) for e in events for k in ("to", "to_branch", "from_branch")}
    names = dict(Unit.objects.filter(code__in=codes - {None}).values_list("code", "name"))
    reasons = dict(RemovalReason.choices)
    labels = {f.name: f.verbose_name for f in Member._meta.fields}
    rows = []
    for e in events:
        detail = ""
        if target := e.data.get("to_branch") or e.data.get("to"):
            detail = "→ " + names.get(target, target)
        elif e.kind == EventKind.REMOVED:
            detail = str(reasons.get(e.data.get("reason", ""), ""))
        elif e.kind == EventKind.UPDATED:
            detail = ", ".join(str(labels.get(f, f)) for f in e.data.get("fields", []))
        elif reason := e.data.get("reason") or e.data.get("note"):
            detail = reason
        rows.append({"event": e, "detail": detail})
    return rows


@gate(VIEW_MEMBERS)
def member_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    member = access_member(scope, pk)
    pending = member.transfers.filter(status="pending").select_related("to_unit").first()
    context = {
        "unit": scope.unit,
        "member": member,
        "history": _history(member),
        "pending": pending,
        "can_sensitive": scope.can(VIEW_SENSITIVE),
        "can_change": scope.can(CHANGE_MEMBERS),
        "can_manage": scope.can(MANAGE_MEMBERS),
    }
    return render(request, "members/detail.html", context)


@gate(VIEW_SENSITIVE)
def member_sensitive(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """Ethnicity, religion and ID number, shown on request and recorded in the audit log."""
    member = access_member(scope, pk)
    services.sensitive_viewed(actor=scope.user, member=member)
    return render(request, "members/detail.html#sensitive", {"member": member, "shown": True})


def _duplicates_context(scope: Scope, matches: list[Member]) -> list[dict[str, Any]]:
    """Matches the user may see in full; the others only as 'a member of another unit'."""
    return [{"member": m, "visible": _covers(scope, m)} for m in matches]


def _covers(scope: Scope, member: Member) -> bool:
    return any(member.branch_path.startswith(a.unit.path) for a in scope.assignments)


@gate(CHANGE_MEMBERS)
def member_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    if scope.unit.level < Level.COMMUNE:
        messages.info(request, _("Open a commune or a branch to add members there."))
        return redirect("members:list", unit_code=scope.unit.code)
    form = MemberForm(
        request.POST or None,
        unit=scope.unit,
        sensitive=scope.can(VIEW_SENSITIVE),
        require_consent=True,
    )
    duplicates = None
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_admit(
                actor=scope.user,
                branch=form.cleaned_data["branch"],
                group=form.cleaned_data.get("group"),
                data=form.record(),
                allow_duplicates=request.POST.get("not_duplicate") == "1",
            )
        except services.DuplicateWarning as warning:
            duplicates = _duplicates_context(scope, warning.matches)
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("Admitted %(name)s.") % {"name": member.full_name})
            return redirect("members:detail", unit_code=scope.unit.code, pk=member.pk)
    context = {"unit": scope.unit, "form": form, "duplicates": duplicates}
    return render(request, "members/form.html", context)


@gate(CHANGE_MEMBERS)
def member_edit(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    member = access_member(scope, pk)
    sensitive = scope.can(VIEW_SENSITIVE)
    # The form works on its own copy: validating it writes the posted values onto its instance,
    # and the service must still see what changed.
    form = MemberForm(
        request.POST or None,
        instance=access_member(scope, pk),
        unit=scope.unit,
        sensitive=sensitive,
        placing=False,
    )
    if request.method == "GET" and sensitive:
        services.sensitive_viewed(actor=scope.user, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=scope.user, member=member, data=form.record())
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("Saved."))
            return redirect("members:detail", unit_code=scope.unit.code, pk=member.pk)
    return render(
        request, "members/form.html", {"unit": scope.unit, "form": form, "member": member}
    )


def _transfer_choices(scope: Scope, member: Member) -> Any:
    """Where a member can go: another branch the cadre serves (a move), or another commune of the
    province (a transfer that commune accepts). Leaving the province is a removal, 'moved away'."""
    own = Q(pk__in=[])
    for unit in _managed(scope):
        own |= Q(path__startswith=unit.path)
    return (
        Unit.objects.active()
        .filter(
            (own & Q(level=Level.BRANCH)) | Q(level=Level.COMMUNE, parent_id=member.province_id)
        )
        .exclude(pk__in=[member.branch_id, member.commune_id])
        .order_by("-level", "name")
    )


@gate(MANAGE_MEMBERS)
def member_transfer(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    member = access_member(scope, pk)
    form = TransferForm(request.POST or None, choices=_transfer_choices(scope, member))
    if request.method == "POST" and form.is_valid():
        to_unit = form.cleaned_data["to_unit"]
        try:
            if to_unit.level == Level.BRANCH and _serves(scope, to_unit):
                services.member_move(actor=scope.user, member=member, branch=to_unit)
                messages.success(request, _("Moved to %(unit)s.") % {"unit": to_unit.in_sentence})
            else:
                services.transfer_request(
                    actor=scope.user, member=member, to_unit=to_unit, note=form.cleaned_data["note"]
                )
                messages.success(
                    request,
                    _("Transfer sent to %(unit)s; she stays here until they accept.")
                    % {"unit": to_unit.union_name},
                )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            return redirect("members:detail", unit_code=scope.unit.code, pk=member.pk)
    return render(
        request, "members/action.html",
        {"unit": scope.unit, "member": member, "form": form, "action": "transfer"},
    )  # fmt: skip


def _managed(scope: Scope) -> list[Unit]:
    """The units where the user's role lets her move members (not merely see them)."""
    return [a.unit for a in scope.assignments if MANAGE_MEMBERS in PERMISSIONS[a.role]]


def _serves(scope: Scope, unit: Unit) -> bool:
    return any(managed.contains(unit) for managed in _managed(scope))


def _member_step(
    request: HttpRequest,
    scope: Scope,
    member: Member,
    form: forms.Form,
    action: str,
    step: Callable[..., Any],
    done: str,
) -> HttpResponse:
    """A lifecycle step's page: its form, the service on a valid POST, then her page."""
    if request.method == "POST" and form.is_valid():
        try:
            step(actor=scope.user, member=member, **form.cleaned_data)
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, done % {"name": member})
            return redirect("members:detail", unit_code=scope.unit.code, pk=member.pk)
    context = {"unit": scope.unit, "member": member, "form": form, "action": action}
    return render(request, "members/action.html", context)


@gate(MANAGE_MEMBERS)
def member_remove(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    member = access_member(scope, pk)
    form = RemoveForm(request.POST or None)
    done = _("%(name)s is no longer active.")
    return _member_step(request, scope, member, form, "remove", services.member_remove, done)


@gate(MANAGE_MEMBERS)
def member_restore(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    member = access_member(scope, pk)
    form = RestoreForm(request.POST or None, unit=scope.unit, member=member)
    done = _("%(name)s is active again.")
    return _member_step(request, scope, member, form, "restore", services.member_restore, done)


@require_POST
@gate(MANAGE_MEMBERS)
def member_account(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """Let the member log in herself; the one-time password is shown once, to the cadre."""
    member = access_member(scope, pk)
    try:
        user, password = services.member_account_enable(actor=scope.user, member=member)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        if password:
            messages.success(
                request,
                _("She can now log in with her phone %(phone)s and the password %(pw)s "
                  "(shown only now; she will choose her own at the first login).")
                % {"phone": user.phone, "pw": password},
            )  # fmt: skip
        else:
            messages.success(request, _("She can now log in with her existing account."))
    return redirect("members:detail", unit_code=scope.unit.code, pk=member.pk)


@require_POST
@gate(MANAGE_MEMBERS)
def export_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    """Export the list as it is filtered on the page; the file is written in the background."""
    sensitive = scope.can(VIEW_SENSITIVE)
    form = FilterForm(request.POST, unit=scope.unit, sensitive=sensitive)
    fmt = request.POST.get("format", "")
    fmt = fmt if fmt in ("xlsx", "csv") else "xlsx"
    export = export_create(
        actor=scope.user,
        unit=scope.unit,
        filters=form.filters().as_dict(),
        fmt=fmt,
        sensitive=sensitive and request.POST.get("sensitive") == "1",
    )
    return redirect("members:export", unit_code=scope.unit.code, export_id=export.pk)


@gate(MANAGE_MEMBERS)
def export_detail(request: HttpRequest, scope: Scope, export_id: Any) -> HttpResponse:
    export = access_export(scope, export_id)
    template = "members/export.html#status" if is_htmx(request) else "members/export.html"
    return render(request, template, {"unit": scope.unit, "export": export})


@gate(MANAGE_MEMBERS)
def export_file(request: HttpRequest, scope: Scope, export_id: Any) -> HttpResponseBase:
    export = access_export(scope, export_id)
    path = Path(settings.MEDIA_ROOT) / EXPORT_DIR / f"{export.pk}.{export.format}"
    if not export.ready or not path.exists():
        raise Http404("not ready")
    made = timezone.localtime(export.created_at)
    name = f"hoi-vien-{scope.unit.code}-{made:%Y%m%d-%H%M}.{export.format}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
