"""The organiser's pages under /u/<unit code>/contests/, and a unit's cadre entering a contest
organised at her unit or above it."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.roles import MANAGE_ACTIVITIES, RECORD_ACTIVITIES, VIEW_ACTIVITIES
from hoiso.core.forms import add_service_error
from hoiso.members.models import Member

from . import services
from .forms import (
    CadreEntryForm,
    ContestForm,
    CriterionForm,
    JudgeForm,
    ModerateForm,
    PrizeForm,
)
from .models import Contest, EntryStatus
from .papers import PdfUnavailable, certificate_pdf, export_xlsx
from .results import results
from .selectors import (
    access_contest,
    access_criterion,
    access_enterable,
    access_entry,
    access_judge,
    access_prize,
    enterable,
    entry_image,
    organised,
)

logger = logging.getLogger(__name__)

# Organising a contest is managing the unit's activities; entering one is recording them.
MANAGE = MANAGE_ACTIVITIES
ENTER = RECORD_ACTIVITIES
VIEW = VIEW_ACTIVITIES


@gate(VIEW)
def contest_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "contests/list.html",
        {
            "unit": scope.unit,
            "organised": organised(scope).annotate(
                pending=Count("entries", filter=Q(entries__status=EntryStatus.PENDING))
            ),
            "open": [c for c in enterable(scope) if c.taking_entries(now)],
            "can_manage": scope.can(MANAGE),
            "can_enter": scope.can(ENTER),
        },
    )


def _contest_form(request: HttpRequest, scope: Scope, contest: Contest | None) -> HttpResponse:
    unit = contest.unit if contest else scope.unit
    form = ContestForm(request.POST or None, instance=contest, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.contest_save(request.user, unit, form.cleaned_data, contest)  # type: ignore[arg-type]
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("The contest is saved."))
            return redirect("contests:detail", scope.unit.code, contest.pk)
    title = _("Change the contest") if contest else _("A new contest")
    return render(request, "contests/form.html",
                  {"unit": scope.unit, "form": form, "title": title, "contest": contest})  # fmt: skip


@gate(MANAGE)
def contest_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    return _contest_form(request, scope, None)


@gate(MANAGE)
def contest_edit(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    return _contest_form(request, scope, access_contest(scope, pk))


@gate(MANAGE)
def contest_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    contest = access_contest(scope, pk)
    counts = dict(
        contest.entries.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return render(
        request,
        "contests/detail.html",
        {
            "unit": scope.unit,
            "contest": contest,
            "stage": contest.stage_at(),
            "counts": counts,
            "prizes": contest.prizes.all(),
            "judges": contest.judges.select_related("user").annotate(n=Count("scores")),
            "criteria": contest.criteria.all(),
            "prize_form": PrizeForm(),
            "judge_form": JudgeForm(),
            "criterion_form": CriterionForm(),
        },
    )


def _panel_post(
    request: HttpRequest, scope: Scope, pk: int, form_class: Any, act: Any
) -> HttpResponse:
    contest = access_contest(scope, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(contest, form.cleaned_data)
        except ValidationError as e:
            for m in e.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("Saved."))
    else:
        for errors in form.errors.values():
            for m in errors:
                messages.error(request, m)
    return redirect("contests:detail", scope.unit.code, contest.pk)


@require_POST
@gate(MANAGE)
def prize_add(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    return _panel_post(request, scope, pk, PrizeForm,
                       lambda c, d: services.prize_add(request.user, c, **d))  # type: ignore[arg-type]  # fmt: skip


@require_POST
@gate(MANAGE)
def prize_remove(request: HttpRequest, scope: Scope, pk: int, prize: int) -> HttpResponse:
    contest = access_contest(scope, pk)
    services.prize_remove(request.user, access_prize(contest, prize))  # type: ignore[arg-type]
    return redirect("contests:detail", scope.unit.code, contest.pk)


@require_POST
@gate(MANAGE)
def judge_add(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    return _panel_post(request, scope, pk, JudgeForm,
                       lambda c, d: services.judge_add(request.user, c, d["account"]))  # type: ignore[arg-type]  # fmt: skip


@require_POST
@gate(MANAGE)
def judge_remove(request: HttpRequest, scope: Scope, pk: int, judge: int) -> HttpResponse:
    contest = access_contest(scope, pk)
    try:
        services.judge_remove(request.user, access_judge(contest, judge))  # type: ignore[arg-type]
    except ValidationError as e:
        messages.error(request, e.messages[0])
    return redirect("contests:detail", scope.unit.code, contest.pk)


@require_POST
@gate(MANAGE)
def criterion_add(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    return _panel_post(request, scope, pk, CriterionForm,
                       lambda c, d: services.criterion_add(request.user, c, **d))  # type: ignore[arg-type]  # fmt: skip


@require_POST
@gate(MANAGE)
def criterion_remove(request: HttpRequest, scope: Scope, pk: int, criterion: int) -> HttpResponse:
    contest = access_contest(scope, pk)
    try:
        services.criterion_remove(request.user, access_criterion(contest, criterion))  # type: ignore[arg-type]
    except ValidationError as e:
        messages.error(request, e.messages[0])
    return redirect("contests:detail", scope.unit.code, contest.pk)


@gate(MANAGE)
def entries(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """The moderation queue: entries waiting first, then the others."""
    contest = access_contest(scope, pk)
    status = request.GET.get("status", EntryStatus.PENDING)
    if status not in EntryStatus.values:
        status = EntryStatus.PENDING
    found = (
        contest.entries.filter(status=status)
        .select_related("unit", "member")
        .prefetch_related("images", "links")
    )
    return render(
        request,
        "contests/entries.html",
        {"unit": scope.unit, "contest": contest, "entries": found, "status": status,
         "statuses": EntryStatus.choices, "form": ModerateForm()},
    )  # fmt: skip


@require_POST
@gate(MANAGE)
def moderate(request: HttpRequest, scope: Scope, pk: int, entry: int) -> HttpResponse:
    contest = access_contest(scope, pk)
    found = access_entry(contest, entry)
    form = ModerateForm(request.POST)
    if form.is_valid():
        try:
            services.entry_moderate(
                request.user,  # type: ignore[arg-type]
                found,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as e:
            for m in e.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("The entry is reviewed; its submitter is told."))
    queue = reverse("contests:entries", args=[scope.unit.code, contest.pk])
    return redirect(f"{queue}?status={EntryStatus.PENDING}")


@gate(MANAGE)
def entry_photo(request: HttpRequest, scope: Scope, pk: int, image: int) -> FileResponse:
    contest = access_contest(scope, pk)
    path = services.photo_path(entry_image(contest, image, approved_only=False).photo)
    if path is None:
        raise Http404("no photo")
    return FileResponse(path.open("rb"), content_type="image/jpeg")


@gate(MANAGE)
def contest_results(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """The organiser's view of the results at any stage (the public sees them at results_at)."""
    contest = access_contest(scope, pk)
    return render(request, "contests/results.html",
                  {"unit": scope.unit, "contest": contest, "rows": results(contest),
                   "organiser": True})  # fmt: skip


@gate(MANAGE)
def export(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    contest = access_contest(scope, pk)
    response = HttpResponse(
        export_xlsx(contest),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="cuoc-thi-{contest.pk}.xlsx"'
    return response


@gate(MANAGE)
def certificate(request: HttpRequest, scope: Scope, pk: int, entry: int) -> HttpResponse:
    contest = access_contest(scope, pk)
    row = next((r for r in results(contest) if r.entry.pk == entry and r.prize), None)
    if row is None:
        raise Http404("no prize for this entry")
    try:
        pdf = certificate_pdf(contest, row)
    except PdfUnavailable:
        logger.exception("certificate PDF: WeasyPrint (with Pango) cannot be loaded")
        messages.error(
            request,
            _("Certificates cannot be made on this server; please ask the administrator to "
              "install its PDF library."),
        )  # fmt: skip
        return redirect("contests:results", scope.unit.code, contest.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="chung-nhan-{contest.pk}-{entry}.pdf"'
    return response


@gate(ENTER)
def enter(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """A cadre enters a contest organised at her unit or above: for her unit, for a member of
    it, or (a contest open to anyone) for someone she names."""
    contest = access_enterable(scope, pk)
    form = CadreEntryForm(request.POST or None, request.FILES or None, contest=contest,
                          unit=scope.unit)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            member = _member_by(scope, d.get("member", "")) if d["who"] == "member" else None
            if d["who"] == "member" and member is None:
                raise ValidationError(
                    {"member": _("Please enter the member's card or phone number.")}
                )
            entry = services.entry_submit(
                request.user,  # type: ignore[arg-type]
                contest,
                title=d["title"],
                text=d["text"],
                unit=scope.unit if d["who"] == "unit" else None,
                member=member,
                entrant_name=d.get("entrant_name", "") if d["who"] == "named" else "",
                images=form.images(),
                links=form.links(),
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(
                request,
                _("The entry “%(title)s” is sent; the organiser reviews it before it is shown.")
                % {"title": entry.title},
            )
            return redirect("contests:list", scope.unit.code)
    return render(request, "contests/enter.html",
                  {"unit": scope.unit, "contest": contest, "form": form})  # fmt: skip


def _member_by(scope: Scope, text: str) -> Member | None:
    """The member of the scope with exactly this card or phone number; an error if none or
    several (never a guess)."""
    text = "".join(text.split())
    if not text:
        return None
    found = list(
        Member.objects.filter(branch_path__startswith=scope.unit.path)
        .filter(Q(card_number__iexact=text) | Q(phone=text))
        .select_related("branch")[:2]
    )
    if len(found) != 1:
        raise ValidationError(
            {
                "member": _(
                    "No single member of %(unit)s has this card or phone number. Please check it."
                )
                % {"unit": scope.unit.name}
            }
        )
    return found[0]
