from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from hoiso.conftest import Cast, make_unit
from hoiso.core.models import AuditEvent
from hoiso.documents import services
from hoiso.documents.metrics import done_on_time
from hoiso.documents.models import Counter, Kind, Receipt
from hoiso.documents.services import Recipients
from hoiso.documents.tests.factories import issue
from hoiso.metrics.periods import Period
from hoiso.notifications.models import Message
from hoiso.units.models import Level
from hoiso.units.services import unit_close

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_it_numbers_per_unit_and_year_without_gaps(cast: Cast) -> None:
    first = issue(cast.province, units=[cast.commune_a])
    second = issue(cast.province, units=[cast.commune_a], kind=Kind.DIRECTIVE)
    other = issue(cast.commune_a, units=[cast.branch_a1])
    next_year = issue(cast.province, units=[cast.commune_a], issued_on=dt.date(2027, 1, 2))
    assert (first.number, second.number, other.number, next_year.number) == (1, 2, 1, 1)
    assert first.symbol == "01/KH-HLHPN"
    assert second.symbol == "02/CT-HLHPN"


def test_an_official_letter_has_no_kind_in_its_symbol(cast: Cast) -> None:
    letter = issue(
        cast.province, units=[cast.commune_a], kind=Kind.OFFICIAL_LETTER, issuer_code="HLHPN-VP"
    )
    assert letter.symbol == "01/HLHPN-VP"


def test_a_failed_issue_gives_its_number_back(cast: Cast) -> None:
    issue(cast.province, units=[cast.commune_a])
    with pytest.raises(ValidationError):
        issue(cast.province, units=[])  # nobody to send it to
    assert issue(cast.province, units=[cast.commune_a]).number == 2
    assert Counter.objects.get(unit=cast.province).last == 2


def test_a_level_goes_to_its_open_units_inside_the_subtree_only(cast: Cast) -> None:
    unit_close(actor=cast.hoa, unit=cast.branch_a2, on=dt.date(2026, 9, 1))
    doc = issue(cast.commune_a, level=Level.BRANCH)
    got = set(Receipt.objects.filter(document=doc).values_list("unit_id", flat=True))
    assert got == {cast.branch_a1.pk}  # not the closed A2, not B1 of the other commune
    # A branch opened later is not added to a document already sent.
    make_unit(cast.commune_a, Level.BRANCH, "24373-09", "Chi hội Thôn 9")
    assert Receipt.objects.filter(document=doc).count() == 1


def test_chosen_units_outside_the_subtree_are_not_sent_to(cast: Cast) -> None:
    doc = issue(cast.commune_a, units=[cast.branch_a1, cast.branch_b1])
    assert list(Receipt.objects.filter(document=doc).values_list("unit_id", flat=True)) == [
        cast.branch_a1.pk
    ]


def test_sending_tells_the_cadres_of_each_recipient_unit_and_named_people(cast: Cast) -> None:
    doc = issue(cast.province, units=[cast.commune_a, cast.commune_b], people=[cast.mai])
    told = Message.objects.filter(kind="document")
    assert set(told.values_list("user__username", flat=True)) == {"hoa", "thu", "mai"}  # not Vy
    hoa = told.get(user=cast.hoa)
    # Each cadre reads it in her own unit's box; the named person's is hers, under no unit.
    assert doc.symbol in hoa.body and hoa.unit == cast.commune_a
    assert told.get(user=cast.thu).unit == cast.commune_b
    assert told.get(user=cast.mai).unit is None


def test_opening_the_document_marks_her_message_about_it_read(cast: Cast) -> None:
    doc = issue(cast.province, units=[cast.commune_a])
    services.receipt_read(actor=cast.hoa, receipt=Receipt.objects.get(document=doc))
    assert Message.objects.get(user=cast.hoa, kind="document").read_at is not None


def test_it_marks_read_acknowledged_and_reported_with_who_and_when(cast: Cast) -> None:
    doc = issue(
        cast.province, units=[cast.commune_a], report_required=True, deadline=dt.date(2026, 10, 15)
    )
    receipt = Receipt.objects.get(document=doc)
    services.receipt_read(actor=cast.vy, receipt=receipt)
    services.receipt_acknowledge(
        actor=cast.hoa, receipt=receipt, at=dt.datetime(2026, 10, 10, 9, tzinfo=VN)
    )
    receipt.refresh_from_db()
    assert receipt.read_by == cast.vy and receipt.acknowledged_by == cast.hoa
    assert not receipt.done_on_time  # a report is still owed
    at = dt.datetime(2026, 10, 15, 23, 59, tzinfo=VN)
    services.receipt_report(actor=cast.hoa, receipt=receipt, text="Đã tổ chức 12 buổi", at=at)
    receipt.refresh_from_db()
    assert receipt.reported_by == cast.hoa and receipt.done_on_time
    assert AuditEvent.objects.filter(action="document.reported").exists()
    with pytest.raises(ValidationError):
        services.receipt_report(actor=cast.hoa, receipt=receipt, text="Lần nữa")


@pytest.mark.parametrize(
    ("local", "on_time"),
    [
        (dt.datetime(2026, 10, 15, 23, 59, 59), True),
        (dt.datetime(2026, 10, 16, 0, 0, 0), False),
        # 23:30 UTC on the 15th is already 06:30 on the 16th in Vietnam.
        (dt.datetime(2026, 10, 15, 23, 30, tzinfo=dt.UTC), False),
        (dt.datetime(2026, 10, 15, 16, 59, tzinfo=dt.UTC), True),
    ],
)
def test_the_deadline_ends_at_midnight_in_vietnam(
    cast: Cast, local: dt.datetime, on_time: bool
) -> None:
    at = local if local.tzinfo else local.replace(tzinfo=VN)
    doc = issue(
        cast.province, units=[cast.commune_a], report_required=True, deadline=dt.date(2026, 10, 15)
    )
    receipt = Receipt.objects.get(document=doc)
    services.receipt_report(actor=cast.hoa, receipt=receipt, text="Xong", at=at)
    receipt.refresh_from_db()
    assert receipt.done_on_time is on_time


def test_a_late_acknowledgement_is_not_on_time(cast: Cast) -> None:
    doc = issue(cast.province, units=[cast.commune_a], deadline=dt.date(2026, 10, 15))
    receipt = Receipt.objects.get(document=doc)
    services.receipt_acknowledge(
        actor=cast.hoa, receipt=receipt, at=dt.datetime(2026, 10, 16, 8, tzinfo=VN)
    )
    receipt.refresh_from_db()
    assert receipt.acknowledged_at is not None and not receipt.done_on_time


def test_a_report_needs_a_deadline(cast: Cast) -> None:
    with pytest.raises(ValidationError) as e:
        issue(cast.province, units=[cast.commune_a], report_required=True)
    assert "deadline" in e.value.message_dict


def test_reminding_tells_only_those_still_owing(cast: Cast) -> None:
    doc = issue(cast.province, units=[cast.commune_a, cast.commune_b])
    services.receipt_acknowledge(actor=cast.hoa, receipt=Receipt.objects.get(unit=cast.commune_a))
    Message.objects.all().delete()
    assert services.receipts_remind(actor=cast.lan, document=doc, sender=cast.province) == 1
    reminded = Message.objects.get(kind="document")
    assert reminded.user == cast.thu and reminded.body.startswith("Nhắc việc")


def test_forwarding_keeps_the_chain_and_skips_units_that_have_it(cast: Cast) -> None:
    doc = issue(cast.province, units=[cast.commune_a, cast.branch_a2])
    mine = Receipt.objects.get(document=doc, unit=cast.commune_a)
    made = services.receipt_forward(
        actor=cast.hoa, receipt=mine, recipients=Recipients(level=Level.BRANCH)
    )
    assert [r.unit for r in made] == [cast.branch_a1]
    assert made[0].forwarded_from == mine and made[0].sender == cast.commune_a
    with pytest.raises(ValidationError):
        services.receipt_forward(
            actor=cast.hoa, receipt=mine, recipients=Recipients(units=[cast.branch_b1])
        )


def test_the_metric_is_the_share_done_on_time(cast: Cast) -> None:
    doc = issue(cast.province, units=[cast.commune_a, cast.commune_b])
    services.receipt_acknowledge(
        actor=cast.hoa, receipt=Receipt.objects.get(document=doc, unit=cast.commune_a)
    )
    period = Period.containing("month", dt.date(2026, 10, 1))
    values = done_on_time(cast.province, Level.COMMUNE, period)
    assert values == {cast.commune_a.pk: 100.0, cast.commune_b.pk: 0.0}
    assert done_on_time(cast.province, Level.PROVINCE, period) == {cast.province.pk: 50.0}
    assert done_on_time(
        cast.province, Level.COMMUNE, Period.containing("month", dt.date(2026, 11, 1))
    ) == {cast.commune_a.pk: None, cast.commune_b.pk: None}
