"""Member services: every rule of admit, update, transfer, move, remove, restore, and a member's own
login, contact details and erasure."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils import timezone

from hoiso.accounts.models import User
from hoiso.conftest import make_unit
from hoiso.core.models import AuditEvent
from hoiso.members import selectors
from hoiso.members.choices import (
    NOT_RECORDED,
    EventKind,
    Kind,
    Religion,
    RemovalReason,
    Sex,
    Status,
    TransferStatus,
)
from hoiso.members.models import DeletionRequest, Member, MemberStat, NameToken, Transfer
from hoiso.members.services import (
    DuplicateWarning,
    deletion_request_answer,
    deletion_request_create,
    member_account_enable,
    member_admit,
    member_move,
    member_remove,
    member_restore,
    member_self_update,
    member_update,
    transfer_accept,
    transfer_cancel,
    transfer_refuse,
    transfer_request,
)
from hoiso.units.models import Level
from hoiso.units.services import central_unit, unit_close

BORN = dt.date(1985, 3, 5)


def cid(year: int = 1985, sex: str = "F", serial: int = 123, province: str = "066") -> str:
    """A well-formed citizen ID: province, century and sex, year, six serial digits."""
    digit = (year - 1900) // 100 * 2 + (1 if sex == "F" else 0)
    return f"{province}{digit}{year % 100:02d}{serial:06d}"


def admit(cast, branch=None, *, actor=None, group=None, allow=False, **data) -> Member:
    record = {
        "full_name": "Nguyễn Thị Bình",
        "birth_date": BORN,
        "join_date": dt.date(2010, 1, 1),
        **data,
    }
    return member_admit(
        actor=actor or cast.hoa,
        branch=branch or cast.branch_a1,
        group=group,
        data=record,
        allow_duplicates=allow,
    )


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def actions(member: Member) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="members.member", object_id=str(member.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def tokens(member: Member) -> set[str]:
    return set(NameToken.objects.filter(member=member).values_list("token", flat=True))


def kinds(member: Member) -> list[str]:
    return list(member.events.order_by("id").values_list("kind", flat=True))


def counts() -> dict[str, int]:
    return dict(MemberStat.objects.values_list("unit__code", "active"))


# --- admission: cleaning and placement ------------------------------------------------------


def test_it_admits_a_member_with_her_name_cleaned_to_single_spaces_and_nfc(cast):
    typed = unicodedata.normalize("NFD", "  Nguyễn   Thị\u200b Bình ")
    member = admit(cast, full_name=typed)
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Thị Bình"
    assert unicodedata.is_normalized("NFC", member.full_name)
    assert member.name_folded == "nguyen thi binh"
    assert member.status == Status.ACTIVE
    assert member.birth_year == 1985


@pytest.mark.parametrize(
    "typed",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "091-234-5678",
        "+84 912 345 678",
        "84912345678",
        "912345678",
    ],
)
def test_it_stores_a_phone_typed_in_any_format_as_0xxxxxxxxx(cast, typed):
    assert admit(cast, phone=typed).phone == "0912345678"


def test_it_refuses_a_phone_that_is_not_a_vietnamese_number(cast):
    with pytest.raises(ValidationError) as e:
        admit(cast, phone="12345")
    assert "phone" in errors_of(e)
    assert not Member.objects.exists()


def test_it_builds_the_name_tokens_for_search(cast):
    member = admit(cast, full_name="H'Mai Niê")
    assert tokens(member) == {"h", "mai", "hmai", "nie"}
    row = NameToken.objects.filter(member=member).first()
    assert (row.commune_id, row.province_id) == (cast.commune_a.pk, cast.province.pk)


def test_it_places_her_in_the_province_commune_and_branch(cast):
    member = admit(cast, group=cast.group_a1)
    member.refresh_from_db()
    assert member.province == cast.province
    assert member.commune == cast.commune_a
    assert member.branch == cast.branch_a1
    assert member.group == cast.group_a1
    assert member.branch_path == cast.branch_a1.path


def test_it_dates_the_admission_event_on_the_join_date_and_audits_it(cast):
    member = admit(cast, join_date=dt.date(2012, 8, 20))
    event = member.events.get()
    assert (event.kind, event.on, event.branch, event.actor) == (
        EventKind.ADMITTED,
        dt.date(2012, 8, 20),
        cast.branch_a1,
        cast.hoa,
    )
    audit = AuditEvent.objects.get(action="member.admitted")
    assert (audit.actor, audit.unit, audit.object_id) == (cast.hoa, cast.branch_a1, str(member.pk))
    assert member.status_since == dt.date(2012, 8, 20)


def test_it_dates_an_admission_without_join_date_today(cast):
    member = admit(cast, join_date=None)
    assert member.events.get().on == timezone.localdate()
    assert member.status_since == timezone.localdate()


def test_it_upper_cases_the_card_number(cast):
    assert admit(cast, card_number=" dl 0001 ").card_number == "DL 0001"


def test_it_refreshes_the_member_counts_after_admission(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admit(cast)
        admit(cast, branch=cast.branch_b1, full_name="Lê Thị Cúc")
    stats = counts()
    assert stats[cast.province.code] == 2
    assert stats[cast.commune_a.code] == 1
    assert stats[cast.branch_a1.code] == 1
    assert stats[cast.branch_a2.code] == 0
    assert stats[cast.commune_b.code] == 1


# --- admission: the rules -------------------------------------------------------------------


def test_it_refuses_a_man_as_a_regular_member(cast):
    with pytest.raises(ValidationError) as e:
        admit(cast, full_name="Trần Văn Nam", sex=Sex.MALE)
    assert "sex" in errors_of(e)
    assert not Member.objects.exists()


def test_it_admits_a_man_as_an_honorary_member(cast):
    member = admit(
        cast, full_name="Trần Văn Nam", sex=Sex.MALE, kind=Kind.HONORARY, citizen_id=cid(sex="M")
    )
    assert (member.kind, member.sex) == (Kind.HONORARY, Sex.MALE)


def test_it_refuses_a_regular_member_under_18_today(cast):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as e:
        admit(cast, birth_date=today - dt.timedelta(days=16 * 365), join_date=None)
    assert "birth_date" in errors_of(e)


def test_it_refuses_a_regular_member_who_was_under_18_when_she_joined(cast):
    with pytest.raises(ValidationError) as e:
        admit(cast, birth_date=dt.date(1995, 6, 1), join_date=dt.date(2010, 1, 1))
    assert "birth_date" in errors_of(e)


def test_it_admits_an_honorary_member_under_18(cast):
    today = timezone.localdate()
    member = admit(
        cast, kind=Kind.HONORARY, birth_date=today - dt.timedelta(days=16 * 365), join_date=None
    )
    assert member.pk


def test_it_refuses_a_join_date_in_the_future(cast):
    with pytest.raises(ValidationError) as e:
        admit(cast, join_date=timezone.localdate() + dt.timedelta(days=1))
    assert "join_date" in errors_of(e)


def test_it_refuses_a_birth_date_in_the_future(cast):
    with pytest.raises(ValidationError) as e:
        admit(cast, birth_date=timezone.localdate() + dt.timedelta(days=1), join_date=None)
    assert "birth_date" in errors_of(e)


def test_it_accepts_a_valid_citizen_id_typed_with_spaces(cast):
    assert admit(cast, citizen_id="066 185 000 123").citizen_id == "066185000123"


@pytest.mark.parametrize(
    ("citizen_id", "why"),
    [
        ("06618500012", "11 digits"),
        ("0661850001234", "13 digits"),
        ("06618500012A", "a letter"),
        ("003185000123", "003 is no province code"),
        (cid(year=1986), "born in 1986, not 1985"),
        (cid(sex="M"), "a man's number"),
        (cid(year=2085), "born in 2085 (century digit)"),
    ],
)
def test_it_refuses_a_citizen_id_that_does_not_check(cast, citizen_id, why):
    with pytest.raises(ValidationError) as e:
        admit(cast, citizen_id=citizen_id)
    assert "citizen_id" in errors_of(e), why
    assert not Member.objects.exists()


def test_it_checks_the_citizen_id_against_the_birth_year_when_only_the_year_is_known(cast):
    with pytest.raises(ValidationError) as e:
        admit(cast, birth_date=None, birth_year=1984, citizen_id=cid(year=1985))
    assert "citizen_id" in errors_of(e)
    assert admit(cast, birth_date=None, birth_year=1985, citizen_id=cid(year=1985)).pk


def test_it_refuses_a_group_outside_the_branch(cast):
    with pytest.raises(ValidationError) as e:
        admit(cast, branch=cast.branch_a2, group=cast.group_a1)
    assert "group" in errors_of(e)


def test_it_refuses_a_closed_branch(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a2, on=timezone.localdate())
    cast.branch_a2.refresh_from_db()
    with pytest.raises(ValidationError) as e:
        admit(cast, branch=cast.branch_a2)
    assert "branch" in errors_of(e)


def test_it_refuses_a_unit_that_is_not_a_branch(cast):
    with pytest.raises(ValidationError) as e:
        admit(cast, branch=cast.commune_a)
    assert "branch" in errors_of(e)


@pytest.mark.parametrize(
    "missing",
    [{"consent_date": None}, {"consent_method": ""}, {"consent_date": None, "consent_method": ""}],
)
def test_it_refuses_consent_purposes_without_the_date_and_the_way_given(cast, missing):
    consent = {
        "consent_purposes": ["membership"],
        "consent_date": dt.date(2024, 5, 1),
        "consent_method": "paper",
        **missing,
    }
    with pytest.raises(ValidationError) as e:
        admit(cast, **consent)
    assert "consent_date" in errors_of(e)


def test_it_keeps_a_consent_given_with_its_date_and_way(cast):
    member = admit(
        cast,
        consent_purposes=["membership", "contact"],
        consent_date=dt.date(2024, 5, 1),
        consent_method="witnessed",
    )
    member.refresh_from_db()
    assert member.consent_purposes == ["membership", "contact"]
    assert (member.consent_date, member.consent_method) == (dt.date(2024, 5, 1), "witnessed")


# --- duplicates -----------------------------------------------------------------------------


def test_it_warns_of_the_same_citizen_id_anywhere_in_the_province(cast):
    existing = admit(cast, branch=cast.branch_b1, full_name="Lê Thị Cúc", citizen_id=cid())
    member_remove(actor=cast.thu, member=existing, reason=RemovalReason.MOVED_AWAY)
    with pytest.raises(DuplicateWarning) as w:
        admit(cast, full_name="Phan Thị Dung", birth_date=BORN, citizen_id=cid())
    assert w.value.matches == [existing]
    assert Member.objects.count() == 1


def test_it_warns_of_the_same_name_without_diacritics_and_birth_date(cast):
    existing = admit(cast, branch=cast.branch_b1)
    with pytest.raises(DuplicateWarning) as w:
        admit(cast, full_name="nguyen  thi BINH")
    assert w.value.matches == [existing]


def test_it_warns_of_the_same_name_and_birth_year_when_the_date_is_unknown(cast):
    existing = admit(cast, birth_date=None, birth_year=1985)
    with pytest.raises(DuplicateWarning) as w:
        admit(cast, birth_date=None, birth_year=1985)
    assert w.value.matches == [existing]


def test_it_does_not_warn_of_the_same_name_born_on_another_day(cast):
    admit(cast)
    assert admit(cast, birth_date=dt.date(1990, 1, 1)).pk


def test_it_warns_of_the_same_phone_and_a_similar_name(cast):
    existing = admit(cast, phone="0912345678")
    with pytest.raises(DuplicateWarning) as w:
        admit(
            cast,
            full_name="Nguyễn T. Bình",
            birth_date=dt.date(1986, 1, 1),
            phone="+84 912 345 678",
        )
    assert w.value.matches == [existing]


def test_it_admits_someone_with_the_same_phone_and_a_dissimilar_name(cast):
    admit(cast, phone="0912345678")
    # Her mother-in-law, sharing the household's phone.
    other = admit(
        cast, full_name="Lê Thị Hương", birth_date=dt.date(1958, 2, 2), phone="0912345678"
    )
    assert other.pk and Member.objects.count() == 2


def test_it_admits_a_duplicate_when_the_cadre_has_decided(cast):
    admit(cast)
    second = admit(cast, allow=True)
    assert second.pk and Member.objects.count() == 2
    assert actions(second) == ["member.admitted"]


def test_it_does_not_warn_of_a_namesake_in_another_province(cast):
    other = make_unit(central_unit(), Level.PROVINCE, "49", "Tỉnh Quảng Nam")
    commune = make_unit(other, Level.COMMUNE, "20000", "Xã Duy Sơn")
    branch = make_unit(commune, Level.BRANCH, "20000-01", "Chi hội Thôn 1")
    admit(cast, branch=branch, phone="0912345678", card_number="DL1")
    assert admit(cast, phone="0912345678", card_number="DL1").pk


def test_it_refuses_the_citizen_id_of_an_active_member_even_when_the_cadre_insists(cast):
    admit(cast, citizen_id=cid())
    with pytest.raises(ValidationError):
        admit(cast, full_name="Phan Thị Dung", citizen_id=cid(), allow=True)
    assert Member.objects.count() == 1


def test_it_says_on_the_citizen_id_field_that_an_active_member_has_it(cast):
    admit(cast, citizen_id=cid())
    with pytest.raises(ValidationError) as e:
        admit(cast, full_name="Phan Thị Dung", citizen_id=cid(), allow=True)
    assert "citizen_id" in errors_of(e)


def test_it_lets_a_removed_members_citizen_id_be_reused(cast):
    old = admit(cast, citizen_id=cid())
    member_remove(actor=cast.hoa, member=old, reason=RemovalReason.OTHER)
    new = admit(
        cast, branch=cast.branch_b1, full_name="Phan Thị Dung", citizen_id=cid(), allow=True
    )
    assert new.citizen_id == old.citizen_id
    assert Member.objects.active().get() == new


def test_it_refuses_a_card_number_already_used_in_the_province(cast):
    admit(cast, card_number="DL0001")
    with pytest.raises(ValidationError) as e:
        admit(cast, branch=cast.branch_b1, full_name="Lê Thị Cúc", card_number="dl0001")
    assert "card_number" in errors_of(e)


def test_it_refuses_changing_to_a_card_number_already_used_in_the_province(cast):
    admit(cast, card_number="DL0001")
    other = admit(cast, branch=cast.branch_b1, full_name="Lê Thị Cúc", card_number="DL0002")
    with pytest.raises(ValidationError) as e:
        member_update(actor=cast.thu, member=other, data={"card_number": "DL0001"})
    assert "card_number" in errors_of(e)


# --- update ---------------------------------------------------------------------------------


def test_it_records_which_fields_changed_but_not_their_values(cast):
    member = admit(cast)
    member_update(
        actor=cast.hoa,
        member=member,
        data={"citizen_id": cid(), "occupation": "Nông dân", "ethnicity": 12},
    )
    event = member.events.get(kind=EventKind.UPDATED)
    assert event.data == {"fields": ["citizen_id", "ethnicity", "occupation"]}
    audit = AuditEvent.objects.get(action="member.updated")
    assert audit.data == {"fields": ["citizen_id", "ethnicity", "occupation"]}
    assert cid() not in str(event.data) + str(audit.data)
    member.refresh_from_db()
    assert (member.citizen_id, member.occupation, member.ethnicity) == (cid(), "Nông dân", 12)


def test_it_reindexes_the_name_when_she_is_renamed(cast):
    member = admit(cast)
    member_update(actor=cast.hoa, member=member, data={"full_name": "Nguyễn Thị  Bích Ngọc"})
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Thị Bích Ngọc"
    assert member.name_folded == "nguyen thi bich ngoc"
    assert tokens(member) == {"nguyen", "thi", "bich", "ngoc"}
    assert selectors.search(cast.commune_a, "ngoc").members == [member]
    assert selectors.search(cast.commune_a, "binh").members == []


def test_it_records_nothing_when_nothing_changes(cast):
    member = admit(cast, phone="0912345678", occupation="Nông dân")
    member_update(
        actor=cast.hoa,
        member=member,
        data={"phone": "0912 345 678", "occupation": " Nông  dân ", "full_name": "Nguyễn Thị Bình"},
    )
    assert kinds(member) == [EventKind.ADMITTED]
    assert actions(member) == ["member.admitted"]


def test_it_ignores_fields_that_are_not_part_of_the_record(cast):
    member = admit(cast)
    member_update(
        actor=cast.hoa, member=member, data={"status": Status.REMOVED, "branch": cast.branch_b1}
    )
    member.refresh_from_db()
    assert (member.status, member.branch) == (Status.ACTIVE, cast.branch_a1)


def test_it_refuses_an_update_that_breaks_a_rule_and_saves_nothing(cast):
    member = admit(cast)
    with pytest.raises(ValidationError) as e:
        member_update(actor=cast.hoa, member=member, data={"citizen_id": "123"})
    assert "citizen_id" in errors_of(e)
    member.refresh_from_db()
    assert member.citizen_id == ""
    assert kinds(member) == [EventKind.ADMITTED]


# --- transfers ------------------------------------------------------------------------------


def test_it_sends_a_transfer_that_waits_with_her_still_in_her_branch(cast):
    member = admit(cast)
    transfer = transfer_request(
        actor=cast.hoa, member=member, to_unit=cast.commune_b, note="  Lấy chồng  ở Krông Pắc "
    )
    assert transfer.status == TransferStatus.PENDING
    assert (transfer.from_branch, transfer.to_unit, transfer.requested_by) == (
        cast.branch_a1,
        cast.commune_b,
        cast.hoa,
    )
    assert transfer.note == "Lấy chồng ở Krông Pắc"
    # Both sides see it pending: the receiving subtree by to_path, the sending one by from_path.
    pending = Transfer.objects.filter(status=TransferStatus.PENDING)
    assert list(pending.filter(to_path__startswith=cast.commune_b.path)) == [transfer]
    assert list(pending.filter(from_path__startswith=cast.commune_a.path)) == [transfer]
    member.refresh_from_db()
    assert member.branch == cast.branch_a1
    assert kinds(member)[-1] == EventKind.TRANSFER_REQUESTED
    assert actions(member)[-1] == "member.transfer_requested"


def test_it_allows_only_one_pending_transfer_at_a_time(cast):
    member = admit(cast)
    transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    with pytest.raises(ValidationError):
        transfer_request(actor=cast.hoa, member=member, to_unit=cast.branch_b1)
    assert Transfer.objects.count() == 1


def test_it_accepts_a_transfer_into_the_chosen_branch_and_reindexes(
    cast, django_capture_on_commit_callbacks
):
    member = admit(cast)
    transfer = transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    with django_capture_on_commit_callbacks(execute=True):
        transfer_accept(actor=cast.thu, transfer=transfer, to_branch=cast.branch_b1)
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert (member.branch, member.commune, member.branch_path, member.group) == (
        cast.branch_b1,
        cast.commune_b,
        cast.branch_b1.path,
        None,
    )
    assert (transfer.status, transfer.to_branch, transfer.decided_by) == (
        TransferStatus.ACCEPTED,
        cast.branch_b1,
        cast.thu,
    )
    assert transfer.decided_at is not None
    assert set(NameToken.objects.filter(member=member).values_list("commune_id", flat=True)) == {
        cast.commune_b.pk
    }
    assert selectors.search(cast.commune_b, "ng thi b").members == [member]
    assert selectors.search(cast.commune_a, "ng thi b").members == []
    assert kinds(member)[-1] == EventKind.TRANSFERRED
    # Logged on both sides: the receiving branch and the sending one.
    logged = AuditEvent.objects.filter(action="member.transferred")
    assert {e.unit for e in logged} == {cast.branch_b1, cast.branch_a1}
    stats = counts()
    assert (stats[cast.commune_a.code], stats[cast.commune_b.code]) == (0, 1)


def test_it_accepts_into_a_group_of_the_chosen_branch(cast):
    member = admit(cast, branch=cast.branch_b1, full_name="Lê Thị Cúc")
    transfer = transfer_request(actor=cast.thu, member=member, to_unit=cast.commune_a)
    transfer_accept(
        actor=cast.hoa, transfer=transfer, to_branch=cast.branch_a1, group=cast.group_a1
    )
    member.refresh_from_db()
    assert (member.branch, member.group) == (cast.branch_a1, cast.group_a1)


def test_it_refuses_to_accept_into_a_branch_outside_the_receiving_unit(cast):
    member = admit(cast)
    transfer = transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    for wrong in (cast.branch_a2, cast.commune_b):
        with pytest.raises(ValidationError):
            transfer_accept(actor=cast.thu, transfer=transfer, to_branch=wrong)
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING
    assert member.branch == cast.branch_a1


def test_it_refuses_a_transfer_only_with_a_reason(cast):
    member = admit(cast)
    transfer = transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as e:
            transfer_refuse(actor=cast.thu, transfer=transfer, reason=reason)
        assert "reason" in errors_of(e)
    transfer_refuse(actor=cast.thu, transfer=transfer, reason="Không có ở địa bàn")
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert (transfer.status, transfer.decision_note) == (
        TransferStatus.REFUSED,
        "Không có ở địa bàn",
    )
    assert member.branch == cast.branch_a1
    event = member.events.filter(kind=EventKind.TRANSFER_REFUSED).get()
    assert event.data == {"reason": "Không có ở địa bàn"}
    assert actions(member)[-1] == "member.transfer_refused"


def test_it_lets_a_new_transfer_be_sent_after_a_refusal(cast):
    member = admit(cast)
    first = transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    transfer_refuse(actor=cast.thu, transfer=first, reason="Sai xã")
    assert transfer_request(actor=cast.hoa, member=member, to_unit=cast.branch_b1).pk


def test_it_cancels_a_pending_transfer(cast):
    member = admit(cast)
    transfer = transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    transfer_cancel(actor=cast.hoa, transfer=transfer)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == (TransferStatus.CANCELLED, cast.hoa)
    assert kinds(member)[-1] == EventKind.TRANSFER_CANCELLED
    assert actions(member)[-1] == "member.transfer_cancelled"


@pytest.mark.parametrize("first", ["accept", "refuse", "cancel"])
def test_it_cannot_answer_a_transfer_twice(cast, first):
    member = admit(cast)
    transfer = transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    answers = {
        "accept": lambda: transfer_accept(
            actor=cast.thu, transfer=transfer, to_branch=cast.branch_b1
        ),
        "refuse": lambda: transfer_refuse(actor=cast.thu, transfer=transfer, reason="Không"),
        "cancel": lambda: transfer_cancel(actor=cast.hoa, transfer=transfer),
    }
    answers[first]()
    status = Transfer.objects.get().status
    for answer in answers.values():
        with pytest.raises(ValidationError):
            answer()
    assert Transfer.objects.get().status == status


def test_it_cannot_transfer_a_removed_member(cast):
    member = admit(cast)
    member_remove(actor=cast.hoa, member=member, reason=RemovalReason.LEFT)
    with pytest.raises(ValidationError):
        transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("where", ["branch_a1", "commune_a", "group_a1", "province"])
def test_it_cannot_transfer_her_to_her_own_unit_or_a_unit_that_holds_her(cast, where):
    member = admit(cast)
    with pytest.raises(ValidationError):
        transfer_request(actor=cast.hoa, member=member, to_unit=getattr(cast, where))
    assert not Transfer.objects.exists()


def test_it_cannot_transfer_to_a_closed_unit(cast):
    member = admit(cast, branch=cast.branch_b1, full_name="Lê Thị Cúc")
    unit_close(actor=cast.hoa, unit=cast.branch_a2, on=timezone.localdate())
    cast.branch_a2.refresh_from_db()
    with pytest.raises(ValidationError):
        transfer_request(actor=cast.thu, member=member, to_unit=cast.branch_a2)


def test_it_can_send_a_transfer_to_a_sibling_branch(cast):
    member = admit(cast)
    transfer = transfer_request(actor=cast.lan, member=member, to_unit=cast.branch_a2)
    transfer_accept(actor=cast.hoa, transfer=transfer, to_branch=cast.branch_a2)
    member.refresh_from_db()
    assert member.branch == cast.branch_a2


# --- move -----------------------------------------------------------------------------------


def test_it_moves_a_member_between_branches_at_once(cast):
    member = admit(cast, group=cast.group_a1)
    member_move(actor=cast.hoa, member=member, branch=cast.branch_a2)
    member.refresh_from_db()
    assert (member.branch, member.group, member.branch_path) == (
        cast.branch_a2,
        None,
        cast.branch_a2.path,
    )
    event = member.events.get(kind=EventKind.MOVED)
    assert event.data == {"from_branch": cast.branch_a1.code, "to_branch": cast.branch_a2.code}
    assert event.branch == cast.branch_a2
    assert actions(member)[-1] == "member.moved"


def test_it_moves_a_member_to_another_commune_and_reindexes(cast):
    member = admit(cast)
    member_move(actor=cast.lan, member=member, branch=cast.branch_b1)
    member.refresh_from_db()
    assert (member.commune, member.branch) == (cast.commune_b, cast.branch_b1)
    assert selectors.search(cast.commune_b, "binh").members == [member]
    assert selectors.search(cast.commune_a, "binh").members == []


def test_it_cancels_a_pending_transfer_when_she_is_moved(cast):
    member = admit(cast)
    transfer = transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    member_move(actor=cast.hoa, member=member, branch=cast.branch_a2)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED


def test_it_cannot_move_a_removed_member_or_into_a_closed_branch(cast):
    member = admit(cast)
    unit_close(actor=cast.hoa, unit=cast.branch_a2, on=timezone.localdate())
    cast.branch_a2.refresh_from_db()
    with pytest.raises(ValidationError):
        member_move(actor=cast.hoa, member=member, branch=cast.branch_a2)
    member.refresh_from_db()
    assert member.branch == cast.branch_a1
    member_remove(actor=cast.hoa, member=member, reason=RemovalReason.LEFT)
    with pytest.raises(ValidationError):
        member_move(actor=cast.lan, member=member, branch=cast.branch_b1)


# --- remove and restore ---------------------------------------------------------------------


def test_it_removes_a_member_with_a_reason_and_a_date(cast, django_capture_on_commit_callbacks):
    member = admit(cast)
    with django_capture_on_commit_callbacks(execute=True):
        member_remove(
            actor=cast.hoa,
            member=member,
            reason=RemovalReason.MARRIED_AWAY,
            on=dt.date(2024, 2, 1),
            note=" Lấy chồng  xa ",
        )
    member.refresh_from_db()
    assert (member.status, member.status_since, member.removal_reason) == (
        Status.REMOVED,
        dt.date(2024, 2, 1),
        RemovalReason.MARRIED_AWAY,
    )
    event = member.events.get(kind=EventKind.REMOVED)
    assert event.on == dt.date(2024, 2, 1)
    assert event.data == {"reason": "married_away", "note": "Lấy chồng xa"}
    assert actions(member)[-1] == "member.removed"
    assert counts()[cast.commune_a.code] == 0


@pytest.mark.parametrize("reason", ["", "bored"])
def test_it_refuses_a_removal_without_a_known_reason(cast, reason):
    member = admit(cast)
    with pytest.raises(ValidationError) as e:
        member_remove(actor=cast.hoa, member=member, reason=reason)
    assert "reason" in errors_of(e)
    member.refresh_from_db()
    assert member.status == Status.ACTIVE


def test_it_records_a_deceased_member_as_deceased(cast):
    member = admit(cast)
    member_remove(actor=cast.hoa, member=member, reason=RemovalReason.DECEASED)
    member.refresh_from_db()
    assert (member.status, member.status_since) == (Status.DECEASED, timezone.localdate())


def test_it_refuses_a_removal_dated_in_the_future(cast):
    member = admit(cast)
    with pytest.raises(ValidationError) as e:
        member_remove(
            actor=cast.hoa,
            member=member,
            reason=RemovalReason.LEFT,
            on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert "on" in errors_of(e)


def test_it_cancels_a_pending_transfer_when_she_is_removed(cast):
    member = admit(cast)
    transfer = transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    member_remove(actor=cast.hoa, member=member, reason=RemovalReason.MOVED_AWAY)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED


def test_it_cannot_remove_a_member_twice(cast):
    member = admit(cast)
    member_remove(actor=cast.hoa, member=member, reason=RemovalReason.LEFT)
    with pytest.raises(ValidationError):
        member_remove(actor=cast.hoa, member=member, reason=RemovalReason.DECEASED)


def test_it_restores_a_removed_member(cast, django_capture_on_commit_callbacks):
    member = admit(cast)
    member_remove(actor=cast.hoa, member=member, reason=RemovalReason.LEFT)
    with django_capture_on_commit_callbacks(execute=True):
        member_restore(actor=cast.hoa, member=member, note="Nhầm")
    member.refresh_from_db()
    assert (member.status, member.removal_reason, member.status_since) == (
        Status.ACTIVE,
        "",
        timezone.localdate(),
    )
    assert kinds(member)[-1] == EventKind.RESTORED
    assert actions(member)[-1] == "member.restored"
    assert counts()[cast.commune_a.code] == 1


def test_it_refuses_to_restore_when_another_active_member_has_her_citizen_id(cast):
    old = admit(cast, citizen_id=cid())
    member_remove(actor=cast.hoa, member=old, reason=RemovalReason.MOVED_AWAY)
    admit(cast, branch=cast.branch_b1, full_name="Phan Thị Dung", citizen_id=cid(), allow=True)
    with pytest.raises(ValidationError):
        member_restore(actor=cast.hoa, member=old)
    old.refresh_from_db()
    assert old.status == Status.REMOVED


def test_it_restores_a_deceased_member_only_with_a_note(cast):
    member = admit(cast)
    member_remove(actor=cast.hoa, member=member, reason=RemovalReason.DECEASED)
    for note in ("", "  "):
        with pytest.raises(ValidationError) as e:
            member_restore(actor=cast.hoa, member=member, note=note)
        assert "note" in errors_of(e)
    member_restore(actor=cast.hoa, member=member, note="Báo tử nhầm người")
    assert member.status == Status.ACTIVE
    assert member.events.filter(kind=EventKind.RESTORED).get().data == {"note": "Báo tử nhầm người"}


def test_it_refuses_to_restore_an_active_member(cast):
    member = admit(cast)
    with pytest.raises(ValidationError):
        member_restore(actor=cast.hoa, member=member)


def test_it_restores_into_another_branch_when_hers_has_closed(cast):
    member = admit(cast, branch=cast.branch_a2)
    member_remove(actor=cast.hoa, member=member, reason=RemovalReason.LEFT)
    unit_close(actor=cast.hoa, unit=cast.branch_a2, on=timezone.localdate())
    member = Member.objects.get(pk=member.pk)
    with pytest.raises(ValidationError) as e:
        member_restore(actor=cast.hoa, member=member)
    assert "branch" in errors_of(e)
    member_restore(actor=cast.lan, member=member, branch=cast.branch_b1)
    member = Member.objects.get(pk=member.pk)
    assert (member.status, member.branch, member.commune) == (
        Status.ACTIVE,
        cast.branch_b1,
        cast.commune_b,
    )
    assert selectors.search(cast.commune_b, "binh").members == [member]


# --- a member's own login -------------------------------------------------------------------


def test_it_creates_a_login_by_phone_that_must_change_its_password(cast):
    member = admit(cast, phone="0987 654 321")
    user, password = member_account_enable(actor=cast.hoa, member=member)
    assert password and len(password) == 10
    assert (user.phone, user.full_name, user.must_change_password) == (
        "0987654321",
        "Nguyễn Thị Bình",
        True,
    )
    assert user.check_password(password)
    assert Member.objects.get(pk=member.pk).user == user
    assert authenticate(username="+84 987 654 321", password=password) == user
    assert actions(member)[-1] == "member.account_enabled"


def test_it_links_an_existing_account_without_roles_that_has_her_phone(cast):
    own = User.objects.create(username="xuan", full_name="Đỗ Thị Xuân", phone="0977000111")
    member = admit(cast, full_name="Đỗ Thị Xuân", phone="0977 000 111")
    user, password = member_account_enable(actor=cast.hoa, member=member)
    assert (user, password) == (own, None)
    assert Member.objects.get(pk=member.pk).user == own


def test_it_never_hands_a_cadres_account_to_a_member_record(cast):
    # Thu, of another commune, types the province admin's phone into a member's record.
    member = admit(cast, full_name="Nguyễn Thị Lan", phone=cast.lan.phone)
    with pytest.raises(ValidationError):
        member_account_enable(actor=cast.hoa, member=member)
    assert Member.objects.get(pk=member.pk).user is None


def test_it_refuses_a_login_without_a_phone(cast):
    member = admit(cast)
    with pytest.raises(ValidationError):
        member_account_enable(actor=cast.hoa, member=member)
    assert Member.objects.get(pk=member.pk).user is None


def test_it_refuses_a_second_login_or_a_phone_another_member_logs_in_with(cast):
    first = admit(cast, phone="0987654321")
    member_account_enable(actor=cast.hoa, member=first)
    with pytest.raises(ValidationError):
        member_account_enable(actor=cast.hoa, member=first)
    second = admit(
        cast, full_name="Lê Thị Hương", birth_date=dt.date(1960, 1, 1), phone="0987654321"
    )
    with pytest.raises(ValidationError):
        member_account_enable(actor=cast.hoa, member=second)


def test_it_lets_her_correct_her_contact_details_and_her_login_phone_follows(cast):
    member = admit(cast, phone="0987654321")
    user, _ = member_account_enable(actor=cast.hoa, member=member)
    member = Member.objects.get(pk=member.pk)
    member_self_update(
        member=member, phone="+84 35 123 4567", address=" 12  Lê Lợi ", village="Thôn 3"
    )
    member.refresh_from_db()
    user.refresh_from_db()
    assert (member.phone, member.address, member.village) == ("0351234567", "12 Lê Lợi", "Thôn 3")
    assert user.phone == "0351234567"
    event = member.events.get(kind=EventKind.SELF_UPDATED)
    assert event.actor == user
    audit = AuditEvent.objects.get(action="member.self_updated")
    assert audit.actor == user


def test_it_refuses_her_a_phone_that_another_account_uses(cast):
    member = admit(cast, phone="0987654321")
    member_account_enable(actor=cast.hoa, member=member)
    member = Member.objects.get(pk=member.pk)
    with pytest.raises(ValidationError) as e:
        member_self_update(member=member, phone=cast.hoa.phone, address="", village="")
    assert "phone" in errors_of(e)
    assert Member.objects.get(pk=member.pk).phone == "0987654321"


def test_it_refuses_her_a_wrong_phone_and_records_nothing_without_a_change(cast):
    member = admit(cast, phone="0987654321", village="Thôn 3")
    member_account_enable(actor=cast.hoa, member=member)
    member = Member.objects.get(pk=member.pk)
    with pytest.raises(ValidationError):
        member_self_update(member=member, phone="12", address="", village="Thôn 3")
    member = Member.objects.get(pk=member.pk)
    member_self_update(member=member, phone="0987 654 321", address="", village="Thôn 3")
    assert EventKind.SELF_UPDATED not in kinds(member)


# --- erasure --------------------------------------------------------------------------------


def test_it_records_a_deletion_request_and_allows_only_one_pending(cast):
    member = admit(cast)
    request = deletion_request_create(member=member, note="  Tôi chuyển đi ")
    assert (request.note, request.handled_at) == ("Tôi chuyển đi", None)
    assert kinds(member)[-1] == EventKind.DELETION_REQUESTED
    assert actions(member)[-1] == "member.deletion_requested"
    with pytest.raises(ValidationError):
        deletion_request_create(member=member)
    deletion_request_answer(actor=cast.hoa, request=request, erase=False, answer="Chưa xoá")
    assert deletion_request_create(member=member).pk
    assert DeletionRequest.objects.count() == 2


def test_it_erases_her_personal_data_when_the_cadre_agrees(
    cast, django_capture_on_commit_callbacks
):
    member = admit(
        cast,
        phone="0987654321",
        citizen_id=cid(),
        address="12 Lê Lợi",
        ethnicity=12,
        religion=Religion.CATHOLICISM,
        village="Thôn 3",
        occupation="Giáo viên",
        card_number="DL1",
        consent_purposes=["membership"],
        consent_date=dt.date(2024, 1, 1),
        consent_method="paper",
    )
    user, _ = member_account_enable(actor=cast.hoa, member=member)
    member = Member.objects.get(pk=member.pk)
    member_update(actor=cast.hoa, member=member, data={"occupation": "Nông dân"})
    request = deletion_request_create(member=member)
    with django_capture_on_commit_callbacks(execute=True):
        deletion_request_answer(actor=cast.hoa, request=request, erase=True, answer=" Đã xoá ")
    member = Member.objects.get(pk=member.pk)
    assert "Bình" not in member.full_name and "binh" not in member.name_folded
    assert (
        member.citizen_id,
        member.phone,
        member.address,
        member.village,
        member.occupation,
        member.card_number,
    ) == ("", "", "", "", "", "")
    assert (
        member.birth_date,
        member.consent_purposes,
        member.consent_date,
        member.consent_method,
    ) == (None, [], None, "")
    assert (member.ethnicity, member.religion) == (NOT_RECORDED, Religion.NOT_RECORDED)
    assert member.birth_year == 1985
    assert (member.status, member.removal_reason, member.user) == (
        Status.REMOVED,
        RemovalReason.LEFT,
        None,
    )
    assert tokens(member) == set()
    assert all(data == {} for data in member.events.values_list("data", flat=True))
    user.refresh_from_db()
    assert (user.is_active, user.phone) == (False, "")
    request.refresh_from_db()
    assert (request.handled_by, request.answer) == (cast.hoa, "Đã xoá")
    assert request.handled_at is not None
    assert "member.erased" in actions(member)
    answered = AuditEvent.objects.get(action="member.deletion_answered")
    assert answered.data == {"erased": True}
    assert selectors.search(cast.commune_a, "binh").members == []
    assert counts()[cast.commune_a.code] == 0


def test_it_removes_her_name_from_her_login_when_erasing(cast):
    member = admit(cast, phone="0987654321")
    user, _ = member_account_enable(actor=cast.hoa, member=member)
    request = deletion_request_create(member=Member.objects.get(pk=member.pk))
    deletion_request_answer(actor=cast.hoa, request=request, erase=True, answer="Đã xoá")
    user.refresh_from_db()
    assert "Bình" not in user.full_name


def test_it_answers_without_erasing_when_the_cadre_declines(cast):
    member = admit(cast, phone="0987654321")
    request = deletion_request_create(member=member)
    deletion_request_answer(
        actor=cast.hoa, request=request, erase=False, answer="Hội viên đang vay vốn"
    )
    member.refresh_from_db()
    assert (member.full_name, member.phone, member.status) == (
        "Nguyễn Thị Bình",
        "0987654321",
        Status.ACTIVE,
    )
    assert AuditEvent.objects.get(action="member.deletion_answered").data == {"erased": False}


def test_it_needs_an_answer_and_answers_once(cast):
    request = deletion_request_create(member=admit(cast))
    with pytest.raises(ValidationError) as e:
        deletion_request_answer(actor=cast.hoa, request=request, erase=True, answer="  ")
    assert "answer" in errors_of(e)
    assert Member.objects.get().full_name == "Nguyễn Thị Bình"
    deletion_request_answer(actor=cast.hoa, request=request, erase=False, answer="Không")
    with pytest.raises(ValidationError):
        deletion_request_answer(actor=cast.hoa, request=request, erase=True, answer="Có")
    assert Member.objects.get().full_name == "Nguyễn Thị Bình"
