"""A metric where lower is better is compared "at most", and the form offers only that; a period in
which no unit of the target's level was open reads so and counts neither met nor not met; the
district level is not offered once districts were abolished (1 July 2025)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from hoiso.activities.services import equipment_save
from hoiso.conftest import Cast, make_unit
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import HIGHER, LOWER, REGISTRY
from hoiso.notifications.models import Message
from hoiso.targets import compliance
from hoiso.targets.dashboard import todo
from hoiso.targets.forms import TargetForm
from hoiso.targets.models import Comparison, Target
from hoiso.targets.services import reminders_send, target_update
from hoiso.targets.tests.factories import make_target
from hoiso.units.models import Level, Unit

pytestmark = pytest.mark.django_db
Y2025 = Period.containing("year", dt.date(2025, 1, 1))
Q3 = Period.containing("quarter", dt.date(2025, 7, 1))
NO_UNITS = "Không có đơn vị nào trong kỳ này"


def _without_computer(cast: Cast) -> Target:
    """Commune A has a working laptop, commune B none: at most 0 communes without one each."""
    equipment_save(
        actor=None,
        unit=cast.commune_a,
        data={"kind": "laptop", "quantity": 1, "state": "working"},
    )
    return make_target(
        cast.province,
        year=2025,
        title="Không xã nào thiếu máy tính",
        metric="equipment.units_without_computer",
        period_kind="year",
        threshold=Decimal(0),
        required_share=Decimal(100),
        comparison=Comparison.AT_MOST,
    )


# --- Direction --------------------------------------------------------------------------------


def test_every_metric_declares_which_way_is_better() -> None:
    assert {m.better for m in REGISTRY.values()} == {HIGHER, LOWER}
    assert REGISTRY["equipment.units_without_computer"].better == LOWER
    assert REGISTRY["members.removed"].better == LOWER
    assert REGISTRY["equipment.units_with_computer"].better == HIGHER


def test_a_lower_is_better_metric_is_met_at_or_under_the_threshold(cast: Cast) -> None:
    target = _without_computer(cast)
    result = compliance.compute(target, Y2025)
    met = {r.unit.pk: (r.value, r.met, r.missing) for r in result.results}
    assert met[cast.commune_a.pk] == (0.0, True, 0.0)
    assert met[cast.commune_b.pk] == (1.0, False, 1.0)  # one too many
    assert (result.n_met, result.n_units, result.ok) == (1, 2, False)
    assert result.lagging[0].unit == cast.commune_b


def test_the_form_offers_only_the_comparisons_that_make_sense(cast: Cast) -> None:
    def offered(metric: str) -> list[str]:
        form = TargetForm(data={"metric": metric, "year": "2026"}, unit=cast.province)
        return [value for value, _label in form.fields["comparison"].choices]

    assert offered("equipment.units_without_computer") == [Comparison.AT_MOST]
    assert offered("posts.facebook_page") == [Comparison.AT_LEAST]
    form = TargetForm(unit=cast.province)
    assert [v for v, _l in form.fields["comparison"].choices] == [
        Comparison.AT_LEAST,
        Comparison.AT_MOST,
    ]


def test_the_service_refuses_a_comparison_that_reads_backwards(cast: Cast) -> None:
    with pytest.raises(ValidationError) as e:
        make_target(
            cast.province, metric="equipment.units_without_computer", comparison=Comparison.AT_LEAST
        )
    assert "comparison" in e.value.message_dict
    target = make_target(cast.province)
    with pytest.raises(ValidationError):
        target_update(actor=None, target=target, data={"comparison": Comparison.AT_MOST})


def test_the_pages_and_the_export_show_at_most(cast: Cast) -> None:
    target = _without_computer(cast)
    url = reverse("targets:detail", kwargs={"unit_code": cast.province.code, "pk": target.pk})
    page = cast.client(cast.lan).get(url).content.decode()
    assert "≤ 0" in page and "≥ 0" not in page
    board = reverse("targets:dashboard", args=[cast.province.code])
    assert "≤ 0" in cast.client(cast.lan).get(board, {"year": 2025}).content.decode()
    r = cast.client(cast.lan).get(
        reverse("targets:export", args=[cast.province.code]), {"year": 2025}
    )
    summary = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0)
    assert summary.to_python()[3][3:5] == ["≤", 0.0]


def test_the_reminder_says_how_many_too_many(cast: Cast, settings: object) -> None:
    target = _without_computer(cast)
    Target.objects.filter(pk=target.pk).update(year=2025, period_kind="month")
    assert reminders_send(today=dt.date(2025, 9, 28)) == 1  # Thu, of commune B
    assert "quá" in Message.objects.get(unit=cast.commune_b).body


# --- A period without units ---------------------------------------------------------------------


@pytest.fixture
def district_target(cast: Cast) -> Target:
    """A district of the province, abolished on 1 July 2025, and a target set for districts."""
    district = make_unit(cast.province, Level.DISTRICT, "650", "Huyện Ea Kar")
    Unit.objects.filter(pk=district.pk).update(
        valid_from=dt.date(2000, 1, 1), valid_to=dt.date(2025, 6, 30)
    )
    return make_target(
        cast.province,
        year=2025,
        title="Mỗi huyện đăng bài hằng quý",
        level=Level.DISTRICT,
        period_kind="quarter",
    )


def test_a_period_without_units_is_neither_reached_nor_not(
    cast: Cast, district_target: Target
) -> None:
    result = compliance.compute(district_target, Q3)
    assert result.empty and not result.ok and result.n_units == 0
    assert result.units_needed == 0
    assert not compliance.compute(district_target, Q3.previous()).empty


def test_the_dashboard_and_the_page_say_there_were_no_units(
    cast: Cast, district_target: Target
) -> None:
    board = reverse("targets:dashboard", args=[cast.province.code])
    with pytest.MonkeyPatch.context() as m:
        m.setattr(compliance, "current_period", lambda target, today=None: Q3)
        page = cast.client(cast.lan).get(board, {"year": 2025}).content.decode()
        assert NO_UNITS in page and "Chưa đạt" not in page and "0/0" not in page
        url = reverse("targets:detail", args=[cast.province.code, district_target.pk])
        page = cast.client(cast.lan).get(url).content.decode()
        assert NO_UNITS in page and "Chưa đạt" not in page
        r = cast.client(cast.lan).get(
            reverse("targets:export", args=[cast.province.code]), {"year": 2025}
        )
    summary = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0)
    assert summary.to_python()[3][-1] == NO_UNITS


def test_no_reminder_and_no_to_do_for_a_unit_that_was_not_open(
    cast: Cast, district_target: Target
) -> None:
    district = Unit.objects.get(code="650")
    assert reminders_send(today=dt.date(2025, 9, 28)) == 0
    assert todo(district, today=dt.date(2025, 9, 28)) == []


def test_districts_are_not_offered_for_periods_after_they_were_abolished(cast: Cast) -> None:
    def levels(year: str) -> list[int]:
        form = TargetForm(data={"year": year}, unit=cast.province)
        return [value for value, _label in form.fields["level"].choices]

    assert Level.DISTRICT in levels("2025")  # its first half still had districts
    assert Level.DISTRICT not in levels("2026")
    assert Level.COMMUNE in levels("2026")
    with pytest.raises(ValidationError) as e:
        make_target(cast.province, year=2026, level=Level.DISTRICT)
    assert "level" in e.value.message_dict


def test_the_form_page_redraws_its_choices_when_the_metric_or_year_changes(cast: Cast) -> None:
    url = reverse("targets:new", args=[cast.province.code])
    page = cast.client(cast.lan).get(
        url, {"metric": "equipment.units_without_computer", "year": "2026"}, HTTP_HX_REQUEST="true"
    )
    html = page.content.decode()
    assert 'value="at_most"' in html and 'value="at_least"' not in html
    levels = html[html.index('name="level"') : html.index("</select>", html.index('name="level"'))]
    assert f'value="{int(Level.COMMUNE)}"' in levels
    assert f'value="{int(Level.DISTRICT)}"' not in levels
    assert "This field is required" not in html and "bắt buộc" not in html
