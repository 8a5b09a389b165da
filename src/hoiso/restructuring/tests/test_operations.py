"""Every operation against the shared cast's tree, applied and undone, with the as-of counts on
both boundaries either side of its date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hoiso.accounts.models import Assignment
from hoiso.accounts.roles import Role
from hoiso.comms.models import Channel
from hoiso.comms.tests.factories import make_channel, make_post
from hoiso.conftest import Cast, make_member, make_unit, make_user
from hoiso.members.choices import TransferStatus
from hoiso.members.history import NOW, THEN, active_count_on
from hoiso.members.models import Member, Placement, Transfer
from hoiso.members.services import transfer_accept, transfer_request
from hoiso.restructuring.models import Restructuring, State
from hoiso.restructuring.services import (
    assignment_end,
    restructuring_apply,
    restructuring_draft,
    restructuring_undo,
    undo_problems,
)
from hoiso.targets.tests.factories import make_target
from hoiso.units.history import span_on
from hoiso.units.models import Level, Unit

ON = dt.date(2026, 7, 1)
BEFORE = ON - dt.timedelta(days=1)
DAYS = [dt.date(2025, 12, 31), BEFORE, ON, dt.date(2026, 11, 1)]


@pytest.fixture
def people(cast: Cast) -> dict[str, list[Member]]:
    """Members: three in A1, two in A2 (one in A1's group), four in B1."""
    return {
        "a1": [make_member(cast.branch_a1, f"Nguyễn Thị A{i}") for i in range(3)],
        "a2": [make_member(cast.branch_a2, f"Trần Thị B{i}") for i in range(2)],
        "b1": [make_member(cast.branch_b1, f"Lê Thị C{i}") for i in range(4)],
    }


def counts(*units: Unit) -> dict[tuple[str, str, dt.date], int]:
    """Every unit's as-of count on each day, on both boundaries."""
    return {
        (u.code, b, day): active_count_on(Unit.objects.get(pk=u.pk), day, b)
        for u in units
        for b in (THEN, NOW)
        for day in DAYS
    }


def run(cast: Cast, kind: str, request: dict, unit: Unit | None = None) -> Restructuring:
    draft = restructuring_draft(
        actor=cast.lan,
        unit=unit or cast.province,
        kind=kind,
        request={"on": ON.isoformat(), **request},
    )
    return restructuring_apply(actor=cast.lan, restructuring=draft)


def undo(cast: Cast, r: Restructuring) -> Restructuring:
    return restructuring_undo(actor=cast.lan, restructuring=r)


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def test_merging_two_communes_moves_branches_people_channels_targets_and_keeps_history(
    cast: Cast, people: dict[str, list[Member]]
) -> None:
    a, b = cast.commune_a, cast.commune_b
    channel = make_channel(b)
    post = make_post(channel)
    target = make_target(b)
    waiting = make_member(cast.branch_a2, "Phan Thị Chờ")
    incoming = transfer_request(actor=cast.hoa, member=waiting, to_unit=b)
    before = counts(cast.province, a, b)

    r = run(cast, "merge", {"units": [a.pk, b.pk], "keep": a.pk})

    assert r.state == State.APPLIED
    b = fresh(b)
    assert b.valid_to == ON and list(b.successors.all()) == [a]
    assert fresh(cast.branch_b1).parent_id == a.pk
    assert set(Member.objects.filter(commune=a).values_list("pk", flat=True)) >= {
        m.pk for m in people["b1"]
    }
    # Thu's two roles at B now stand at A; the channel, its post and the target went along.
    assert set(Assignment.objects.filter(user=cast.thu).values_list("unit_id", flat=True)) == {a.pk}
    assert Channel.objects.get(pk=channel.pk).unit_id == a.pk
    assert type(post).objects.get(pk=post.pk).unit_id == a.pk
    assert type(target).objects.get(pk=target.pk).unit_id == a.pk
    # The transfer waiting for B now waits for A.
    assert Transfer.objects.get(pk=incoming.pk).to_unit_id == a.pk

    after = counts(cast.province, a, b)
    # On the boundaries of then: B's four members were B's until the day before, A's from then.
    assert after[(b.code, THEN, BEFORE)] == 4 and after[(b.code, THEN, ON)] == 0
    assert after[(a.code, THEN, BEFORE)] == 6 and after[(a.code, THEN, ON)] == 10
    # On the boundaries of now, A holds all of them on every day.
    assert after[(a.code, NOW, BEFORE)] == 10 and after[(b.code, NOW, BEFORE)] == 0
    # The province counts the same on every day, either way.
    for day in DAYS:
        for bd in (THEN, NOW):
            assert after[(cast.province.code, bd, day)] == before[(cast.province.code, bd, day)]

    undo(cast, r)
    assert counts(cast.province, a, b) == before
    assert fresh(b).valid_to is None and not fresh(b).successors.exists()
    assert fresh(cast.branch_b1).parent_id == b.pk
    assert set(Assignment.objects.filter(user=cast.thu).values_list("unit_id", flat=True)) == {b.pk}
    assert Channel.objects.get(pk=channel.pk).unit_id == b.pk
    assert Transfer.objects.get(pk=incoming.pk).to_unit_id == b.pk
    assert set(Member.objects.filter(commune=b).values_list("pk", flat=True)) == {
        m.pk for m in people["b1"]
    }


def test_merging_into_a_new_commune_opens_it_and_closes_both(cast: Cast, people: dict) -> None:
    a, b = cast.commune_a, cast.commune_b
    before = counts(cast.province, a, b)
    r = run(cast, "merge", {"units": [a.pk, b.pk], "keep": None, "name": "Xã Ea Kar Mới"})
    new = Unit.objects.get(name="Xã Ea Kar Mới")
    assert new.valid_from == ON and new.level == Level.COMMUNE and new.parent_id == cast.province.pk
    assert fresh(a).valid_to == ON and fresh(b).valid_to == ON
    assert set(new.predecessors.all()) == {a, b}
    assert Unit.objects.filter(parent=new).count() == 3
    assert active_count_on(new, ON, THEN) == 9 and active_count_on(new, BEFORE, THEN) == 0
    assert active_count_on(new, BEFORE, NOW) == 9
    # Hoa's roles at A and Thu's at B now stand at the new commune.
    assert Assignment.objects.filter(unit=new).count() == 5
    undo(cast, r)
    assert counts(cast.province, a, b) == before
    assert fresh(new).valid_to == ON and not Unit.objects.filter(parent=new, valid_to__isnull=True)
    assert Assignment.objects.filter(unit=new).count() == 0


def test_merging_branches_moves_their_members_and_keeps_their_groups(
    cast: Cast, people: dict
) -> None:
    in_group = people["a1"][0]
    Member.objects.filter(pk=in_group.pk).update(group=cast.group_a1)
    leaving = transfer_request(actor=cast.hoa, member=people["a1"][1], to_unit=cast.commune_b)
    coming = transfer_request(actor=cast.thu, member=people["b1"][0], to_unit=cast.branch_a1)
    before = counts(cast.commune_a, cast.branch_a1, cast.branch_a2)
    r = run(cast, "merge", {"units": [cast.branch_a1.pk, cast.branch_a2.pk], "keep": cast.branch_a2.pk},
            unit=cast.commune_a)  # fmt: skip
    assert fresh(cast.branch_a1).valid_to == ON
    assert fresh(cast.group_a1).parent_id == cast.branch_a2.pk
    assert Member.objects.filter(branch=cast.branch_a2).count() == 5
    assert Member.objects.get(pk=in_group.pk).group_id == cast.group_a1.pk
    # Mai, head of branch A1, now heads A2.
    assert Assignment.objects.get(user=cast.mai).unit_id == cast.branch_a2.pk
    # Her transfer waiting to leave now leaves from A2; the one waiting to come in comes to A2.
    leaving = Transfer.objects.get(pk=leaving.pk)
    assert (leaving.from_branch_id, leaving.from_path) == (
        cast.branch_a2.pk,
        fresh(cast.branch_a2).path,
    )
    assert Transfer.objects.get(pk=coming.pk).to_unit_id == cast.branch_a2.pk
    assert active_count_on(cast.branch_a2, BEFORE, THEN) == 2
    assert active_count_on(cast.branch_a2, ON, THEN) == 5
    undo(cast, r)
    assert counts(cast.commune_a, cast.branch_a1, cast.branch_a2) == before
    assert Member.objects.filter(branch=cast.branch_a1).count() == 3
    assert Member.objects.get(pk=in_group.pk).group_id == cast.group_a1.pk
    assert Assignment.objects.get(user=cast.mai).unit_id == cast.branch_a1.pk
    assert Transfer.objects.get(pk=leaving.pk).from_branch_id == cast.branch_a1.pk
    assert Transfer.objects.get(pk=coming.pk).to_unit_id == cast.branch_a1.pk


def test_splitting_a_commune_by_branches(cast: Cast, people: dict) -> None:
    a = cast.commune_a
    before = counts(cast.province, a)
    r = run(
        cast,
        "split",
        {"unit": a.pk, "names": ["Xã Ea Sinh"], "children": {str(cast.branch_a2.pk): 1}},
    )
    part = Unit.objects.get(name="Xã Ea Sinh")
    assert fresh(cast.branch_a2).parent_id == part.pk and fresh(cast.branch_a1).parent_id == a.pk
    assert list(part.predecessors.all()) == [a]
    assert active_count_on(part, ON, THEN) == 2 and active_count_on(a, ON, THEN) == 3
    assert active_count_on(a, BEFORE, THEN) == 5 and active_count_on(a, BEFORE, NOW) == 3
    assert fresh(a).valid_to is None
    undo(cast, r)
    assert counts(cast.province, a) == before
    assert fresh(cast.branch_a2).parent_id == a.pk


def test_splitting_a_branch_by_members(cast: Cast, people: dict) -> None:
    chosen = people["a1"][:2]
    before = counts(cast.commune_a, cast.branch_a1)
    r = run(cast, "split", {"unit": cast.branch_a1.pk, "names": ["Chi hội Thôn 1B"],
                            "members": {str(m.pk): 1 for m in chosen}}, unit=cast.commune_a)  # fmt: skip
    part = Unit.objects.get(name="Chi hội Thôn 1B")
    assert part.level == Level.BRANCH and part.parent_id == cast.commune_a.pk
    assert set(Member.objects.filter(branch=part).values_list("pk", flat=True)) == {
        m.pk for m in chosen
    }
    assert active_count_on(cast.branch_a1, BEFORE, THEN) == 3
    assert active_count_on(cast.branch_a1, ON, THEN) == 1
    # A member admitted to the new branch since would be left without a branch: undo waits.
    late = make_member(part, "Đỗ Thị Muộn")
    assert undo_problems(Restructuring.objects.get(pk=r.pk))
    with pytest.raises(ValidationError):
        undo(cast, r)
    Member.objects.filter(pk=late.pk).delete()
    undo(cast, r)
    assert counts(cast.commune_a, cast.branch_a1) == before
    assert Member.objects.filter(branch=cast.branch_a1).count() == 3


def test_moving_a_branch_to_another_commune(cast: Cast, people: dict) -> None:
    before = counts(cast.commune_a, cast.commune_b)
    r = run(cast, "move", {"unit": cast.branch_a2.pk, "to": cast.commune_b.pk}, unit=cast.commune_a)
    assert fresh(cast.branch_a2).parent_id == cast.commune_b.pk
    assert Member.objects.filter(commune=cast.commune_b).count() == 6
    assert active_count_on(cast.commune_a, BEFORE, THEN) == 5
    assert active_count_on(cast.commune_a, BEFORE, NOW) == 3
    assert active_count_on(cast.commune_b, ON, THEN) == 6
    undo(cast, r)
    assert counts(cast.commune_a, cast.commune_b) == before


def test_renaming_is_dated(cast: Cast) -> None:
    r = run(cast, "rename", {"unit": cast.commune_b.pk, "name": "Xã Krông Pắc Mới"})
    assert fresh(cast.commune_b).name == "Xã Krông Pắc Mới"
    assert span_on(cast.commune_b, BEFORE).name == "Xã Krông Pắc"  # type: ignore[union-attr]
    assert span_on(cast.commune_b, ON).name == "Xã Krông Pắc Mới"  # type: ignore[union-attr]
    undo(cast, r)
    assert fresh(cast.commune_b).name == "Xã Krông Pắc"
    assert span_on(cast.commune_b, ON).name == "Xã Krông Pắc"  # type: ignore[union-attr]


def test_dissolving_the_districts_moves_their_communes_up(cast: Cast, people: dict) -> None:
    district = make_unit(cast.province, Level.DISTRICT, "650", "Huyện Ea Kar")
    Unit.objects.filter(pk=district.pk).update(valid_from=dt.date(2020, 1, 1))
    from hoiso.units.history import reparent

    reparent(fresh(cast.commune_a), fresh(district), dt.date(2025, 7, 1))
    assert fresh(cast.branch_a1).path.startswith(fresh(district).path)
    before = counts(cast.province, district, cast.commune_a)
    r = run(cast, "dissolve", {"level": Level.DISTRICT})
    assert fresh(district).valid_to == ON
    assert fresh(cast.commune_a).parent_id == cast.province.pk
    assert active_count_on(fresh(district), BEFORE, THEN) == 5
    assert active_count_on(fresh(district), ON, THEN) == 0
    assert active_count_on(cast.province, ON, THEN) == 9
    undo(cast, r)
    assert counts(cast.province, district, cast.commune_a) == before
    assert fresh(cast.commune_a).parent_id == district.pk


def test_only_the_provinces_admin_may_restructure(cast: Cast) -> None:
    request = {
        "on": ON.isoformat(),
        "units": [cast.branch_a1.pk, cast.branch_a2.pk],
        "keep": cast.branch_a1.pk,
    }
    with pytest.raises(PermissionDenied):
        restructuring_draft(actor=cast.hoa, unit=cast.commune_a, kind="merge", request=request)
    # Units outside the page's subtree cannot be named.
    with pytest.raises(ValidationError):
        restructuring_draft(actor=cast.lan, unit=cast.commune_b, kind="merge", request=request)


def test_a_preview_made_stale_by_a_change_is_not_applied(cast: Cast, people: dict) -> None:
    draft = restructuring_draft(actor=cast.lan, unit=cast.province, kind="merge",
                                request={"on": ON.isoformat(), "units": [cast.commune_a.pk, cast.commune_b.pk],
                                         "keep": cast.commune_a.pk})  # fmt: skip
    make_unit(cast.commune_b, Level.BRANCH, "24190-02", "Chi hội Thôn Mới")
    with pytest.raises(ValidationError):
        restructuring_apply(actor=cast.lan, restructuring=draft)
    assert fresh(cast.commune_b).valid_to is None
    # The draft now holds the new plan: confirming again applies it, new branch included.
    restructuring_apply(actor=cast.lan, restructuring=draft)
    assert Unit.objects.filter(parent=cast.commune_a, level=Level.BRANCH).count() == 4


def test_only_the_latest_change_can_be_undone(cast: Cast) -> None:
    first = run(cast, "rename", {"unit": cast.commune_b.pk, "name": "Xã Krông Pắc Mới"})
    second = run(cast, "rename", {"unit": cast.commune_a.pk, "name": "Xã Ea Kar Mới"})
    with pytest.raises(ValidationError):
        undo(cast, Restructuring.objects.get(pk=first.pk))
    undo(cast, second)
    undo(cast, Restructuring.objects.get(pk=first.pk))
    assert fresh(cast.commune_b).name == "Xã Krông Pắc"


def test_a_role_held_at_both_merged_units_is_not_doubled(cast: Cast) -> None:
    both = make_user(
        "kim", "Võ Thị Kim", "", (cast.commune_a, Role.VIEWER), (cast.commune_b, Role.VIEWER)
    )
    r = run(
        cast, "merge", {"units": [cast.commune_a.pk, cast.commune_b.pk], "keep": cast.commune_a.pk}
    )
    assert list(both.assignments.values_list("unit_id", "role")) == [
        (cast.commune_a.pk, Role.VIEWER)
    ]
    undo(cast, r)
    assert set(both.assignments.values_list("unit_id", flat=True)) == {
        cast.commune_a.pk,
        cast.commune_b.pk,
    }


def test_the_admin_ends_a_role_that_moved(cast: Cast) -> None:
    r = run(
        cast, "merge", {"units": [cast.commune_a.pk, cast.commune_b.pk], "keep": cast.commune_a.pk}
    )
    cadre = Assignment.objects.get(user=cast.thu, role=Role.CADRE)
    assignment_end(actor=cast.lan, restructuring=r, assignment=cadre)
    assert not Assignment.objects.filter(pk=cadre.pk).exists()
    # Undone, the ended role stays ended; the other goes back.
    undo(cast, r)
    assert list(cast.thu.assignments.values_list("unit_id", "role")) == [
        (cast.commune_b.pk, Role.UNIT_ADMIN)
    ]


def test_a_transfer_accepted_after_the_merge_lands_in_the_merged_unit(
    cast: Cast, people: dict
) -> None:
    """The receiving cadre read the page before the merge; she accepts after it."""
    member = people["a1"][0]
    transfer = transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    stale = Transfer.objects.get(pk=transfer.pk)
    stale_branch = Unit.objects.get(pk=cast.branch_b1.pk)
    run(cast, "merge", {"units": [cast.commune_a.pk, cast.commune_b.pk], "keep": cast.commune_a.pk})
    transfer_accept(actor=cast.thu, transfer=stale, to_branch=stale_branch)
    member = Member.objects.get(pk=member.pk)
    assert member.branch_id == cast.branch_b1.pk and member.commune_id == cast.commune_a.pk
    assert member.branch_path == fresh(cast.branch_b1).path
    assert Placement.objects.filter(member=member, valid_to__isnull=True).count() == 1
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.ACCEPTED


def test_the_date_cannot_fall_before_a_later_change(cast: Cast, people: dict) -> None:
    run(
        cast, "rename", {"unit": cast.branch_a1.pk, "name": "Chi hội Thôn Một"}, unit=cast.commune_a
    )
    early = {
        "on": (ON - dt.timedelta(days=10)).isoformat(),
        "unit": cast.commune_a.pk,
        "name": "Xã Mới",
    }
    with pytest.raises(ValidationError) as raised:
        restructuring_draft(actor=cast.lan, unit=cast.province, kind="rename", request=early)
    assert "01/07/2026" in str(raised.value)
    # On the day of that change or after, it is fine.
    run(cast, "rename", {"unit": cast.commune_a.pk, "name": "Xã Mới"})
