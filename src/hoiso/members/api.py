"""Members in the API: list, search and detail, within the caller's scope."""

from __future__ import annotations

import datetime as dt
import math

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from hoiso.accounts.access import assignments_of, resolve, scope_for
from hoiso.accounts.roles import VIEW_MEMBERS, VIEW_SENSITIVE
from hoiso.core import audit
from hoiso.members import selectors, services

router = Router(tags=["members"])
PAGE_SIZE = 50


class UnitRef(Schema):
    code: str
    name: str


class MemberOut(Schema):
    id: int
    full_name: str
    kind: str
    status: str
    birth_year: int | None
    phone: str
    card_number: str
    join_date: dt.date | None
    branch: UnitRef
    has_smartphone: bool
    uses_zalo: bool
    uses_facebook: bool
    digital_skill: int


class MemberDetail(MemberOut):
    birth_date: dt.date | None
    sex: str
    address: str
    village: str
    education: int | None
    occupation: str
    party_member: bool
    household: str
    commune: UnitRef
    consent_purposes: list[str]
    consent_date: dt.date | None
    # Present only for callers whose role may see sensitive data; each such read is audited.
    ethnicity: int | None = None
    religion: int | None = None
    citizen_id: str | None = None


class MemberPage(Schema):
    count: int
    page: int
    pages: int
    results: list[MemberOut]


class SearchOut(Schema):
    results: list[MemberOut]
    more: bool


def _filters(status: str) -> selectors.Filters:
    return selectors.Filters(status="" if status == "all" else status)


@router.get("", response=MemberPage, summary="Members of a unit's subtree, in name order")
def list_members(
    request: HttpRequest, unit: str, status: str = "active", page: int = 1
) -> dict[str, object]:
    scope = resolve(request, unit, VIEW_MEMBERS)
    qs = selectors.member_list(scope.unit, _filters(status))
    count = qs.count()
    pages = max(1, math.ceil(count / PAGE_SIZE))
    page = min(max(1, page), pages)
    results = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return {"count": count, "page": page, "pages": pages, "results": results}


@router.get("/search", response=SearchOut, summary="Search by name (no accents needed) or number")
def search_members(
    request: HttpRequest, unit: str, q: str, status: str = "active"
) -> dict[str, object]:
    scope = resolve(request, unit, VIEW_MEMBERS)
    sensitive = scope.can(VIEW_SENSITIVE)
    result = selectors.search(scope.unit, q, _filters(status), sensitive=sensitive)
    if result.by_citizen_id:
        audit.log(scope.user, "members.searched_citizen_id", scope.unit)
    return {"results": result.members, "more": result.more}


@router.get("/{member_id}", response=MemberDetail, summary="One member")
def member_detail(request: HttpRequest, member_id: int) -> MemberDetail:
    member = selectors.access_any_member(assignments_of(request), member_id)
    scope = scope_for(request, member.branch)
    if not scope.can(VIEW_MEMBERS):
        raise PermissionDenied
    out = MemberDetail.model_validate(member)
    # The schema reads every attribute it names; sensitive ones stay only for roles that may
    # see them, and that reading is recorded.
    if scope.can(VIEW_SENSITIVE):
        services.sensitive_viewed(actor=scope.user, member=member)
    else:
        out.ethnicity = out.religion = out.citizen_id = None
    return out
