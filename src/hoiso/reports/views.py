"""Periodic reports: the unit's own reports (draft, submit), the upper level's reading (return,
approve, withdraw approval), the completeness grid, the consolidated report and its exports,
and the form builder. Thin: gate → form or service → render."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.models import User
from hoiso.accounts.roles import (
    APPROVE_REPORTS,
    ISSUE_DOCUMENTS,
    MANAGE_REPORTS,
    SUBMIT_REPORTS,
    VIEW_REPORTS,
)
from hoiso.core import audit
from hoiso.core.forms import add_service_error
from hoiso.core.text import fold
from hoiso.reports import completeness, consolidation, export, selectors, sending, services
from hoiso.reports.figures import Checked, as_text, prefill
from hoiso.reports.forms import ItemForm, ReportFormForm, SectionForm
from hoiso.reports.models import Item, SectionKind, Source, Status
from hoiso.reports.standard import standard_create
from hoiso.units.models import today


def _actor(request: HttpRequest) -> User:
    """The signed-in cadre (every view here is behind the gate)."""
    return cast(User, request.user)


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@gate(VIEW_REPORTS)
def index(request: HttpRequest, scope: Scope) -> HttpResponse:
    unit = scope.unit
    over = list(selectors.forms_over(unit))
    return render(
        request,
        "reports/index.html",
        {
            "unit": unit,
            "due": selectors.due_list(unit),
            "over": [(f, f.period_of(today())) for f in over],
            "owned": [f for f in over if f.owner_id == unit.pk],
            "can_manage": scope.can(MANAGE_REPORTS) and unit.level < 4,
        },
    )


def _report_context(scope: Scope, form_pk: int, key: str) -> dict:
    form = selectors.access_own_form(scope, form_pk)
    period = selectors.period_in(form, key)
    report = services.report_for(form, scope.unit, period)
    items = list(form.items.all())
    return {"unit": scope.unit, "form": form, "period": period, "report": report, "items": items,
            "sections": list(form.sections.all()),
            "lock": services.locked_above(scope.unit, period)}  # fmt: skip


def _rows(ctx: dict, checked: Checked | None, posted: dict | None) -> list:
    """Each section with its figures as the page shows them: the value (posted, stored or
    computed), what the data says, the reason, the error."""
    report, items = ctx["report"], ctx["items"]
    live = report.pk is None or report.editable
    computed = prefill(items, report.unit, ctx["period"]) if live else report.computed
    labels = {i.key: i.label for i in items}
    out = []
    for section in ctx["sections"]:
        lines = []
        for item in (i for i in items if i.section_id == section.pk):
            data = computed.get(item.key)
            if posted is not None:
                shown = posted.get(f"fig_{item.key}", "")
                reason = posted.get(f"why_{item.key}", "")
            elif item.key in report.reasons or item.source == Source.TYPED:
                shown = as_text(report.figures.get(item.key), is_percent=item.is_percent)
                reason = report.reasons.get(item.key, "")
            else:
                shown, reason = as_text(data, is_percent=item.is_percent), ""
            error = checked.errors.get(item.key) if checked else None
            lines.append({"item": item, "text": shown, "value": report.figures.get(item.key) if report.pk else data,
                          "computed": data, "reason": reason, "error": error,
                          "limit": labels.get(item.at_most, "")})  # fmt: skip
        text = (posted or {}).get(f"text_{section.pk}", report.texts.get(str(section.pk), ""))
        out.append({"section": section, "lines": lines, "text": text})
    return out


@gate(VIEW_REPORTS)
def report(request: HttpRequest, scope: Scope, form_pk: int, key: str) -> HttpResponse:
    ctx = _report_context(scope, form_pk, key)
    checked, posted = None, None
    if request.method == "POST":
        if not scope.can(SUBMIT_REPORTS):
            raise PermissionDenied
        posted = request.POST.dict()
        action = (
            services.report_submit if posted.get("action") == "submit" else services.report_save
        )
        try:
            saved, checked = action(actor=_actor(request), form=ctx["form"], unit=scope.unit,
                                    period=ctx["period"], posted=posted)  # fmt: skip
        except ValidationError as e:
            _errors(request, e)
            return redirect(request.path)
        if not checked.errors:
            messages.success(request, _("The report was submitted.") if saved.status == Status.SUBMITTED
                             else _("The draft was saved."))  # fmt: skip
            return redirect(request.path)
        ctx["report"] = saved
    report_ = ctx["report"]
    editable = (report_.pk is None or report_.editable) and ctx["lock"] is None
    return render(
        request,
        "reports/report.html",
        {
            **ctx,
            "rows": _rows(ctx, checked, posted),
            "has_errors": bool(checked and checked.errors),
            "can_edit": editable and scope.can(SUBMIT_REPORTS),
            "can_decide": scope.can_from_above(APPROVE_REPORTS) and report_.pk is not None,
            "steps": list(report_.steps.all()) if report_.pk else [],
            "key": key,
        },
    )


def _decide(
    request: HttpRequest, scope: Scope, form_pk: int, key: str, action: str
) -> HttpResponse:
    form = selectors.access_own_form(scope, form_pk)
    period = selectors.period_in(form, key)
    found = services.report_for(form, scope.unit, period)
    if found.pk is None:
        raise Http404("no such report")
    note = request.POST.get("note", "")
    try:
        if action == "return":
            services.report_return(actor=_actor(request), report=found, note=note)
            messages.success(request, _("The report was returned to the unit."))
        elif action == "approve":
            services.report_approve(actor=_actor(request), report=found)
            messages.success(request, _("The report was approved."))
        else:
            services.report_unapprove(actor=_actor(request), report=found, note=note)
            messages.success(request, _("The approval was withdrawn: the report is open again."))
    except ValidationError as e:
        _errors(request, e)
    return redirect("reports:report", scope.unit.code, form.pk, key)


@require_POST
@gate(APPROVE_REPORTS, from_above=True)
def report_return(request: HttpRequest, scope: Scope, form_pk: int, key: str) -> HttpResponse:
    return _decide(request, scope, form_pk, key, "return")


@require_POST
@gate(APPROVE_REPORTS, from_above=True)
def report_approve(request: HttpRequest, scope: Scope, form_pk: int, key: str) -> HttpResponse:
    return _decide(request, scope, form_pk, key, "approve")


@require_POST
@gate(APPROVE_REPORTS, from_above=True)
def report_unapprove(request: HttpRequest, scope: Scope, form_pk: int, key: str) -> HttpResponse:
    return _decide(request, scope, form_pk, key, "unapprove")


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today().year
    return year if 2000 <= year <= today().year else today().year


@gate(VIEW_REPORTS)
def grid(request: HttpRequest, scope: Scope, form_pk: int) -> HttpResponse:
    form = selectors.access_overseen_form(scope, form_pk)
    year = _year(request)
    periods, rows = completeness.grid(form, scope.unit, year)
    labels = {p.key: p.label() for p in periods}
    return render(
        request,
        "reports/grid.html",
        {
            "unit": scope.unit,
            "form": form,
            "year": year,
            "periods": periods,
            "rows": [(row, _grid_cells(row, form.pk, form.level, labels)) for row in rows],
            "states": completeness.STATES,
            "years": range(today().year, today().year - 4, -1),
            "leaf": form.level,
        },
    )


def _grid_cells(row: completeness.Row, form_pk: int, leaf: int, labels: Mapping[str, str]) -> str:
    """A row's cells, written here rather than in the template: a province's grid has over a
    thousand, and the template language took most of the page's time to write them. Every
    part is a number, a fixed mark or escaped."""
    link = row.unit.level == leaf
    out = []
    for period, t in row.cells:
        if not t.expected:
            inner = "–"
        else:
            approved = t.counts[completeness.APPROVED]
            inner = f'<span class="mark">{escape(t.mark)}</span> {t.received:d}/{t.expected:d}'
            if approved:
                inner += f" <small>· {approved:d}✔✔</small>"
            if link:
                url = reverse("reports:report", args=[row.unit.code, form_pk, period.key])
                inner = f'<a href="{escape(url)}">{inner}</a>'
        worst = escape(t.worst or "none")
        out.append(
            f'<td class="cell s-{worst}" data-label="{escape(labels[period.key])}">{inner}</td>'
        )
    return mark_safe("".join(out))  # every part above is a number, a fixed mark or escaped


def _consolidated(scope: Scope, form_pk: int, key: str) -> consolidation.Consolidated:
    form = selectors.access_overseen_form(scope, form_pk)
    return consolidation.consolidate(form, scope.unit, selectors.period_in(form, key))


@gate(VIEW_REPORTS)
def consolidated(request: HttpRequest, scope: Scope, form_pk: int, key: str) -> HttpResponse:
    result = _consolidated(scope, form_pk, key)
    return render(
        request,
        "reports/consolidated.html",
        {
            "unit": scope.unit,
            "result": result,
            "key": key,
            "can_send": scope.can(ISSUE_DOCUMENTS) and result.received > 0,
            "previous": result.period.previous(),
            "next": result.period.next(),
            "today": today(),
        },
    )


@gate(VIEW_REPORTS)
def figure(
    request: HttpRequest, scope: Scope, form_pk: int, key: str, item_key: str
) -> HttpResponse:
    form = selectors.access_overseen_form(scope, form_pk)
    period = selectors.period_in(form, key)
    item = Item.objects.filter(form=form, key=item_key).first()
    if item is None:
        raise Http404("no such figure")
    parts = consolidation.figure_parts(form, scope.unit, period, item)
    return render(
        request,
        "reports/figure.html",
        {
            "unit": scope.unit,
            "form": form,
            "period": period,
            "item": item,
            "parts": parts,
            "total": consolidation.combine(item, [p for p, _v in parts]),
            "key": key,
        },
    )


def _filename(result: consolidation.Consolidated, ext: str) -> str:
    words = fold(f"{result.form.title} {result.period.key} {result.unit.name}")
    return "-".join("".join(ch if ch.isalnum() else " " for ch in words).split()) + ext


@gate(VIEW_REPORTS)
def consolidated_xlsx(request: HttpRequest, scope: Scope, form_pk: int, key: str) -> HttpResponse:
    result = _consolidated(scope, form_pk, key)
    out = io.BytesIO()
    export.consolidated_xlsx(out, result)
    audit.log(request.user, "report.exported", result.form, unit=scope.unit,
              data={"period": key, "format": "xlsx"})  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="{_filename(result, ".xlsx")}"'
    return response


@gate(VIEW_REPORTS)
def consolidated_pdf(request: HttpRequest, scope: Scope, form_pk: int, key: str) -> HttpResponse:
    result = _consolidated(scope, form_pk, key)
    try:
        pdf = export.consolidated_pdf(result)
    except export.PdfUnavailable:
        messages.error(
            request,
            _("PDF files cannot be made on this server now. Please download the .xlsx instead."),
        )
        return redirect("reports:consolidated", scope.unit.code, form_pk, key)
    audit.log(request.user, "report.exported", result.form, unit=scope.unit,
              data={"period": key, "format": "pdf"})  # fmt: skip
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(result, ".pdf")}"'
    return response


@require_POST
@gate(ISSUE_DOCUMENTS)
def send(request: HttpRequest, scope: Scope, form_pk: int, key: str) -> HttpResponse:
    result = _consolidated(scope, form_pk, key)
    try:
        doc = sending.send_on(actor=_actor(request), result=result)
    except (ValidationError, export.PdfUnavailable) as e:
        if isinstance(e, ValidationError):
            _errors(request, e)
        else:
            messages.error(
                request,
                _(
                    "PDF files cannot be made on this server now. Please download the .xlsx instead."
                ),
            )
        return redirect("reports:consolidated", scope.unit.code, form_pk, key)
    messages.success(request, _("Sent as document %(symbol)s.") % {"symbol": doc.symbol})
    return redirect("documents:tracking", scope.unit.code, doc.pk)


# --- The form builder -----------------------------------------------------------------------


@gate(MANAGE_REPORTS)
def form_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    if scope.unit.level >= 4:
        raise Http404("no level below to report")
    form = ReportFormForm(request.POST or None, owner=scope.unit)
    if request.method == "POST" and form.is_valid():
        data = {
            k: form.cleaned_data[k]
            for k in ("title", "level", "frequency", "due_days", "starts_on")
        }
        try:
            if form.cleaned_data["start_from"]:
                created = standard_create(actor=_actor(request), owner=scope.unit,
                                          which=form.cleaned_data["start_from"],
                                          starts_on=data["starts_on"], level=data["level"])  # fmt: skip
                created.title, created.frequency, created.due_days = (
                    data["title"],
                    data["frequency"],
                    data["due_days"],
                )
                created.save(update_fields=["title", "frequency", "due_days"])
            else:
                created = services.form_create(actor=_actor(request), owner=scope.unit, data=data)
        except ValidationError as e:
            add_service_error(form, e)
        else:
            return redirect("reports:form", scope.unit.code, created.pk)
    return render(request, "reports/form_new.html", {"unit": scope.unit, "form": form})


@gate(MANAGE_REPORTS)
def form_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    report_form = selectors.access_owned_form(scope, pk)
    section_form = SectionForm(request.POST if request.POST.get("add") == "section" else None)
    item_form = ItemForm(
        request.POST if request.POST.get("add") == "item" else None, form=report_form
    )
    if request.method == "POST":
        try:
            if request.POST.get("add") == "section" and section_form.is_valid():
                services.section_add(
                    actor=_actor(request), form=report_form, **section_form.cleaned_data
                )
                return redirect(request.path)
            if request.POST.get("add") == "item" and item_form.is_valid():
                data = dict(item_form.cleaned_data)
                section = selectors.access_section(report_form, data.pop("section"))
                services.item_add(actor=_actor(request), section=section, data=data)
                return redirect(request.path)
        except ValidationError as e:
            add_service_error(item_form if request.POST.get("add") == "item" else section_form, e)
    sections = [(s, [i for i in report_form.items.all() if i.section_id == s.pk])
                for s in report_form.sections.all()]  # fmt: skip
    return render(
        request,
        "reports/form_detail.html",
        {
            "unit": scope.unit,
            "report_form": report_form,
            "sections": sections,
            "section_form": section_form,
            "item_form": item_form,
            "has_figures": any(s.kind == SectionKind.FIGURES for s, _i in sections),
        },
    )


@require_POST
@gate(MANAGE_REPORTS)
def item_remove(request: HttpRequest, scope: Scope, pk: int, item_pk: int) -> HttpResponse:
    report_form = selectors.access_owned_form(scope, pk)
    item = selectors.access_item(report_form, item_pk)
    try:
        services.item_remove(actor=_actor(request), item=item)
    except ValidationError as e:
        _errors(request, e)
    return redirect("reports:form", scope.unit.code, report_form.pk)
