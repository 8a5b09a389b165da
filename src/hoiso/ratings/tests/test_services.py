"""The rating's rules on the shared cast: computed criteria against hand counts, the
self-assessment → decision → reopen cycle and its locks, evidence files, notices, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from hoiso.activities.models import ActivityKind
from hoiso.activities.services import activity_record
from hoiso.conftest import Cast, make_member
from hoiso.core.models import AuditEvent
from hoiso.documents import files
from hoiso.documents.tests import samples
from hoiso.notifications.models import Message
from hoiso.ratings import services
from hoiso.ratings.models import EvidenceFile, Rating, State
from hoiso.ratings.tests.factories import computed, make_scheme, standard

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 15)


def _members(cast: Cast) -> None:
    """Hand count of members admitted in 2025: commune A 3 (two in A1, one in A2), commune B 1;
    one before the year and one on its first day after."""
    for branch, day in [
        (cast.branch_a1, dt.date(2025, 1, 1)),
        (cast.branch_a1, dt.date(2025, 12, 31)),
        (cast.branch_a2, dt.date(2025, 7, 3)),
        (cast.branch_b1, dt.date(2025, 9, 1)),
        (cast.branch_a1, dt.date(2024, 12, 31)),
        (cast.branch_a2, dt.date(2026, 1, 1)),
    ]:
        make_member(branch, "Nguyễn Thị Hạnh", join_date=day)


def _activities(cast: Cast, n: int, unit=None, year: int = 2025) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        activity_record(
            actor=None,
            unit=unit or cast.commune_a,
            data={"kind": ActivityKind.OTHER, "on": dt.date(year, 1 + i % 12, 10)},
        )


@pytest.fixture
def scheme(cast: Cast):  # type: ignore[no-untyped-def]
    return standard(cast.province)


def _fill(cast: Cast, scheme, a1: str = "28", a2: str = "25"):  # type: ignore[no-untyped-def]
    assessment = services.assessment_for(scheme, cast.commune_a)
    c1, c2 = list(scheme.criteria.filter(kind="manual"))
    return services.assessment_save(
        actor=cast.hoa,
        assessment=assessment,
        entries={c1.pk: (D(a1), "Tổ chức 12 buổi sinh hoạt chủ đề"), c2.pk: (D(a2), "Có báo cáo")},
    )


def test_computed_criteria_match_hand_counts(cast: Cast, scheme) -> None:  # type: ignore[no-untyped-def]
    _members(cast)
    _activities(cast, 5)
    _activities(cast, 2, unit=cast.branch_a1)  # a branch's activities count for its commune
    _activities(cast, 3, year=2024)
    figures = services.figures_for(scheme, cast.commune_a)
    by_title = {c.title: figures.get(c.pk) for c in scheme.criteria.all()}
    assert by_title["Phát triển hội viên mới"] == 3
    assert by_title["Hoạt động trong năm"] == 7
    assert (
        services.figures_for(scheme, cast.commune_b)[scheme.criteria.get(metric="members.new").pk]
        == 1
    )
    assessment = _fill(cast, scheme)
    scores = {s.criterion.title: s for s in assessment.scores.select_related("criterion")}
    # 3 new members reach the "2 = 10" step, not "4 = 20"; 7 of 10 activities → 14 of 20.
    assert scores["Phát triển hội viên mới"].figure == 3
    assert scores["Phát triển hội viên mới"].self_points == D(10)
    assert scores["Hoạt động trong năm"].self_points == D(14)
    assert assessment.self_total == D(28 + 25 + 10 + 14)
    assert assessment.self_rating == Rating.GOOD


def test_a_figure_where_lower_is_better_is_scored_by_at_most(cast: Cast) -> None:
    scheme = make_scheme(cast.province, title="Xếp loại 2025")
    crit = computed(
        scheme, "Giữ vững hội viên", 10, "members.removed", steps=[["0", "10"], ["2", "5"]]
    )
    assessment = services.assessment_for(scheme, cast.commune_a)
    services.assessment_save(actor=cast.hoa, assessment=assessment, entries={})
    assert assessment.scores.get(criterion=crit).self_points == D(10)  # nobody left
    with pytest.raises(ValidationError, match="mapping"):
        computed(scheme, "Tỷ lệ giảm", 10, "members.removed", target="2")


def test_the_cycle_locks_and_reopens(cast: Cast, scheme) -> None:  # type: ignore[no-untyped-def]
    assessment = _fill(cast, scheme)
    assert assessment.state == State.DRAFT
    services.assessment_submit(actor=cast.hoa, assessment=assessment)
    assert assessment.state == State.SUBMITTED
    with pytest.raises(ValidationError):
        _fill(cast, scheme, "30")  # locked for the commune once sent
    with pytest.raises(ValidationError):
        services.criterion_save(
            actor=cast.lan,
            scheme=scheme,
            data={"title": "Mới", "max_points": D(5), "kind": "manual"},
        )
    manual_ids = list(scheme.criteria.filter(kind="manual").values_list("pk", flat=True))
    with pytest.raises(ValidationError, match="lý do"):
        services.assessment_decide(
            actor=cast.lan, assessment=assessment, adjusted={manual_ids[0]: (D(20), "")}, on=TODAY
        )
    services.assessment_decide(
        actor=cast.lan,
        assessment=assessment,
        adjusted={manual_ids[0]: (D(20), "Thiếu biên bản")},
        on=TODAY,
    )
    assessment.refresh_from_db()
    assert assessment.state == State.DECIDED and assessment.decided_on == TODAY
    assert assessment.decided_total == assessment.self_total - 8
    assert assessment.decided_by == cast.lan
    with pytest.raises(ValidationError):
        services.assessment_decide(actor=cast.lan, assessment=assessment, adjusted={}, on=TODAY)
    with pytest.raises(ValidationError):
        services.assessment_reopen(actor=cast.lan, assessment=assessment, reason="  ")
    services.assessment_reopen(actor=cast.lan, assessment=assessment, reason="Bổ sung minh chứng")
    assessment.refresh_from_db()
    assert assessment.state == State.DRAFT and assessment.rating == ""
    assert assessment.reopen_reason == "Bổ sung minh chứng"
    assert not assessment.scores.filter(decided_points__isnull=False).exists()
    _fill(cast, scheme, "30", "30")  # the commune may change it again
    services.assessment_submit(actor=cast.hoa, assessment=assessment)
    services.assessment_decide(actor=cast.lan, assessment=assessment, adjusted={}, on=TODAY)
    assessment.refresh_from_db()
    assert assessment.decided_total == assessment.self_total
    actions = list(
        AuditEvent.objects.filter(object_type="ratings.assessment")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "rating.saved",
        "rating.submitted",
        "rating.decided",
        "rating.reopened",
        "rating.saved",
        "rating.submitted",
        "rating.decided",
    ]


def test_the_rating_follows_the_points_unless_another_is_chosen_with_a_note(
    cast: Cast, scheme
) -> None:  # type: ignore[no-untyped-def]
    assessment = _fill(cast, scheme, "30", "30")
    services.assessment_submit(actor=cast.hoa, assessment=assessment)
    with pytest.raises(ValidationError, match="lý do"):
        services.assessment_decide(
            actor=cast.lan, assessment=assessment, adjusted={}, on=TODAY, rating=Rating.EXCELLENT
        )
    services.assessment_decide(
        actor=cast.lan,
        assessment=assessment,
        adjusted={},
        on=TODAY,
        rating=Rating.EXCELLENT,
        note="Thành tích đột xuất",
    )
    assert assessment.rating == Rating.EXCELLENT


def test_a_decision_is_dated_today_or_before_and_not_before_the_year(cast: Cast, scheme) -> None:  # type: ignore[no-untyped-def]
    assessment = _fill(cast, scheme)
    with pytest.raises(ValidationError):
        services.assessment_decide(actor=cast.lan, assessment=assessment, adjusted={}, on=TODAY)
    services.assessment_submit(actor=cast.hoa, assessment=assessment)
    for day in (dt.date(2024, 12, 31), dt.date(2099, 1, 1)):
        with pytest.raises(ValidationError):
            services.assessment_decide(actor=cast.lan, assessment=assessment, adjusted={}, on=day)


def test_sending_needs_every_hand_scored_criterion(cast: Cast, scheme) -> None:  # type: ignore[no-untyped-def]
    assessment = services.assessment_for(scheme, cast.commune_a)
    with pytest.raises(ValidationError, match="Thực hiện chủ đề năm"):
        services.assessment_submit(actor=cast.hoa, assessment=assessment)
    assert assessment.state == State.DRAFT
    c1 = scheme.criteria.filter(kind="manual").first()
    with pytest.raises(ValidationError):
        services.assessment_save(
            actor=cast.hoa, assessment=assessment, entries={c1.pk: (D(31), "")}
        )


def test_each_step_tells_the_other_side(cast: Cast, scheme) -> None:  # type: ignore[no-untyped-def]
    assessment = _fill(cast, scheme)
    services.assessment_submit(actor=cast.hoa, assessment=assessment)
    assert set(
        Message.objects.filter(kind="rating_submitted").values_list("user__username", flat=True)
    ) == {"lan"}
    services.assessment_decide(actor=cast.lan, assessment=assessment, adjusted={}, on=TODAY)
    decided = Message.objects.get(kind="rating_decided")
    assert decided.user == cast.hoa and "53 điểm" in decided.body
    assert "Hoàn thành nhiệm vụ" in decided.body
    services.assessment_reopen(actor=cast.lan, assessment=assessment, reason="Bổ sung")
    assert "Lý do: Bổ sung" in Message.objects.get(kind="rating_reopened").body


def test_a_scheme_is_copied_to_next_year_and_not_twice(cast: Cast, scheme) -> None:  # type: ignore[no-untyped-def]
    copy = services.scheme_copy(actor=cast.lan, source=scheme, year=2026)
    assert copy.title == "Xếp loại cơ sở Hội năm 2026"
    assert [(c.title, c.max_points, c.steps) for c in copy.criteria.all()] == [
        (c.title, c.max_points, c.steps) for c in scheme.criteria.all()
    ]
    with pytest.raises(ValidationError):
        services.scheme_copy(actor=cast.lan, source=scheme, year=2026)


def test_points_for_ratings_must_fall_in_order(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        make_scheme(cast.province, good_from=D(95))
    with pytest.raises(ValidationError):
        make_scheme(cast.commune_a, level=3)  # a commune rates the levels below it


# --- Evidence ------------------------------------------------------------------------------


def _save_files(cast: Cast, scheme, *uploads):  # type: ignore[no-untyped-def]
    assessment = services.assessment_for(scheme, cast.commune_a)
    c1 = scheme.criteria.filter(kind="manual").first()
    return services.assessment_save(
        actor=cast.hoa,
        assessment=assessment,
        entries={c1.pk: (D(20), "Xem tệp")},
        uploads={c1.pk: list(uploads)},
    )


def test_evidence_is_checked_by_its_content_and_kept_outside_the_web(cast: Cast, scheme) -> None:  # type: ignore[no-untyped-def]
    _save_files(
        cast,
        scheme,
        samples.upload("bien-ban.pdf", samples.pdf()),
        samples.upload("anh.docx", samples.docx("Báo cáo")),
    )
    kept = list(EvidenceFile.objects.order_by("name"))
    assert [(f.name, f.file_type) for f in kept] == [("anh.docx", "docx"), ("bien-ban.pdf", "pdf")]
    assert all(files.path_of(f.stored_name).exists() for f in kept)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("chuong-trinh.pdf", b"MZ\x90\x00 not a pdf"),
        ("bien-ban.docx", samples.pdf()),
        ("bao-cao.pdf", samples.pdf_with_script()),
        ("..bao-cao.pdf", samples.pdf()),  # the upload keeps only the last part of a path
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_saved(cast: Cast, scheme, name, content) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as e:
        _save_files(
            cast, scheme, samples.upload("tot.pdf", samples.pdf()), samples.upload(name, content)
        )
    assert "Vui lòng" in " ".join(e.value.messages) or "vui lòng" in " ".join(e.value.messages)
    assert not EvidenceFile.objects.exists()
    assert not any(files.root().iterdir())
    assessment = services.assessment_for(scheme, cast.commune_a)
    assert not assessment.scores.filter(evidence="Xem tệp").exists()


def test_evidence_cannot_be_removed_once_sent(cast: Cast, scheme) -> None:  # type: ignore[no-untyped-def]
    assessment = _save_files(cast, scheme, samples.upload("bien-ban.pdf", samples.pdf()))
    c2 = scheme.criteria.filter(kind="manual").last()
    services.assessment_save(actor=cast.hoa, assessment=assessment, entries={c2.pk: (D(1), "")})
    services.assessment_submit(actor=cast.hoa, assessment=assessment)
    with pytest.raises(ValidationError):
        services.evidence_remove(actor=cast.hoa, evidence=EvidenceFile.objects.get())
