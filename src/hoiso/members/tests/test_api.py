"""The members API: personal tokens, list, search and detail within scope, sensitive fields, the
OpenAPI schema and its docs page."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from hoiso.accounts.models import ApiToken
from hoiso.accounts.tokens import token_create, token_revoke
from hoiso.conftest import make_member
from hoiso.core.models import AuditEvent
from hoiso.members.choices import Religion, RemovalReason
from hoiso.members.models import Member
from hoiso.members.services import member_remove
from hoiso.members.tests.conftest import CID

SENSITIVE = ("ethnicity", "religion", "citizen_id")


def api(user, path: str, token: str | None = None, **params):
    if token is None and user is not None:
        token = token_create(user=user, name="test")[1]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().get(f"/api/v1/{path}", params, headers=headers)


@pytest.fixture
def others(cast) -> list[Member]:
    return [
        make_member(cast.branch_a2, "Hà Anh"),
        make_member(cast.branch_a1, "Nguyễn Thị Lan"),
        make_member(cast.branch_b1, "Lê Thị Cúc"),
    ]


def sensitive_reads() -> int:
    return AuditEvent.objects.filter(action="member.sensitive_viewed").count()


# --- authentication -------------------------------------------------------------------------


def test_it_answers_401_without_a_token(cast, binh):
    for path in ("members", "members/search", f"members/{binh.pk}"):
        response = api(None, path, unit=cast.commune_a.code, q="binh")
        assert response.status_code == 401, path


@pytest.mark.parametrize("token", ["hs_wrong", "wrong", "hs_" + "x" * 40])
def test_it_answers_401_for_a_wrong_token(cast, binh, token):
    assert api(None, "members", token=token, unit=cast.commune_a.code).status_code == 401


def test_it_answers_401_for_a_session_without_a_token(cast, binh):
    response = cast.client(cast.hoa).get("/api/v1/members", {"unit": cast.commune_a.code})
    assert response.status_code == 401


def test_it_answers_401_once_the_token_is_revoked(cast, binh):
    token, plain = token_create(user=cast.hoa, name="phone")
    assert api(None, "members", token=plain, unit=cast.commune_a.code).status_code == 200
    token_revoke(user=cast.hoa, token=token)
    assert api(None, "members", token=plain, unit=cast.commune_a.code).status_code == 401


def test_it_answers_401_for_the_token_of_a_deactivated_account(cast, binh):
    plain = token_create(user=cast.hoa, name="phone")[1]
    cast.hoa.is_active = False
    cast.hoa.save()
    assert api(None, "members", token=plain, unit=cast.commune_a.code).status_code == 401


def test_it_records_when_a_token_was_last_used(cast, binh):
    token, plain = token_create(user=cast.hoa, name="phone")
    api(None, "members", token=plain, unit=cast.commune_a.code)
    token = ApiToken.objects.get(pk=token.pk)
    assert token.last_used_at is not None


# --- list -----------------------------------------------------------------------------------


def test_it_lists_the_members_of_a_unit_in_name_order(cast, binh, others):
    response = api(cast.hoa, "members", unit=cast.commune_a.code)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (3, 1, 1)
    assert [m["full_name"] for m in body["results"]] == [
        "Hà Anh",
        "Nguyễn Thị Bình",
        "Nguyễn Thị Lan",
    ]
    first = body["results"][1]
    assert first["branch"] == {"code": cast.branch_a1.code, "name": "Chi hội Thôn 1"}
    assert (first["phone"], first["card_number"]) == ("0987654321", "DL0001")
    assert not set(SENSITIVE) & set(first)
    assert CID not in response.text


def test_it_lists_a_branch_for_its_head_and_the_province_for_its_cadre(cast, binh, others):
    names = [
        m["full_name"] for m in api(cast.mai, "members", unit=cast.branch_a1.code).json()["results"]
    ]
    assert names == ["Nguyễn Thị Bình", "Nguyễn Thị Lan"]
    assert api(cast.lan, "members", unit=cast.province.code).json()["count"] == 4


def test_it_pages_the_list_and_filters_by_status(cast):
    for i in range(53):
        make_member(cast.branch_a1, f"Nguyễn Thị Hoa {i:02d}")
    removed = make_member(cast.branch_a1, "Nguyễn Thị Xuân")
    member_remove(actor=cast.hoa, member=removed, reason=RemovalReason.LEFT)
    token = token_create(user=cast.hoa, name="t")[1]
    page2 = api(None, "members", token=token, unit=cast.commune_a.code, page=2).json()
    assert (page2["count"], page2["page"], page2["pages"]) == (53, 2, 2)
    assert len(page2["results"]) == 3
    gone = api(None, "members", token=token, unit=cast.commune_a.code, status="removed").json()
    assert [m["full_name"] for m in gone["results"]] == ["Nguyễn Thị Xuân"]
    assert (
        api(None, "members", token=token, unit=cast.commune_a.code, status="all").json()["count"]
        == 54
    )
    assert api(None, "members", token=token, unit=cast.commune_a.code, page=0).json()["page"] == 1


def test_it_answers_404_for_a_unit_outside_the_callers_scope(cast, binh, others):
    assert api(cast.hoa, "members", unit=cast.commune_b.code).status_code == 404
    assert api(cast.hoa, "members", unit="no-such-unit").status_code == 404
    assert api(cast.mai, "members", unit=cast.branch_a2.code).status_code == 404
    assert api(cast.hoa, "members/search", unit=cast.commune_b.code, q="le").status_code == 404


# --- search ---------------------------------------------------------------------------------


def test_it_searches_names_without_diacritics_within_the_unit(cast, binh, others):
    token = token_create(user=cast.hoa, name="t")[1]
    response = api(None, "members/search", token=token, unit=cast.commune_a.code, q="ng thi b")
    assert response.status_code == 200
    assert response.json()["more"] is False
    assert [m["full_name"] for m in response.json()["results"]] == ["Nguyễn Thị Bình"]
    found = api(None, "members/search", token=token, unit=cast.commune_a.code, q="le thi cuc")
    assert found.json()["results"] == []
    cuc = api(cast.lan, "members/search", unit=cast.province.code, q="le thi cuc").json()
    assert [m["full_name"] for m in cuc["results"]] == ["Lê Thị Cúc"]


def test_it_searches_by_phone_id_or_card(cast, binh, others):
    token = token_create(user=cast.hoa, name="t")[1]
    for q in ("+84 987 654 321", CID, "dl0001"):
        body = api(None, "members/search", token=token, unit=cast.commune_a.code, q=q).json()
        assert [m["id"] for m in body["results"]] == [binh.pk], q
        assert CID not in str(body)


def test_it_needs_a_query_to_search(cast, binh):
    assert api(cast.hoa, "members/search", unit=cast.commune_a.code).status_code == 422


# --- detail ---------------------------------------------------------------------------------


def test_it_gives_a_members_detail_within_scope(cast, binh):
    response = api(cast.mai, f"members/{binh.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["full_name"], body["birth_date"]) == (
        binh.pk,
        "Nguyễn Thị Bình",
        "1985-03-05",
    )
    assert body["commune"] == {"code": cast.commune_a.code, "name": "Xã Ea Kar"}


def test_it_answers_404_for_another_communes_member(cast, binh, others):
    theirs = others[2]
    assert api(cast.hoa, f"members/{theirs.pk}").status_code == 404
    assert api(cast.thu, f"members/{binh.pk}").status_code == 404
    assert sensitive_reads() == 0
    assert api(cast.mai, f"members/{others[0].pk}").status_code == 404
    assert api(cast.hoa, "members/999999").status_code == 404


def test_it_answers_the_same_404_for_a_member_out_of_scope_and_one_that_does_not_exist(
    cast, others
):
    out_of_scope = api(cast.hoa, f"members/{others[2].pk}")
    missing = api(cast.hoa, "members/999999")
    assert (out_of_scope.status_code, out_of_scope.json()) == (missing.status_code, missing.json())


@pytest.mark.parametrize("who", ["hoa", "lan"])
def test_it_gives_sensitive_fields_to_cadres_and_audits_each_read(cast, binh, who):
    user = getattr(cast, who)
    token = token_create(user=user, name="t")[1]
    for n in (1, 2):
        body = api(None, f"members/{binh.pk}", token=token).json()
        assert (body["ethnicity"], body["religion"], body["citizen_id"]) == (
            12,
            Religion.PROTESTANTISM,
            CID,
        )
        assert sensitive_reads() == n
    event = AuditEvent.objects.filter(action="member.sensitive_viewed").first()
    assert (event.actor, event.object_id, event.unit) == (user, str(binh.pk), cast.branch_a1)


@pytest.mark.parametrize("who", ["mai", "vy"])
def test_it_withholds_sensitive_fields_from_other_roles(cast, binh, who):
    response = api(getattr(cast, who), f"members/{binh.pk}")
    assert response.status_code == 200
    body = response.json()
    assert {field: body[field] for field in SENSITIVE} == dict.fromkeys(SENSITIVE)
    assert CID not in response.text


@pytest.mark.parametrize("who", ["mai", "vy"])
def test_it_audits_no_sensitive_read_for_other_roles(cast, binh, who):
    assert api(getattr(cast, who), f"members/{binh.pk}").status_code == 200
    assert sensitive_reads() == 0


# --- schema and docs ------------------------------------------------------------------------


def test_it_serves_an_openapi_schema_with_the_three_member_endpoints(cast):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert {"/api/v1/members", "/api/v1/members/search", "/api/v1/members/{member_id}"} <= set(
        paths
    )
    assert all("get" in paths[p] for p in paths if p.startswith("/api/v1/members"))
    assert schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    detail = schema["components"]["schemas"]["MemberDetail"]
    assert set(SENSITIVE) <= set(detail["properties"])
    assert not set(SENSITIVE) & set(detail["required"])


def test_it_serves_the_docs_page_with_its_assets_from_static(cast):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.startswith("/static/") and a.endswith(".js") for a in assets)
    assert any(a.startswith("/static/") and a.endswith(".css") for a in assets)
    assert not [a for a in assets if "//" in a], assets
    for cdn in ("cdn.", "unpkg", "jsdelivr", "cdnjs"):
        assert cdn not in html
    # Each asset is a file the app ships (found without collectstatic), not a remote one.
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
