"""Login, logout, password change, a unit admin's people pages, and the audit log."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts import services, throttle
from hoiso.accounts.access import Scope, gate
from hoiso.accounts.backends import find_account
from hoiso.accounts.forms import AccountForm, AssignForm, LoginForm
from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import MANAGE_ACCOUNTS, VIEW_AUDIT
from hoiso.accounts.selectors import access_assignment, access_token
from hoiso.accounts.tokens import token_create, token_revoke
from hoiso.core import audit, audit_actions
from hoiso.core.audit import client_ip
from hoiso.core.models import AuditEvent


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        if throttle.is_locked(username, client_ip(request)):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, _("Too many wrong attempts. Wait 15 minutes, then try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        throttle.reset(form.cleaned_data["username"])
        user = form.get_user()
        audit.log(user, "account.logged_in", user, unit=user.first_unit)
        return response

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        throttle.record_failure(form.data.get("username", ""), client_ip(self.request))
        return super().form_invalid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password.html"
    success_url = "/"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit.log(
                request.user, "account.logged_out", request.user, unit=request.user.first_unit
            )
        return super().post(request, *args, **kwargs)


@gate(MANAGE_ACCOUNTS)
def people(request: HttpRequest, scope: Scope) -> HttpResponse:
    qs = Assignment.objects.filter(unit__path__startswith=scope.unit.path).select_related(
        "user", "unit"
    )
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(
            Q(user__full_name__icontains=q)
            | Q(user__username__icontains=q)
            | Q(user__phone__contains=q)
            | Q(unit__name__icontains=q)
        )
    page = Paginator(qs.order_by("unit__path", "user__full_name", "user_id", "role"), 50).get_page(
        request.GET.get("page")
    )
    # One row per person and unit, with all her roles there (an admin is usually a cadre too).
    rows: list[dict[str, Any]] = []
    revoking = services.Revoking.of(scope.user, page)
    for a in page:
        role = (a, revoking.refusal(a) is None)  # the role, and whether she may take it away
        if rows and rows[-1]["user"] == a.user and rows[-1]["unit"] == a.unit:
            rows[-1]["assignments"].append(role)
        else:
            rows.append({"user": a.user, "unit": a.unit, "assignments": [role]})
    context = {"unit": scope.unit, "page": page, "rows": rows, "q": q}
    return render(request, "accounts/people.html", context)


@gate(MANAGE_ACCOUNTS)
def person_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    roles = services.grantable_roles(scope.perms)
    form = AccountForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_create(actor=scope.user, unit=scope.unit, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request, _("Created the account “%(u)s”.") % {"u": form.cleaned_data["username"]}
            )
            return redirect("people:list", unit_code=scope.unit.code)
    return render(request, "accounts/person_form.html", {"form": form, "unit": scope.unit})


@gate(MANAGE_ACCOUNTS)
def person_assign(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = AssignForm(request.POST or None, roles=services.grantable_roles(scope.perms))
    if request.method == "POST" and form.is_valid():
        user = find_account(form.cleaned_data["who"])
        if user is None:
            form.add_error("who", _("No account has this username or phone number."))
        else:
            try:
                services.assignment_create(
                    actor=scope.user,
                    user=user,
                    unit=scope.unit,
                    role=form.cleaned_data["role"],
                    full_time=form.cleaned_data["full_time"],
                )
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, _("Role given to %(user)s.") % {"user": user})
                return redirect("people:list", unit_code=scope.unit.code)
    return render(request, "accounts/assign_form.html", {"form": form, "unit": scope.unit})


@require_POST
@gate(MANAGE_ACCOUNTS)
def person_revoke(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    assignment = access_assignment(scope, pk)
    try:
        services.assignment_revoke(actor=scope.user, assignment=assignment)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Role removed."))
    return redirect("people:list", unit_code=scope.unit.code)


@require_POST
@gate(MANAGE_ACCOUNTS)
def person_full_time(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    assignment = access_assignment(scope, pk)
    full_time = request.POST.get("full_time") == "1"
    try:
        services.assignment_set_full_time(
            actor=scope.user, assignment=assignment, full_time=full_time
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        said = (
            _("%(user)s is now marked as a full-time cadre.")
            if full_time
            else _("%(user)s is no longer marked as a full-time cadre.")
        )
        messages.success(request, said % {"user": assignment.user.full_name})
    return redirect("people:list", unit_code=scope.unit.code)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens: create one (shown once), or revoke one."""
    user = cast(User, request.user)
    plain = None
    if request.method == "POST":
        if (revoke := request.POST.get("revoke", "")).isdigit():
            token = access_token(user, revoke)
            token_revoke(user=user, token=token)
            messages.success(request, _("Token revoked; programs using it can no longer connect."))
            return redirect("accounts:tokens")
        _token, plain = token_create(user=user, name=request.POST.get("name", ""))
    context = {"tokens": user.api_tokens.all(), "plain": plain}
    return render(request, "accounts/tokens.html", context)


@gate(VIEW_AUDIT)
def audit_log(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The audit events of the unit and below, filtered by action and by who."""
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
        "accounts/audit.html",
        {
            "unit": scope.unit,
            "page": page,
            "action": action,
            "who": who,
            "actions": sorted((a, audit_actions.label(a)) for a in actions),
        },
    )
