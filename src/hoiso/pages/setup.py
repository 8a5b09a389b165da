"""A province's set-up page: for each commune, how far it has come in going live on Hội Số (a cadre
who has logged in, branches, members imported, a channel), the laggards first, with a reminder
to their cadres (an in-app notice, as the targets' reminders are).

Everything is counted in a few grouped queries for the whole province; the member counts are
those of `MemberStat`, refreshed in the background, shown with the time they were taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.models import Assignment
from hoiso.accounts.roles import CHANGE_UNITS, Role
from hoiso.comms.models import Channel
from hoiso.core import audit
from hoiso.core.text import sort_key
from hoiso.members.models import MemberStat
from hoiso.targets.services import notice_send
from hoiso.units.models import Level, Unit

# The roles that run a commune's set-up: the ones reminded.
SETUP_ROLES = (Role.UNIT_ADMIN, Role.CADRE)
SORTS = ("laggards", "name", "cadre", "branches", "members", "channels")


@dataclass
class CommuneSetup:
    unit: Unit
    cadres: int  # admins and cadres at the commune
    logged_in: int  # of whom have logged in at least once
    branches: int
    members: int
    channels: int

    @property
    def steps(self) -> list[tuple[str, bool]]:
        return [
            ("cadre", self.logged_in > 0),
            ("branches", self.branches > 0),
            ("members", self.members > 0),
            ("channels", self.channels > 0),
        ]

    @property
    def done(self) -> int:
        return sum(ok for _step, ok in self.steps)

    @property
    def missing(self) -> list[str]:
        return [step for step, ok in self.steps if not ok]


def province_setup(province: Unit) -> tuple[list[CommuneSetup], Any]:
    """Each open commune of the province with its set-up counts, and when members were counted."""
    communes = list(
        Unit.objects.filter(path__startswith=province.path, level=Level.COMMUNE).active()
    )
    ids = [c.pk for c in communes]
    people: dict[int, set[int]] = {}
    came: dict[int, set[int]] = {}
    for unit_id, user_id, last in Assignment.objects.filter(
        unit_id__in=ids, role__in=SETUP_ROLES, user__is_active=True
    ).values_list("unit_id", "user_id", "user__last_login"):
        people.setdefault(unit_id, set()).add(user_id)
        if last is not None:
            came.setdefault(unit_id, set()).add(user_id)
    cadres = {pk: len(users) for pk, users in people.items()}
    logged_in = {pk: len(users) for pk, users in came.items()}
    branches = dict(
        Unit.objects.filter(parent_id__in=ids, level=Level.BRANCH).active()
        .values("parent_id").annotate(n=Count("pk")).values_list("parent_id", "n")
    )  # fmt: skip
    stats = MemberStat.objects.filter(unit_id__in=ids)
    members = dict(stats.values_list("unit_id", "active"))
    counted = stats.aggregate(at=Max("refreshed_at"))["at"]
    by_path = {c.path: c.pk for c in communes}
    width = len(communes[0].path) if communes else 0
    channels: dict[int, int] = {}
    for path in Channel.objects.filter(unit_path__startswith=province.path).values_list(
        "unit_path", flat=True
    ):
        commune_id = by_path.get(path[:width])
        if commune_id is not None:
            channels[commune_id] = channels.get(commune_id, 0) + 1
    rows = [
        CommuneSetup(c, cadres.get(c.pk, 0), logged_in.get(c.pk, 0), branches.get(c.pk, 0),
                     members.get(c.pk, 0), channels.get(c.pk, 0))
        for c in communes
    ]  # fmt: skip
    return rows, counted


def _sorted(rows: list[CommuneSetup], sort: str) -> list[CommuneSetup]:
    by_name = sorted(rows, key=lambda r: sort_key(r.unit.name))
    if sort == "name":
        return by_name
    if sort == "cadre":
        return sorted(by_name, key=lambda r: r.logged_in)
    if sort in ("branches", "members", "channels"):
        return sorted(by_name, key=lambda r: getattr(r, sort))
    return sorted(by_name, key=lambda r: r.done)  # the laggards first


def _province(scope: Scope) -> Unit:
    if scope.unit.level != Level.PROVINCE:
        raise Http404("set-up is a province's page")
    return scope.unit


@gate(CHANGE_UNITS)
def setup_page(request: HttpRequest, scope: Scope) -> HttpResponse:
    province = _province(scope)
    rows, counted = province_setup(province)
    sort = request.GET.get("sort", "laggards")
    if sort not in SORTS:
        sort = "laggards"
    rows = _sorted(rows, sort)
    ready = sum(1 for r in rows if r.done == 4)
    return render(request, "pages/setup.html", {
        "unit": province, "rows": rows, "sort": sort, "counted": counted, "ready": ready,
    })  # fmt: skip


def _reminder_text(row: CommuneSetup, province: Unit) -> str:
    words = {
        "cadre": _("no cadre has logged in yet"),
        "branches": _("no branches yet"),
        "members": _("no members imported yet"),
        "channels": _("no channel registered yet"),
    }
    return _(
        "%(commune)s is not set up on Hội Số yet: %(missing)s. (A reminder from %(from)s.)"
    ) % {
        "commune": row.unit.name,
        "missing": "; ".join(str(words[m]) for m in row.missing),
        "from": province.name,
    }


@require_POST
@gate(CHANGE_UNITS)
def setup_remind(request: HttpRequest, scope: Scope) -> HttpResponse:
    """Remind the cadres of the chosen communes (all lagging ones when none is chosen)."""
    province = _province(scope)
    rows, _counted = province_setup(province)
    chosen = set(request.POST.getlist("commune"))
    lagging = [r for r in rows if r.missing and (not chosen or r.unit.code in chosen)]
    sent = 0
    for row in lagging:
        text = _reminder_text(row, province)
        for a in Assignment.objects.filter(
            unit=row.unit, role__in=SETUP_ROLES, user__is_active=True
        ).select_related("user"):
            sent += notice_send(user=a.user, unit=row.unit, text=text, key="setup")
    audit.log(scope.user, "units.setup_reminded", province,
              data={"communes": [r.unit.code for r in lagging], "notices": sent})  # fmt: skip
    messages.success(request, _("Reminder sent to %(n)s cadres.") % {"n": sent})
    return redirect("units:setup", unit_code=province.code)
