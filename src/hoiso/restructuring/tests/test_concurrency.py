"""A transfer accepted while a merge runs, in two threads on PostgreSQL (SQLite has one writer):
the member is neither lost in a closed unit nor counted twice, whichever takes its locks first."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from hoiso.conftest import Cast, make_member, make_unit
from hoiso.members.choices import TransferStatus
from hoiso.members.history import THEN, active_count_on
from hoiso.members.models import Member, Placement, Transfer
from hoiso.members.services import transfer_accept, transfer_request
from hoiso.restructuring import services as restructuring
from hoiso.units.models import Level, Unit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL's concurrent writers"
    ),
]
ON = dt.date(2026, 7, 1)
PAUSE = 1.0


def _thread(work: Callable[[], Any], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as e:  # handed to the test thread
            errors.append(e)
        finally:
            connection.close()

    return threading.Thread(target=run)


def _merge(cast: Cast) -> None:
    draft = restructuring.restructuring_draft(
        actor=cast.lan, unit=cast.province, kind="merge",
        request={"on": ON.isoformat(), "units": [cast.commune_a.pk, cast.commune_b.pk],
                 "keep": cast.commune_a.pk},
    )  # fmt: skip
    restructuring.restructuring_apply(actor=cast.lan, restructuring=draft)


def _race(cast: Cast, monkeypatch: Any, transfer: Transfer, to_branch: Unit, first: str) -> None:
    """Run the merge and the acceptance at once: `first` takes its locks, then pauses while the
    other starts."""
    started = threading.Event()
    stale_transfer = Transfer.objects.select_related("member").get(pk=transfer.pk)
    stale_branch = Unit.objects.get(pk=to_branch.pk)

    def paused(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started.set()
            time.sleep(PAUSE)
            return original(*args, **kwargs)

        return wrapper

    if first == "merge":
        monkeypatch.setattr(restructuring, "_roles_follow", paused(restructuring._roles_follow))
    else:
        from hoiso.members import services

        monkeypatch.setattr(services, "members_changed", paused(services.members_changed))
    errors: list[BaseException] = []
    merge = _thread(lambda: _merge(cast), errors)
    accept = _thread(
        lambda: transfer_accept(actor=cast.thu, transfer=stale_transfer, to_branch=stale_branch),
        errors,
    )
    leader, follower = (merge, accept) if first == "merge" else (accept, merge)
    leader.start()
    assert started.wait(10)
    follower.start()
    leader.join(30)
    follower.join(30)
    assert not errors, errors


def _placed_once(member: Member, branch: Unit) -> None:
    member.refresh_from_db()
    branch.refresh_from_db()
    assert member.branch_id == branch.pk and member.branch_path == branch.path
    open_ = Placement.objects.filter(member=member, valid_to__isnull=True)
    assert list(open_.values_list("path", flat=True)) == [branch.path]


@pytest.mark.parametrize("first", ["merge", "accept"])
def test_a_transfer_into_the_merged_commune_lands_once(
    cast: Cast, monkeypatch: Any, first: str
) -> None:
    others = [make_member(cast.branch_b1, f"Lê Thị C{i}") for i in range(3)]
    member = make_member(cast.branch_a1, "Vũ Thị Sen")
    transfer = transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)
    total = active_count_on(cast.province, dt.date.today(), THEN)

    _race(cast, monkeypatch, transfer, cast.branch_b1, first)

    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.ACCEPTED
    _placed_once(member, cast.branch_b1)
    assert Member.objects.get(pk=member.pk).commune_id == cast.commune_a.pk
    today = dt.date.today()
    assert active_count_on(cast.province, today, THEN) == total
    assert active_count_on(Unit.objects.get(pk=cast.commune_a.pk), today, THEN) == len(others) + 1
    assert active_count_on(Unit.objects.get(pk=cast.commune_b.pk), today, THEN) == 0


@pytest.mark.parametrize("first", ["merge", "accept"])
def test_a_transfer_out_of_the_merged_commune_lands_once(
    cast: Cast, monkeypatch: Any, first: str
) -> None:
    c = make_unit(cast.province, Level.COMMUNE, "24400", "Xã Cư Yang")
    c1 = make_unit(c, Level.BRANCH, "24400-01", "Chi hội Buôn Ea Drơng")
    member = make_member(cast.branch_b1, "Vũ Thị Sen")
    stay = make_member(cast.branch_b1, "Lê Thị Ở")
    transfer = transfer_request(actor=cast.thu, member=member, to_unit=c)
    today = dt.date.today()
    total = active_count_on(cast.province, today, THEN)

    _race(cast, monkeypatch, transfer, c1, first)

    _placed_once(member, c1)
    _placed_once(stay, cast.branch_b1)
    assert active_count_on(cast.province, today, THEN) == total
    assert active_count_on(c, today, THEN) == 1
    assert active_count_on(Unit.objects.get(pk=cast.commune_a.pk), today, THEN) == 1
