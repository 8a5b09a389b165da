"""Placements (where a member was active, day by day) under every member write, and the as-of
counts read from them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hoiso.members.choices import RemovalReason
from hoiso.members.history import NOW, THEN, active_count_on, move_members
from hoiso.members.models import Member, Placement
from hoiso.members.services import (
    member_admit,
    member_erase,
    member_move,
    member_remove,
    member_restore,
    transfer_accept,
    transfer_request,
)
from hoiso.units import history
from hoiso.units.models import REFORM_DAY


def spans(member: Member) -> list[tuple[str, dt.date, dt.date | None]]:
    return list(
        Placement.objects.filter(member=member)
        .order_by("valid_from", "id")
        .values_list("branch__code", "valid_from", "valid_to")
    )


def admit(cast, joined: dt.date, branch=None, name: str = "Nguyễn Thị Bình") -> Member:
    return member_admit(
        actor=cast.hoa,
        branch=branch or cast.branch_a1,
        data={"full_name": name, "birth_date": dt.date(1985, 3, 5), "join_date": joined},
    )


def test_an_admitted_moved_removed_and_restored_member_has_the_right_placements(cast):
    today = timezone.localdate()
    member = admit(cast, dt.date(2026, 1, 10))
    assert spans(member) == [("24373-01", dt.date(2026, 1, 10), None)]

    member_move(actor=cast.hoa, member=member, branch=cast.branch_a2)
    assert spans(member) == [
        ("24373-01", dt.date(2026, 1, 10), today),
        ("24373-02", today, None),
    ]

    member_remove(actor=cast.hoa, member=member, reason=RemovalReason.LEFT, on=today)
    # The placement that began today ends today: no empty placement is kept.
    assert spans(member) == [("24373-01", dt.date(2026, 1, 10), today)]

    member_restore(actor=cast.hoa, member=member, on=today)
    assert spans(member) == [
        ("24373-01", dt.date(2026, 1, 10), today),
        ("24373-02", today, None),
    ]


def test_a_backdated_removal_ends_her_placement_that_day(cast):
    member = admit(cast, dt.date(2026, 1, 10))
    member_remove(actor=cast.hoa, member=member, reason=RemovalReason.LEFT, on=dt.date(2026, 3, 1))
    assert spans(member) == [("24373-01", dt.date(2026, 1, 10), dt.date(2026, 3, 1))]
    member.refresh_from_db()
    member_restore(actor=cast.hoa, member=member, on=dt.date(2026, 5, 1))
    assert spans(member)[-1] == ("24373-01", dt.date(2026, 5, 1), None)


def test_a_member_who_joined_before_her_branch_existed_is_placed_from_its_start(cast):
    member = admit(cast, dt.date(2010, 1, 1))
    assert spans(member) == [("24373-01", REFORM_DAY, None)]


def test_an_accepted_transfer_closes_and_opens_her_placement(cast):
    today = timezone.localdate()
    member = admit(cast, dt.date(2026, 1, 10))
    transfer = transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    transfer_accept(actor=cast.thu, transfer=transfer, to_branch=cast.branch_b1)
    assert spans(member) == [
        ("24373-01", dt.date(2026, 1, 10), today),
        ("24190-01", today, None),
    ]
    assert Placement.objects.get(member=member, valid_to=None).province_id == cast.province.pk


def test_erasing_an_active_member_ends_her_placement(cast):
    today = timezone.localdate()
    member = admit(cast, dt.date(2026, 1, 10))
    member_erase(actor=cast.hoa, member=member)
    assert spans(member) == [("24373-01", dt.date(2026, 1, 10), today)]


def test_counts_as_of_a_day_either_side_of_a_move_of_a_branch(cast):
    a = admit(cast, dt.date(2026, 1, 10))
    admit(cast, dt.date(2026, 1, 10), branch=cast.branch_b1, name="Lê Thị Hạnh")
    moved_on = dt.date(2026, 6, 1)
    before, after = dt.date(2026, 5, 31), dt.date(2026, 6, 1)

    history.reparent(cast.branch_a1, cast.commune_b, moved_on)

    a.refresh_from_db()
    cast.branch_a1.refresh_from_db()
    assert a.commune_id == cast.commune_b.pk and a.branch_path == cast.branch_a1.path
    assert spans(a) == [("24373-01", dt.date(2026, 1, 10), moved_on), ("24373-01", moved_on, None)]
    # On the boundaries of then: she counted in commune A before the move, in B after.
    assert active_count_on(cast.commune_a, before, THEN) == 1
    assert active_count_on(cast.commune_b, before, THEN) == 1
    assert active_count_on(cast.commune_a, after, THEN) == 0
    assert active_count_on(cast.commune_b, after, THEN) == 2
    # On today's boundaries her branch is in B whichever the day.
    assert active_count_on(cast.commune_a, before, NOW) == 0
    assert active_count_on(cast.commune_b, before, NOW) == 2
    assert active_count_on(cast.commune_b, after, NOW) == 2
    assert active_count_on(cast.province, before, THEN) == 2
    assert active_count_on(cast.province, before, NOW) == 2
    # Before anyone joined, and before the units existed.
    assert active_count_on(cast.commune_b, dt.date(2026, 1, 9), NOW) == 0
    assert active_count_on(cast.commune_b, dt.date(2024, 1, 1), THEN) == 0


def test_counts_follow_a_closed_branch_to_its_successor_on_todays_boundaries(cast):
    member = admit(cast, dt.date(2026, 1, 10))
    merged_on = dt.date(2026, 6, 1)
    moved = move_members(Member.objects.filter(branch=cast.branch_a1), cast.branch_b1, merged_on)
    assert moved == 1
    history.close(cast.branch_a1, merged_on, successor=cast.branch_b1)
    member.refresh_from_db()
    assert (member.branch_id, member.commune_id) == (cast.branch_b1.pk, cast.commune_b.pk)
    day = dt.date(2026, 3, 1)
    assert active_count_on(cast.commune_a, day, THEN) == 1
    assert active_count_on(cast.commune_a, day, NOW) == 0
    assert active_count_on(cast.commune_b, day, NOW) == 1
    assert active_count_on(cast.commune_b, dt.date(2026, 7, 1), THEN) == 1


@pytest.mark.parametrize("boundaries", [THEN, NOW])
def test_a_staged_import_member_is_not_counted(cast, boundaries):
    from hoiso.members.models import ImportStatus, MemberImport

    member = admit(cast, dt.date(2026, 1, 10))
    imp = MemberImport.objects.create(unit=cast.commune_a, filename="x.xlsx",
                                      status=ImportStatus.WRITING)  # fmt: skip
    Placement.objects.filter(member=member).update(staged_by=imp)
    day = dt.date(2026, 2, 1)
    assert active_count_on(cast.commune_a, day, boundaries) == 0
    MemberImport.objects.filter(pk=imp.pk).update(status=ImportStatus.DONE)
    assert active_count_on(cast.commune_a, day, boundaries) == 1
