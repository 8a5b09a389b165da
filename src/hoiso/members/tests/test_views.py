"""Member pages: the list and its partial, a member's page, sensitive fields, the forms, transfers,
the inbox, and a member's own pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hoiso.accounts.models import User
from hoiso.conftest import PASSWORD, make_member
from hoiso.core.models import AuditEvent
from hoiso.members.choices import Religion, Status, TransferStatus
from hoiso.members.models import DeletionRequest, Member, Transfer
from hoiso.members.services import member_account_enable, member_remove, transfer_request
from hoiso.members.tests.conftest import CID


def url(unit, tail: str = "") -> str:
    return f"/u/{unit.code}/members/{tail}"


def audited(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def record(cast, **overrides) -> dict:
    """What the add form posts for a new member who passes every rule."""
    data = {
        "full_name": "Phan Thị Dung",
        "kind": "regular",
        "sex": "F",
        "birth_date": "05/03/1985",
        "join_date": "01/01/2010",
        "branch": cast.branch_a1.pk,
        "ethnicity": 1,
        "religion": 0,
        "digital_skill": 0,
        "household": "",
        "consent_purposes": ["membership"],
        "consent_date": "01/01/2024",
        "consent_method": "paper",
        **overrides,
    }
    return {k: v for k, v in data.items() if v is not None}


def field_block(html: str, name: str) -> str:
    """The form's <div class="field"> that holds the input called `name`."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', html, re.S):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name}")


# --- the list -------------------------------------------------------------------------------


def test_it_lists_the_communes_members_in_name_order(cast, binh):
    make_member(cast.branch_a2, "Hà Anh")
    make_member(cast.branch_b1, "Lê Thị Cúc")
    response = cast.client(cast.hoa).get(url(cast.commune_a))
    assert response.status_code == 200
    assert [m.full_name for m in response.context["members"]] == ["Hà Anh", "Nguyễn Thị Bình"]
    assert "Lê Thị Cúc" not in response.text
    assert response["Content-Language"] == "vi"


def _add_members(cast, start: int, stop: int) -> None:
    for i in range(start, stop):
        make_member(
            cast.branch_a1 if i % 2 else cast.branch_a2,
            f"Nguyễn Thị Hoa {i}",
            phone=f"09870000{i:02d}",
            has_smartphone=True,
            uses_zalo=True,
        )


def _count_queries(client, unit, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(unit), params).status_code == 200
    return len(queries)


def test_it_renders_the_list_and_a_search_in_a_fixed_number_of_queries(cast):
    client = cast.client(cast.hoa)
    _add_members(cast, 0, 5)
    client.get(url(cast.commune_a))
    few = _count_queries(client, cast.commune_a)
    few_found = _count_queries(client, cast.commune_a, q="nguyen hoa")
    few_filtered = _count_queries(client, cast.commune_a, digital="zalo", age="31-45")
    _add_members(cast, 5, 60)
    assert _count_queries(client, cast.commune_a) == few
    assert _count_queries(client, cast.commune_a, q="nguyen hoa") == few_found
    assert _count_queries(client, cast.commune_a, digital="zalo", age="31-45") == few_filtered
    response = client.get(url(cast.commune_a))
    assert len(response.context["members"]) == 50


def test_it_pages_the_list(cast):
    for i in range(55):
        make_member(cast.branch_a1, f"Nguyễn Thị Hoa {i:02d}")
    response = cast.client(cast.hoa).get(url(cast.commune_a), {"page": 2})
    assert [m.full_name for m in response.context["members"]] == [
        f"Nguyễn Thị Hoa {i:02d}" for i in range(50, 55)
    ]


def test_it_returns_only_the_results_to_htmx(cast, binh):
    response = cast.client(cast.hoa).get(
        url(cast.commune_a), {"q": "ng thi b"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.strip().startswith('<section id="results">')
    assert "<html" not in response.text
    assert 'role="search"' not in response.text
    assert "Nguyễn Thị Bình" in response.text


def test_it_searches_from_the_list_page(cast, binh):
    make_member(cast.branch_a1, "Nguyễn Thị Lan")
    response = cast.client(cast.mai).get(url(cast.branch_a1), {"q": "NGUYEN THI B"})
    assert [m.full_name for m in response.context["members"]] == ["Nguyễn Thị Bình"]


def test_it_offers_the_add_button_only_to_who_may_admit(cast):
    add = f'href="{url(cast.commune_a, "new/")}"'
    assert add in cast.client(cast.hoa).get(url(cast.commune_a)).text
    assert add not in cast.client(cast.vy).get(url(cast.commune_a)).text


# --- a member's page ------------------------------------------------------------------------


def test_it_shows_a_members_page_with_her_history(cast, binh):
    response = cast.client(cast.hoa).get(url(cast.commune_a, f"{binh.pk}/"))
    assert response.status_code == 200
    assert "Nguyễn Thị Bình" in response.text
    assert "Chi hội Thôn 1" in response.text
    assert "0987654321" in response.text
    assert [row["event"].kind for row in response.context["history"]] == ["admitted"]


def test_it_answers_404_for_another_communes_member_under_ones_own_url(cast):
    theirs = make_member(cast.branch_b1, "Lê Thị Cúc")
    client = cast.client(cast.hoa)
    for tail in ("", "edit/", "sensitive/", "transfer/", "remove/", "restore/"):
        assert client.get(url(cast.commune_a, f"{theirs.pk}/{tail}")).status_code == 404, tail
    assert client.post(url(cast.commune_a, f"{theirs.pk}/account/")).status_code == 404
    # And a branch head cannot reach the other branch's member through her own branch.
    mine = make_member(cast.branch_a2, "Hà Anh")
    assert cast.client(cast.mai).get(url(cast.branch_a1, f"{mine.pk}/")).status_code == 404


# --- sensitive fields -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mai", "vy"])
def test_it_hides_sensitive_fields_from_who_may_not_see_them(cast, binh, who):
    client = cast.client(getattr(cast, who))
    unit = cast.branch_a1 if who == "mai" else cast.commune_a
    response = client.get(url(unit, f"{binh.pk}/"))
    assert response.status_code == 200
    for secret in (CID, "Ê Đê", "Protestantism", "Tin lành", "Tin Lành"):
        assert secret not in response.text
    assert "/sensitive/" not in response.text
    assert client.get(url(unit, f"{binh.pk}/sensitive/")).status_code == 403
    assert audited("member.sensitive_viewed") == 0


def test_it_shows_sensitive_fields_to_a_cadre_only_on_request(cast, binh):
    client = cast.client(cast.hoa)
    page = client.get(url(cast.commune_a, f"{binh.pk}/"))
    assert CID not in page.text and "Ê Đê" not in page.text
    assert url(cast.commune_a, f"{binh.pk}/sensitive/") in page.text
    assert audited("member.sensitive_viewed") == 0
    for n in (1, 2):
        shown = client.get(
            url(cast.commune_a, f"{binh.pk}/sensitive/"), headers={"HX-Request": "true"}
        )
        assert shown.status_code == 200
        assert CID in shown.text and "Ê Đê" in shown.text
        assert "<html" not in shown.text
        assert audited("member.sensitive_viewed") == n
    event = AuditEvent.objects.filter(action="member.sensitive_viewed").first()
    assert (event.actor, event.object_id, event.unit) == (cast.hoa, str(binh.pk), cast.branch_a1)


def test_it_audits_a_filter_on_ethnicity_or_religion(cast, binh):
    make_member(cast.branch_a1, "Nguyễn Thị Lan")
    client = cast.client(cast.hoa)
    response = client.get(url(cast.commune_a), {"ethnicity": 12})
    assert [m.full_name for m in response.context["members"]] == ["Nguyễn Thị Bình"]
    response = client.get(url(cast.commune_a), {"religion": Religion.PROTESTANTISM})
    assert [m.full_name for m in response.context["members"]] == ["Nguyễn Thị Bình"]
    events = AuditEvent.objects.filter(action="members.filtered_sensitive")
    assert events.count() == 2
    assert {e.unit for e in events} == {cast.commune_a}
    client.get(url(cast.commune_a), {"q": "lan"})
    assert events.count() == 2


def test_it_ignores_a_sensitive_filter_from_who_may_not_use_it(cast, binh):
    make_member(cast.branch_a1, "Nguyễn Thị Lan")
    response = cast.client(cast.vy).get(url(cast.commune_a), {"ethnicity": 12})
    assert len(response.context["members"]) == 2
    assert 'name="ethnicity"' not in response.text
    assert audited("members.filtered_sensitive") == 0


def test_it_filters_the_list_by_branch_and_status(cast, binh):
    make_member(cast.branch_a2, "Hà Anh")
    client = cast.client(cast.hoa)
    response = client.get(url(cast.commune_a), {"branch": cast.branch_a2.pk})
    assert [m.full_name for m in response.context["members"]] == ["Hà Anh"]
    response = client.get(url(cast.commune_a), {"status": "removed"})
    assert list(response.context["members"]) == []


# --- the add form ---------------------------------------------------------------------------


def test_it_admits_a_member_from_the_form(cast):
    response = cast.client(cast.hoa).post(
        url(cast.commune_a, "new/"), record(cast, citizen_id=CID, phone="0912 345 678")
    )
    member = Member.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(cast.commune_a, f"{member.pk}/")
    assert (member.branch, member.phone, member.citizen_id) == (cast.branch_a1, "0912345678", CID)


def test_it_shows_a_bad_citizen_id_error_next_to_the_field(cast):
    response = cast.client(cast.hoa).post(
        url(cast.commune_a, "new/"), record(cast, citizen_id="06618500012")
    )
    assert response.status_code == 200
    assert not Member.objects.exists()
    assert list(response.context["form"].errors) == ["citizen_id"]
    block = field_block(response.text, "citizen_id")
    assert "invalid" in block and '<p class="error">' in block
    assert '<p class="error">' not in field_block(response.text, "full_name")
    assert response["Content-Language"] == "vi"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"birth_date": "31/02/1985"}, "birth_date"),
        ({"sex": "M"}, "sex"),
        ({"consent_date": ""}, "consent_date"),
        ({"full_name": ""}, "full_name"),
        ({"citizen_id": "066186000123"}, "citizen_id"),
    ],
)
def test_it_puts_each_error_on_the_field_to_fix(cast, overrides, field):
    response = cast.client(cast.hoa).post(url(cast.commune_a, "new/"), record(cast, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert '<p class="error">' in field_block(response.text, field)
    assert not Member.objects.exists()


def test_it_offers_a_branch_head_her_branch_and_no_sensitive_fields(cast):
    response = cast.client(cast.mai).get(url(cast.branch_a1, "new/"))
    form = response.context["form"]
    assert list(form.fields["branch"].queryset) == [cast.branch_a1]
    assert not {"citizen_id", "ethnicity", "religion"} & set(form.fields)
    response = cast.client(cast.mai).post(
        url(cast.branch_a1, "new/"), record(cast, ethnicity=12, citizen_id=CID)
    )
    assert response.status_code == 302
    member = Member.objects.get()
    assert (member.ethnicity, member.citizen_id) == (1, "")


def test_it_warns_of_a_duplicate_and_admits_when_the_cadre_confirms(cast, binh):
    client = cast.client(cast.hoa)
    data = record(cast, full_name="Nguyen Thi Binh")
    response = client.post(url(cast.commune_a, "new/"), data)
    assert response.status_code == 200
    assert Member.objects.count() == 1
    assert [d["member"] for d in response.context["duplicates"]] == [binh]
    assert f'href="{url(binh.branch, f"{binh.pk}/")}"' in response.text
    assert 'name="not_duplicate"' in response.text
    response = client.post(url(cast.commune_a, "new/"), {**data, "not_duplicate": "1"})
    assert response.status_code == 302
    assert Member.objects.count() == 2


def test_it_shows_a_duplicate_outside_the_users_scope_without_her_details(cast):
    theirs = make_member(cast.branch_b1, "Lê Thị Cúc", citizen_id=CID)
    member_remove(actor=cast.thu, member=theirs, reason="moved_away")
    response = cast.client(cast.hoa).post(url(cast.commune_a, "new/"), record(cast, citizen_id=CID))
    assert response.status_code == 200
    assert [d["visible"] for d in response.context["duplicates"]] == [False]
    assert "Lê Thị Cúc" not in response.text
    assert f"/members/{theirs.pk}/" not in response.text
    assert "xã Krông Pắc" in response.text  # lower-case mid-sentence


def test_it_says_on_the_citizen_id_field_that_an_active_member_holds_the_number(cast):
    make_member(cast.branch_b1, "Lê Thị Cúc", citizen_id=CID)
    response = cast.client(cast.hoa).post(url(cast.commune_a, "new/"), record(cast, citizen_id=CID))
    assert response.status_code == 200
    assert "citizen_id" in response.context["form"].errors
    assert "member_cid_unique_active" not in response.text


def test_it_says_on_the_card_number_field_that_the_number_is_taken(cast, binh):
    response = cast.client(cast.hoa).post(
        url(cast.commune_a, "new/"), record(cast, card_number="dl0001")
    )
    assert response.status_code == 200
    assert "card_number" in response.context["form"].errors


def test_it_links_a_visible_duplicate_to_a_page_that_opens(cast):
    theirs = make_member(cast.branch_b1, "Lê Thị Cúc")
    client = cast.client(cast.lan)
    response = client.post(url(cast.commune_a, "new/"), record(cast, full_name="Lê Thị Cúc"))
    assert [d["visible"] for d in response.context["duplicates"]] == [True]
    link = re.search(rf'href="([^"]*/members/{theirs.pk}/)"', response.text)
    assert link is not None
    assert client.get(link[1]).status_code == 200


def test_it_sends_the_user_of_a_province_to_a_commune_to_admit(cast):
    response = cast.client(cast.lan).get(url(cast.province, "new/"))
    assert response.status_code == 302
    assert response["Location"] == url(cast.province)


# --- the edit form --------------------------------------------------------------------------


def test_it_audits_the_sensitive_view_of_the_edit_form_for_a_cadre(cast, binh):
    response = cast.client(cast.hoa).get(url(cast.commune_a, f"{binh.pk}/edit/"))
    assert response.status_code == 200
    assert f'value="{CID}"' in response.text
    assert audited("member.sensitive_viewed") == 1


def test_it_gives_a_branch_head_the_edit_form_without_sensitive_fields(cast, binh):
    response = cast.client(cast.mai).get(url(cast.branch_a1, f"{binh.pk}/edit/"))
    assert response.status_code == 200
    assert CID not in response.text
    assert 'name="citizen_id"' not in response.text
    assert audited("member.sensitive_viewed") == 0


def _edit_data(response) -> dict:
    """The edit form's current values, as the browser would post them back."""
    form = response.context["form"]
    data: dict = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, dt.date):
            data[name] = value.strftime("%d/%m/%Y")
        elif value is not None:
            data[name] = value
    return data


def test_it_saves_the_edit_form(cast, binh):
    client = cast.client(cast.hoa)
    edit = url(cast.commune_a, f"{binh.pk}/edit/")
    data = {**_edit_data(client.get(edit)), "occupation": "Nông dân", "village": "Thôn 3"}
    response = client.post(edit, data)
    assert response.status_code == 302
    binh.refresh_from_db()
    assert (binh.occupation, binh.village) == ("Nông dân", "Thôn 3")
    assert binh.events.filter(kind="updated").get().data == {"fields": ["occupation", "village"]}


def test_it_shows_the_edit_forms_errors_and_keeps_the_record(cast, binh):
    client = cast.client(cast.hoa)
    edit = url(cast.commune_a, f"{binh.pk}/edit/")
    data = {**_edit_data(client.get(edit)), "citizen_id": "12345", "full_name": "Đổi Tên"}
    response = client.post(edit, data)
    assert response.status_code == 200
    assert "citizen_id" in response.context["form"].errors
    assert response.context["member"].full_name == "Nguyễn Thị Bình"
    binh.refresh_from_db()
    assert (binh.citizen_id, binh.full_name) == (CID, "Nguyễn Thị Bình")


# --- transfer, remove, restore, account -----------------------------------------------------


def test_it_offers_other_branches_served_and_the_provinces_other_communes(cast, binh):
    response = cast.client(cast.hoa).get(url(cast.commune_a, f"{binh.pk}/transfer/"))
    choices = set(response.context["form"].fields["to_unit"].queryset)
    assert choices == {cast.branch_a2, cast.commune_b}


def test_it_sends_a_transfer_to_another_commune_and_she_waits(cast, binh):
    response = cast.client(cast.hoa).post(
        url(cast.commune_a, f"{binh.pk}/transfer/"),
        {"to_unit": cast.commune_b.pk, "note": "Lấy chồng"},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.status, transfer.to_unit, transfer.note) == (
        TransferStatus.PENDING,
        cast.commune_b,
        "Lấy chồng",
    )
    binh.refresh_from_db()
    assert binh.branch == cast.branch_a1
    page = cast.client(cast.hoa).get(url(cast.commune_a, f"{binh.pk}/"))
    assert page.context["pending"] == transfer
    assert "Đang chờ Hội LHPN xã Krông Pắc tiếp nhận" in page.text


def test_it_moves_her_at_once_to_another_branch_the_cadre_serves(cast, binh):
    response = cast.client(cast.hoa).post(
        url(cast.commune_a, f"{binh.pk}/transfer/"), {"to_unit": cast.branch_a2.pk}
    )
    assert response.status_code == 302
    assert not Transfer.objects.exists()
    binh.refresh_from_db()
    assert binh.branch == cast.branch_a2


def test_it_refuses_a_transfer_to_a_unit_not_offered(cast, binh):
    response = cast.client(cast.hoa).post(
        url(cast.commune_a, f"{binh.pk}/transfer/"), {"to_unit": cast.branch_b1.pk}
    )
    assert response.status_code == 200
    assert "to_unit" in response.context["form"].errors
    assert not Transfer.objects.exists()


def test_it_removes_and_restores_a_member_through_the_pages(cast, binh):
    client = cast.client(cast.hoa)
    response = client.post(
        url(cast.commune_a, f"{binh.pk}/remove/"), {"reason": "moved_away", "on": "01/02/2024"}
    )
    assert response.status_code == 302
    binh.refresh_from_db()
    assert (binh.status, binh.status_since) == (Status.REMOVED, dt.date(2024, 2, 1))
    restore = url(cast.commune_a, f"{binh.pk}/restore/")
    assert client.get(restore).context["form"]["branch"].initial == cast.branch_a1.pk
    response = client.post(restore, {"branch": cast.branch_a2.pk, "note": "Về lại"})
    assert response.status_code == 302
    binh.refresh_from_db()
    assert (binh.status, binh.branch) == (Status.ACTIVE, cast.branch_a2)


def test_it_shows_the_remove_forms_errors(cast, binh):
    response = cast.client(cast.hoa).post(
        url(cast.commune_a, f"{binh.pk}/remove/"), {"reason": "left", "on": "01/01/2999"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    binh.refresh_from_db()
    assert binh.status == Status.ACTIVE


def test_it_enables_a_members_login_and_shows_the_password_once(cast, binh):
    client = cast.client(cast.hoa)
    response = client.post(url(cast.commune_a, f"{binh.pk}/account/"), follow=True)
    binh.refresh_from_db()
    assert binh.user is not None and binh.user.phone == "0987654321"
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "0987654321" in shown


# --- the inbox ------------------------------------------------------------------------------


def test_it_shows_an_incoming_transfer_to_the_receiving_cadre_who_accepts_it(cast, binh):
    transfer = transfer_request(actor=cast.hoa, member=binh, to_unit=cast.commune_b)
    client = cast.client(cast.thu)
    inbox = client.get(url(cast.commune_b, "inbox/"))
    assert [t for t, _ in inbox.context["incoming"]] == [transfer]
    assert inbox.context["outgoing"] == []
    assert "Nguyễn Thị Bình" in inbox.text
    response = client.post(
        url(cast.commune_b, f"transfers/{transfer.pk}/accept/"),
        {f"t{transfer.pk}-to_branch": cast.branch_b1.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == url(cast.commune_b, f"{binh.pk}/")
    binh.refresh_from_db()
    assert (binh.branch, binh.commune) == (cast.branch_b1, cast.commune_b)
    assert client.get(response["Location"]).status_code == 200
    assert cast.client(cast.hoa).get(url(cast.commune_a, f"{binh.pk}/")).status_code == 404


def test_it_shows_an_outgoing_transfer_to_the_sender_who_can_cancel_it(cast, binh):
    transfer = transfer_request(actor=cast.hoa, member=binh, to_unit=cast.commune_b)
    client = cast.client(cast.hoa)
    inbox = client.get(url(cast.commune_a, "inbox/"))
    assert inbox.context["outgoing"] == [transfer]
    assert inbox.context["incoming"] == []
    # The sender cannot answer her own transfer.
    accept = url(cast.commune_a, f"transfers/{transfer.pk}/accept/")
    assert client.post(accept, {f"t{transfer.pk}-to_branch": cast.branch_a2.pk}).status_code == 404
    response = client.post(url(cast.commune_a, f"transfers/{transfer.pk}/cancel/"))
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    assert client.get(url(cast.commune_a, "inbox/")).context["recent"] == [transfer]


def test_it_lets_the_receiving_cadre_refuse_with_a_reason(cast, binh):
    transfer = transfer_request(actor=cast.hoa, member=binh, to_unit=cast.commune_b)
    client = cast.client(cast.thu)
    refuse = url(cast.commune_b, f"transfers/{transfer.pk}/refuse/")
    assert client.post(refuse, {"reason": ""}).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING
    client.post(refuse, {"reason": "Không cư trú tại xã"})
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decision_note) == ("refused", "Không cư trú tại xã")
    # The receiving commune cannot cancel it, nor answer it again.
    assert client.post(url(cast.commune_b, f"transfers/{transfer.pk}/cancel/")).status_code == 404
    assert client.post(refuse, {"reason": "Lần nữa"}).status_code == 404


def test_it_refuses_an_accept_into_a_branch_outside_the_receiving_unit(cast, binh):
    transfer = transfer_request(actor=cast.hoa, member=binh, to_unit=cast.commune_b)
    response = cast.client(cast.lan).post(
        url(cast.province, f"transfers/{transfer.pk}/accept/"),
        {f"t{transfer.pk}-to_branch": cast.branch_a2.pk},
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING


# --- a member's own pages -------------------------------------------------------------------


def _log_in(client: Client, login: str, password: str):
    return client.post("/accounts/login/", {"username": login, "password": password})


def test_a_member_logs_in_with_her_phone_and_first_chooses_a_password(cast, binh):
    _, password = member_account_enable(actor=cast.hoa, member=binh)
    client = Client()
    assert _log_in(client, "0987 654 321", password).status_code == 302
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"
    response = client.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == "/me/"
    response = client.get("/me/")
    assert response.status_code == 200
    assert "Nguyễn Thị Bình" in response.text


@pytest.fixture
def member_client(cast, binh) -> Client:
    member_account_enable(actor=cast.hoa, member=binh)
    binh.refresh_from_db()
    User.objects.filter(pk=binh.user_id).update(must_change_password=False)
    client = Client()
    client.force_login(binh.user)
    return client


def test_a_member_sees_her_card_with_a_qr_code(member_client, binh):
    response = member_client.get("/me/")
    assert response.status_code == 200
    qr = re.search(r'<div class="qr">\s*(<svg.*?</svg>)', response.text, re.S)
    assert qr is not None
    assert "<title>DL0001</title>" in qr[1]
    assert "DL0001" in response.text


def test_a_member_without_a_card_number_still_gets_a_qr_code(cast):
    member = make_member(cast.branch_a1, "Lê Thị Cúc", phone="0351234567")
    user, _ = member_account_enable(actor=cast.hoa, member=member)
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    client = Client()
    client.force_login(user)
    assert "<svg" in client.get("/me/").text


def test_a_member_corrects_her_phone_and_logs_in_with_the_new_one(member_client, binh):
    response = member_client.post(
        "/me/contact/", {"phone": "035 123 4567", "address": "12 Lê Lợi", "village": "Thôn 3"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    binh.refresh_from_db()
    assert (binh.phone, binh.address, binh.village) == ("0351234567", "12 Lê Lợi", "Thôn 3")
    assert binh.user.phone == "0351234567"
    binh.user.set_password(PASSWORD)
    binh.user.save()
    assert _log_in(Client(), "0351234567", PASSWORD).status_code == 302


def test_a_member_is_told_what_is_wrong_with_her_phone(cast, member_client, binh):
    response = member_client.post("/me/contact/", {"phone": cast.hoa.phone})
    assert response.status_code == 200
    assert response.context["form"].errors
    binh.refresh_from_db()
    assert binh.phone == "0987654321"


def test_a_members_deletion_request_reaches_her_communes_cadre(cast, member_client, binh):
    response = member_client.post("/me/delete/", {"note": "Tôi không muốn tham gia nữa"})
    assert response.status_code == 302
    request = DeletionRequest.objects.get()
    assert (request.member, request.note) == (binh, "Tôi không muốn tham gia nữa")
    assert member_client.get("/me/").context["pending_deletion"] == request
    inbox = cast.client(cast.hoa).get(url(cast.commune_a, "inbox/"))
    assert inbox.context["deletions"] == [request]
    assert "Nguyễn Thị Bình" in inbox.text
    assert cast.client(cast.thu).get(url(cast.commune_b, "inbox/")).context["deletions"] == []
    # A second request while the first waits is refused with a message.
    again = member_client.post("/me/delete/", {"note": ""})
    assert again.status_code == 200
    assert DeletionRequest.objects.count() == 1


def test_the_cadre_erases_a_member_who_asked_and_her_login_stops(cast, member_client, binh):
    member_client.post("/me/delete/", {"note": ""})
    request = DeletionRequest.objects.get()
    response = cast.client(cast.hoa).post(
        url(cast.commune_a, f"erasure/{request.pk}/"), {"erase": "on", "answer": "Đã xoá"}
    )
    assert response.status_code == 302
    binh.refresh_from_db()
    assert (binh.phone, binh.citizen_id, binh.user) == ("", "", None)
    assert member_client.get("/me/").status_code in (302, 404)


def test_someone_who_is_not_a_member_has_no_card(cast):
    assert cast.client(cast.hoa).get("/me/").status_code == 404
    assert Client().get("/me/").status_code == 302


def test_it_counts_what_waits_in_the_inbox_on_the_unit_page(cast):
    from hoiso.members.services import deletion_request_create, transfer_request

    coming = make_member(cast.branch_a1, "Vũ Thị Sen")
    transfer_request(actor=cast.hoa, member=coming, to_unit=cast.commune_b)
    deletion_request_create(member=make_member(cast.branch_b1, "Hà Thị Yến"))
    response = cast.client(cast.thu).get(f"/u/{cast.commune_b.code}/")
    assert response.context["inbox"] == 2
    assert '<span class="badge">2</span>' in response.text
    assert cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/").context["inbox"] == 0
