"""The gate: every page under /u/<unit code>/ passes through here.

The unit is resolved from the URL, then the user's assignments on it or above it decide: none is a
404 (a unit one may not see looks exactly like one that does not exist), an assignment whose role
lacks the permission is a 403. Views receive a `Scope` and fetch everything through it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import permissions_of
from hoiso.units.models import Unit

P = ParamSpec("P")
M = TypeVar("M", bound=Model)


@dataclass
class Scope:
    """What the current user may do at the unit named in the URL."""

    user: User
    unit: Unit
    # Assignments on the unit or above it, nearest first.
    assignments: list[Assignment]
    perms: frozenset[str] = field(init=False)
    # Permissions held through an assignment strictly above the unit (to edit or close it).
    perms_above: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.perms = permissions_of({a.role for a in self.assignments})
        self.perms_above = permissions_of(
            {a.role for a in self.assignments if a.unit_id != self.unit.pk}
        )

    def can(self, perm: str) -> bool:
        return perm in self.perms

    def can_from_above(self, perm: str) -> bool:
        return perm in self.perms_above

    @property
    def top(self) -> Unit:
        """The highest unit the user serves on this branch of the tree."""
        return min((a.unit for a in self.assignments), key=lambda u: len(u.path))

    def breadcrumbs(self) -> list[Unit]:
        """The units from the user's top unit down to this one (one query)."""
        ids = self.unit.ancestor_ids
        ids = ids[ids.index(self.top.pk) :]
        return list(Unit.objects.filter(pk__in=ids).order_by("path"))


def assignments_of(request: HttpRequest) -> list[Assignment]:
    """The user's assignments with their units, loaded once per request."""
    cached: list[Assignment] | None = getattr(request, "_hoiso_assignments", None)
    if cached is None:
        cached = list(
            Assignment.objects.filter(user=cast(User, request.user))
            .select_related("unit")
            .order_by("unit__path", "role")
        )
        request._hoiso_assignments = cached  # type: ignore[attr-defined]
    return cached


def assignments_at(user: User, unit: Unit) -> list[tuple[str, str]]:
    """(role, unit path) of her assignments on `unit` or above it: what the gate reads from a
    request, for work that has none (a background task re-checking her rights)."""
    return list(
        Assignment.objects.filter(user=user, unit__path__in=unit.ancestor_paths).values_list(
            "role", "unit__path"
        )
    )


def permissions_at(user: User, unit: Unit) -> frozenset[str]:
    """Her permissions at `unit` through those assignments."""
    return frozenset(permissions_of({role for role, _path in assignments_at(user, unit)}))


def is_htmx(request: HttpRequest) -> bool:
    """The request comes from htmx and wants a fragment of the page."""
    return request.headers.get("HX-Request") == "true"


def scope_for(request: HttpRequest, unit: Unit) -> Scope:
    """The user's scope at `unit`, or 404 when no assignment covers it."""
    covering = [a for a in assignments_of(request) if unit.path.startswith(a.unit.path)]
    if not covering:
        raise Http404("no such unit")
    covering.sort(key=lambda a: -len(a.unit.path))
    return Scope(user=cast(User, request.user), unit=unit, assignments=covering)


def resolve(request: HttpRequest, unit_code: str, perm: str, *, from_above: bool = False) -> Scope:
    """The user's scope at the unit with this code: 404 outside her subtrees, 403 without `perm`."""
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise Http404("no such unit")
    scope = scope_for(request, unit)
    allowed = scope.can_from_above(perm) if from_above else scope.can(perm)
    if not allowed:
        raise PermissionDenied
    return scope


def gate(
    perm: str, *, from_above: bool = False
) -> Callable[
    [Callable[Concatenate[HttpRequest, Scope, P], HttpResponseBase]],
    Callable[Concatenate[HttpRequest, str, P], HttpResponseBase],
]:
    """Resolve `unit_code` into a Scope and require `perm` there (or strictly above it)."""

    def decorator(
        view: Callable[Concatenate[HttpRequest, Scope, P], HttpResponseBase],
    ) -> Callable[Concatenate[HttpRequest, str, P], HttpResponseBase]:
        @functools.wraps(view)
        def wrapped(
            request: HttpRequest, unit_code: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = resolve(request, unit_code, perm, from_above=from_above)
            request.scope = scope  # type: ignore[attr-defined]
            return view(request, scope, *args, **kwargs)

        return wrapped

    return decorator


def access(queryset: QuerySet[M], pk: Any, what: str) -> M:
    """The one object of `queryset` (already narrowed to the scope) with this pk, or 404: what the
    user may not see and what does not exist answer alike. Every `access_<thing>(scope, pk)` in
    the apps' selectors is this over its own scoped queryset."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404(f"no such {what}")
    return found


@dataclass
class MyUnit:
    unit: Unit
    roles: list[str]


def my_units(request: HttpRequest) -> list[MyUnit]:
    """The units the user serves, each once, with the names of her roles there."""
    units: dict[int, MyUnit] = {}
    for a in assignments_of(request):
        units.setdefault(a.unit.pk, MyUnit(a.unit, [])).roles.append(a.get_role_display())
    return list(units.values())


def scope_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the switcher's units and the current scope, if any."""
    if not request.user.is_authenticated:
        return {}
    return {"my_units": my_units(request), "scope": getattr(request, "scope", None)}
