"""Regression tests for what a security and correctness review found (one per finding)."""

import itertools

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hoiso.accounts.models import Assignment
from hoiso.accounts.roles import Role
from hoiso.accounts.tokens import token_create
from hoiso.conftest import make_member, make_user
from hoiso.members import services
from hoiso.members.choices import Status, TransferStatus

CID = "066185000123"


def _c(cast, user):
    c = cast.client(user)
    c.raise_request_exception = False
    return c


def test_it_does_not_move_a_member_where_the_cadre_only_views(cast):
    Assignment.objects.create(user=cast.hoa, unit=cast.province, role=Role.VIEWER)
    m = make_member(cast.branch_a1)
    cast.client(cast.hoa).post(
        f"/u/{cast.commune_a.code}/members/{m.pk}/transfer/", {"to_unit": cast.branch_b1.pk}
    )
    m.refresh_from_db()
    assert m.branch_id != cast.branch_b1.pk  # moved into commune B with only a viewer role there


def test_it_does_not_let_a_viewer_find_a_member_by_citizen_id(cast):
    m = make_member(cast.branch_a1, citizen_id=CID)
    html = (
        cast.client(cast.vy).get(f"/u/{cast.commune_a.code}/members/", {"q": CID}).content.decode()
    )
    assert m.full_name not in html
    _t, plain = token_create(user=cast.vy, name="x")
    r = Client().get(
        "/api/v1/members/search",
        {"unit": cast.commune_a.code, "q": CID},
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    assert r.json()["results"] == []


def test_it_answers_a_branch_head_edit_that_conflicts_with_a_hidden_id(cast):
    m = make_member(cast.branch_a1, citizen_id=CID)
    data = {
        "full_name": m.full_name,
        "kind": "regular",
        "sex": "F",
        "birth_date": "05/03/1990",
        "join_date": "01/01/2010",
        "digital_skill": 0,
        "household": "",
    }
    assert (
        _c(cast, cast.mai).post(f"/u/{cast.branch_a1.code}/members/{m.pk}/edit/", data).status_code
        != 500
    )


def test_it_closes_transfers_on_erasure_and_never_restores(cast):
    m = make_member(cast.branch_a1)
    t = services.transfer_request(actor=cast.hoa, member=m, to_unit=cast.commune_b)
    services.member_erase(actor=cast.hoa, member=m)
    t.refresh_from_db()
    assert t.status != TransferStatus.PENDING


def test_it_does_not_hand_a_cadres_account_to_a_member(cast):
    m = make_member(cast.branch_b1, full_name="Ai Đó", phone=cast.lan.phone)
    cast.client(cast.thu).post(f"/u/{cast.commune_b.code}/members/{m.pk}/account/")
    m.refresh_from_db()
    assert m.user_id != cast.lan.pk


def test_it_finds_a_free_username_for_a_members_login(cast):
    m = make_member(cast.branch_a1, phone="0987654322")
    make_user(f"hv{m.pk}", "x", "")
    assert (
        _c(cast, cast.hoa).post(f"/u/{cast.commune_a.code}/members/{m.pk}/account/").status_code
        != 500
    )


def test_it_refuses_an_impossible_join_year_without_crashing(cast):
    assert (
        _c(cast, cast.hoa).get(f"/u/{cast.commune_a.code}/members/?join_year=99999").status_code
        != 500
    )


def test_it_clamps_a_huge_api_page(cast):
    _t, plain = token_create(user=cast.hoa, name="x")
    c = Client(raise_request_exception=False)
    r = c.get(
        "/api/v1/members",
        {"unit": cast.commune_a.code, "page": 10**20},
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    assert r.status_code != 500


def test_it_ignores_a_malformed_token_id(cast):
    assert _c(cast, cast.hoa).post("/accounts/tokens/", {"revoke": "abc"}).status_code != 500


def test_it_bounds_the_queries_of_a_very_long_search(cast):
    q = " ".join(
        "".join(p) for p in itertools.islice(itertools.product("abcdefghij", repeat=3), 1000)
    )
    with CaptureQueriesContext(connection) as ctx:
        cast.client(cast.vy).get(f"/u/{cast.commune_a.code}/members/", {"q": q})
    assert len(ctx.captured_queries) < 50


def test_it_refuses_to_close_a_branch_with_active_members(cast):
    import datetime as dt

    m = make_member(cast.branch_a2)
    cast.client(cast.hoa).post(
        f"/u/{cast.branch_a2.code}/close/", {"on": dt.date.today().strftime("%d/%m/%Y")}
    )
    cast.branch_a2.refresh_from_db()
    m.refresh_from_db()
    assert not (cast.branch_a2.is_closed and m.status == Status.ACTIVE)
