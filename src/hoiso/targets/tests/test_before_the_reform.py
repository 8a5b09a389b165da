"""Years before the July 2025 reform are measured on the units of then (districts and the old
communes), once they exist as history; a period with no open unit says so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from hoiso.conftest import Cast
from hoiso.members.history import NOW, THEN, active_count_on
from hoiso.members.services import member_admit
from hoiso.metrics.periods import Period
from hoiso.targets import compliance
from hoiso.targets.tests.factories import make_target
from hoiso.units.models import REFORM_DAY, Level, Unit
from hoiso.units.reform import HISTORY_FROM, load_history, place_branches_before

pytestmark = pytest.mark.django_db
Y2024 = Period.containing("year", dt.date(2024, 1, 1))


@pytest.fixture
def then(cast: Cast) -> Unit:
    """Đắk Lắk's history loaded; branch A1 of today's Xã Ea Kar was in the old Thị trấn Ea Kar,
    where a member joined in March 2024."""
    load_history("Đắk Lắk")
    town = Unit.objects.get(code="cu-24373")
    place_branches_before({cast.branch_a1.pk: town}, HISTORY_FROM)
    member_admit(
        actor=cast.hoa,
        branch=cast.branch_a1,
        data={"full_name": "Nguyễn Thị Xuân", "birth_date": dt.date(1990, 1, 1),
              "join_date": dt.date(2024, 3, 1)},
    )  # fmt: skip
    return town


def test_2024_targets_read_on_the_districts_and_old_communes(cast: Cast, then: Unit) -> None:
    old_communes = Unit.objects.filter(
        path__startswith=cast.province.path, level=Level.COMMUNE, valid_to=REFORM_DAY
    ).count()
    assert old_communes > 100
    new = make_target(cast.province, year=2024, metric="members.new", level=Level.COMMUNE,
                      period_kind="year", threshold=Decimal(1), required_share=Decimal(1))  # fmt: skip
    result = compliance.compute(new, Y2024)
    assert result.n_units == old_communes
    assert [r.unit.name for r in result.results if r.met] == ["Thị trấn Ea Kar"]
    total = make_target(cast.province, year=2024, metric="members.total", level=Level.DISTRICT,
                        period_kind="year", threshold=Decimal(1), required_share=Decimal(100))  # fmt: skip
    result = compliance.compute(total, Y2024)
    assert result.n_units == 15  # Đắk Lắk's districts, towns and city of 2024
    assert [r.unit.name for r in result.results if r.met] == ["Huyện Ea Kar"]
    assert not result.ok and not result.empty


def test_a_period_with_no_open_unit_says_so(cast: Cast, then: Unit) -> None:
    target = make_target(cast.province, year=2023, metric="members.new", level=Level.COMMUNE,
                         period_kind="year", threshold=Decimal(1), required_share=Decimal(1))  # fmt: skip
    result = compliance.compute(target, Period.containing("year", dt.date(2023, 1, 1)))
    assert result.empty and not result.ok


def test_counts_before_and_after_the_reform_on_both_boundaries(cast: Cast, then: Unit) -> None:
    before, after = dt.date(2025, 6, 30), REFORM_DAY
    assert active_count_on(then, before, THEN) == 1
    assert active_count_on(then, after, THEN) == 0  # closed
    assert active_count_on(cast.commune_a, before, THEN) == 0  # did not exist yet
    assert active_count_on(cast.commune_a, before, NOW) == 1  # her branch is there today
    assert active_count_on(cast.commune_a, after, THEN) == 1
    district = then.parent
    assert active_count_on(district, before, THEN) == 1
    assert active_count_on(cast.province, before, THEN) == 1
    assert active_count_on(cast.province, dt.date(2024, 2, 29), THEN) == 0  # before she joined


def test_the_unit_page_shows_the_counts_of_a_day_on_either_boundaries(
    cast: Cast, then: Unit
) -> None:
    url = reverse("units:home", args=[cast.province.code])
    page = cast.client(cast.lan).get(url, {"on": "2025-06-30", "boundaries": "then"})
    html = page.content.decode()
    assert "Số liệu tính đến ngày" in html and "lúc đó" in html
    assert "Hội viên đang sinh hoạt ngày 30/06/2025: <strong>1</strong>" in html
    assert "Huyện Ea Kar" in html  # the units of then
    page = cast.client(cast.lan).get(url, {"on": "2025-06-30", "boundaries": "now"})
    html = page.content.decode()
    assert "Hội viên đang sinh hoạt ngày 30/06/2025: <strong>1</strong>" in html
    assert "Huyện Ea Kar" not in html.split('id="as-of"')[1].split("</section>")[0]
    page = cast.client(cast.lan).get(url, {"on": "hôm qua"})
    assert "Vui lòng nhập ngày theo dạng ngày/tháng/năm." in page.content.decode()


def test_the_dashboard_shows_the_periods_of_a_day(cast: Cast, then: Unit) -> None:
    make_target(cast.province, year=2024, metric="members.new", level=Level.COMMUNE,
                period_kind="month", threshold=Decimal(1), required_share=Decimal(1))  # fmt: skip
    url = reverse("targets:dashboard", args=[cast.province.code])
    html = cast.client(cast.lan).get(url, {"on": "2024-03-15"}).content.decode()
    old_communes = Unit.objects.filter(
        path__startswith=cast.province.path, level=Level.COMMUNE, valid_to=REFORM_DAY
    ).count()  # Đắk Lắk's own (Phú Yên was another province then)
    # March 2024, on the old communes: Thị trấn Ea Kar admitted her that month.
    assert "Cấp xã · 03/2024" in html
    assert f"1/{old_communes} đơn vị đạt" in html
    html = cast.client(cast.lan).get(url, {"on": "2024-04-15"}).content.decode()
    assert f"0/{old_communes} đơn vị đạt" in html


def test_a_province_cadre_confirms_which_commune_took_over_a_split_one(
    cast: Cast, then: Unit
) -> None:
    from hoiso.core.models import AuditEvent

    old = Unit.objects.get(code="cu-22225")  # Xã Ea Bar, split between Xã Ea Bá and Xã Ea Ly
    ea_ly = Unit.objects.get(name="Xã Ea Ly", valid_to=None)
    home = reverse("units:home", args=[cast.province.code])
    html = cast.client(cast.lan).get(home).content.decode()
    assert "Xã cũ bị chia tách khi sắp xếp năm 2025" in html and "Xã Ea Bar" in html
    # A commune's cadre cannot answer for the province's communes.
    url = reverse("units:successor", args=[cast.commune_a.code])
    cast.client(cast.hoa).post(url, {"old": old.code, "chosen": ea_ly.code})
    assert not old.successors.exists()
    url = reverse("units:successor", args=[cast.province.code])
    page = cast.client(cast.lan).post(url, {"old": old.code, "chosen": ea_ly.code}, follow=True)
    assert "Đã ghi nhận: “Xã Ea Ly” tiếp nhận “Xã Ea Bar”." in page.content.decode()
    assert list(old.successors.all()) == [ea_ly]
    assert AuditEvent.objects.filter(action="unit.successor_confirmed").count() == 1
    assert "Xã Ea Bar" not in cast.client(cast.lan).get(home).content.decode()
