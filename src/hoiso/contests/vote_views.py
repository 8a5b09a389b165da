"""The public vote's pages: the proof-of-work challenge, asking for a code and confirming it (the
answer carries the pass), the live counts; the vote itself where the lean endpoint is not in
front (a development server, the tests' live server); the organiser's anomaly page and voiding.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.roles import MANAGE_ACTIVITIES
from hoiso.contests import fastvote, pow, selectors, voting
from hoiso.contests.ballots import local_day, slot_for
from hoiso.contests.models import Contest, EntryStatus, Vote


def _voting_contest(slug: str) -> Contest:
    return selectors.contest_by_slug(slug)


def _voter(request: HttpRequest) -> voting.Voter:
    return voting.Voter(
        device_id=request.POST.get("device", "")[:64],
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        address=request.META.get("REMOTE_ADDR", ""),
    )


def _refusal(error: ValidationError) -> JsonResponse:
    return JsonResponse({"ok": False, "message": " ".join(error.messages)}, status=400)


@never_cache
@require_GET
def challenge(request: HttpRequest, slug: str) -> JsonResponse:
    """A fresh proof-of-work challenge for the page's solver."""
    _voting_contest(slug)
    return JsonResponse(pow.challenge_issue())


@require_POST
def code_request(request: HttpRequest, slug: str) -> JsonResponse:
    contest = _voting_contest(slug)
    try:
        phone = voting.code_request(
            contest=contest, raw_phone=request.POST.get("phone", ""),
            answer=request.POST.get("answer", ""), voter=_voter(request),
        )  # fmt: skip
    except ValidationError as e:
        return _refusal(e)
    message = _("A code has been sent to %(phone)s. Please type it here.") % {"phone": phone}
    return JsonResponse({"ok": True, "phone": phone, "message": message})


@require_POST
def code_confirm(request: HttpRequest, slug: str) -> JsonResponse:
    contest = _voting_contest(slug)
    try:
        token = voting.code_confirm(
            contest=contest, raw_phone=request.POST.get("phone", ""),
            code=request.POST.get("code", ""), voter=_voter(request),
        )  # fmt: skip
    except ValidationError as e:
        return _refusal(e)
    message = _("Your phone number is confirmed. Tap “Vote” under the entries you choose.")
    return JsonResponse({"ok": True, "pass": token, "message": message})


@require_GET
def counts(request: HttpRequest, slug: str) -> JsonResponse:
    """Each approved entry's exact count, read now (the page polls it)."""
    contest = _voting_contest(slug)
    response = JsonResponse({"counts": {str(k): v for k, v in voting.counts(contest).items()}})
    response["Cache-Control"] = "no-cache"
    return response


@csrf_exempt  # the lean endpoint's own checks stand instead: same origin, a signed pass header
def vote(request: HttpRequest, contest: int, entry: int) -> HttpResponse:
    """`/v/<contest>/<entry>` when Django serves it (in production the WSGI entry point answers
    it before Django): the same function, the same checks."""
    status_line = ""
    headers: list[tuple[str, str]] = []

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        nonlocal status_line, headers
        status_line, headers = status, response_headers

    environ = {**request.META, "HTTP_HOST": request.get_host()}  # a test client sets no Host
    body = b"".join(fastvote.vote(environ, start_response))
    response = HttpResponse(body, status=int(status_line.split()[0]))
    for name, value in headers:
        if name.lower() != "content-length":
            response[name] = value
    return response


# --- For benchmarks/votes.py only -------------------------------------------------------------


@csrf_exempt
@require_POST
def bench_reference(request: HttpRequest) -> JsonResponse:
    """A plain Django view inserting one vote row through the ORM: the benchmark's reference.
    Routed only when VOTE_BENCH_REFERENCE is set."""
    now = timezone.now()
    day: dt.date = local_day(now)
    entry = int(request.POST["entry"])
    Vote.objects.create(
        contest_id=int(request.POST["contest"]), entry_id=entry, phone=request.POST["phone"],
        slot=slot_for("entry_day", entry, day), day=day, created_at=now,
        network=request.META.get("REMOTE_ADDR", ""),
    )  # fmt: skip
    return JsonResponse({"ok": True})


# --- The organiser's anomaly page -------------------------------------------------------------


def masked(phone: str) -> str:
    """A voter's number as the organiser sees it: enough to tell two apart, not to call."""
    return f"{phone[:3]}••••{phone[-3:]}" if len(phone) >= 7 else "••••"


@gate(MANAGE_ACTIVITIES)
def review(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """The contest's anomaly flags, its latest votes and the forms that void them."""
    contest = selectors.access_contest(scope, pk)
    recent = list(
        Vote.objects.filter(contest=contest)
        .select_related("entry")
        .order_by("-created_at", "-pk")[:50]
    )
    for v in recent:
        v.masked = masked(v.phone)  # type: ignore[attr-defined]
    context = {
        "scope": scope, "contest": contest, "flags": voting.flags(contest), "recent": recent,
        "entries": contest.entries.filter(status=EntryStatus.APPROVED).order_by("-votes", "pk"),
        "voided": Vote.objects.filter(contest=contest, voided_at__isnull=False).count(),
    }  # fmt: skip
    return render(request, "contests/vote_review.html", context)


@gate(MANAGE_ACTIVITIES)
@require_POST
def void(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """Void one vote, or every counted vote behind a flag; back to the review page."""
    contest = selectors.access_contest(scope, pk)
    vote_id, flag = request.POST.get("vote", ""), request.POST.get("flag", "")
    if vote_id.isdigit():
        votes = selectors.contest_votes(contest, int(vote_id))
    elif flag.partition(":")[0] in ("network", "device"):
        kind, _colon, key = flag.partition(":")
        votes = voting.flagged(contest, kind, key)
    else:
        raise Http404("no such vote")
    try:
        n = voting.votes_void(actor=request.user, contest=contest, votes=votes,  # type: ignore[arg-type]
                              reason=request.POST.get("reason", ""), flag=flag)  # fmt: skip
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("%(n)s votes voided.") % {"n": n})
    return redirect("contest_votes:review", scope.unit.code, contest.pk)
