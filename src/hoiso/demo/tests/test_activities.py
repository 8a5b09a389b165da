"""The demo province's year of union life: every part of issue 6 has something to show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from hoiso.activities import metrics
from hoiso.activities.metrics import Span
from hoiso.activities.models import (
    Activity,
    Attendance,
    Course,
    DuesPayment,
    EquipmentRequest,
    ModelBranchRule,
    Theme,
)
from hoiso.comms.models import Channel, ChannelKind, Visibility
from hoiso.demo.services import demo_load
from hoiso.units.models import Level, Unit

HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):
    with (
        override_settings(PASSWORD_HASHERS=HASHERS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield demo_load(members=2000)
        transaction.set_rollback(True)


@pytest.fixture
def year(province, db) -> Span:
    today = timezone.localdate()
    return Span(today - dt.timedelta(days=365), today + dt.timedelta(days=1))


def test_it_holds_a_year_of_activities_of_every_kind(province, year) -> None:
    kinds = set(Activity.objects.values_list("kind", flat=True).distinct())
    assert kinds == {"meeting", "communication", "digital_skills", "legal", "economic", "contest"}
    assert not Activity.objects.filter(on__lt=year.start).exists()
    assert not Activity.objects.filter(on__gte=year.end).exists()
    assert Attendance.objects.exists() and DuesPayment.objects.exists()
    assert ModelBranchRule.objects.filter(province=province).exists()
    assert Theme.objects.filter(province=province).count() == 2


def test_its_metrics_have_values_across_the_province(province, year) -> None:
    rates = metrics.attendance_rate(province, "commune", year)
    # Today's communes (the province's children also count its districts before the reform).
    assert len(rates) == Unit.objects.filter(parent=province, level=Level.COMMUNE).count()
    assert all(v is None or 0 <= v <= 100 for v in rates.values())
    held = metrics.digital_skills_communes(province, "province", year)[province.pk]
    assert held is not None and 50 < held < 100  # most communes held one, not all
    assert metrics.units_without_computer(province, "province", year)[province.pk] > 0
    assert metrics.cadres_proficient(province, "province", year)[province.pk] is not None


def test_its_full_time_cadres_are_the_communes_cadres_not_the_branch_head(province, year) -> None:
    from hoiso.accounts.models import Assignment

    assert not Assignment.objects.filter(user__username="mai.chihoi", full_time=True).exists()
    assert Assignment.objects.filter(user__username="hoa.xa", full_time=True).count() == 1
    communes = Unit.objects.filter(parent=province, level=Level.COMMUNE)
    served = Assignment.objects.filter(unit__in=communes, full_time=True)
    assert served.values("unit").distinct().count() == communes.count()
    # Hoa is proficient, and Mai (who is not) no longer counts against Ea Kar.
    ea_kar = communes.get(name="Xã Ea Kar")
    assert metrics.cadres_proficient(province, "commune", year)[ea_kar.pk] == 100.0


def test_it_has_courses_and_requests_at_every_step(province, year) -> None:
    assert Course.objects.filter(topic="member_software").exists()
    statuses = set(EquipmentRequest.objects.values_list("status", flat=True))
    assert statuses == {"pending", "approved", "refused", "delivered"}
    assert EquipmentRequest.objects.filter(
        unit__parent__name="Xã Ea Kar", status="pending"
    ).exists()


def test_the_articles_targets_come_prefilled_some_met_some_not(province, year) -> None:
    from hoiso.targets import compliance
    from hoiso.targets.models import Target

    targets = Target.objects.filter(province=province, year=timezone.localdate().year)
    ours = {t.metric: t for t in targets if t.metric.split(".")[0] in metrics.CODE_PREFIXES}
    assert set(ours) == {
        "activities.digital_skills_units_1",
        "training.cadres_proficient",
        "branch.model_share",
        "activities.meeting_attendance",
        "equipment.units_with_computer",
    }
    for code, target in ours.items():
        result = compliance.compute(target, compliance.current_period(target))
        assert 0 < result.n_met < result.n_units, code  # a believable picture: green and red


def test_its_news_on_hoi_so_is_public_and_its_zalo_groups_are_not(province, year) -> None:
    news = Channel.objects.filter(kind=ChannelKind.WEBSITE, url="")
    assert news.exists()
    assert set(news.values_list("visibility", flat=True)) == {Visibility.PUBLIC}
    zalo = Channel.objects.filter(kind=ChannelKind.ZALO_GROUP)
    assert set(zalo.values_list("visibility", flat=True)) == {Visibility.MEMBERS}
