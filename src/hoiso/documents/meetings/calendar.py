"""A person's own calendar of meetings (any device, phone first): upcoming and past, her answer,
the join link that records her attendance, an .ics file per meeting and her private feed."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.models import User
from hoiso.documents.meetings import services
from hoiso.documents.meetings.forms import AnswerForm
from hoiso.documents.meetings.ics import calendar_file
from hoiso.documents.meetings.selectors import (
    access_answerable,
    access_my_meeting,
    answerable,
    answerable_many,
    my_meetings,
)
from hoiso.documents.models import CalendarToken, Response


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user, now = _user(request), timezone.now()
    meetings = my_meetings(user)
    upcoming = list(meetings.filter(ends_at__gt=now).order_by("starts_at")[:50])
    past = list(meetings.filter(ends_at__lte=now).order_by("-starts_at")[:20])
    shown = upcoming + past
    answers: dict[int, list] = {}
    for inv in answerable_many(user, shown):
        answers.setdefault(inv.meeting_id, []).append(inv)
    came = set(user.attendances.filter(meeting__in=shown).values_list("meeting_id", flat=True))
    rows = [(m, answers.get(m.pk, []), m.pk in came, services.join_state(m, now)) for m in shown]
    return render(request, "meetings/calendar.html", {
        "upcoming": rows[: len(upcoming)], "past": rows[len(upcoming):],
        "subscribed": CalendarToken.objects.filter(user=user, revoked_at__isnull=True).exists(),
    })  # fmt: skip


def _back(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(f"/calendar/#m{pk}")


@require_POST
@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    meeting = access_my_meeting(user, pk)
    if not answerable(user, meeting).exists():
        raise PermissionDenied  # she sees the meeting (a viewer of an invited unit), not answers
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose whether you will attend."))
        return _back(request, pk)
    invitation = access_answerable(user, meeting, form.cleaned_data["invitation"])
    try:
        services.invitation_answer(actor=user, invitation=invitation,
                                   accept=form.cleaned_data["response"] == Response.ACCEPTED,
                                   reason=form.cleaned_data["reason"])  # fmt: skip
    except ValidationError as e:
        for text in e.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Your answer is sent to the organiser."))
    return _back(request, pk)


@login_required
def join(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    meeting = access_my_meeting(user, pk)
    state = services.join_state(meeting)
    if state == "early":
        messages.info(request, _("The meeting opens 30 minutes before it starts, at %(when)s.")
                      % {"when": services.local_when(meeting.starts_at)})  # fmt: skip
        return redirect(f"/calendar/#m{pk}")
    if state == "over":
        messages.info(request, _("This meeting is over."))
        return redirect(f"/calendar/#m{pk}")
    services.attendance_join(user=user, meeting=meeting,
                             invitation=services.invitation_of(user, meeting))  # fmt: skip
    return HttpResponseRedirect(meeting.video_url)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_my_meeting(_user(request), pk)
    return _ics(calendar_file([meeting], meeting.title), f"hop-{meeting.pk}.ics")


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """Her feed, for a calendar app: the token is the only key (no session), it reads this and
    nothing else; an unknown or revoked one looks like a page that does not exist."""
    user = services.calendar_token_user(token)
    if user is None:
        raise Http404("no such feed")
    since = timezone.now() - services.FEED_PAST
    meetings = my_meetings(user).filter(ends_at__gt=since).order_by("starts_at")[:500]
    response = _ics(calendar_file(meetings, _("Meetings of %(name)s") % {"name": user.display_name}),
                    "hoi-so.ics")  # fmt: skip
    response["Content-Disposition"] = 'inline; filename="hoi-so.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def subscribe(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    address = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_token_revoke(user=user)
            messages.success(request, _("The old address no longer works."))
            return redirect("calendar:subscribe")
        token = services.calendar_token_create(user=user)
        address = request.build_absolute_uri(f"/calendar/feed/{token}.ics")
    active = CalendarToken.objects.filter(user=user, revoked_at__isnull=True).first()
    return render(request, "meetings/subscribe.html", {"address": address, "active": active})
