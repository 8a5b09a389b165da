"""The member's home (/me/): her card, her unit's news, her branch's next meeting, her concerns
and the surveys waiting for her, her training, and how the union may reach her. One light page
for a weak phone: a handful of small queries, no pictures but the card's QR code."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from hoiso.activities.models import Activity, Trainee
from hoiso.comms.models import Article
from hoiso.members.me import card_qr, member_required
from hoiso.members.models import Member
from hoiso.voices.selectors import concerns_of_member, surveys_for


@member_required
def member_home(request: HttpRequest, member: Member) -> HttpResponse:
    today = timezone.localdate()
    units = [u for u in (member.branch, member.commune, member.province) if u is not None]
    meetings = (
        Activity.objects.filter(unit=member.branch) if member.branch else Activity.objects.none()
    )
    context = {
        "member": member,
        "qr": mark_safe(card_qr(member)),  # segno's own SVG, with nothing the user typed in it
        "pending_deletion": member.deletion_requests.filter(handled_at__isnull=True).first(),
        "answered_deletion": member.deletion_requests.filter(handled_at__isnull=False).first(),
        "news": Article.objects.filter(unit__in=units).select_related("unit")[:3],
        "next_meeting": meetings.filter(on__gte=today).order_by("on").first(),
        "last_meeting": meetings.filter(on__lt=today).order_by("-on").first(),
        "concerns": list(concerns_of_member(member)[:3]),
        "surveys": list(surveys_for(member)[:3]),
        "training": Trainee.objects.filter(member=member).select_related("course")[:5],
    }
    return render(request, "pages/member_home.html", context)
