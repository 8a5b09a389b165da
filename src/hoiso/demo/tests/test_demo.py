"""The demo province: Đắk Lắk with its real communes, village branches and the demo accounts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.test import override_settings
from vietnam_provinces import Province, Ward

from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import Role
from hoiso.core.models import AuditEvent
from hoiso.core.text import fold
from hoiso.demo.services import ACCOUNTS, DEMO_PASSWORD, demo_is_loaded, demo_load
from hoiso.units.models import SEGMENT_WIDTH, Level, Unit

DEMO_MEMBERS = 2000
HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for the module (it takes seconds), and roll it back at the end."""
    # The module's data outlives each test's settings: hash with a hasher every test accepts.
    with (
        override_settings(PASSWORD_HASHERS=HASHERS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        # A couple of thousand members, not the default 50,000: these tests are about units and
        # accounts (with far fewer, the demo's first branch may have no member to log in as).
        yield demo_load(members=DEMO_MEMBERS)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _hashers_that_read_the_demo_passwords(settings):
    settings.PASSWORD_HASHERS = HASHERS


@pytest.fixture
def province(demo, db):
    return demo


def _counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "assignments": Assignment.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def _snapshot() -> list[tuple]:
    return list(
        Unit.objects.order_by("code").values_list(
            "code", "name", "path", "level", "is_ethnic_minority_area", "is_remote_area",
            "is_border_area", "valid_from", "valid_to",
        )
    )  # fmt: skip


def test_it_builds_the_province_of_dak_lak(province):
    assert province.code == "66"
    assert province.name == "Tỉnh Đắk Lắk"
    assert province.level == Level.PROVINCE


def test_it_builds_every_official_commune(province):
    dak_lak = next(p for p in Province.iter_all() if p.code.value == 66)
    expected = {f"{w.code.value:05d}" for w in Ward.iter_by_province(dak_lak.code)}
    # Its open children (before the reform it also had districts, closed since).
    communes = Unit.objects.filter(parent=province, valid_to=None)
    assert set(communes.values_list("code", flat=True)) == expected
    assert set(communes.values_list("level", flat=True)) == {Level.COMMUNE}


def test_it_gives_every_commune_six_to_twenty_branches(province):
    per_commune = (
        Unit.objects.filter(parent=province, level=Level.COMMUNE)
        .annotate(n=Count("children"))
        .values_list("name", "n")
    )
    counts = dict(per_commune)
    assert counts
    assert all(6 <= n <= 20 for n in counts.values()), {k: n for k, n in counts.items()
                                                         if not 6 <= n <= 20}  # fmt: skip
    assert len(set(counts.values())) > 1  # drawn, not all alike


def test_it_gives_every_branch_two_to_four_groups(province):
    branches = Unit.objects.filter(level=Level.BRANCH).annotate(n=Count("children"))
    assert set(branches.values_list("n", flat=True)) <= {2, 3, 4}
    assert Unit.objects.filter(level=Level.GROUP, parent__level=Level.BRANCH).count() == (
        Unit.objects.filter(level=Level.GROUP).count()
    )


def test_it_gives_every_unit_a_path_under_its_parent(province):
    step = SEGMENT_WIDTH + 1
    rows = Unit.objects.values_list("pk", "path", "parent__path")
    for pk, path, parent_path in rows:
        assert path.endswith(f"{pk:0{SEGMENT_WIDTH}d}.")
        assert path[:-step] == (parent_path or "")


def test_it_codes_branches_and_groups_after_their_parents(province):
    for code, parent_code in Unit.objects.filter(level__gte=Level.BRANCH).values_list(
        "code", "parent__code"
    ):
        assert code.startswith(f"{parent_code}-")


def test_it_gives_no_two_open_siblings_the_same_name(province):
    names = Counter(
        (parent, fold(name))
        for parent, name in Unit.objects.active().values_list("parent_id", "name")
    )
    assert [key for key, n in names.items() if n > 1] == []


def test_it_gives_branches_their_communes_area_flags(province):
    mismatched = Unit.objects.filter(level=Level.BRANCH).exclude(
        is_ethnic_minority_area=F("parent__is_ethnic_minority_area"),
        is_remote_area=F("parent__is_remote_area"),
        is_border_area=F("parent__is_border_area"),
    )
    assert not mismatched.exists()
    assert Unit.objects.filter(level=Level.COMMUNE, is_ethnic_minority_area=True).exists()
    assert Unit.objects.filter(level=Level.COMMUNE, is_border_area=True).exists()


@pytest.mark.parametrize(
    ("username", "where", "roles"),
    [
        ("lan.tinh", "Tỉnh Đắk Lắk", {Role.UNIT_ADMIN, Role.CADRE}),
        ("hoa.xa", "Xã Ea Kar", {Role.UNIT_ADMIN, Role.CADRE}),
        ("thu.xa", "Xã Krông Pắc", {Role.UNIT_ADMIN, Role.CADRE}),
    ],
)
def test_it_creates_the_demo_accounts_with_their_roles(province, username, where, roles):
    user = User.objects.get(username=username)
    assignments = Assignment.objects.filter(user=user)
    assert {a.unit.name for a in assignments} == {where}
    assert {a.role for a in assignments} == roles
    assert user.check_password(DEMO_PASSWORD)


def test_it_makes_the_demo_branch_head_head_of_the_first_branch_of_ea_kar(province):
    ea_kar = Unit.objects.get(parent=province, name="Xã Ea Kar")
    first = Unit.objects.filter(parent=ea_kar).order_by("code").first()
    assignment = Assignment.objects.get(user__username="mai.chihoi")
    assert (assignment.unit, assignment.role) == (first, Role.BRANCH_HEAD)


def test_it_gives_every_demo_account_its_phone_number(province):
    for account in ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert (user.full_name, user.phone) == (account.full_name, account.phone)


def test_it_lets_a_demo_account_log_in_by_phone(province, client):
    response = client.post(
        "/accounts/login/", {"username": "0912 000 002", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    ea_kar = Unit.objects.get(parent=province, name="Xã Ea Kar")
    assert client.get(f"/u/{ea_kar.code}/").status_code == 200


def test_it_records_the_demo_in_the_audit_log(province):
    event = AuditEvent.objects.get(action="demo.loaded")
    assert event.unit == province
    assert event.data["branches"] == Unit.objects.filter(level=Level.BRANCH).count()


def test_it_changes_nothing_when_loaded_again(province):
    counts, snapshot = _counts(), _snapshot()
    assert demo_load(members=DEMO_MEMBERS) == province
    assert _counts() == counts
    assert _snapshot() == snapshot


def test_it_prints_the_demo_logins_without_loading_again(province):
    assert demo_is_loaded()
    counts = _counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == counts
    assert DEMO_PASSWORD in out.getvalue()
    for account in ACCOUNTS:
        assert account.username in out.getvalue()


def test_serve_shows_the_demo_logins_once_the_demo_is_loaded(province):
    from hoiso.core.management.commands.serve import banners

    said = "\n".join(banners())
    assert DEMO_PASSWORD in said
    assert all(account.username in said for account in ACCOUNTS)


def test_it_carries_dak_laks_and_phu_yens_units_before_the_reform(province):
    from hoiso.members.history import THEN, active_count_on
    from hoiso.metrics.periods import Period
    from hoiso.targets import compliance
    from hoiso.targets.models import Target
    from hoiso.units.models import REFORM_DAY

    phu_yen = Unit.objects.get(code="cu-54")
    assert list(phu_yen.successors.all()) == [province]
    districts = Unit.objects.filter(parent=province, level=Level.DISTRICT, valid_to=REFORM_DAY)
    assert districts.count() == 15
    # Members were placed under the old communes before the reform.
    assert active_count_on(province, dt.date(2025, 6, 30), THEN) > 0
    assert active_count_on(phu_yen, dt.date(2025, 6, 30), THEN) > 0
    # 2024's district target reads on the districts of then, not "0/0 units".
    target = Target.objects.get(year=2024, level=Level.DISTRICT)
    result = compliance.compute(target, Period.containing("month", dt.date(2024, 5, 1)))
    assert result.n_units == 15 and result.n_met > 0


def test_it_issues_a_few_documents_some_answered(province):
    from hoiso.documents.models import Document, Receipt

    docs = Document.objects.filter(unit=province, meeting__isnull=True)
    assert sorted(docs.values_list("symbol", flat=True)) == [
        "01/KH-HLHPN",
        "02/CT-HLHPN",
        "03/TB-HLHPN",
    ]
    plan = docs.get(kind="KH")
    direct = Receipt.objects.filter(document=plan, sender=province)
    assert direct.count() == Unit.objects.filter(parent=province, valid_to__isnull=True).count()
    assert direct.filter(reported_at__isnull=False).exists()
    assert direct.filter(read_at__isnull=True).exists()
    assert Receipt.objects.filter(document=plan, forwarded_from__unit__name="Xã Ea Kar").exists()
    assert docs.filter(public=True).count() == 1


def test_it_holds_online_meetings_past_and_upcoming(province):
    from django.utils import timezone

    from hoiso.documents.models import Meeting, Response

    now = timezone.now()
    past = Meeting.objects.get(unit=province, ends_at__lt=now)
    assert past.attendances.exists() and past.documents.get().symbol == "04/TB-HLHPN"
    assert past.invitations.filter(response=Response.APOLOGY).exclude(reason="").exists()
    upcoming = Meeting.objects.filter(starts_at__gt=now)
    assert upcoming.filter(unit=province).get().agenda_documents.exists()
    # Xã Ea Kar's cadre has the province's meeting still to answer; its branch heads theirs.
    ea_kar = upcoming.filter(unit__name="Xã Ea Kar").get()
    assert ea_kar.invitations.filter(unit__level=4).count() == ea_kar.invitations.count()
    assert (
        upcoming.filter(unit=province).get().invitations.get(unit__name="Xã Ea Kar").response
        == Response.PENDING
    )


def test_it_has_the_usual_reports_in_every_state(province):
    from hoiso.reports.models import Report, ReportForm, Status

    titles = set(ReportForm.objects.filter(owner=province).values_list("title", flat=True))
    assert titles == {"Báo cáo tháng", "Báo cáo sơ kết 6 tháng"}
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {Status.APPROVED, Status.SUBMITTED, Status.RETURNED, Status.DRAFT}
    late = [r for r in Report.objects.exclude(first_submitted_at=None) if not r.on_time]
    assert late
    ea_kar = Report.objects.filter(unit__name="Xã Ea Kar", form__title="Báo cáo tháng")
    assert ea_kar.order_by("-period_start").first().status == Status.RETURNED


def test_it_runs_the_years_contest_with_entries_scores_and_votes(province):
    from hoiso.contests.models import Contest, Entry, Score, Vote
    from hoiso.contests.results import results

    contest = Contest.objects.get(title="Ứng dụng CNTT trong tổ chức sinh hoạt hội")
    assert contest.unit == province and contest.voting() and contest.judging()
    entries = Entry.objects.filter(contest=contest)
    assert entries.filter(status="approved").values("unit").distinct().count() >= 4
    assert entries.filter(status="pending").exists() and entries.filter(status="rejected").exists()
    assert Score.objects.filter(entry__contest=contest).exists()
    for entry in entries.filter(status="approved"):
        assert entry.votes == Vote.objects.filter(entry=entry, voided_at__isnull=True).count()
    assert Vote.objects.filter(contest=contest, voided_at__isnull=False).exists()
    assert results(contest)[0].prize is not None


def test_the_contests_vote_shows_its_organiser_a_burst_and_a_shared_device(province):
    from hoiso.contests.models import Contest
    from hoiso.contests.voting import flags

    contest = Contest.objects.get(title="Ứng dụng CNTT trong tổ chức sinh hoạt hội")
    found = {(f.kind, f.label) for f in flags(contest)}
    assert ("network", "171.244.7.0/24") in found
    assert any(kind == "device" for kind, _label in found)
