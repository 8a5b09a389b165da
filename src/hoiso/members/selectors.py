"""Reads of members shared by the pages and the API: the filtered list and the search."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from hoiso.core.text import normalise_phone, prefix_upper_bound, words
from hoiso.members.models import Member, MemberQuerySet, NameToken
from hoiso.units.models import Level, Unit

SEARCH_LIMIT = 50
# Below this many hits for its rarest word, a search starts from the name index; above it the
# matches are so dense that walking the members in name order finds a page of them at once.
DRIVE_CAP = 3000

AGE_BANDS = {"18-30": (18, 30), "31-45": (31, 45), "46-60": (46, 60), "61+": (61, 200)}
DIGITAL = {
    "smartphone": Q(has_smartphone=True),
    "zalo": Q(uses_zalo=True),
    "facebook": Q(uses_facebook=True),
    "none": Q(has_smartphone=False, uses_zalo=False, uses_facebook=False),
}


@dataclass
class Filters:
    status: str = "active"
    branch: Unit | None = None
    age: str = ""
    ethnicity: int | None = None
    religion: int | None = None
    digital: str = ""
    join_year: int | None = None

    def apply(self, qs: MemberQuerySet) -> MemberQuerySet:
        if self.status:
            qs = qs.filter(status=self.status)
        if self.branch is not None:
            qs = qs.within(self.branch)
        if self.age in AGE_BANDS:
            lo, hi = AGE_BANDS[self.age]
            year = timezone.localdate().year
            qs = qs.filter(birth_year__gte=year - hi, birth_year__lte=year - lo)
        if self.ethnicity is not None:
            qs = qs.filter(ethnicity=self.ethnicity)
        if self.religion is not None:
            qs = qs.filter(religion=self.religion)
        if self.digital in DIGITAL:
            qs = qs.filter(DIGITAL[self.digital])
        if self.join_year:
            qs = qs.filter(join_date__year=self.join_year)
        return qs


def member_list(unit: Unit, filters: Filters | None = None) -> QuerySet[Member]:
    """The members of a unit's subtree, filtered, in Vietnamese name order."""
    qs = Member.objects.within(unit)
    qs = (filters or Filters()).apply(qs)
    return qs.select_related("branch").order_by("sort_key", "id")


@dataclass
class SearchResult:
    members: list[Member] = field(default_factory=list)
    more: bool = False  # there are more matches than shown: type more to narrow


def _token_scope(unit: Unit) -> dict[str, Any]:
    """The name-index column that bounds a search in this unit."""
    if unit.level == Level.PROVINCE:
        return {"province_id": unit.pk}
    if unit.level == Level.COMMUNE:
        return {"commune_id": unit.pk}
    if unit.level in (Level.BRANCH, Level.GROUP):
        commune = Unit.objects.filter(path__in=unit.ancestor_paths, level=Level.COMMUNE).first()
        return {"commune_id": commune.pk} if commune else {}
    return {}


def _word_range(word: str) -> dict[str, str]:
    return {"token__gte": word, "token__lt": prefix_upper_bound(word)}


def _number_query(q: str) -> Q | None:
    """A phone, citizen ID or card number typed in the search box."""
    compact = "".join(q.split()).replace(".", "").replace("-", "")
    if not any(c.isdigit() for c in compact):
        return None
    found = Q(card_number=compact.upper())
    digits = compact.lstrip("+")
    if digits.isdigit():
        found |= Q(citizen_id=digits)
        try:
            found |= Q(phone=normalise_phone(compact))
        except ValueError:
            if len(digits) >= 4 and digits.startswith("0"):
                found |= Q(phone__startswith=digits)
    return found


def search(
    unit: Unit, q: str, filters: Filters | None = None, limit: int = SEARCH_LIMIT
) -> SearchResult:
    """Members whose name has a word starting with each typed word (or whose number matches)."""
    base = member_list(unit, filters)
    if (number := _number_query(q)) is not None:
        found = list(base.filter(number)[: limit + 1])
        return SearchResult(found[:limit], len(found) > limit)
    typed = list(dict.fromkeys(w for w in words(q) if w))
    if not typed:
        return SearchResult()
    scope = _token_scope(unit)
    tokens = NameToken.objects.filter(**scope)
    estimates = {w: tokens.filter(**_word_range(w))[:DRIVE_CAP].count() for w in typed}
    driver = min(typed, key=lambda w: estimates[w])
    if estimates[driver] == 0:
        return SearchResult()
    qs = base
    checks = typed
    if estimates[driver] < DRIVE_CAP:
        qs = qs.filter(pk__in=tokens.filter(**_word_range(driver)).values("member_id"))
        checks = [w for w in typed if w != driver]
    for w in checks:
        qs = qs.filter(Exists(NameToken.objects.filter(member_id=OuterRef("pk"), **_word_range(w))))
    found = list(qs[: limit + 1])
    return SearchResult(found[:limit], len(found) > limit)
