"""The pages outside a unit: the contest's public page and results (no account), a judge's own
scoring pages (/cham-thi/), and a member entering a contest herself (/me/contests/)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.models import User
from hoiso.core.forms import add_service_error
from hoiso.members.me import member_required
from hoiso.members.models import Member

from . import selectors, services
from .forms import EntryForm
from .models import Contest, Entry, EntryStatus, Judge, Score, Stage
from .results import results
from .selectors import entry_image, public_contest, public_entries

STAGES = (Stage.ENTRIES, Stage.JUDGING, Stage.VOTING, Stage.RESULTS)


def _stages(contest: Contest, now: object) -> list[dict[str, object]]:
    current = contest.stage_at(now)  # type: ignore[arg-type]
    spans = {
        Stage.ENTRIES: (contest.entries_open, contest.entries_close),
        Stage.JUDGING: (contest.judging_open, contest.judging_close),
        Stage.VOTING: (contest.voting_open, contest.voting_close),
        Stage.RESULTS: (contest.results_at, None),
    }
    return [{"stage": s, "label": s.label, "opens": spans[s][0], "closes": spans[s][1],
             "now": s == current} for s in STAGES]  # fmt: skip


def contest_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The public page: no account, nothing personal but the entrants' names."""
    contest = public_contest(slug)
    now = timezone.now()
    return render(
        request,
        "contests/public.html",
        {
            "contest": contest,
            "stages": _stages(contest, now),
            "entries": public_entries(contest),
            "prizes": contest.prizes.all(),
            "voting": contest.voting(now),
            "results_public": contest.results_public(now),
        },
    )


def contest_results(request: HttpRequest, slug: str) -> HttpResponse:
    contest = public_contest(slug)
    if not contest.results_public():
        raise Http404("results not yet published")
    return render(request, "contests/results.html",
                  {"contest": contest, "rows": results(contest), "organiser": False})  # fmt: skip


def photo(request: HttpRequest, slug: str, image: int) -> FileResponse:
    contest = public_contest(slug)
    path = services.photo_path(entry_image(contest, image, approved_only=True).photo)
    if path is None:
        raise Http404("no photo")
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- Judges ------------------------------------------------------------------------------------


@login_required
def judging_list(request: HttpRequest) -> HttpResponse:
    panels = Judge.objects.filter(user=cast(User, request.user)).select_related(
        "contest", "contest__unit"
    )
    return render(request, "contests/judging_list.html", {"panels": panels, "now": timezone.now()})


def _judge(request: HttpRequest, pk: int) -> Judge:
    """The signed-in account's seat on this contest's panel; 404 for anyone not on it."""
    judge = (
        Judge.objects.filter(contest_id=pk, user=cast(User, request.user))
        .select_related("contest", "contest__unit", "user")
        .first()
    )
    if judge is None:
        raise Http404("not a judge of this contest")
    return judge


@login_required
def judging(request: HttpRequest, pk: int) -> HttpResponse:
    """Her entries to score, each with how many criteria she has scored."""
    judge = _judge(request, pk)
    contest = judge.contest
    criteria = list(contest.criteria.all())
    mine: dict[int, int] = {}
    for entry_id in Score.objects.filter(judge=judge).values_list("entry_id", flat=True):
        mine[entry_id] = mine.get(entry_id, 0) + 1
    found = list(Entry.objects.filter(contest=contest, status=EntryStatus.APPROVED))
    for e in found:
        e.scored = mine.get(e.pk, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "contests/judging.html",
        {"contest": contest, "entries": found, "criteria_count": len(criteria),
         "open": contest.judging()},
    )  # fmt: skip


@login_required
def score(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    """One entry and her scores by criterion; she changes them while judging is open."""
    judge = _judge(request, pk)
    contest = judge.contest
    found = selectors.access_judged_entry(contest, entry)
    criteria = list(contest.criteria.all())
    mine = dict(
        Score.objects.filter(judge=judge, entry=found).values_list("criterion_id", "points")
    )
    errors: dict[str, list[str]] = {}
    values = {c.pk: mine.get(c.pk) for c in criteria}
    if request.method == "POST":
        raw = {c.pk: request.POST.get(f"c{c.pk}", "").strip() for c in criteria}
        points: dict[int, int | None] = {}
        for cid, text in raw.items():
            if text == "":
                points[cid] = None
            elif text.isdigit():
                points[cid] = int(text)
            else:
                errors[f"c{cid}"] = [_("Please enter a whole number of points.")]
        if not errors:
            try:
                services.scores_save(judge, found, points)
            except ValidationError as e:
                if hasattr(e, "error_dict"):
                    errors = {k: [str(m) for m in v[0].messages] for k, v in e.error_dict.items()}
                else:
                    messages.error(request, e.messages[0])
                    return redirect("judge:contest", contest.pk)
            else:
                messages.success(request, _("Your scores of “%(title)s” are saved.")
                                 % {"title": found.title})  # fmt: skip
                following = (
                    Entry.objects.filter(contest=contest, status=EntryStatus.APPROVED,
                                         created_at__gte=found.created_at)
                    .exclude(pk=found.pk).order_by("created_at", "pk").first()
                )  # fmt: skip
                if following is not None:
                    return redirect("judge:score", contest.pk, following.pk)
                return redirect("judge:contest", contest.pk)
        values = {cid: raw[cid] for cid in raw}  # type: ignore[misc]
    rows = [{"criterion": c, "value": values.get(c.pk), "errors": errors.get(f"c{c.pk}", [])}
            for c in criteria]  # fmt: skip
    return render(
        request,
        "contests/score.html",
        {"contest": contest, "entry": found, "rows": rows, "open": contest.judging()},
    )


# --- A member enters ---------------------------------------------------------------------------


@member_required
def my_contests(request: HttpRequest, member: Member) -> HttpResponse:
    now = timezone.now()
    units = [u for u in (member.branch, member.commune, member.province) if u is not None]
    paths = {p for u in units for p in u.ancestor_paths}
    contests = [
        c for c in Contest.objects.filter(unit__path__in=paths).select_related("unit")
        if services.may_enter_as_member(c, member)
    ]  # fmt: skip
    return render(
        request,
        "contests/mine.html",
        {
            "open": [c for c in contests if c.taking_entries(now)],
            "mine": Entry.objects.filter(member=member).select_related("contest"),
        },
    )


@member_required
def my_entry(request: HttpRequest, member: Member, pk: int) -> HttpResponse:
    contest = selectors.contest_by_pk(pk)
    if contest is None or not services.may_enter_as_member(contest, member):
        raise Http404("no such contest")
    form = EntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_submit(
                cast(User, request.user),
                contest,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                member=member,
                images=form.images(),
                links=form.links(),
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("Your entry is sent; the organiser reviews it before it "
                                        "is shown."))  # fmt: skip
            return redirect("my_contests:list")
    return render(request, "contests/enter.html", {"contest": contest, "form": form,
                                                   "member": member})  # fmt: skip
