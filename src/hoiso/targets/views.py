"""The targets dashboard: each target's share against what is required, its trend, the drill-down
to units with the lagging ones' contacts, the export; setting targets; population figures."""

from __future__ import annotations

import datetime as dt
import io
from html import escape as esc
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.roles import MANAGE_TARGETS, VIEW_TARGETS
from hoiso.core import audit, formats
from hoiso.core.charts import bar_chart
from hoiso.core.forms import add_service_error
from hoiso.metrics.periods import BOUNDARIES
from hoiso.targets import compliance, services
from hoiso.targets import dashboard as board
from hoiso.targets.export import dashboard_xlsx
from hoiso.targets.forms import PopulationForm, TargetForm
from hoiso.targets.models import PopulationFigure
from hoiso.targets.selectors import access_target
from hoiso.units.models import Level, Unit


def _year(request: HttpRequest) -> int:
    """The year asked for (in the query, or posted with a form), else this year."""
    raw = request.POST.get("year") if request.method == "POST" else request.GET.get("year")
    try:
        year = int(raw or "")
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _unit_lines(row: board.Row, people: dict[int, list[Any]]) -> SafeString:
    """The drill-down's table rows. Written here rather than in the template: over 5,000
    branches the template engine took most of the page's time (a URL and five translations per
    line). Every text is escaped (`esc`, the standard library's, which Django's escape calls)."""
    url = reverse("targets:dashboard", args=["UNITCODE"])
    words = ("Value", "Met", "Cadres to contact", "no figure", "met", "not met")
    label = {k: esc(_(k)) for k in words}
    out = []
    for r in row.visible:
        if r.value is None:
            value = f'<span class="help">{label["no figure"]}</span>'
        else:
            value = esc(formats.quantity(r.value, is_percent=row.is_percent))
        contacts = people.get(r.unit.pk, []) if not r.met else []
        who = "<br>".join(
            esc(a.user.display_name)
            + (f' · <a href="tel:{esc(a.user.phone)}">{esc(a.user.phone)}</a>' if a.user.phone else "")
            for a in contacts
        )  # fmt: skip
        cadres = f' data-label="{label["Cadres to contact"]}"' if contacts else ""
        chip = f'<span class="chip good">{label["met"]}</span>' if r.met else (
            f'<span class="chip bad">{label["not met"]}</span>'
        )  # fmt: skip
        out.append(
            f'<tr><td><a href="{esc(url.replace("UNITCODE", r.unit.code))}">{esc(r.unit.name)}</a>'
            f'</td>\n      <td data-label="{label["Value"]}">{value}</td>\n'
            f'      <td data-label="{label["Met"]}">{chip}</td>\n'
            f"      <td{cadres}>{who}</td></tr>\n"
        )
    return mark_safe("".join(out))  # every part above is escaped


def _on(request: HttpRequest) -> dt.date | None:
    """`?on=YYYY-MM-DD`: the day whose periods the dashboard shows (never in the future)."""
    try:
        day = dt.date.fromisoformat(request.GET.get("on", "").strip())
    except ValueError:
        return None
    return day if dt.date(2000, 1, 1) <= day <= timezone.localdate() else None


def _boundaries(request: HttpRequest) -> str | None:
    """`?boundaries=then|now`: on which boundaries members are counted; None when not asked
    (each metric's own way, which is the boundaries of then)."""
    value = request.GET.get("boundaries", "")
    return value if value in BOUNDARIES else None


@gate(VIEW_TARGETS)
def dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    on = _on(request)
    year = on.year if on else _year(request)
    boundaries = _boundaries(request)
    rows = board.rows_for(scope.unit, year, on, boundaries)
    return render(
        request,
        "targets/dashboard.html",
        {
            "unit": scope.unit,
            "rows": rows,
            "year": year,
            "on": on,
            "boundaries": boundaries or "then",
            "today": timezone.localdate(),
            "can_manage": scope.can(MANAGE_TARGETS),
            "years": range(timezone.localdate().year, 2023, -1),
        },
    )


@gate(VIEW_TARGETS)
def target_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    target = access_target(scope, pk)
    store = compliance.Store()  # the level's units, loaded once for the row and its trend
    row = board.row_for(scope.unit, target, store=store)
    points = compliance.trend(target, store=store, viewer=None if row.whole else scope.unit)
    if row.whole:
        chart = bar_chart(
            # A month in which no unit of the level was open has nothing to draw.
            [(p.start.strftime("%m"), c.share, c.ok) for p, c in points if not c.empty],
            line=float(target.required_share),
            title=target.title,
        )
    else:
        # Her own unit's value month by month; the others' stay hidden.
        own = [
            (p, next((r for r in c.results if r.unit.pk == scope.unit.pk), None)) for p, c in points
        ]
        top = max([float(target.threshold), *(r.value or 0 for _p, r in own if r)], default=1) or 1
        chart = bar_chart(
            [
                (p.start.strftime("%m"), (r.value or 0) if r else 0, bool(r and r.met))
                for p, r in own
            ],
            line=float(target.threshold),
            top=top,
            title=target.title,
            suffix="%" if row.is_percent else "",
        )
    people = board.contacts([r.unit for r in row.visible if not r.met][:1000])
    return render(
        request,
        "targets/detail.html",
        {
            "unit": scope.unit,
            "target": target,
            "row": row,
            "chart": chart,
            "lines": _unit_lines(row, people),
            "can_manage": scope.can(MANAGE_TARGETS) and scope.unit.contains(target.unit),
        },
    )


@gate(MANAGE_TARGETS)
def target_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    if scope.unit.level >= Level.GROUP:
        raise Http404("no units below")
    form = TargetForm(
        request.POST or None,
        initial=request.GET.dict(),  # the page redrawn for a metric or year just chosen
        unit=scope.unit,
        redraw_url=request.path,
    )
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_create(
                actor=scope.user, unit=scope.unit, data=form.cleaned_data
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("The target is set."))
            return redirect("targets:detail", unit_code=scope.unit.code, pk=target.pk)
    return render(request, "targets/form.html", {"unit": scope.unit, "form": form})


@gate(MANAGE_TARGETS)
def target_edit(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    target = access_target(scope, pk)
    if not scope.unit.contains(target.unit):
        raise Http404("set above")
    form = TargetForm(
        request.POST or None,
        instance=target,
        initial=request.GET.dict(),
        unit=target.unit,
        redraw_url=request.path,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.target_update(
                actor=scope.user, target=access_target(scope, pk), data=form.cleaned_data
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("The target is saved."))
            return redirect("targets:detail", unit_code=scope.unit.code, pk=pk)
    return render(
        request, "targets/form.html", {"unit": scope.unit, "form": form, "target": target}
    )


@require_POST
@gate(MANAGE_TARGETS)
def target_delete(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    target = access_target(scope, pk)
    if not scope.unit.contains(target.unit):
        raise Http404("set above")
    services.target_delete(actor=scope.user, target=target)
    messages.success(request, _("The target is deleted."))
    return redirect("targets:dashboard", unit_code=scope.unit.code)


@gate(VIEW_TARGETS)
def export(request: HttpRequest, scope: Scope) -> HttpResponse:
    year = _year(request)
    rows = board.rows_for(scope.unit, year)
    out = io.BytesIO()
    dashboard_xlsx(out, scope.unit, rows)
    audit.log(scope.user, "targets.exported", scope.unit, data={"year": year})
    name = f"chi-tieu-{scope.unit.code}-{year}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@gate(MANAGE_TARGETS)
def population(request: HttpRequest, scope: Scope) -> HttpResponse:
    """Women aged 18+ of the unit and the units just below it, for one year."""
    year = _year(request)
    units: list[Unit] = [
        scope.unit,
        *Unit.objects.filter(parent=scope.unit).active().order_by("name"),
    ]
    current = dict(
        PopulationFigure.objects.filter(unit__in=units, year=year).values_list(
            "unit_id", "women_18_plus"
        )
    )
    form = PopulationForm(
        request.POST or None, units=units, current=current, initial={"year": year}
    )
    if request.method == "POST" and form.is_valid():
        figures: dict[Unit, int | None] = {u: form.cleaned_data.get(f"u{u.pk}") for u in units}
        try:
            n = services.population_set(
                actor=scope.user, year=form.cleaned_data["year"], figures=figures
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("%(n)s figures saved.") % {"n": formats.number(n)})
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    context: dict[str, Any] = {"unit": scope.unit, "form": form, "year": year}
    return render(request, "targets/population.html", context)


@require_POST
@gate(VIEW_TARGETS)
def notices_read(request: HttpRequest, scope: Scope) -> HttpResponse:
    services.notices_read(user=scope.user, unit=scope.unit)
    return redirect("units:home", unit_code=scope.unit.code)
