"""Surveys: a unit's list, writing one, opening it, its live results and export; and the page
where a member answers (the link and QR code lead there)."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.roles import MANAGE_VOICES, VIEW_VOICES
from hoiso.core.forms import add_service_error
from hoiso.core.workbook import Workbook
from hoiso.members.me import member_required
from hoiso.members.models import Member
from hoiso.voices import surveys
from hoiso.voices.forms import QuestionForm, SurveyForm
from hoiso.voices.models import Question, Response, Survey
from hoiso.voices.selectors import access_question, access_survey, open_survey, surveys_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@gate(VIEW_VOICES)
def survey_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    context = {
        "unit": scope.unit,
        "surveys": surveys_of(scope).order_by("-created_at")[:100],
        "can_manage": scope.can(MANAGE_VOICES),
    }
    return render(request, "voices/surveys.html", context)


@gate(MANAGE_VOICES)
def survey_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = surveys.survey_create(actor=scope.user, unit=scope.unit, **form.cleaned_data)
        except ValidationError as e:
            add_service_error(form, e)
        else:
            return redirect("voices:survey", unit_code=scope.unit.code, pk=survey.pk)
    context = {"unit": scope.unit, "form": form, "title": _("A new survey")}
    return render(request, "voices/form.html", context)


def _qr(request: HttpRequest, survey: Survey) -> str:
    link = request.build_absolute_uri(f"/khao-sat/{survey.pk}/")
    return segno.make(link, error="m").svg_inline(scale=4, dark="#1d1d1f", light=None)


@gate(VIEW_VOICES)
def survey_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    survey = access_survey(scope, pk)
    can_manage = scope.can(MANAGE_VOICES)
    form = QuestionForm(request.POST or None) if can_manage and not survey.opened_at else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            surveys.question_add(actor=scope.user, survey=survey, **form.cleaned_data)
        except ValidationError as e:
            add_service_error(form, e)
        else:
            return redirect("voices:survey", unit_code=scope.unit.code, pk=survey.pk)
    by = request.GET.get("by", "unit")
    context = {
        "unit": scope.unit,
        "survey": survey,
        "questions": survey.questions.all(),
        "form": form,
        "can_manage": can_manage,
        "results": surveys.results(survey, by) if survey.opened_at else None,
        "by": by,
        "link": request.build_absolute_uri(f"/khao-sat/{survey.pk}/"),
        "qr": mark_safe(_qr(request, survey)),  # segno's own SVG of our own link
        "members": surveys.members_of(survey).count() if survey.opened_at else None,
    }
    if request.headers.get("HX-Request"):
        return render(request, "voices/survey_results.html", context)
    return render(request, "voices/survey.html", context)


@require_POST
@gate(MANAGE_VOICES)
def survey_open(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    survey = access_survey(scope, pk)
    try:
        told = surveys.survey_open(
            actor=scope.user, survey=survey, tell=bool(request.POST.get("tell"))
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request, _("The survey is open. %(n)s members were sent its link.") % {"n": told}
        )
    return redirect("voices:survey", unit_code=scope.unit.code, pk=pk)


@require_POST
@gate(MANAGE_VOICES)
def question_remove(request: HttpRequest, scope: Scope, pk: int, question: int) -> HttpResponse:
    q: Question = access_question(scope, pk, question)
    try:
        surveys.question_remove(actor=scope.user, question=q)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("voices:survey", unit_code=scope.unit.code, pk=pk)


@gate(VIEW_VOICES)
def survey_export(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    survey = access_survey(scope, pk)
    by = request.GET.get("by", "unit")
    result = surveys.results(survey, by)
    out = io.BytesIO()
    book = Workbook(out)
    sheet = book.add_sheet(_("Results"))
    bold = book.add_format({"bold": True})
    percent = book.number_format("0.0%")
    sheet.write(0, 0, survey.title, bold)
    sheet.write(1, 0, _("%(n)s answers") % {"n": result.responses})
    row = 3
    groups = [("", _("All")), *result.groups]
    for q in result.questions:
        sheet.write(row, 0, q.question.text, bold)
        row += 1
        sheet.write_row(row, 0, [_("Answer")] + [label for _key, label in groups], bold)
        row += 1
        if q.question.kind == "text":
            for text in q.texts:
                sheet.write(row, 0, text)
                row += 1
        else:
            for i, (label, _n, _share) in enumerate(q.rows("")):
                sheet.write(row, 0, label)
                for col, (key, _label) in enumerate(groups, start=1):
                    rows = q.rows(key)
                    sheet.write(row, col, rows[i][2] / 100, percent)
                row += 1
        row += 1
    sheet.set_column(0, 0, 50)
    book.close()
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="khao-sat-{survey.pk}.xlsx"'
    return response


# --- The member's side ------------------------------------------------------------------------


@member_required
def answer(request: HttpRequest, member: Member, pk: int) -> HttpResponse:
    survey = open_survey(member, pk)
    done = Response.objects.filter(survey=survey, member=member).exists()
    errors: dict[str, Any] = {}
    if request.method == "POST" and not done:
        try:
            surveys.response_submit(survey=survey, member=member, data=request.POST)
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                errors = {k: " ".join(v[0].messages) for k, v in e.error_dict.items()}
            else:
                messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Thank you for your answers."))
            return redirect("my_voices:list")
    items = [
        {"q": q, "error": errors.get(f"q{q.pk}", ""), "chosen": request.POST.getlist(f"q{q.pk}")}
        for q in survey.questions.all()
    ]
    context = {
        "survey": survey,
        "items": items,
        "done": done,
        "open": surveys.is_open(survey, timezone.localdate()),
        "errors": errors,
        "posted": request.POST,
    }
    return render(request, "voices/answer.html", context)
