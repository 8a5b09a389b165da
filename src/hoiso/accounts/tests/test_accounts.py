"""Accounts: login, throttling, logout, password change; creating accounts and granting roles."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils.translation import override

from hoiso.accounts import roles, services
from hoiso.accounts.models import ApiToken, Assignment, User
from hoiso.accounts.roles import Role
from hoiso.accounts.services import (
    account_create,
    assignment_create,
    assignment_revoke,
    grantable_roles,
    perms_at,
)
from hoiso.accounts.tokens import token_create
from hoiso.conftest import PASSWORD, make_user
from hoiso.core.models import AuditEvent

NEW_PASSWORD = "Chi-hoi-moi-2026"


@pytest.fixture(autouse=True)
def _no_login_failures_left_over():
    # Failed-login counters live in a process-wide cache: keep them from leaking between tests.
    cache.clear()
    yield
    cache.clear()


def _log_in(username: str, password: str = PASSWORD, client: Client | None = None):
    client = client or Client()
    return client.post("/accounts/login/", {"username": username, "password": password})


def _logged_in_as(client: Client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


# --- login ------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["hoa", "HOA", " hoa "])
def test_it_logs_in_by_username(cast, username):
    client = Client()
    response = _log_in(username, client=client)
    assert response.status_code == 302
    assert _logged_in_as(client) == cast.hoa.pk


@pytest.mark.parametrize(
    "phone",
    ["0912000002", "0912 000 002", "0912.000.002", "+84912000002", "+84 912 000 002",
     "84912000002", "912000002"],
)  # fmt: skip
def test_it_logs_in_by_phone_in_any_format(cast, phone):
    client = Client()
    response = _log_in(phone, client=client)
    assert response.status_code == 302
    assert _logged_in_as(client) == cast.hoa.pk


def test_it_sends_a_user_to_the_page_she_asked_for(cast):
    target = f"/u/{cast.commune_a.code}/"
    response = Client().post(
        "/accounts/login/", {"username": "hoa", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_it_does_not_send_a_user_to_another_site_after_login(cast):
    response = Client().post(
        "/accounts/login/",
        {"username": "hoa", "password": PASSWORD, "next": "https://evil.example/u/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_it_sends_a_user_with_one_unit_straight_to_it(cast):
    client = Client()
    response = client.post("/accounts/login/", {"username": "mai", "password": PASSWORD})
    assert client.get(response["Location"])["Location"] == f"/u/{cast.branch_a1.code}/"


@pytest.mark.parametrize(
    ("username", "password"),
    [("hoa", "wrong-password"), ("nobody", PASSWORD), ("0999999999", PASSWORD), ("", PASSWORD)],
)
def test_it_shows_an_error_for_a_wrong_login(cast, username, password):
    client = Client()
    response = _log_in(username, password, client=client)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'role="alert"' in response.text or 'class="error"' in response.text
    assert _logged_in_as(client) is None
    assert not AuditEvent.objects.filter(action="account.logged_in").exists()


def test_it_refuses_a_locked_account(cast):
    cast.hoa.is_active = False
    cast.hoa.save()
    client = Client()
    assert _log_in("hoa", client=client).status_code == 200
    assert _logged_in_as(client) is None


def test_it_does_not_tell_whether_a_phone_number_has_an_account(cast):
    unknown = _log_in("0999999999", PASSWORD)
    wrong = _log_in("0912000002", "wrong-password")
    assert unknown.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()


# --- throttling -------------------------------------------------------------------------------


def test_it_locks_an_account_after_too_many_failures(cast, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert _log_in("hoa", "wrong-password").status_code == 200
    client = Client()
    response = _log_in("hoa", PASSWORD, client=client)
    assert response.status_code == 429
    assert response.context["form"].non_field_errors()
    assert _logged_in_as(client) is None


def test_it_allows_the_last_attempt_before_the_limit(cast, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _log_in("hoa", "wrong-password")
    assert _log_in("hoa", PASSWORD).status_code == 302


def test_it_forgets_failures_after_a_successful_login(cast, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _log_in("hoa", "wrong-password")
    assert _log_in("hoa", PASSWORD).status_code == 302
    _log_in("hoa", "wrong-password")
    assert _log_in("hoa", PASSWORD).status_code == 302


def test_it_locks_one_account_and_not_the_others(cast, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        _log_in("hoa", "wrong-password")
    assert _log_in("thu", PASSWORD).status_code == 302


def test_it_counts_failures_whatever_the_case_of_the_username(cast, settings):
    for i in range(settings.LOGIN_MAX_FAILURES):
        _log_in("HOA" if i % 2 else "hoa", "wrong-password")
    assert _log_in("Hoa", PASSWORD).status_code == 429


def test_it_counts_failures_for_every_format_of_a_phone_number(cast, settings):
    formats = ["0912000002", "+84912000002", "84912000002", "912000002", "0912 000 002",
               "0912.000.002", "+84 912 000 002"]  # fmt: skip
    for i in range(settings.LOGIN_MAX_FAILURES):
        _log_in(formats[i % len(formats)], "wrong-password")
    assert _log_in("0912-000-002", PASSWORD).status_code == 429


def test_it_locks_an_address_that_tries_many_accounts(cast, settings):
    for i in range(settings.LOGIN_MAX_FAILURES * 10):
        _log_in(f"someone{i}", "wrong-password")
    assert _log_in("hoa", PASSWORD).status_code == 429
    # Another address is not held up by this one.
    response = Client(REMOTE_ADDR="10.0.0.9").post(
        "/accounts/login/", {"username": "hoa", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_it_counts_failures_against_the_account_whatever_spelling_is_used(cast, settings):
    # The username and the phone number of one account share one allowance.
    spellings = ["hoa", "0912000002", "+84912000002", "84912000002", "912000002",
                 "0912 000 002", "0912.000.002", "0912-000-002"]  # fmt: skip
    for spelling in spellings[: settings.LOGIN_MAX_FAILURES]:
        _log_in(spelling, "wrong-password")
    assert _log_in("hoa", PASSWORD).status_code == 429


# --- logout and password ----------------------------------------------------------------------


def test_it_does_not_log_out_on_a_get(cast):
    client = cast.client(cast.hoa)
    assert client.get("/accounts/logout/").status_code == 405
    assert _logged_in_as(client) == cast.hoa.pk


def test_it_logs_out_on_a_post_and_audits_it(cast):
    client = cast.client(cast.hoa)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert _logged_in_as(client) is None
    event = AuditEvent.objects.get(action="account.logged_out")
    assert event.actor == cast.hoa
    assert event.ip == "127.0.0.1"


def test_it_audits_a_login(cast):
    _log_in("0912 000 002")
    event = AuditEvent.objects.get(action="account.logged_in")
    assert event.actor == cast.hoa
    assert event.object_id == str(cast.hoa.pk)


def test_it_changes_a_password_and_audits_it(cast):
    client = cast.client(cast.hoa)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    cast.hoa.refresh_from_db()
    assert cast.hoa.check_password(NEW_PASSWORD)
    # She stays logged in on this device.
    assert _logged_in_as(client) == cast.hoa.pk
    event = AuditEvent.objects.get(action="account.password_changed")
    assert event.actor == cast.hoa
    assert event.ip == "127.0.0.1"
    assert _log_in("hoa", NEW_PASSWORD).status_code == 302


def _api_status(token: str, cast) -> int:  # type: ignore[no-untyped-def]
    return (
        Client()
        .get("/api/v1/members", {"unit": cast.commune_a.code}, HTTP_AUTHORIZATION=f"Bearer {token}")
        .status_code
    )


def test_a_password_change_revokes_her_api_tokens(cast):
    token, plain = token_create(user=cast.hoa, name="phone")
    assert _api_status(plain, cast) == 200
    cast.client(cast.hoa).post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert _api_status(plain, cast) == 401
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert AuditEvent.objects.filter(action="account.token_revoked").count() == 1


def test_a_password_reset_by_any_other_way_revokes_her_api_tokens(cast):
    plain = token_create(user=cast.hoa, name="phone")[1]
    other = token_create(user=cast.thu, name="phone")[1]
    # The command line (`changepassword`) sets the password without the page's service.
    cast.hoa.set_password(NEW_PASSWORD)
    cast.hoa.save()
    assert _api_status(plain, cast) == 401
    assert not cast.hoa.api_tokens.exists()
    # Nobody else's token is touched.
    assert Client().get("/api/v1/members", {"unit": cast.commune_b.code},
                        HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "other-2026"},
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    ],
)
def test_it_refuses_a_wrong_password_change(cast, data):
    response = cast.client(cast.hoa).post("/accounts/password/", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    cast.hoa.refresh_from_db()
    assert cast.hoa.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="account.password_changed").exists()


def test_it_sends_an_anonymous_visitor_from_the_password_page_to_log_in(cast):
    response = Client().get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- account_create ---------------------------------------------------------------------------


def _create(actor: User, unit, **kwargs):
    data = {"role": Role.CADRE, "username": "linh", "password": NEW_PASSWORD,
            "full_name": "Võ Thị Linh", "phone": "0912 000 010", **kwargs}  # fmt: skip
    return account_create(actor=actor, unit=unit, **data)


def test_it_creates_an_account_in_the_admins_commune(cast):
    assignment = _create(cast.hoa, cast.commune_a)
    user = User.objects.get(username="linh")
    assert assignment.user == user
    assert (assignment.unit, assignment.role, assignment.created_by) == (
        cast.commune_a,
        Role.CADRE,
        cast.hoa,
    )
    assert user.full_name == "Võ Thị Linh"
    assert user.phone == "0912000010"
    assert user.check_password(NEW_PASSWORD)
    assert _log_in("0912000010", NEW_PASSWORD).status_code == 302


def test_it_audits_a_new_account_and_its_role(cast):
    _create(cast.hoa, cast.branch_a1)
    created = AuditEvent.objects.get(action="account.created")
    assigned = AuditEvent.objects.get(action="assignment.created")
    assert created.actor == assigned.actor == cast.hoa
    assert created.unit == assigned.unit == cast.branch_a1
    assert created.data == {"username": "linh"}
    assert assigned.data == {"role": Role.CADRE}


def test_it_lets_an_admin_create_an_account_below_her_unit(cast):
    assert _create(cast.hoa, cast.group_a1).unit == cast.group_a1


def test_it_lets_the_province_admin_create_an_account_in_any_commune(cast):
    assert _create(cast.lan, cast.commune_b).unit == cast.commune_b


def test_it_refuses_an_admin_an_account_in_another_commune(cast):
    with pytest.raises(PermissionDenied):
        _create(cast.hoa, cast.commune_b)
    assert not User.objects.filter(username="linh").exists()


def test_it_refuses_an_admin_an_account_above_her_unit(cast):
    with pytest.raises(PermissionDenied):
        _create(cast.hoa, cast.province)


@pytest.mark.parametrize("who", ["mai", "vy"])
def test_it_refuses_an_account_to_someone_without_accounts_manage(cast, who):
    with pytest.raises(PermissionDenied):
        _create(getattr(cast, who), cast.branch_a1, role=Role.VIEWER)
    assert not User.objects.filter(username="linh").exists()


def test_it_refuses_an_account_to_a_cadre_who_is_not_an_admin(cast):
    cadre = make_user("binh", "Đỗ Thị Bình", "", (cast.commune_a, Role.CADRE))
    assert roles.MANAGE_ACCOUNTS not in perms_at(cadre, cast.commune_a)
    with pytest.raises(PermissionDenied):
        _create(cadre, cast.branch_a1, role=Role.VIEWER)


@pytest.fixture
def narrow_admin(monkeypatch):
    """Unit admins who may manage accounts but not change units (a narrower role table).

    Today an admin holds every right, so no role is beyond her; narrowing the table is the way
    to see the rule "grant only what you hold" at work.
    """
    narrowed = roles.PERMISSIONS[Role.UNIT_ADMIN] - {roles.CHANGE_UNITS}
    monkeypatch.setitem(roles.PERMISSIONS, Role.UNIT_ADMIN, narrowed)
    return narrowed


def test_it_refuses_to_grant_a_role_whose_rights_the_admin_lacks(cast, narrow_admin):
    admin = make_user("nga", "Hồ Thị Nga", "", (cast.branch_a1, Role.UNIT_ADMIN))
    with pytest.raises(ValidationError) as info:
        _create(admin, cast.branch_a1, role=Role.CADRE)
    assert "role" in info.value.message_dict
    assert not User.objects.filter(username="linh").exists()
    # What she holds she may grant.
    assert _create(admin, cast.branch_a1, role=Role.VIEWER).role == Role.VIEWER


def test_it_offers_only_the_roles_the_admin_could_grant(cast, narrow_admin):
    admin = make_user("nga", "Hồ Thị Nga", "", (cast.branch_a1, Role.UNIT_ADMIN))
    offered = {r for r, _label in grantable_roles(perms_at(admin, cast.branch_a1))}
    assert offered == {r for r in Role.values if roles.PERMISSIONS[r] <= narrow_admin}
    assert Role.CADRE not in offered
    assert {Role.UNIT_ADMIN, Role.VIEWER} <= offered
    response = cast.client(admin).get(f"/u/{cast.branch_a1.code}/people/new/")
    assert {r for r, _label in response.context["form"].fields["role"].choices} == offered


def test_it_adds_rights_held_above_to_rights_held_here(cast, narrow_admin):
    # Admin at the branch, cadre at the commune: together she holds every cadre right.
    admin = make_user(
        "nga", "Hồ Thị Nga", "", (cast.branch_a1, Role.UNIT_ADMIN), (cast.commune_a, Role.CADRE)
    )
    assert _create(admin, cast.branch_a1, role=Role.CADRE).role == Role.CADRE


@pytest.mark.parametrize("username", ["HOA", "hoa", " Hoa "])
def test_it_refuses_a_username_already_taken(cast, username):
    with pytest.raises(ValidationError) as info:
        _create(cast.hoa, cast.commune_a, username=username)
    assert "username" in info.value.message_dict
    assert User.objects.count() == 5


@pytest.mark.parametrize("phone", ["0912000003", "+84 912 000 003", "912.000.003"])
def test_it_refuses_a_phone_number_already_used(cast, phone):
    with pytest.raises(ValidationError) as info:
        _create(cast.hoa, cast.commune_a, phone=phone)
    assert "phone" in info.value.message_dict
    assert not User.objects.filter(username="linh").exists()


@pytest.mark.parametrize("username", ["0912000002", "0912.000.002", "84912000002"])
def test_it_refuses_a_username_without_a_letter(cast, username):
    # An all-digit username could be someone else's phone number.
    with pytest.raises(ValidationError) as info:
        _create(cast.lan, cast.commune_b, username=username, phone="")
    assert "username" in info.value.message_dict


def test_it_keeps_a_phone_login_working_when_a_username_looks_like_that_phone(cast):
    make_user("0912000002", "Tài khoản cũ", "", (cast.commune_b, Role.VIEWER))
    client = Client()
    _log_in("0912000002", PASSWORD, client=client)
    assert _logged_in_as(client) == cast.hoa.pk


def test_it_stores_a_landline_number_in_its_national_form(cast):
    _create(cast.hoa, cast.commune_a, phone="+84 262 3852 123")
    assert User.objects.get(username="linh").phone == "02623852123"


def test_it_allows_many_accounts_without_a_phone(cast):
    _create(cast.hoa, cast.commune_a, username="linh", phone="")
    _create(cast.hoa, cast.commune_a, username="ngoc", phone="  ")
    assert User.objects.filter(phone="").count() >= 2


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "12345"), ("username", "có dấu cách"), ("password", "12345678"),
     ("password", "linh")],
)  # fmt: skip
def test_it_refuses_bad_account_details(cast, field, value):
    with pytest.raises(ValidationError):
        _create(cast.hoa, cast.commune_a, **{field: value})
    assert not User.objects.filter(username="linh").exists()
    assert not AuditEvent.objects.exists()


# --- assignment_create and assignment_revoke --------------------------------------------------


def test_it_gives_an_existing_account_a_role_in_the_subtree(cast):
    assignment = assignment_create(
        actor=cast.hoa, user=cast.mai, unit=cast.branch_a2, role=Role.BRANCH_HEAD
    )
    assert assignment.created_by == cast.hoa
    assert AuditEvent.objects.get(action="assignment.created").unit == cast.branch_a2


def test_it_refuses_to_give_a_role_twice(cast):
    with pytest.raises(ValidationError):
        assignment_create(actor=cast.hoa, user=cast.mai, unit=cast.branch_a1, role=Role.BRANCH_HEAD)


def test_it_refuses_to_give_a_role_outside_the_subtree(cast):
    with pytest.raises(PermissionDenied):
        assignment_create(actor=cast.hoa, user=cast.mai, unit=cast.branch_b1, role=Role.VIEWER)


def test_it_revokes_a_role_and_audits_it(cast):
    assignment = Assignment.objects.get(user=cast.mai)
    assignment_revoke(actor=cast.hoa, assignment=assignment)
    assert not Assignment.objects.filter(user=cast.mai).exists()
    event = AuditEvent.objects.get(action="assignment.revoked")
    assert event.actor == cast.hoa
    assert event.unit == cast.branch_a1
    assert event.data == {"user": "mai", "role": Role.BRANCH_HEAD}
    # The account stays; only the role goes.
    assert User.objects.filter(pk=cast.mai.pk).exists()


def test_it_refuses_to_revoke_ones_own_role(cast):
    own = Assignment.objects.get(user=cast.hoa, role=Role.CADRE)
    with pytest.raises(ValidationError):
        assignment_revoke(actor=cast.hoa, assignment=own)
    assert Assignment.objects.filter(pk=own.pk).exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_to_revoke_a_role_above_the_admins_unit(cast):
    lans = Assignment.objects.filter(user=cast.lan)[0]
    with pytest.raises(PermissionDenied):
        assignment_revoke(actor=cast.hoa, assignment=lans)


def test_it_refuses_to_revoke_a_role_in_another_commune(cast):
    thus = Assignment.objects.filter(user=cast.thu)[0]
    with pytest.raises(PermissionDenied):
        assignment_revoke(actor=cast.hoa, assignment=thus)


def _peer_admin_of_commune_a(cast):  # type: ignore[no-untyped-def]
    """Hoa creates a second admin of her commune, as the issue had it."""
    return account_create(
        actor=cast.hoa, unit=cast.commune_a, role=Role.UNIT_ADMIN, username="nga",
        password=NEW_PASSWORD, full_name="Đỗ Thị Nga",
    ).user  # fmt: skip


@pytest.mark.parametrize("role", [Role.UNIT_ADMIN, Role.CADRE])
def test_a_peer_admin_cannot_remove_the_roles_of_the_admin_who_made_her(cast, role):
    nga = _peer_admin_of_commune_a(cast)
    hoas = Assignment.objects.get(user=cast.hoa, role=role)
    with override("en"), pytest.raises(ValidationError, match="unit above"):
        assignment_revoke(actor=nga, assignment=hoas)
    assert Assignment.objects.filter(pk=hoas.pk).exists()


def test_an_admin_of_a_unit_above_may_remove_a_communes_admin(cast):
    _peer_admin_of_commune_a(cast)
    hoas = Assignment.objects.get(user=cast.hoa, role=Role.UNIT_ADMIN)
    assignment_revoke(actor=cast.lan, assignment=hoas)
    assert not Assignment.objects.filter(pk=hoas.pk).exists()


def test_a_superuser_may_remove_an_admin(cast):
    _peer_admin_of_commune_a(cast)
    root = make_user("root", "Quản trị", "0912000099", (cast.commune_a, Role.UNIT_ADMIN))
    User.objects.filter(pk=root.pk).update(is_superuser=True)
    root.refresh_from_db()
    hoas = Assignment.objects.get(user=cast.hoa, role=Role.CADRE)
    assignment_revoke(actor=root, assignment=hoas)
    assert not Assignment.objects.filter(pk=hoas.pk).exists()


def test_the_last_admin_of_a_unit_cannot_be_removed(cast):
    hoas = Assignment.objects.get(user=cast.hoa, role=Role.UNIT_ADMIN)
    with override("en"), pytest.raises(ValidationError, match="last admin"):
        assignment_revoke(actor=cast.lan, assignment=hoas)
    assert Assignment.objects.filter(pk=hoas.pk).exists()


def test_a_peer_admin_cannot_lock_out_her_creator_from_the_people_page(cast):
    nga = _peer_admin_of_commune_a(cast)
    hoas = Assignment.objects.get(user=cast.hoa, role=Role.UNIT_ADMIN)
    response = cast.client(nga).post(
        f"/u/{cast.commune_a.code}/people/{hoas.pk}/revoke/", follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Assignment.objects.filter(pk=hoas.pk).exists()


# --- the people pages -------------------------------------------------------------------------


def _people(response) -> set[tuple[str, str, str]]:
    return {(a.user.username, a.unit.code, a.role) for a in response.context["page"]}


def test_it_lists_the_people_of_the_admins_subtree_only(cast):
    response = cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/people/")
    assert response.status_code == 200
    assert _people(response) == {
        ("hoa", cast.commune_a.code, Role.UNIT_ADMIN),
        ("hoa", cast.commune_a.code, Role.CADRE),
        ("vy", cast.commune_a.code, Role.VIEWER),
        ("mai", cast.branch_a1.code, Role.BRANCH_HEAD),
    }
    assert "Lê Thị Thu" not in response.text
    assert "Nguyễn Thị Lan" not in response.text


def test_it_lists_the_people_below_a_branch_only(cast):
    response = cast.client(cast.lan).get(f"/u/{cast.branch_a1.code}/people/")
    assert _people(response) == {("mai", cast.branch_a1.code, Role.BRANCH_HEAD)}


def test_it_searches_the_people_list(cast):
    response = cast.client(cast.lan).get(f"/u/{cast.province.code}/people/", {"q": "0912000004"})
    assert {u for u, _unit, _role in _people(response)} == {"thu"}


def test_it_hides_the_people_of_another_commune(cast):
    assert cast.client(cast.hoa).get(f"/u/{cast.commune_b.code}/people/").status_code == 404


@pytest.mark.parametrize(("who", "where"), [("vy", "commune_a"), ("mai", "branch_a1")])
def test_it_refuses_the_people_pages_to_those_who_do_not_manage_accounts(cast, who, where):
    unit = getattr(cast, where)
    client = cast.client(getattr(cast, who))
    for page in ["", "new/", "assign/"]:
        assert client.get(f"/u/{unit.code}/people/{page}").status_code == 403


def test_it_creates_an_account_from_the_people_page(cast):
    response = cast.client(cast.hoa).post(
        f"/u/{cast.branch_a1.code}/people/new/",
        {"full_name": "Võ Thị Linh", "username": "linh", "phone": "+84 912 000 010",
         "role": Role.VIEWER, "password": NEW_PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"/u/{cast.branch_a1.code}/people/"
    assert Assignment.objects.get(user__username="linh").unit == cast.branch_a1


def test_it_shows_the_account_form_again_for_a_taken_username(cast):
    response = cast.client(cast.hoa).post(
        f"/u/{cast.commune_a.code}/people/new/",
        {"full_name": "Võ Thị Linh", "username": "MAI", "role": Role.VIEWER,
         "password": NEW_PASSWORD},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors
    assert User.objects.count() == 5


def test_it_gives_a_role_to_an_account_found_by_phone(cast):
    response = cast.client(cast.hoa).post(
        f"/u/{cast.branch_a2.code}/people/assign/", {"who": "0912 000 003", "role": Role.VIEWER}
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(user=cast.mai, unit=cast.branch_a2).exists()


def test_it_says_so_when_no_account_matches(cast):
    response = cast.client(cast.hoa).post(
        f"/u/{cast.branch_a2.code}/people/assign/", {"who": "khong-co", "role": Role.VIEWER}
    )
    assert response.status_code == 200
    assert "who" in response.context["form"].errors


def test_it_revokes_a_role_from_the_people_page(cast):
    assignment = Assignment.objects.get(user=cast.vy)
    client = cast.client(cast.hoa)
    assert client.get(f"/u/{cast.commune_a.code}/people/{assignment.pk}/revoke/").status_code == 405
    response = client.post(f"/u/{cast.commune_a.code}/people/{assignment.pk}/revoke/")
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_it_keeps_ones_own_role_from_the_people_page(cast):
    own = Assignment.objects.get(user=cast.hoa, role=Role.CADRE)
    response = cast.client(cast.hoa).post(
        f"/u/{cast.commune_a.code}/people/{own.pk}/revoke/", follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Assignment.objects.filter(pk=own.pk).exists()


def test_it_cannot_reach_another_communes_assignment_through_its_own_unit(cast):
    thus = Assignment.objects.filter(user=cast.thu)[0]
    response = cast.client(cast.hoa).post(f"/u/{cast.commune_a.code}/people/{thus.pk}/revoke/")
    assert response.status_code == 404
    assert Assignment.objects.filter(pk=thus.pk).exists()


def _removable(response) -> set[tuple[str, str, str]]:
    """The roles the page offers to remove: a *remove* button posts to each one's revoke URL."""
    shown = set()
    for row in response.context["rows"]:
        for a, removable in row["assignments"]:
            posts_there = f"/people/{a.pk}/revoke/" in response.text
            assert removable == posts_there
            if removable:
                shown.add((a.user.username, a.unit.code, a.role))
    return shown


def test_the_people_page_offers_to_remove_only_the_roles_she_may_remove(cast):
    """Hoa (the commune's admin) may remove Mai's and Vy's roles, not her own. Lan (the
    province's admin, above her) may remove Hoa's cadre role too, but not her admin role: it is
    the commune's last."""
    as_hoa = cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/people/")
    assert _removable(as_hoa) == {
        ("vy", cast.commune_a.code, Role.VIEWER),
        ("mai", cast.branch_a1.code, Role.BRANCH_HEAD),
    }
    as_lan = cast.client(cast.lan).get(f"/u/{cast.commune_a.code}/people/")
    assert _removable(as_lan) == {
        ("hoa", cast.commune_a.code, Role.CADRE),
        ("vy", cast.commune_a.code, Role.VIEWER),
        ("mai", cast.branch_a1.code, Role.BRANCH_HEAD),
    }
    # A peer admin sees no button on her creator's roles: only an admin above may remove them.
    nga = _peer_admin_of_commune_a(cast)
    as_nga = cast.client(nga).get(f"/u/{cast.commune_a.code}/people/")
    assert not any(u == "hoa" for u, _unit, _role in _removable(as_nga))
    # And every refusal the page implies is the one the service gives.
    for a in Assignment.objects.filter(unit__path__startswith=cast.commune_a.path):
        refused = services.Revoking.of(nga, [a]).refusal(a) is not None
        assert refused == ((a.user.username, a.unit.code, a.role) not in _removable(as_nga))


def test_a_cadres_full_time_mark_is_changed_in_place_and_audited(cast):
    hoas = Assignment.objects.get(user=cast.hoa, role=Role.CADRE)
    url = f"/u/{cast.commune_a.code}/people/{hoas.pk}/full-time/"
    page = cast.client(cast.lan).get(f"/u/{cast.commune_a.code}/people/")
    assert url in page.text  # the button is on Hoa's cadre role
    cast.client(cast.lan).post(url, {"full_time": "1"})
    hoas.refresh_from_db()
    assert hoas.full_time
    assert AuditEvent.objects.filter(action="assignment.full_time", actor=cast.lan).exists()
    cast.client(cast.lan).post(url, {"full_time": "0"})
    hoas.refresh_from_db()
    assert not hoas.full_time


def test_one_may_not_mark_ones_own_role_full_time(cast):
    hoas = Assignment.objects.get(user=cast.hoa, role=Role.CADRE)
    url = f"/u/{cast.commune_a.code}/people/{hoas.pk}/full-time/"
    assert url not in cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/people/").text
    response = cast.client(cast.hoa).post(url, {"full_time": "1"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    hoas.refresh_from_db()
    assert not hoas.full_time
    with pytest.raises(ValidationError):
        services.assignment_set_full_time(actor=cast.hoa, assignment=hoas, full_time=True)
