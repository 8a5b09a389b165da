"""Each metric against small hand-counted data, with the period edges that go wrong: the last
day of a month, a TikTok time stamp near midnight in Asia/Ho_Chi_Minh, units opened and closed
in the middle of a period."""

import datetime as dt
from decimal import Decimal

import pytest

from hoiso.comms.models import ChannelKind
from hoiso.comms.tests.factories import make_channel, make_post
from hoiso.conftest import make_member, make_unit
from hoiso.members.models import Member
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY
from hoiso.targets.models import PopulationFigure
from hoiso.units.models import Level

pytestmark = pytest.mark.django_db
SEP = Period.containing("month", dt.date(2025, 9, 14))
AUG = SEP.previous()
OCT = SEP.next()


def values(code, root, level, period):
    return REGISTRY[code].compute(root, level, period)


def tiktok_link(moment: dt.datetime) -> str:
    video_id = (int(moment.timestamp()) << 32) | 4242
    return f"https://www.tiktok.com/@hoiphunu/video/{video_id}"


class TestPeriod:
    def test_it_knows_its_bounds(self):
        assert Period("month", dt.date(2025, 9, 1), dt.date(2025, 10, 1)) == SEP
        assert SEP.last_day == dt.date(2025, 9, 30)
        q = Period.containing("quarter", dt.date(2025, 12, 31))
        assert (q.start, q.end, q.key) == (dt.date(2025, 10, 1), dt.date(2026, 1, 1), "2025-Q4")
        assert Period.containing("year", dt.date(2024, 2, 29)).previous().key == "2023"
        assert [m.key for m in q.months()] == ["2025-10", "2025-11", "2025-12"]
        assert Period.containing("month", dt.date(2025, 1, 31)).next().start == dt.date(2025, 2, 1)


class TestPosts:
    @pytest.fixture
    def posts(self, cast):
        page_a = make_channel(cast.commune_a)
        page_a1 = make_channel(cast.branch_a1)
        zalo_b = make_channel(cast.commune_b, ChannelKind.ZALO_GROUP, "https://zalo.me/g/abcxyz1")
        tiktok_b = make_channel(
            cast.commune_b, ChannelKind.TIKTOK, "https://www.tiktok.com/@hoiphunu"
        )
        make_post(page_a, dt.date(2025, 8, 31))  # the last day of August
        make_post(page_a1, dt.date(2025, 9, 1))  # the first of September, in a branch of A
        make_post(zalo_b, dt.date(2025, 9, 15))
        # 18:30 UTC on 31 August is 01:30 on 1 September in Viet Nam: a September video.
        link = tiktok_link(dt.datetime(2025, 8, 31, 18, 30, tzinfo=dt.UTC))
        make_post(tiktok_b, None, url=link, is_livestream=True)

    def test_it_counts_posts_per_kind_in_each_communes_subtree(self, cast, posts):
        a, b = cast.commune_a.pk, cast.commune_b.pk
        assert values("posts.facebook_page", cast.province, Level.COMMUNE, AUG) == {a: 1, b: 0}
        assert values("posts.facebook_page", cast.province, Level.COMMUNE, SEP) == {a: 1, b: 0}
        assert values("posts.zalo_group", cast.province, Level.COMMUNE, SEP) == {a: 0, b: 1}
        assert values("posts.all", cast.province, Level.COMMUNE, SEP) == {a: 1, b: 2}

    def test_it_buckets_a_tiktok_video_by_its_local_date(self, cast, posts):
        b = cast.commune_b.pk
        assert values("posts.tiktok", cast.province, Level.COMMUNE, AUG)[b] == 0
        assert values("posts.tiktok", cast.province, Level.COMMUNE, SEP)[b] == 1
        assert values("posts.livestream", cast.province, Level.COMMUNE, SEP)[b] == 1

    def test_it_counts_branches_and_the_root_itself(self, cast, posts):
        got = values("posts.facebook_page", cast.commune_a, Level.BRANCH, SEP)
        assert got == {cast.branch_a1.pk: 1, cast.branch_a2.pk: 0}
        assert values("posts.facebook_page", cast.commune_a, Level.COMMUNE, AUG) == {
            cast.commune_a.pk: 1
        }

    def test_it_includes_units_open_for_part_of_the_period_only(self, cast):
        late = make_unit(cast.province, Level.COMMUNE, "99001", "Xã Mới")
        late.valid_from = dt.date(2025, 9, 20)
        late.save()
        gone = make_unit(cast.province, Level.COMMUNE, "99002", "Xã Cũ")
        gone.valid_to = dt.date(2025, 9, 10)
        gone.save()
        got = values("posts.facebook_page", cast.province, Level.COMMUNE, SEP)
        assert late.pk in got and gone.pk in got
        assert late.pk not in values("posts.facebook_page", cast.province, Level.COMMUNE, AUG)
        assert gone.pk not in values("posts.facebook_page", cast.province, Level.COMMUNE, OCT)


class TestMembers:
    @pytest.fixture
    def members(self, cast):
        m1 = make_member(cast.branch_a1, "Nguyễn Thị Một", has_smartphone=True)
        make_member(cast.branch_a1, "Nguyễn Thị Hai", join_date=dt.date(2025, 9, 30))
        m3 = make_member(cast.branch_a1, "Nguyễn Thị Ba")
        make_member(cast.branch_a1, "Nguyễn Thị Bốn", join_date=dt.date(2025, 10, 1))
        make_member(cast.branch_b1, "Lê Thị Năm", uses_zalo=True)
        Member.objects.filter(pk=m3.pk).update(status="removed", status_since=dt.date(2025, 9, 1))
        return m1

    def test_it_counts_members_at_the_end_of_the_period(self, cast, members):
        a, b = cast.commune_a.pk, cast.commune_b.pk
        # August: Một and Ba (removed on 1 September, the day after August ends).
        assert values("members.total", cast.province, Level.COMMUNE, AUG) == {a: 2, b: 1}
        # September: Một and Hai (joined on its last day); Ba has left; Bốn joins in October.
        assert values("members.total", cast.province, Level.COMMUNE, SEP) == {a: 2, b: 1}
        assert values("members.total", cast.province, Level.COMMUNE, OCT) == {a: 3, b: 1}

    def test_it_counts_admissions_removals_and_the_change(self, cast, members):
        a, b = cast.commune_a.pk, cast.commune_b.pk
        assert values("members.new", cast.province, Level.COMMUNE, SEP) == {a: 1, b: 0}
        assert values("members.removed", cast.province, Level.COMMUNE, SEP) == {a: 1, b: 0}
        assert values("members.change", cast.province, Level.COMMUNE, SEP) == {a: 0, b: 0}
        assert values("members.change", cast.province, Level.COMMUNE, OCT) == {a: 1, b: 0}

    def test_it_gives_the_share_with_digital_access_or_none_without_members(self, cast, members):
        got = values("members.digital_share", cast.province, Level.BRANCH, SEP)
        assert got == {cast.branch_a1.pk: 50.0, cast.branch_a2.pk: None, cast.branch_b1.pk: 100.0}

    def test_it_counts_groups_by_their_own_column(self, cast, members):
        assert values("members.total", cast.commune_a, Level.GROUP, SEP) == {cast.group_a1.pk: 0}

    def test_it_gives_the_recruitment_rate_where_the_population_is_known(self, cast, members):
        PopulationFigure.objects.create(unit=cast.commune_a, year=2024, women_18_plus=4)
        a, b = cast.commune_a.pk, cast.commune_b.pk
        # The latest figure up to the period's year counts (2024's, for 2025).
        assert values("members.recruitment_rate", cast.province, Level.COMMUNE, SEP) == {
            a: 50.0,
            b: None,
        }
        PopulationFigure.objects.create(unit=cast.commune_a, year=2025, women_18_plus=8)
        assert values("members.recruitment_rate", cast.province, Level.COMMUNE, SEP)[a] == 25.0


def test_it_uses_a_fixed_number_of_queries_whatever_the_number_of_units(
    cast, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> dict[str, int]:
        out = {}
        for code in REGISTRY:
            with CaptureQueriesContext(connection) as ctx:
                REGISTRY[code].compute(cast.province, Level.COMMUNE, SEP)
            out[code] = len(ctx)
        return out

    two = queries()
    for i in range(30):
        make_unit(cast.province, Level.COMMUNE, f"98{i:03d}", f"Xã Số {i}")
    assert queries() == two
    for code in REGISTRY:
        # Posts and members take 2–4; the model-branch share reads attendance, dues, cards and
        # the province's thresholds (7).
        with django_assert_max_num_queries(7 if code == "branch.model_share" else 4):
            got = REGISTRY[code].compute(cast.province, Level.COMMUNE, SEP)
        assert len(got) == 32, code


def test_every_registered_metric_has_a_label_and_a_unit():
    assert {
        "posts.facebook_page",
        "members.total",
        "members.new",
        "members.removed",
        "members.change",
        "members.digital_share",
        "members.recruitment_rate",
    } <= REGISTRY.keys()
    for m in REGISTRY.values():
        assert m.unit in ("count", "percent") and str(m.label)


def test_decimal_thresholds_compare_exactly():
    from hoiso.targets.compliance import is_met
    from hoiso.targets.models import Target

    t = Target(threshold=Decimal("0.1"))
    assert is_met(t, 0.1) and not is_met(t, 0.09) and not is_met(t, None)


def test_a_level_may_be_given_by_name_or_number(cast):
    by_int = values("members.total", cast.province, Level.COMMUNE, SEP)
    assert values("members.total", cast.province, "commune", SEP) == by_int
    assert values("posts.all", cast.province, "3", SEP).keys() == by_int.keys()
    assert values("members.recruitment_rate", cast.province, "commune", SEP).keys() == by_int.keys()
