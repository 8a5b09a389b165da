"""The share-of-units rule at its boundary, what a commune cadre may see, reminders."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hoiso.comms.tests.factories import make_channel, make_post
from hoiso.conftest import make_unit
from hoiso.metrics.periods import Period
from hoiso.notifications import delivery
from hoiso.notifications.models import Channel, Message
from hoiso.notifications.services import consent_set, preference_set
from hoiso.targets import compliance
from hoiso.targets.services import reminders_send
from hoiso.targets.tests.factories import make_target
from hoiso.units.models import Level

pytestmark = pytest.mark.django_db
SEP = Period.containing("month", dt.date(2025, 9, 1))


@pytest.fixture
def five(cast):
    """Five communes with a fanpage each; `posting` of them post in September 2025."""
    extra = [make_unit(cast.province, Level.COMMUNE, f"9700{i}", f"Xã Phụ {i}") for i in range(3)]
    communes = [cast.commune_a, cast.commune_b, *extra]
    return [make_channel(c) for c in communes]


def _post(channels, n):
    for ch in channels[:n]:
        make_post(ch, dt.date(2025, 9, 10))


@pytest.mark.parametrize(("posting", "ok"), [(1, False), (2, True), (3, True)])
def test_it_is_reached_when_exactly_the_required_share_meets_it(cast, five, posting, ok):
    _post(five, posting)
    target = make_target(cast.province, year=2025, required_share=Decimal(40))
    result = compliance.compute(target, SEP)
    assert (result.n_met, result.n_units) == (posting, 5)
    assert result.ok is ok  # 2 of 5 is exactly 40%
    assert result.units_needed == max(0, 2 - posting)


def test_it_needs_every_unit_at_one_hundred_percent(cast, five):
    _post(five, 4)
    target = make_target(cast.province, year=2025, required_share=Decimal(100))
    assert not compliance.compute(target, SEP).ok
    make_post(five[4], dt.date(2025, 9, 30))
    assert compliance.compute(target, SEP).ok


def test_it_draws_the_trend_month_by_month(cast, five):
    _post(five, 2)
    target = make_target(cast.province, year=2025)
    points = compliance.trend(target, today=dt.date(2025, 10, 5))
    assert [p.key for p, _c in points][-2:] == ["2025-09", "2025-10"]
    shares = {p.key: c.share for p, c in points}
    assert shares["2025-09"] == 40.0 and shares["2025-10"] == 0.0


class TestScope:
    @pytest.fixture
    def target(self, cast):
        make_channel(cast.commune_a)
        ch_b = make_channel(cast.commune_b)
        make_post(ch_b, timezone.localdate())
        return make_target(cast.province, title="Mỗi xã đăng bài hằng tháng")

    def test_a_commune_cadre_sees_her_own_value_not_other_communes(self, cast, target):
        url = reverse("targets:detail", kwargs={"unit_code": cast.commune_a.code, "pk": target.pk})
        page = cast.client(cast.hoa).get(url).content.decode()
        assert "Xã Ea Kar" in page and "Xã Krông Pắc" not in page
        board = cast.client(cast.hoa).get(reverse("targets:dashboard", args=[cast.commune_a.code]))
        assert "Mỗi xã đăng bài hằng tháng" in board.content.decode()

    def test_she_sees_the_ranking_when_the_province_publishes_it(self, cast, target):
        target.publish_ranking = True
        target.save()
        url = reverse("targets:detail", kwargs={"unit_code": cast.commune_a.code, "pk": target.pk})
        assert "Xã Krông Pắc" in cast.client(cast.hoa).get(url).content.decode()

    def test_the_province_sees_every_commune_and_the_lagging_ones_contacts(self, cast, target):
        url = reverse("targets:detail", kwargs={"unit_code": cast.province.code, "pk": target.pk})
        page = cast.client(cast.lan).get(url).content.decode()
        assert "Xã Krông Pắc" in page and "Xã Ea Kar" in page
        assert "0912000002" in page  # Hoa, of the lagging commune A
        assert "0912000004" not in page  # Thu's commune meets it

    def test_another_communes_own_target_is_not_found(self, cast):
        theirs = make_target(cast.commune_b)
        url = reverse("targets:detail", kwargs={"unit_code": cast.commune_a.code, "pk": theirs.pk})
        assert cast.client(cast.hoa).get(url).status_code == 404

    def test_the_home_page_says_what_the_lagging_unit_must_still_do(self, cast, target):
        home = cast.client(cast.hoa).get(reverse("units:home", args=[cast.commune_a.code]))
        assert "Mỗi xã đăng bài hằng tháng" in home.content.decode()
        home_b = cast.client(cast.thu).get(reverse("units:home", args=[cast.commune_b.code]))
        assert "Mỗi xã đăng bài hằng tháng" not in home_b.content.decode()

    def test_the_export_lists_the_targets_units(self, cast, target):
        from python_calamine import CalamineWorkbook

        r = cast.client(cast.lan).get(reverse("targets:export", args=[cast.province.code]))
        book = CalamineWorkbook.from_filelike(__import__("io").BytesIO(r.content))
        rows = book.get_sheet_by_index(1).to_python()
        names = {row[0] for row in rows}
        assert {"Xã Ea Kar", "Xã Krông Pắc"} <= names


class TestReminders:
    @pytest.fixture
    def target(self, cast):
        make_channel(cast.commune_a)
        return make_target(cast.province, year=2025, remind_days=5)

    def test_it_reminds_the_lagging_units_cadres_once_a_period(self, cast, target, settings):
        settings.EMAIL_HOST = "smtp.example.org"
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        cast.hoa.email = "hoa@example.org"
        cast.hoa.save()
        # Hoa wants her reminders by e-mail; Thu has not said, so hers stay in Hội Số.
        consent_set(actor=cast.hoa, user=cast.hoa, channel=Channel.EMAIL, given=True, source="self")
        preference_set(user=cast.hoa, channels=[Channel.EMAIL], sms_plain=True)
        assert reminders_send(today=dt.date(2025, 9, 20)) == 0  # too early
        sent = reminders_send(today=dt.date(2025, 9, 26))
        # Hoa (admin and cadre of A, reminded once) and Thu of B; Mai's branch is not measured.
        assert sent == 2
        assert set(Message.objects.values_list("user__username", flat=True)) == {"hoa", "thu"}
        delivery.deliver()
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hoa@example.org"]
        assert "Xã Ea Kar" in mail.outbox[0].body
        assert reminders_send(today=dt.date(2025, 9, 27)) == 0  # already reminded this period

    def test_no_email_is_sent_without_email_settings(self, cast, target, settings):
        settings.EMAIL_HOST = ""
        cast.hoa.email = "hoa@example.org"
        cast.hoa.save()
        consent_set(actor=cast.hoa, user=cast.hoa, channel=Channel.EMAIL, given=True, source="self")
        preference_set(user=cast.hoa, channels=[Channel.EMAIL], sms_plain=True)
        assert reminders_send(today=dt.date(2025, 9, 30)) == 2
        delivery.deliver()
        assert mail.outbox == []  # kept in the outbox instead

    def test_a_unit_that_meets_it_gets_no_reminder_and_the_command_runs(self, cast, target, capsys):
        make_post(cast.commune_a.channels.get(), dt.date(2025, 9, 2))
        call_command("target_reminders", date=dt.date(2025, 9, 28))
        assert "1 reminder(s) sent" in capsys.readouterr().out
        assert list(Message.objects.values_list("user__username", flat=True)) == ["thu"]

    def test_the_reminder_shows_on_the_home_page_until_read(self, cast, target):
        reminders_send(today=dt.date(2025, 9, 28))
        client = cast.client(cast.thu)
        home = reverse("units:home", args=[cast.commune_b.code])
        read = reverse("targets:notices_read", args=[cast.commune_b.code])
        assert read in client.get(home).content.decode()
        client.post(read)
        assert Message.objects.get(user=cast.thu).read_at is not None
        assert read not in client.get(home).content.decode()


class TestCache:
    def test_it_reuses_values_until_a_post_member_or_unit_changes(
        self, cast, five, django_assert_num_queries
    ):
        from hoiso.conftest import make_member

        target = make_target(cast.province, year=2025)
        period = SEP
        assert compliance.compute(target, period).n_met == 0
        with django_assert_num_queries(2):  # the units' stamp and the units themselves
            assert compliance.compute(target, period).n_met == 0
        _post(five, 1)
        assert compliance.compute(target, period).n_met == 1
        extra = make_unit(cast.province, Level.COMMUNE, "96001", "Xã Thêm")
        assert compliance.compute(target, period).n_units == 6
        assert extra.pk in {r.unit.pk for r in compliance.compute(target, period).results}
        members = make_target(
            cast.province, year=2025, metric="members.total", threshold=1, level=Level.COMMUNE
        )
        assert compliance.compute(members, period).n_met == 0
        make_member(cast.branch_a1, "Đinh Thị Mới", join_date=dt.date(2025, 9, 3))
        assert compliance.compute(members, period).n_met == 1


def test_a_new_post_keeps_the_member_values_cached_and_unknown_metrics_are_never_cached(cast):
    from hoiso.metrics import versions as metric_cache

    calls = []
    computed = metric_cache.cached(
        "members.total", "k", cast.province.pk, lambda: calls.append(1) or 5
    )
    make_post(make_channel(cast.commune_a), dt.date(2025, 9, 3))  # bumps comms only
    assert (
        metric_cache.cached("members.total", "k", cast.province.pk, lambda: calls.append(1) or 6)
        == computed
    )
    assert len(calls) == 1
    assert metric_cache.cached("training.cadres_proficient", "k", cast.province.pk, lambda: 7) == 7
    assert metric_cache.cached("training.cadres_proficient", "k", cast.province.pk, lambda: 8) == 8


@pytest.mark.django_db(transaction=True)
def test_a_committed_post_recomputes_the_provinces_targets_in_the_background(
    cast, django_assert_num_queries
):
    # Tasks run in the test process as their transaction commits (ImmediateBackend).
    target = make_target(cast.province)
    channel = make_channel(cast.commune_a)
    make_post(channel)
    # The worker has already computed the new value: a reader runs no metric query.
    with django_assert_num_queries(2):  # the units' stamp and the units
        assert compliance.compute(target, compliance.current_period(target)).n_met == 1


def test_population_figures_are_entered_per_unit_and_bad_input_is_explained(cast):
    from hoiso.targets.models import PopulationFigure

    url = reverse("targets:population", args=[cast.province.code])
    client = cast.client(cast.lan)
    r = client.post(
        url, {"year": "2025", f"u{cast.commune_a.pk}": "1200", f"u{cast.commune_b.pk}": "-3"}
    )
    assert r.status_code == 200 and "Số không được âm" in r.content.decode()
    assert not PopulationFigure.objects.exists()
    r = client.post(
        url, {"year": "2025", f"u{cast.commune_a.pk}": "1200", f"u{cast.commune_b.pk}": ""}
    )
    assert r.status_code == 302
    assert PopulationFigure.objects.get().women_18_plus == 1200
    assert client.post(url, {"year": "abc"}).status_code == 200


def test_setting_a_target_checks_every_field_in_vietnamese(cast):
    from hoiso.core.models import AuditEvent
    from hoiso.targets.models import Target

    url = reverse("targets:new", args=[cast.province.code])
    data = {
        "year": "2026",
        "title": "",
        "metric": "posts.facebook_page",
        "level": "3",
        "period_kind": "month",
        "threshold": "1",
        "required_share": "140",
        "remind_days": "5",
    }
    r = cast.client(cast.lan).post(url, data)
    html = r.content.decode()
    assert r.status_code == 200 and not Target.objects.exists()
    assert "Trường này là bắt buộc" in html or "bắt buộc" in html
    r = cast.client(cast.lan).post(
        url, {**data, "title": "Mỗi xã 1 bài/tháng", "required_share": "40"}
    )
    assert r.status_code == 302
    target = Target.objects.get()
    assert (target.level, target.required_share) == (3, 40)
    assert AuditEvent.objects.filter(action="target.created").exists()
    # A commune cannot set targets for communes.
    r = cast.client(cast.hoa).post(
        reverse("targets:new", args=[cast.commune_a.code]),
        {**data, "title": "X", "required_share": "40"},
    )
    assert r.status_code == 200 and Target.objects.count() == 1


def test_the_trend_counts_each_month_as_the_full_computation_does(cast, five):
    _post(five, 2)
    target = make_target(cast.province, year=2025)
    for month, c in compliance.trend(target, today=dt.date(2025, 10, 5)):
        full = compliance.compute(target, month)
        assert (c.n_met, c.n_units, c.ok) == (full.n_met, full.n_units, full.ok)
        assert c.results == []  # the chart needs no lines
    mine = compliance.trend(target, today=dt.date(2025, 10, 5), viewer=cast.commune_a)
    assert {r.unit.pk for _m, c in mine for r in c.results} == {cast.commune_a.pk}


def test_the_drill_down_escapes_unit_names_and_links_each_unit(cast, five):
    _post(five, 1)
    cast.commune_b.name = 'Xã <b>"Mới"</b>'
    cast.commune_b.save()
    target = make_target(cast.province, year=dt.date.today().year)
    url = reverse("targets:detail", kwargs={"unit_code": cast.province.code, "pk": target.pk})
    page = cast.client(cast.lan).get(url).content.decode()
    assert "Xã &lt;b&gt;&quot;Mới&quot;&lt;/b&gt;" in page and "<b>" not in page
    link = reverse("targets:dashboard", args=[cast.commune_b.code])
    assert f'<a href="{link}">' in page
    assert page.count('<span class="chip bad">') == 5  # nobody posted this year
