"""Reads of members shared by the pages and the API: the filtered list and the search."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from hoiso.accounts.access import Scope, access
from hoiso.accounts.models import Assignment
from hoiso.core.text import normalise_phone, prefix_upper_bound, words
from hoiso.members.choices import TransferStatus
from hoiso.members.models import (
    DeletionRequest,
    Member,
    MemberExport,
    MemberImport,
    MemberStat,
    NameToken,
    Transfer,
    scope_q,
)
from hoiso.units.models import Level, Unit

SEARCH_LIMIT = 50
# Counting how common each typed word is stops here: past it, "very common" is all we need.
DRIVE_CAP = 20_000

AGE_BANDS = {"18-30": (18, 30), "31-45": (31, 45), "46-60": (46, 60), "61+": (61, 200)}
DIGITAL: dict[str, dict[str, bool]] = {
    "smartphone": {"has_smartphone": True},
    "zalo": {"uses_zalo": True},
    "facebook": {"uses_facebook": True},
    "none": {"has_smartphone": False, "uses_zalo": False, "uses_facebook": False},
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

    def as_dict(self) -> dict[str, Any]:
        """The filters as JSON can keep them (the sub-unit by id)."""
        return {
            "status": self.status, "branch": self.branch.pk if self.branch else None,
            "age": self.age, "ethnicity": self.ethnicity, "religion": self.religion,
            "digital": self.digital, "join_year": self.join_year,
        }  # fmt: skip

    @property
    def is_default(self) -> bool:
        """Only the active members, nothing else asked."""
        return self == Filters()

    def as_q(self, prefix: str = "") -> Q:
        """The filters as one condition; `prefix` names the member from another table."""
        lookups: dict[str, Any] = {}
        if self.status:
            lookups["status"] = self.status
        if self.age in AGE_BANDS:
            lo, hi = AGE_BANDS[self.age]
            year = timezone.localdate().year
            lookups.update(birth_year__gte=year - hi, birth_year__lte=year - lo)
        if self.ethnicity is not None:
            lookups["ethnicity"] = self.ethnicity
        if self.religion is not None:
            lookups["religion"] = self.religion
        lookups.update(DIGITAL.get(self.digital, {}))
        if self.join_year:
            lookups["join_date__year"] = self.join_year
        q = Q(**{prefix + k: v for k, v in lookups.items()})
        if self.branch is not None:
            q &= scope_q(self.branch, prefix)
        return q


def member_list(unit: Unit, filters: Filters | None = None) -> QuerySet[Member]:
    """The members of a unit's subtree, filtered, in Vietnamese name order."""
    qs = Member.objects.filter(scope_q(unit), (filters or Filters()).as_q())
    return qs.select_related("branch").order_by("sort_key", "id")


def member_count(unit: Unit, filters: Filters, cap: int) -> tuple[int, bool]:
    """How many members the list has, and whether that is exact. The plain list of a unit takes
    the background count (no scan of a province); a filtered one counts up to `cap`."""
    if filters.is_default and (stat := MemberStat.objects.filter(unit=unit).first()):
        return stat.active, True
    n = member_list(unit, filters).order_by()[: cap + 1].count()
    return min(n, cap), n <= cap


@dataclass
class SearchResult:
    members: list[Member] = field(default_factory=list)
    more: bool = False  # there are more matches than shown: type more to narrow
    by_citizen_id: bool = False  # the query could match a citizen ID: a sensitive look-up


def _token_scope(unit: Unit) -> tuple[dict[str, Any], Q]:
    """The name-index column that bounds a search in this unit, and what else narrows it."""
    if unit.level == Level.PROVINCE:
        return {"province_id": unit.pk}, Q()
    if unit.level == Level.COMMUNE:
        return {"commune_id": unit.pk}, Q()
    if unit.level in (Level.BRANCH, Level.GROUP):
        commune = Unit.objects.filter(path__in=unit.ancestor_paths, level=Level.COMMUNE).first()
        if commune is not None:
            return {"commune_id": commune.pk}, scope_q(unit, "member__")
    return {}, scope_q(unit, "member__")


def _word_range(word: str) -> dict[str, str]:
    return {"token__gte": word, "token__lt": prefix_upper_bound(word)}


def _number_query(q: str, sensitive: bool) -> Q | None:
    """A phone or card number typed in the search box, or a citizen ID for those who may see
    citizen IDs."""
    compact = "".join(q.split())
    for ch in ".-()":
        compact = compact.replace(ch, "")
    if not any(c.isdigit() for c in compact):
        return None
    found = Q(card_number=compact.upper())
    digits = compact.lstrip("+")
    if digits.isascii() and digits.isdigit():
        if sensitive and len(digits) == 12:
            found |= Q(citizen_id=digits)
        try:
            found |= Q(phone=normalise_phone(compact))
        except ValueError:
            if len(digits) >= 4 and digits.startswith("0"):
                found |= Q(phone__startswith=digits)
    return found


def _estimates(tokens: QuerySet[NameToken], typed: list[str]) -> dict[str, int]:
    """How many names have a word starting with each typed word, counted up to DRIVE_CAP, all in
    one round trip to the database."""
    parts: list[str] = []
    params: list[Any] = []
    for i, w in enumerate(typed):
        sql, p = tokens.filter(**_word_range(w)).values("id")[:DRIVE_CAP].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS w{i})")
        params.extend(p)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(typed, row, strict=True))


MAX_WORDS = 6
MAX_QUERY = 100


def search(
    unit: Unit,
    q: str,
    filters: Filters | None = None,
    limit: int = SEARCH_LIMIT,
    *,
    sensitive: bool = False,
) -> SearchResult:
    """Members whose name has a word starting with each typed word (or whose number matches).

    The rarest typed word drives: its range of the name index is read in token order, each hit
    joined to its member (scope and filters) and checked for the other words, until a page of
    matches is found; that page is then put in name order. Capped counts pick the rarest word.
    """
    filters = filters or Filters()
    q = q[:MAX_QUERY]
    if (number := _number_query(q, sensitive)) is not None:
        found = list(member_list(unit, filters).filter(number)[: limit + 1])
        by_cid = sensitive and len("".join(c for c in q if c.isdigit())) == 12
        return SearchResult(found[:limit], len(found) > limit, by_citizen_id=by_cid)
    typed = list(dict.fromkeys(w for w in words(q) if w))[:MAX_WORDS]
    if not typed:
        return SearchResult()
    scope, narrower = _token_scope(unit)
    tokens = NameToken.objects.filter(**scope)
    estimates = _estimates(tokens, typed)
    # The rarest word drives. Among words too common to count, the longest is the most telling,
    # and then the last typed: people type the given name last, and it narrows more than "thi".
    order = {w: i for i, w in enumerate(typed)}
    driver = min(typed, key=lambda w: (estimates[w], -len(w), -order[w]))
    if estimates[driver] == 0:
        return SearchResult()
    hits = tokens.filter(narrower, **_word_range(driver))
    # The plain search (active members) is answered by the name index alone; other filters
    # join each hit to its member.
    hits = hits.filter(Q(active=True) if filters.is_default else filters.as_q("member__"))
    for w in typed:
        if w != driver:
            hits = hits.filter(words__contains=" " + w)
    # The page of hits and their members in one query; then the page is put in name order.
    page = hits.order_by("token").values("member_id")[: limit + 1]
    found = list(
        Member.objects.filter(pk__in=page).select_related("branch").order_by("sort_key", "id")
    )
    return SearchResult(found[:limit], len(found) > limit)


def inbox_count(unit: Unit) -> int:
    """What waits for a unit's cadres: transfers coming in, members asking to be erased."""
    transfers = Transfer.objects.filter(status="pending", to_path__startswith=unit.path).count()
    erasures = DeletionRequest.objects.filter(
        handled_at__isnull=True, member__branch_path__startswith=unit.path
    ).count()
    return transfers + erasures


def access_member(scope: Scope, pk: Any) -> Member:
    """A member of the scope's subtree, or 404: another unit's member looks like no member."""
    members = Member.objects.within(scope.unit).select_related("branch", "group", "commune", "user")
    return access(members, pk, "member")


def access_import(scope: Scope, pk: Any) -> MemberImport:
    """One of the user's own imports into the scope's subtree, or 404."""
    imports = MemberImport.objects.select_related("unit", "default_branch").filter(
        user=scope.user, unit__path__startswith=scope.unit.path
    )
    return access(imports, pk, "import")


def access_export(scope: Scope, pk: Any) -> MemberExport:
    """One of the user's own exports from the scope's subtree, or 404."""
    exports = MemberExport.objects.filter(user=scope.user, unit__path__startswith=scope.unit.path)
    return access(exports, pk, "export")


def access_any_member(assignments: list[Assignment], pk: Any) -> Member:
    """A member under any of the user's assignments, or 404: the API names a member without a
    unit, so her scope is found after her (from her branch), never before."""
    under = Q(pk__in=[])
    for a in assignments:
        under |= Q(branch_path__startswith=a.unit.path)
    return access(Member.objects.filter(under).select_related("branch", "commune"), pk, "member")


def _transfers() -> QuerySet[Transfer]:
    return Transfer.objects.select_related("member", "from_branch", "to_unit", "requested_by")


def access_incoming_transfer(scope: Scope, pk: Any) -> Transfer:
    """A pending transfer into the scope's subtree (to accept or refuse), or 404."""
    pending = _transfers().filter(
        status=TransferStatus.PENDING, to_path__startswith=scope.unit.path
    )
    return access(pending, pk, "transfer")


def access_outgoing_transfer(scope: Scope, pk: Any) -> Transfer:
    """A pending transfer out of the scope's subtree (to cancel), or 404."""
    pending = _transfers().filter(
        status=TransferStatus.PENDING, from_path__startswith=scope.unit.path
    )
    return access(pending, pk, "transfer")


def access_deletion_request(scope: Scope, pk: Any) -> DeletionRequest:
    """An unanswered request to be erased from a member of the scope's subtree, or 404."""
    waiting = DeletionRequest.objects.filter(
        handled_at__isnull=True, member__branch_path__startswith=scope.unit.path
    )
    return access(waiting.select_related("member"), pk, "deletion request")
