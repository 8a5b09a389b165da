"""hoiso.core.audit: who did what, to what, where and from where; append-only; the audit page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import ProtectedError

from hoiso.accounts.models import Assignment
from hoiso.conftest import PASSWORD
from hoiso.core import audit
from hoiso.core.models import AppendOnlyError, AuditEvent


@pytest.fixture(autouse=True)
def _no_login_failures_left_over():
    # Failed-login counters live in a process-wide cache: keep them from leaking between tests.
    cache.clear()
    yield
    cache.clear()


# --- log --------------------------------------------------------------------------------------


def test_it_records_actor_action_object_unit_and_data(cast):
    event = audit.log(cast.hoa, "unit.renamed", cast.branch_a1, data={"name": ["a", "b"]})
    event.refresh_from_db()
    assert event.actor == cast.hoa
    assert event.actor_name == "hoa"
    assert event.action == "unit.renamed"
    assert event.object_type == "units.unit"
    assert event.object_id == str(cast.branch_a1.pk)
    assert event.object_repr == "Chi hội Thôn 1"
    assert event.unit == cast.branch_a1
    assert event.unit_path == cast.branch_a1.path
    assert event.data == {"name": ["a", "b"]}
    assert event.created_at is not None


def test_it_files_an_object_under_its_own_unit(cast):
    assignment = Assignment.objects.get(user=cast.mai)
    event = audit.log(cast.hoa, "assignment.created", assignment)
    assert event.unit == cast.branch_a1
    assert event.unit_path == cast.branch_a1.path
    assert event.object_type == "accounts.assignment"


def test_it_files_an_event_under_the_unit_it_is_given(cast):
    event = audit.log(cast.hoa, "account.created", cast.vy, unit=cast.commune_a)
    assert event.unit == cast.commune_a
    assert event.object_type == "accounts.user"
    assert event.object_repr == "Phạm Thị Vy"


def test_it_files_an_object_without_a_unit_under_none(cast):
    event = audit.log(cast.hoa, "account.password_changed", cast.hoa)
    assert event.unit is None
    assert event.unit_path == ""


def test_it_records_an_event_without_an_object(cast):
    event = audit.log(cast.lan, "report.exported", unit=cast.province)
    assert (event.object_type, event.object_id, event.object_repr) == ("", "", "")
    assert event.unit_path == cast.province.path
    assert event.data == {}


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_it_records_no_actor_for_a_command_or_an_anonymous_visitor(cast, actor):
    event = audit.log(actor, "units.loaded", cast.province)
    assert event.actor is None
    assert event.actor_name == ""


def test_it_keeps_the_actor_name_after_the_account_is_renamed(cast):
    event = audit.log(cast.hoa, "unit.renamed", cast.branch_a1)
    cast.hoa.username = "hoa.tran"
    cast.hoa.save()
    event.refresh_from_db()
    assert event.actor_name == "hoa"


def test_it_cuts_a_long_object_name_to_fit(cast):
    cast.branch_a1.name = "Chi hội " + "Thôn " * 60
    event = audit.log(cast.hoa, "unit.renamed", cast.branch_a1)
    assert len(event.object_repr) == 200


def test_it_records_no_address_outside_a_request(cast):
    assert audit.log(cast.hoa, "unit.renamed", cast.branch_a1).ip is None


# --- the address, from the middleware ---------------------------------------------------------


def test_it_records_the_address_of_a_login(cast):
    response = cast.client(None).post("/accounts/login/", {"username": "hoa", "password": PASSWORD})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="account.logged_in")
    assert event.actor == cast.hoa
    assert event.ip == "127.0.0.1"
    assert event.object_id == str(cast.hoa.pk)


def test_it_records_the_socket_address_of_a_write(cast):
    client = cast.client(cast.hoa)
    response = client.post(
        f"/u/{cast.commune_a.code}/add/", {"name": "Chi hội Thôn 5"}, REMOTE_ADDR="10.20.30.40"
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="unit.created")
    assert event.ip == "10.20.30.40"
    assert event.actor == cast.hoa


def test_it_ignores_a_forwarded_for_header_the_client_made_up(cast):
    cast.client(None).post(
        "/accounts/login/",
        {"username": "hoa", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert AuditEvent.objects.get(action="account.logged_in").ip == "127.0.0.1"


def test_it_forgets_the_address_once_the_request_is_over(cast):
    cast.client(None).post("/accounts/login/", {"username": "hoa", "password": PASSWORD})
    assert audit.log(cast.hoa, "unit.renamed", cast.branch_a1).ip is None


# --- append-only ------------------------------------------------------------------------------


@pytest.fixture
def event(cast):
    return audit.log(cast.hoa, "unit.renamed", cast.branch_a1, data={"name": ["a", "b"]})


def test_it_refuses_to_save_an_existing_event_again(event):
    event.action = "unit.closed"
    with pytest.raises(AppendOnlyError):
        event.save()
    event.refresh_from_db()
    assert event.action == "unit.renamed"


def test_it_refuses_to_delete_an_event(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_refuses_to_update_events_in_bulk(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="unit.closed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="unit.closed")
    event.refresh_from_db()
    assert event.action == "unit.renamed"


def test_it_refuses_to_bulk_update_events(event):
    event.action = "unit.closed"
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == "unit.renamed"


def test_it_refuses_to_delete_events_in_bulk(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_it_keeps_the_events_of_an_account_that_someone_tries_to_delete(cast, event):
    with pytest.raises(ProtectedError):
        cast.hoa.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- the audit page ---------------------------------------------------------------------------


@pytest.fixture
def events(cast):
    audit.log(cast.hoa, "unit.updated", cast.commune_a, data={})
    audit.log(cast.hoa, "unit.renamed", cast.branch_a1, data={})
    audit.log(cast.hoa, "unit.closed", cast.group_a1, data={})
    audit.log(cast.thu, "unit.renamed", cast.branch_b1, data={})
    audit.log(cast.lan, "unit.updated", cast.province, data={})


def _shown(response) -> set[tuple[str, str]]:
    return {(e.action, e.object_repr) for e in response.context["page"]}


def test_it_shows_a_commune_admin_the_events_of_her_subtree(cast, events):
    response = cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/audit/")
    assert response.status_code == 200
    assert _shown(response) == {
        ("unit.updated", "Xã Ea Kar"),
        ("unit.renamed", "Chi hội Thôn 1"),
        ("unit.closed", "Tổ phụ nữ số 1"),
    }
    assert "Chi hội Thôn Tân Lập" not in response.text
    assert "Tỉnh Đắk Lắk" not in response.text


def test_it_shows_the_newest_event_first(cast, events):
    response = cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/audit/")
    assert response.context["page"][0].action == "unit.closed"


def test_it_shows_the_province_admin_every_event_below_the_province(cast, events):
    response = cast.client(cast.lan).get(f"/u/{cast.province.code}/audit/")
    assert len(_shown(response)) == 5


def test_it_lists_only_the_actions_recorded_in_the_subtree(cast, events):
    response = cast.client(cast.thu).get(f"/u/{cast.commune_b.code}/audit/")
    # The choices are action codes, or (code, label) pairs once labels are translated.
    codes = {a[0] if isinstance(a, tuple | list) else a for a in response.context["actions"]}
    assert codes == {"unit.renamed"}
    assert _shown(response) == {("unit.renamed", "Chi hội Thôn Tân Lập")}


def test_it_filters_the_events_by_action_and_by_who(cast, events):
    client = cast.client(cast.lan)
    response = client.get(f"/u/{cast.province.code}/audit/", {"action": "unit.renamed"})
    assert _shown(response) == {
        ("unit.renamed", "Chi hội Thôn 1"),
        ("unit.renamed", "Chi hội Thôn Tân Lập"),
    }
    response = client.get(f"/u/{cast.province.code}/audit/", {"who": "THU"})
    assert _shown(response) == {("unit.renamed", "Chi hội Thôn Tân Lập")}


def test_it_hides_the_audit_page_of_another_commune(cast, events):
    response = cast.client(cast.hoa).get(f"/u/{cast.commune_b.code}/audit/")
    assert response.status_code == 404


@pytest.mark.parametrize(("who", "where"), [("mai", "branch_a1"), ("vy", "commune_a")])
def test_it_refuses_the_audit_page_to_roles_without_the_right(cast, events, who, where):
    unit = getattr(cast, where)
    response = cast.client(getattr(cast, who)).get(f"/u/{unit.code}/audit/")
    assert response.status_code == 403


def test_it_sends_an_anonymous_visitor_to_log_in(cast):
    response = cast.client(None).get(f"/u/{cast.commune_a.code}/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_pages_a_long_log(cast):
    for i in range(55):
        audit.log(cast.hoa, "unit.updated", cast.branch_a1, data={"i": i})
    client = cast.client(cast.hoa)
    first = client.get(f"/u/{cast.commune_a.code}/audit/")
    second = client.get(f"/u/{cast.commune_a.code}/audit/", {"page": 2})
    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 5
