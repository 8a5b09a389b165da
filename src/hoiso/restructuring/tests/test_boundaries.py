"""Counts as of days either side of a merge, on the boundaries of then and of now: through the
member metrics (the period carries the boundaries) and through the targets dashboard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from hoiso.conftest import Cast, make_member
from hoiso.members.models import Member
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY
from hoiso.restructuring.services import restructuring_apply, restructuring_draft
from hoiso.targets.tests.factories import make_target
from hoiso.units.models import Level, Unit

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 7, 1)  # the merge; the suite's clock is the machine's (later than this)
JUNE = Period.containing("month", dt.date(2026, 6, 1))
JULY = Period.containing("month", ON)


@pytest.fixture
def merged(cast: Cast) -> Unit:
    """Six members in Xã Ea Kar (A), four in Xã Krông Pắc (B), B merged into A on 1 July 2026."""
    for i in range(3):
        make_member(cast.branch_a1, f"Nguyễn Thị A{i}")
    for i in range(3):
        make_member(cast.branch_a2, f"Trần Thị B{i}")
    for i in range(4):
        make_member(cast.branch_b1, f"Lê Thị C{i}")
    draft = restructuring_draft(
        actor=cast.lan,
        unit=cast.province,
        kind="merge",
        request={"on": ON.isoformat(), "units": [cast.commune_a.pk, cast.commune_b.pk],
                 "keep": cast.commune_a.pk},
    )  # fmt: skip
    restructuring_apply(actor=cast.lan, restructuring=draft)
    return cast.commune_a


def total(cast: Cast, period: Period, level: Level = Level.COMMUNE) -> dict[int, float | None]:
    return REGISTRY["members.total"].compute(cast.province, level, period)


def test_the_metric_counts_either_side_of_a_merge_on_both_boundaries(
    cast: Cast, merged: Unit
) -> None:
    a, b = cast.commune_a.pk, cast.commune_b.pk
    # Then: June on the two communes of June; July on both (B was open on its first day).
    assert total(cast, JUNE.on_boundaries("then")) == {a: 6, b: 4}
    assert total(cast, JULY.on_boundaries("then")) == {a: 10, b: 0}
    # Now: the same members, on today's communes (B's in A, which took it over).
    assert total(cast, JUNE.on_boundaries("now")) == {a: 10}
    assert total(cast, JULY.on_boundaries("now")) == {a: 10}
    # Without a choice the metric keeps its way: a closed unit among them, the units of then.
    assert total(cast, JUNE) == {a: 6, b: 4}
    # The province is the same on every boundary and day.
    for period in (JUNE, JULY):
        for boundaries in ("then", "now", None):
            values = total(cast, period.on_boundaries(boundaries), Level.PROVINCE)
            assert values == {cast.province.pk: 10}


def test_admissions_and_digital_share_follow_the_boundaries(cast: Cast, merged: Unit) -> None:
    a, b = cast.commune_a.pk, cast.commune_b.pk
    b1 = Unit.objects.get(pk=cast.branch_b1.pk)  # its place since the merge
    joined = make_member(b1, "Võ Thị Mới", join_date=dt.date(2026, 6, 10))
    assert joined.commune_id == a  # B1 is A's since the merge; she joined B1 when it was B's
    Member.objects.update(has_smartphone=False, uses_zalo=False, uses_facebook=False)
    Member.objects.filter(branch=cast.branch_b1).update(has_smartphone=True)
    new = REGISTRY["members.new"].compute
    assert new(cast.province, Level.COMMUNE, JUNE.on_boundaries("then")) == {a: 0, b: 1}
    assert new(cast.province, Level.COMMUNE, JUNE.on_boundaries("now")) == {a: 1}
    share = REGISTRY["members.digital_share"].compute
    assert share(cast.province, Level.COMMUNE, JUNE.on_boundaries("then")) == {a: 0.0, b: 100.0}
    assert share(cast.province, Level.COMMUNE, JUNE.on_boundaries("now")) == {a: 45.5}  # 5 of 11


def test_the_dashboard_shows_a_day_either_side_of_the_merge_on_either_boundaries(
    cast: Cast, merged: Unit
) -> None:
    target = make_target(cast.province, year=2026, title="Mỗi xã ít nhất 5 hội viên",
                         metric="members.total", level=Level.COMMUNE, period_kind="month",
                         threshold=Decimal(5), required_share=Decimal(100))  # fmt: skip
    url = reverse("targets:dashboard", args=[cast.province.code])
    client = cast.client(cast.lan)

    def seen(on: str, boundaries: str | None) -> tuple[int, int, set[str], str]:
        query = {"on": on} | ({"boundaries": boundaries} if boundaries else {})
        page = client.get(url, query)
        assert page.status_code == 200
        (row,) = [r for r in page.context["rows"] if r.target.pk == target.pk]
        names = {r.unit.name for r in row.result.results}
        return row.result.n_met, row.result.n_units, names, page.content.decode()

    met, n, names, html = seen("2026-06-15", "then")
    assert (met, n, names) == (1, 2, {"Xã Ea Kar", "Xã Krông Pắc"})  # B had 4 of 5
    assert '<option value="then" selected>' in html
    met, n, names, html = seen("2026-06-15", "now")
    assert (met, n, names) == (1, 1, {"Xã Ea Kar"})  # the ten of them, in A
    assert '<option value="now" selected>' in html and "Theo địa giới hiện nay" in html
    met, n, names, _html = seen("2026-07-15", "then")
    assert (met, n) == (1, 2)  # B was open on 1 July, with nobody left
    assert seen("2026-07-15", "now")[:2] == (1, 1)
    # No choice: the boundaries of then, shown as such.
    met, n, names, html = seen("2026-06-15", None)
    assert (met, n) == (1, 2) and '<option value="then" selected>' in html
    # The year's form keeps the choice in the address.
    assert 'name="boundaries" value="then"' in html


def test_the_placement_tally_counts_as_the_placements_do(cast: Cast, merged: Unit) -> None:
    """Counts as of days either side of the merge, on both boundaries, read from the province's
    placement tally once it is rebuilt, are those of the placements themselves; a change makes
    it stale until the next rebuild, and the placements answer meanwhile."""
    from hoiso.members.counting.stats import refresh_province
    from hoiso.members.history import NOW, THEN, _tally_current, active_count_on
    from hoiso.members.models import PlacementTally
    from hoiso.members.services import member_admit

    b1 = Unit.objects.get(pk=cast.branch_b1.pk)
    member_admit(actor=None, branch=b1, allow_duplicates=True,
                 data={"full_name": "Đỗ Thị Hè", "birth_date": dt.date(1990, 1, 1),
                       "join_date": dt.date(2026, 6, 20)})  # fmt: skip
    units = list(Unit.objects.filter(path__startswith=cast.province.path, level__lte=Level.BRANCH))
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=9 * i) for i in range(80)]
    days += [dt.date(2026, 6, 19), dt.date(2026, 6, 20), dt.date(2026, 6, 30), ON]
    days = [d for d in days if d <= dt.date.today()]

    def counts() -> dict[tuple[int, str, dt.date], int]:
        return {
            (u.pk, b, d): active_count_on(u, d, b) for u in units for b in (THEN, NOW) for d in days
        }

    exact = counts()
    refresh_province(cast.province)
    assert PlacementTally.objects.filter(province=cast.province).exists()
    assert _tally_current({cast.province.pk}, ON)
    assert counts() == exact
    assert exact[(cast.commune_b.pk, THEN, dt.date(2026, 6, 30))] == 5
    assert exact[(cast.commune_a.pk, NOW, dt.date(2026, 6, 30))] == 11
    make_member(Unit.objects.get(pk=cast.branch_a1.pk), "Phạm Thị Sau")
    assert not _tally_current({cast.province.pk}, ON)
    assert active_count_on(cast.province, dt.date.today(), THEN) == 12


def test_counts_rebuilt_after_a_commune_moves_to_another_province_and_back(cast: Cast) -> None:
    """Each province's rebuild replaces the rows its units left in the other's (the member tally
    is one row per unit and month), and the as-of counts read only the current provinces."""
    from hoiso.conftest import make_unit
    from hoiso.members.counting.stats import refresh_province
    from hoiso.members.history import NOW, THEN, active_count_on
    from hoiso.units.history import reparent
    from hoiso.units.services import central_unit

    other = make_unit(central_unit(), Level.PROVINCE, "54", "Tỉnh Phú Yên")
    for i in range(2):
        make_member(cast.branch_b1, f"Lê Thị D{i}")
    refresh_province(cast.province)
    reparent(Unit.objects.get(pk=cast.commune_b.pk), other, dt.date(2026, 7, 1))
    refresh_province(cast.province)
    refresh_province(other)
    assert active_count_on(other, dt.date.today(), THEN) == 2
    assert active_count_on(cast.province, dt.date(2026, 6, 30), THEN) == 2
    reparent(Unit.objects.get(pk=cast.commune_b.pk), cast.province, dt.date(2026, 7, 1))
    refresh_province(cast.province)  # before the other's: its rows for B are still there
    b = Unit.objects.get(pk=cast.commune_b.pk)
    assert active_count_on(b, dt.date.today(), NOW) == 2
    assert active_count_on(cast.province, dt.date.today(), NOW) == 2
    refresh_province(other)
    assert active_count_on(other, dt.date.today(), THEN) == 0


def test_ethnic_minority_and_religious_members_follow_the_boundaries(
    cast: Cast, merged: Unit
) -> None:
    """Counted by hand: in June, A has one Ê Đê member and B one Ê Đê and one foreigner (not a
    minority); one of A's and two of B's follow a religion."""
    from hoiso.members.choices import FOREIGN, KINH, NOT_RECORDED, Religion

    a, b = cast.commune_a.pk, cast.commune_b.pk
    ede = KINH + 12  # any group but the Kinh
    Member.objects.update(ethnicity=KINH, religion=Religion.NONE)
    a_members = list(Member.objects.filter(branch__path__startswith=cast.branch_a1.path))
    b_members = list(Member.objects.filter(branch=cast.branch_b1).order_by("pk"))
    Member.objects.filter(pk=a_members[0].pk).update(ethnicity=ede, religion=Religion.CATHOLICISM)
    Member.objects.filter(pk=b_members[0].pk).update(ethnicity=ede, religion=Religion.PROTESTANTISM)
    Member.objects.filter(pk=b_members[1].pk).update(ethnicity=FOREIGN, religion=Religion.BUDDHISM)
    Member.objects.filter(pk=b_members[2].pk).update(ethnicity=NOT_RECORDED)
    minority = REGISTRY["members.ethnic_minority"].compute
    religious = REGISTRY["members.religious"].compute
    assert minority(cast.province, Level.COMMUNE, JUNE.on_boundaries("then")) == {a: 1, b: 1}
    assert minority(cast.province, Level.COMMUNE, JUNE.on_boundaries("now")) == {a: 2}
    assert minority(cast.province, Level.COMMUNE, JUNE) == {a: 1, b: 1}
    assert religious(cast.province, Level.COMMUNE, JUNE.on_boundaries("then")) == {a: 1, b: 2}
    assert religious(cast.province, Level.COMMUNE, JUNE.on_boundaries("now")) == {a: 3}
    assert religious(cast.province, Level.PROVINCE, JULY) == {cast.province.pk: 3}
