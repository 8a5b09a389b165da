"""Meetings at a unit: the list, calling one, a meeting, the host's attendance and minutes,
the meeting's papers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.roles import ISSUE_DOCUMENTS, VIEW_DOCUMENTS
from hoiso.core.forms import add_service_error
from hoiso.documents import files
from hoiso.documents.forms import RecipientsForm
from hoiso.documents.meetings import services
from hoiso.documents.meetings.forms import MeetingForm, MinutesForm
from hoiso.documents.meetings.ics import join_url
from hoiso.documents.meetings.selectors import (
    access_meeting,
    access_meeting_file,
    access_organised,
    answerable,
    meeting_files,
    meetings_at,
)
from hoiso.documents.models import Meeting, Response


@gate(VIEW_DOCUMENTS)
def meeting_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    now = timezone.now()
    mine = meetings_at(scope)
    return render(request, "meetings/list.html", {
        "unit": scope.unit, "can_call": scope.can(ISSUE_DOCUMENTS),
        "upcoming": list(mine.filter(ends_at__gt=now).order_by("starts_at")[:50]),
        "past": list(mine.filter(ends_at__lte=now).order_by("-starts_at")[:20]),
    })  # fmt: skip


@gate(ISSUE_DOCUMENTS)
def meeting_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = MeetingForm(request.POST or None, request.FILES or None, unit=scope.unit)
    to = RecipientsForm(request.POST or None, unit=scope.unit, prefix="to")
    if request.method == "POST" and form.is_valid() and to.is_valid():
        start, end = form.times()
        data = {"title": form.cleaned_data["title"], "starts_at": start, "ends_at": end,
                "video_url": form.cleaned_data["video_url"], "agenda": form.cleaned_data["agenda"]}  # fmt: skip
        try:
            meeting = services.meeting_create(
                actor=scope.user, unit=scope.unit, data=data, recipients=to.recipients(),
                agenda_documents=form.cleaned_data["agenda_documents"],
                uploads=form.cleaned_data["attachments"],
            )  # fmt: skip
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("The meeting is called and the invitations sent."))
            return redirect("meetings:detail", unit_code=scope.unit.code, pk=meeting.pk)
    return render(request, "meetings/form.html", {"unit": scope.unit, "form": form, "to": to})


def _counts(meeting: Meeting) -> dict[str, int]:
    return meeting.invitations.aggregate(
        total=Count("*"),
        accepted=Count("pk", filter=Q(response=Response.ACCEPTED)),
        apology=Count("pk", filter=Q(response=Response.APOLOGY)),
        pending=Count("pk", filter=Q(response=Response.PENDING)),
    )


@gate(VIEW_DOCUMENTS)
def meeting_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    meeting = access_meeting(scope, pk)
    host = meeting.unit_id == scope.unit.pk and scope.can(ISSUE_DOCUMENTS)
    invitations = meeting.invitations.select_related("unit", "user", "answered_by")
    everyone = request.GET.get("all") == "1"
    if not everyone:  # those the host may need to call: apologies and no answer yet
        invitations = invitations.exclude(response=Response.ACCEPTED)
    mine = list(answerable(scope.user, meeting))
    state = services.join_state(meeting)
    return render(request, "meetings/detail.html", {
        "unit": scope.unit, "meeting": meeting, "host": host, "counts": _counts(meeting),
        "invitations": invitations[:500] if host else [], "mine": mine,
        "files": meeting_files(meeting).select_related("document"),
        "agenda_documents": meeting.agenda_documents.all(),
        "minutes": meeting.documents.order_by("pk"), "state": state, "answer_open": state != "over",
        "attended": meeting.attendances.count() if host else 0, "everyone": everyone,
        "join": join_url(meeting),
    })  # fmt: skip


@gate(VIEW_DOCUMENTS)
def meeting_file(request: HttpRequest, scope: Scope, pk: int, file_pk: int) -> FileResponse:
    kept = access_meeting_file(access_meeting(scope, pk), file_pk)
    response = FileResponse(
        files.path_of(kept.stored_name).open("rb"),
        content_type=files.CONTENT_TYPES[kept.file_type],
        as_attachment=kept.file_type not in ("pdf", "png", "jpeg", "webp"),
        filename=kept.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@gate(ISSUE_DOCUMENTS)
def attendance(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    meeting = access_organised(scope, pk)
    if request.method == "POST":
        ticked = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        services.attendance_mark(actor=scope.user, meeting=meeting, present=ticked)
        messages.success(request, _("Attendance saved."))
        return redirect("meetings:detail", unit_code=scope.unit.code, pk=pk)
    came = dict(meeting.attendances.values_list("user_id", "how"))
    people = [(u, unit, came.get(u.pk)) for u, unit in services.expected_people(meeting)]
    units = dict(
        meeting.invitations.filter(unit__isnull=False).values_list("unit_id", "unit__name")
    )
    return render(request, "meetings/attendance.html", {
        "unit": scope.unit, "meeting": meeting, "people": people, "units": units,
    })  # fmt: skip


@gate(ISSUE_DOCUMENTS)
def minutes(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    meeting = access_organised(scope, pk)
    initial = MinutesForm.initial_for(scope.unit, meeting.title, scope.user.display_name,
                                      timezone.localdate())  # fmt: skip
    form = MinutesForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "attachments"}
        try:
            doc = services.minutes_issue(actor=scope.user, meeting=meeting, data=data,
                                         uploads=form.cleaned_data["attachments"])  # fmt: skip
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(
                request, _("Document %(symbol)s is issued and sent.") % {"symbol": doc.symbol}
            )
            return redirect("meetings:detail", unit_code=scope.unit.code, pk=pk)
    return render(request, "meetings/minutes.html", {"unit": scope.unit, "meeting": meeting,
                                                     "form": form})  # fmt: skip
