"""Who sees which contest: the organiser's cadres see the contests of units in their subtree; a
unit's people see the contests organised at it or above it (those they may enter); the public
sees a contest's page, with approved entries only."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from hoiso.accounts.access import Scope, access

from .models import Contest, Criterion, Entry, EntryImage, EntryStatus, Judge, Prize, Vote


def organised(scope: Scope) -> QuerySet[Contest]:
    return Contest.objects.filter(unit__path__startswith=scope.unit.path).select_related("unit")


def access_contest(scope: Scope, pk: Any) -> Contest:
    """A contest organised within the scope (what its cadres manage), or 404."""
    return access(organised(scope), pk, "contest")


def enterable(scope: Scope) -> QuerySet[Contest]:
    """Contests organised at the scope's unit or above it."""
    return Contest.objects.filter(unit__path__in=scope.unit.ancestor_paths).select_related("unit")


def access_enterable(scope: Scope, pk: Any) -> Contest:
    return access(enterable(scope), pk, "contest")


def access_entry(contest: Contest, pk: Any) -> Entry:
    return access(Entry.objects.filter(contest=contest).select_related("unit", "member"), pk,
                  "entry")  # fmt: skip


def access_prize(contest: Contest, pk: Any) -> Prize:
    return access(Prize.objects.filter(contest=contest), pk, "prize")


def access_judge(contest: Contest, pk: Any) -> Judge:
    return access(Judge.objects.filter(contest=contest).select_related("user"), pk, "judge")


def access_criterion(contest: Contest, pk: Any) -> Criterion:
    return access(Criterion.objects.filter(contest=contest), pk, "criterion")


def entry_image(contest: Contest, pk: Any, *, approved_only: bool) -> EntryImage:
    found = EntryImage.objects.filter(pk=pk, entry__contest=contest)
    if approved_only:
        found = found.filter(entry__status=EntryStatus.APPROVED)
    image = found.first()
    if image is None:
        raise Http404("no such photo")
    return image


def public_contest(slug: str) -> Contest:
    contest = Contest.objects.filter(slug=slug).select_related("unit").first()
    if contest is None:
        raise Http404("no such contest")
    return contest


def public_entries(contest: Contest) -> QuerySet[Entry]:
    """The approved entries, with their photos and links, in the order they came."""
    return (
        Entry.objects.filter(contest=contest, status=EntryStatus.APPROVED)
        .select_related("unit", "member")
        .prefetch_related(Prefetch("images"), Prefetch("links"))
    )


def access_judged_entry(contest: Contest, pk: Any) -> Entry:
    """An entry a judge of `contest` may score: one of its public entries, or 404."""
    found = public_entries(contest).filter(pk=pk).first()
    if found is None:
        raise Http404("no such entry")
    return found


def contest_by_pk(pk: Any) -> Contest | None:
    """A contest by its number (the caller then checks whom it admits)."""
    return Contest.objects.filter(pk=pk).select_related("unit").first()


def contest_by_slug(slug: str) -> Contest:
    """A contest by its public address, or 404: its public pages are open to everyone."""
    found = Contest.objects.filter(slug=slug).select_related("unit").first()
    if found is None:
        raise Http404("no such contest")
    return found


def contest_votes(contest: Contest, pk: int) -> QuerySet[Vote]:
    """One vote of `contest`, as a queryset (the organiser voids it)."""
    return Vote.objects.filter(contest=contest, pk=pk)
