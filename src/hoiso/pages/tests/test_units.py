"""Unit pages: the home with its children, add, edit and close; wiring, permissions, partials."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoiso.conftest import make_unit
from hoiso.core.models import AuditEvent
from hoiso.units.models import Level, Unit, today
from hoiso.units.services import unit_close


def _home(cast, user, unit, **params):
    return cast.client(user).get(f"/u/{unit.code}/", params)


def _children(response) -> dict[str, Any]:
    return {c.name: c for c in response.context["children"]}


def _crumbs(response) -> list[str]:
    nav = re.search(r'<nav class="crumbs".*?</nav>', response.text, re.S)
    assert nav is not None
    return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", nav[0])]


# --- the unit home ----------------------------------------------------------------------------


def test_it_lists_a_communes_branches_with_their_group_counts(cast):
    response = _home(cast, cast.hoa, cast.commune_a)
    assert response.status_code == 200
    children = _children(response)
    assert set(children) == {"Chi hội Thôn 1", "Chi hội Buôn Ea Sinh"}
    assert children["Chi hội Thôn 1"].n_groups == 1
    assert children["Chi hội Buôn Ea Sinh"].n_groups == 0
    assert "Chi hội Thôn 1" in response.text
    assert "Chi hội Thôn Tân Lập" not in response.text


def test_it_lists_a_provinces_communes_with_their_branch_and_group_counts(cast):
    response = _home(cast, cast.lan, cast.province)
    children = _children(response)
    assert (children["Xã Ea Kar"].n_branches, children["Xã Ea Kar"].n_groups) == (2, 1)
    assert (children["Xã Krông Pắc"].n_branches, children["Xã Krông Pắc"].n_groups) == (1, 0)


def test_it_counts_only_open_units_below_a_child(cast):
    unit_close(actor=cast.hoa, unit=cast.group_a1, on=today())
    unit_close(actor=cast.hoa, unit=cast.branch_a2, on=today())
    children = _children(_home(cast, cast.lan, cast.province))
    assert (children["Xã Ea Kar"].n_branches, children["Xã Ea Kar"].n_groups) == (1, 0)


def test_it_lists_children_in_vietnamese_order(cast):
    for name in ["Chi hội Thôn 10", "Chi hội Thôn 2", "Chi hội Ấp Đông"]:
        make_unit(cast.commune_a, Level.BRANCH, f"x-{name[-2:]}", name)
    names = [c.name for c in _home(cast, cast.hoa, cast.commune_a).context["children"]]
    assert names == [
        "Chi hội Ấp Đông",
        "Chi hội Buôn Ea Sinh",
        "Chi hội Thôn 1",
        "Chi hội Thôn 2",
        "Chi hội Thôn 10",
    ]


def test_it_hides_closed_children(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a2, on=today())
    response = _home(cast, cast.hoa, cast.commune_a)
    assert set(_children(response)) == {"Chi hội Thôn 1"}
    assert "Chi hội Buôn Ea Sinh" not in response.text


def test_it_shows_closed_children_last_when_asked(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=today())
    response = _home(cast, cast.hoa, cast.commune_a, closed="1")
    names = [c.name for c in response.context["children"]]
    assert names == ["Chi hội Buôn Ea Sinh", "Chi hội Thôn 1"]
    assert 'class="closed"' in response.text


def test_it_shows_a_child_whose_closing_is_only_scheduled(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a2, on=today() + dt.timedelta(days=5))
    assert "Chi hội Buôn Ea Sinh" in _children(_home(cast, cast.hoa, cast.commune_a))


def test_it_answers_htmx_with_the_list_alone(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a2, on=today())
    response = cast.client(cast.hoa).get(
        f"/u/{cast.commune_a.code}/", {"closed": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<body" not in response.text
    assert 'id="children"' in response.text
    assert "Chi hội Buôn Ea Sinh" in response.text
    assert "Chi hội Thôn 1" in response.text


def test_it_answers_a_plain_request_with_the_whole_page(cast):
    response = _home(cast, cast.hoa, cast.commune_a)
    assert "<html" in response.text
    assert 'id="children"' in response.text


def test_it_speaks_vietnamese_by_default(cast):
    response = _home(cast, cast.hoa, cast.commune_a)
    assert '<html lang="vi">' in response.text


def test_it_offers_the_add_button_to_a_cadre_only(cast):
    assert _home(cast, cast.hoa, cast.commune_a).context["can_add"] is True
    assert _home(cast, cast.vy, cast.commune_a).context["can_add"] is False
    assert _home(cast, cast.mai, cast.branch_a1).context["can_add"] is False
    # Groups take no units below them.
    assert _home(cast, cast.hoa, cast.group_a1).context["can_add"] is False


def test_it_offers_editing_from_above_only(cast):
    assert _home(cast, cast.hoa, cast.commune_a).context["can_edit"] is False
    assert _home(cast, cast.hoa, cast.branch_a1).context["can_edit"] is True
    assert _home(cast, cast.lan, cast.commune_a).context["can_edit"] is True


def test_it_hides_another_communes_home(cast):
    assert _home(cast, cast.hoa, cast.commune_b).status_code == 404
    assert _home(cast, cast.thu, cast.branch_a1).status_code == 404


def test_it_sends_an_anonymous_visitor_to_log_in(cast):
    response = _home(cast, None, cast.commune_a)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_answers_404_for_a_unit_that_does_not_exist(cast):
    assert cast.client(cast.lan).get("/u/no-such-unit/").status_code == 404


def _home_queries(cast, user, unit) -> int:
    client = cast.client(user)
    client.get(f"/u/{unit.code}/")  # warm up: session, translations
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/u/{unit.code}/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_branches(commune: Unit, start: int, stop: int) -> None:
    for i in range(start, stop):
        branch = make_unit(commune, Level.BRANCH, f"{commune.code}-{i:02d}", f"Chi hội Thôn {i}")
        make_unit(branch, Level.GROUP, f"{branch.code}-1", "Tổ phụ nữ số 1")


def test_it_loads_a_commune_home_in_the_same_number_of_queries_for_many_branches(cast):
    commune = make_unit(cast.province, Level.COMMUNE, "24400", "Xã Ea Ô")
    _add_branches(commune, 1, 6)
    few = _home_queries(cast, cast.lan, commune)
    _add_branches(commune, 6, 31)
    many = _home_queries(cast, cast.lan, commune)
    assert Unit.objects.filter(parent=commune).count() == 30
    assert many == few


def test_it_loads_a_province_home_in_the_same_number_of_queries_for_many_communes(cast):
    few = _home_queries(cast, cast.lan, cast.province)
    for i in range(30):
        commune = make_unit(cast.province, Level.COMMUNE, f"25{i:03d}", f"Xã Số {i}")
        make_unit(commune, Level.BRANCH, f"{commune.code}-01", "Chi hội Thôn 1")
    many = _home_queries(cast, cast.lan, cast.province)
    assert many == few


# --- breadcrumbs ------------------------------------------------------------------------------


def test_it_starts_the_breadcrumbs_of_a_branch_head_at_her_branch(cast):
    response = _home(cast, cast.mai, cast.group_a1)
    assert response.status_code == 200
    assert _crumbs(response) == ["Chi hội Thôn 1", "Tổ phụ nữ số 1"]
    assert [u.pk for u in response.context["scope"].breadcrumbs()] == [
        cast.branch_a1.pk,
        cast.group_a1.pk,
    ]


def test_it_starts_the_breadcrumbs_of_a_commune_cadre_at_her_commune(cast):
    response = _home(cast, cast.hoa, cast.group_a1)
    assert _crumbs(response) == ["Xã Ea Kar", "Chi hội Thôn 1", "Tổ phụ nữ số 1"]


def test_it_starts_the_breadcrumbs_of_the_province_cadre_at_the_province(cast):
    response = _home(cast, cast.lan, cast.branch_a1)
    assert _crumbs(response) == ["Tỉnh Đắk Lắk", "Xã Ea Kar", "Chi hội Thôn 1"]


# --- adding a branch --------------------------------------------------------------------------


def test_it_shows_the_add_form_with_the_parents_flags(cast):
    cast.commune_a.is_ethnic_minority_area = True
    cast.commune_a.save()
    response = cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/add/")
    assert response.status_code == 200
    assert response.context["form"].initial["is_ethnic_minority_area"] is True
    assert response.context["level"] == Level.BRANCH


def test_it_adds_a_branch_and_goes_back_to_the_commune(cast):
    response = cast.client(cast.hoa).post(
        f"/u/{cast.commune_a.code}/add/", {"name": "Chi hội Thôn 5", "is_remote_area": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/u/{cast.commune_a.code}/"
    branch = Unit.objects.get(name="Chi hội Thôn 5")
    assert branch.parent == cast.commune_a
    assert branch.level == Level.BRANCH
    assert branch.is_remote_area is True
    assert AuditEvent.objects.filter(action="unit.created", actor=cast.hoa).count() == 1


def test_it_confirms_the_new_branch_on_the_next_page(cast):
    client = cast.client(cast.hoa)
    response = client.post(
        f"/u/{cast.commune_a.code}/add/", {"name": "Chi hội Thôn 5"}, follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert "Chi hội Thôn 5" in _children(response)


def test_it_adds_a_group_to_a_branch(cast):
    response = cast.client(cast.hoa).post(
        f"/u/{cast.branch_a1.code}/add/", {"name": "Tổ phụ nữ số 2"}
    )
    assert response.status_code == 302
    assert Unit.objects.get(name="Tổ phụ nữ số 2").parent == cast.branch_a1


@pytest.mark.parametrize("name", ["chi hoi thon 1", ""])
def test_it_shows_the_form_again_with_an_error_for_a_bad_name(cast, name):
    response = cast.client(cast.hoa).post(f"/u/{cast.commune_a.code}/add/", {"name": name})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    assert "name" in form.errors or form.non_field_errors()
    assert 'class="error"' in response.text or 'class="errors"' in response.text
    assert '<html lang="vi">' in response.text
    assert Unit.objects.filter(parent=cast.commune_a).count() == 2
    assert not AuditEvent.objects.exists()


def test_it_shows_errors_in_english_once_english_is_chosen(cast):
    client = cast.client(cast.hoa)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(f"/u/{cast.commune_a.code}/add/", {"name": "chi hoi thon 1"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Xã Ea Kar" in " ".join(response.context["form"].errors["name"])


def test_it_sends_the_add_form_of_a_group_back_with_a_message(cast):
    response = cast.client(cast.hoa).get(f"/u/{cast.group_a1.code}/add/", follow=True)
    assert response.redirect_chain == [(f"/u/{cast.group_a1.code}/", 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_it_sends_the_add_form_of_a_closed_branch_back(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=today())
    response = cast.client(cast.hoa).post(
        f"/u/{cast.branch_a1.code}/add/", {"name": "Tổ phụ nữ số 2"}
    )
    assert response.status_code == 302
    assert not Unit.objects.filter(name="Tổ phụ nữ số 2").exists()


@pytest.mark.parametrize(
    ("who", "where", "status"),
    [("vy", "commune_a", 403), ("mai", "branch_a1", 403), ("thu", "commune_a", 404)],
)
def test_it_refuses_the_add_form_to_those_who_may_not_add(cast, who, where, status):
    unit = getattr(cast, where)
    client = cast.client(getattr(cast, who))
    assert client.get(f"/u/{unit.code}/add/").status_code == status
    assert client.post(f"/u/{unit.code}/add/", {"name": "Chi hội X"}).status_code == status
    assert not Unit.objects.filter(name="Chi hội X").exists()


# --- editing ----------------------------------------------------------------------------------


def test_it_renames_a_branch_from_the_commune(cast):
    response = cast.client(cast.hoa).post(
        f"/u/{cast.branch_a1.code}/edit/", {"name": "Chi hội Thôn Một"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/u/{cast.branch_a1.code}/"
    cast.branch_a1.refresh_from_db()
    assert cast.branch_a1.name == "Chi hội Thôn Một"
    assert AuditEvent.objects.get(action="unit.updated").data["name"] == [
        "Chi hội Thôn 1",
        "Chi hội Thôn Một",
    ]


def test_it_shows_the_edit_form_filled_in(cast):
    response = cast.client(cast.hoa).get(f"/u/{cast.branch_a1.code}/edit/")
    assert response.status_code == 200
    assert response.context["form"].initial["name"] == "Chi hội Thôn 1"
    assert response.context["editing"] is True


def test_it_refuses_to_rename_a_branch_to_a_siblings_name(cast):
    response = cast.client(cast.hoa).post(
        f"/u/{cast.branch_a1.code}/edit/", {"name": "Chi hội Buôn Ea Sinh"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    cast.branch_a1.refresh_from_db()
    assert cast.branch_a1.name == "Chi hội Thôn 1"


def test_it_lets_the_province_set_a_communes_flags_but_not_its_name(cast):
    client = cast.client(cast.lan)
    form = client.get(f"/u/{cast.commune_a.code}/edit/").context["form"]
    assert form.fields["name"].disabled
    response = client.post(
        f"/u/{cast.commune_a.code}/edit/", {"name": "Xã Đổi Tên", "is_border_area": "on"}
    )
    assert response.status_code == 302
    cast.commune_a.refresh_from_db()
    assert cast.commune_a.name == "Xã Ea Kar"
    assert cast.commune_a.is_border_area is True
    assert AuditEvent.objects.get(action="unit.updated").data == {"is_border_area": [False, True]}


def test_it_refuses_a_cadre_the_edit_form_of_her_own_unit(cast):
    assert cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/edit/").status_code == 403


def test_it_refuses_the_edit_form_to_a_viewer(cast):
    assert cast.client(cast.vy).get(f"/u/{cast.branch_a1.code}/edit/").status_code == 403


def test_it_records_nothing_for_an_edit_that_changes_nothing(cast):
    response = cast.client(cast.hoa).post(
        f"/u/{cast.branch_a1.code}/edit/", {"name": "Chi hội Thôn 1"}
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


# --- closing ----------------------------------------------------------------------------------


def test_it_shows_the_close_form_with_today(cast):
    response = cast.client(cast.hoa).get(f"/u/{cast.branch_a1.code}/close/")
    assert response.status_code == 200
    assert response.context["form"].initial["on"] == today()


@pytest.mark.parametrize("shape", ["%Y-%m-%d", "%d/%m/%Y"])
def test_it_closes_a_branch_and_goes_back_to_the_commune(cast, shape):
    # The date is taken when the test runs, not when it is collected (a run may cross midnight).
    on = today().strftime(shape)
    response = cast.client(cast.hoa).post(
        f"/u/{cast.branch_a1.code}/close/", {"on": on, "reason": "Sáp nhập thôn"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/u/{cast.commune_a.code}/"
    cast.branch_a1.refresh_from_db()
    cast.group_a1.refresh_from_db()
    assert cast.branch_a1.valid_to.strftime(shape) == on
    assert cast.group_a1.valid_to.strftime(shape) == on
    assert AuditEvent.objects.get(action="unit.closed").data["reason"] == "Sáp nhập thôn"


@pytest.mark.parametrize("on", ["31/02/2026", "hôm nay", "", "2025-06-30"])
def test_it_shows_the_close_form_again_for_a_bad_date(cast, on):
    # 2025-06-30 is the day before the branch was created.
    response = cast.client(cast.hoa).post(f"/u/{cast.branch_a1.code}/close/", {"on": on})
    assert response.status_code == 200
    assert "on" in response.context["form"].errors
    cast.branch_a1.refresh_from_db()
    assert cast.branch_a1.valid_to is None


def test_it_refuses_a_closing_date_years_ahead(cast):
    far = (today() + dt.timedelta(days=800)).isoformat()
    response = cast.client(cast.hoa).post(f"/u/{cast.branch_a1.code}/close/", {"on": far})
    assert response.status_code == 200
    assert "on" in response.context["form"].errors


def test_it_sends_the_close_form_of_a_commune_back_with_a_message(cast):
    response = cast.client(cast.lan).post(
        f"/u/{cast.commune_a.code}/close/", {"on": today().isoformat()}, follow=True
    )
    assert response.redirect_chain == [(f"/u/{cast.commune_a.code}/", 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    cast.commune_a.refresh_from_db()
    assert cast.commune_a.valid_to is None


def test_it_sends_the_close_form_of_a_closed_branch_back(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=today())
    response = cast.client(cast.hoa).get(f"/u/{cast.branch_a1.code}/close/")
    assert response.status_code == 302
    assert response["Location"] == f"/u/{cast.branch_a1.code}/"
    assert AuditEvent.objects.filter(action="unit.closed").count() == 1


@pytest.mark.parametrize(
    ("who", "where", "status"),
    [("vy", "branch_a1", 403), ("mai", "branch_a1", 403), ("hoa", "commune_a", 403),
     ("thu", "branch_a1", 404)],
)  # fmt: skip
def test_it_refuses_the_close_form_to_those_who_may_not_close(cast, who, where, status):
    unit = getattr(cast, where)
    response = cast.client(getattr(cast, who)).post(
        f"/u/{unit.code}/close/", {"on": today().isoformat()}
    )
    assert response.status_code == status
    assert not Unit.objects.exclude(valid_to=None).exists()
