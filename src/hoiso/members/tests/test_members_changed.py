"""Every service that writes members goes through `members_changed`: right after the write, and
again once the recount has run, every member metric of the registry reads the new value (never a
cached value or a tally from before the write)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.management import call_command
from django.utils import timezone

from hoiso.conftest import Cast, make_member
from hoiso.members import services
from hoiso.members.counting import tally
from hoiso.members.counting.stats import refresh_province
from hoiso.members.models import Member, Transfer
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY
from hoiso.metrics.versions import cached
from hoiso.units.models import Level

pytestmark = pytest.mark.django_db

# Every metric that reads members: those whose cached values are kept under the members' version.
MEMBER_METRICS = sorted(code for code, metric in REGISTRY.items() if "members" in metric.reads)
LEVELS = (Level.PROVINCE, Level.COMMUNE, Level.BRANCH)


def test_the_member_metrics_include_the_digital_share_and_the_branch_rates() -> None:
    assert {"members.total", "members.digital_share", "branch.carded_rate"} <= set(MEMBER_METRICS)


def _period() -> Period:
    return Period.containing("year", timezone.localdate())


def _as_read(cast: Cast) -> dict[tuple[str, int], Any]:
    """Every member metric at every level, as the targets read it (cached, from the tally)."""
    out = {}
    for code in MEMBER_METRICS:
        for level in LEVELS:
            key = f"test:{level}"
            compute = REGISTRY[code].compute
            out[code, level] = cached(
                code,
                key,
                cast.province.pk,
                lambda c=compute, lv=level: c(cast.province, lv, _period()),
            )
    return out


def _from_members(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, int], Any]:
    """The same values counted afresh from the members table: no cache, no tally."""
    with monkeypatch.context() as m:
        m.setattr(tally, "usable", lambda *a: None)
        return {
            (code, level): REGISTRY[code].compute(cast.province, level, _period())
            for code in MEMBER_METRICS
            for level in LEVELS
        }


def _import(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "ds.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Họ tên", "Năm sinh", "Chi hội"])
    sheet.write_row(1, 0, ["Lò Thị Ánh", 1980, "Thôn 1"])
    book.close()
    call_command("import_members", str(path), "--unit", cast.commune_a.code, stdout=io.StringIO())


def _pending(cast: Cast, member: Member) -> Transfer:
    return services.transfer_request(actor=cast.hoa, member=member, to_unit=cast.commune_b)


def _removed(member: Member) -> Member:
    return services.member_remove(actor=None, member=member, reason="moved_away")


def _request_erasure(member: Member) -> Any:
    return services.deletion_request_create(member=member)


# name → (what the service does to Một, whether it changes what some metric counts)
WRITES: dict[str, tuple[Callable[[Cast, Member, Path], Any], bool]] = {
    "admit": (lambda c, m, p: make_member(c.branch_a2, "Trần Thị Mới", has_smartphone=True), True),
    "update: smartphone": (
        lambda c, m, p: services.member_update(actor=None, member=m, data={"has_smartphone": True}),
        True,
    ),
    "update: card issued": (
        lambda c, m, p: services.member_update(actor=None, member=m, data={"card_number": "T01"}),
        True,
    ),
    "move": (lambda c, m, p: services.member_move(actor=None, member=m, branch=c.branch_a2), True),
    "transfer accepted": (
        lambda c, m, p: services.transfer_accept(
            actor=c.thu, transfer=_pending(c, m), to_branch=c.branch_b1
        ),
        True,
    ),
    "transfer refused": (
        lambda c, m, p: services.transfer_refuse(actor=c.thu, transfer=_pending(c, m), reason="x"),
        False,
    ),
    "remove": (lambda c, m, p: _removed(m), True),
    "restore": (lambda c, m, p: services.member_restore(actor=None, member=_removed(m)), False),
    "erase": (lambda c, m, p: services.member_erase(actor=None, member=m), True),
    "erasure request answered": (
        lambda c, m, p: services.deletion_request_answer(
            actor=c.hoa, request=_request_erasure(m), erase=True, answer="Đã xoá."
        ),
        True,
    ),
    "import": (lambda c, m, p: _import(c, p), True),
    "member login enabled": (
        lambda c, m, p: services.member_account_enable(actor=c.hoa, member=m),
        False,
    ),
    "member's own correction": (
        lambda c, m, p: services.member_self_update(
            member=services.member_account_enable(actor=c.hoa, member=m)[0].member,
            phone="0987000111",
            address="Thôn 2",
            village="",
        ),
        False,
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_member_metric_reads_the_new_value_after_every_member_write(
    cast: Cast,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    write: str,
) -> None:
    mot = make_member(cast.branch_a1, "Nguyễn Thị Một", phone="0912111222")
    make_member(cast.branch_b1, "Lê Thị Hai", uses_zalo=True, card_number="T02")
    refresh_province(cast.province)
    assert tally.usable(cast.province, Level.COMMUNE, _period()) == cast.province.pk
    before = _as_read(cast)  # now cached, from the tally
    assert before == _from_members(cast, monkeypatch)

    do, changes = WRITES[write]
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        do(cast, Member.objects.get(pk=mot.pk), tmp_path)
        # Before the commit (and the recount it queues) the writer and any reader see it.
        assert _as_read(cast) == _from_members(cast, monkeypatch)
    for callback in after_commit:
        callback()
    # Once the recount has run the metrics read the rebuilt tally again, with the new value.
    assert tally.usable(cast.province, Level.COMMUNE, _period()) == cast.province.pk
    after = _as_read(cast)
    assert after == _from_members(cast, monkeypatch)
    assert (after != before) == changes


def test_a_smartphone_recorded_counts_in_the_digital_share_at_once(cast: Cast) -> None:
    """The defect as found: the flag went from no to yes and the share still read 0."""
    mot = make_member(cast.branch_a1, "Nguyễn Thị Một")
    refresh_province(cast.province)
    share = REGISTRY["members.digital_share"].compute
    assert share(cast.province, Level.COMMUNE, _period())[cast.commune_a.pk] == 0.0
    services.member_update(actor=None, member=mot, data={"has_smartphone": True})
    assert share(cast.province, Level.COMMUNE, _period())[cast.commune_a.pk] == 100.0


def test_restore_counts_her_again_after_a_removal(cast: Cast) -> None:
    mot = make_member(cast.branch_a1, "Nguyễn Thị Một", join_date=dt.date(2010, 1, 1))
    _removed(mot)
    refresh_province(cast.province)
    total = REGISTRY["members.total"].compute
    assert total(cast.province, Level.COMMUNE, _period())[cast.commune_a.pk] == 0
    services.member_restore(actor=None, member=Member.objects.get(pk=mot.pk))
    assert total(cast.province, Level.COMMUNE, _period())[cast.commune_a.pk] == 1
