"""The pages: a commune cadre self-assesses with files, the province decides and reopens, the
list by rating with its filter, counts and export, a unit's history, who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from hoiso.conftest import Cast, make_unit
from hoiso.core.models import AuditEvent
from hoiso.core.sheets import read_bytes
from hoiso.documents.tests import samples
from hoiso.ratings import services
from hoiso.ratings.models import Assessment, EvidenceFile, Rating, State
from hoiso.ratings.tests.factories import make_scheme, manual, standard
from hoiso.units.models import Level

pytestmark = pytest.mark.django_db


def _url(name: str, unit, *args) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"ratings:{name}", args=[unit.code, *args])


@pytest.fixture
def scheme(cast: Cast):  # type: ignore[no-untyped-def]
    return standard(cast.province)


def _manual_ids(scheme) -> list[int]:  # type: ignore[no-untyped-def]
    return list(scheme.criteria.filter(kind="manual").values_list("pk", flat=True))


def _self_assess(cast: Cast, scheme, action: str = "submit", p1: str = "30"):  # type: ignore[no-untyped-def]
    c1, c2 = _manual_ids(scheme)
    return cast.client(cast.hoa).post(
        _url("assessment", cast.commune_a, scheme.pk),
        {
            f"p{c1}": p1,
            f"e{c1}": "12 buổi sinh hoạt chủ đề",
            f"p{c2}": "25",
            f"e{c2}": "Báo cáo",
            f"f{c1}": [samples.upload("bien-ban.pdf", samples.pdf())],
            "summary": "Năm tốt",
            "action": action,
        },
    )


def test_the_commune_self_assesses_and_the_province_decides(cast: Cast, scheme) -> None:  # type: ignore[no-untyped-def]
    hoa = cast.client(cast.hoa)
    page = hoa.get(_url("assessment", cast.commune_a, scheme.pk))
    assert page.status_code == 200 and "Gửi lên cấp trên" in page.content.decode()
    assert "không nhập tay" in page.content.decode()  # computed criteria are shown, not typed
    response = _self_assess(cast, scheme)
    assert response.status_code == 302
    a = Assessment.objects.get()
    assert a.state == State.SUBMITTED and a.self_total == D(55)
    assert EvidenceFile.objects.get().name == "bien-ban.pdf"
    # Hoa cannot decide her own commune's rating, nor reopen it.
    assert hoa.get(_url("decide", cast.commune_a, scheme.pk)).status_code == 403
    assert hoa.post(_url("reopen", cast.commune_a, scheme.pk), {"reason": "x"}).status_code == 403
    # Nor change it once sent.
    _self_assess(cast, scheme, action="save", p1="10")
    a.refresh_from_db()
    assert a.self_total == D(55)
    # Lan, at the province, decides: one criterion lowered, with its reason.
    lan = cast.client(cast.lan)
    c1, c2 = _manual_ids(scheme)
    others = scheme.criteria.exclude(pk__in=[c1, c2]).values_list("pk", flat=True)
    form = {
        f"p{c1}": "25",
        f"r{c1}": "Thiếu biên bản 2 buổi",
        f"p{c2}": "25",
        "decided_on": timezone.localdate().isoformat(),
        "rating": "",
        "note": "",
        **{f"p{pk}": "0" for pk in others},
    }
    assert lan.get(_url("decide", cast.commune_a, scheme.pk)).status_code == 200
    assert lan.post(_url("decide", cast.commune_a, scheme.pk), form).status_code == 302
    a.refresh_from_db()
    assert a.state == State.DECIDED and a.decided_total == D(50) and a.rating == Rating.FAIR
    page = hoa.get(_url("assessment", cast.commune_a, scheme.pk)).content.decode()
    assert "Hoàn thành nhiệm vụ" in page and "Thiếu biên bản 2 buổi" in page
    # The province reopens with a reason; the commune can edit again.
    lan.post(_url("reopen", cast.commune_a, scheme.pk), {"reason": "Bổ sung minh chứng"})
    a.refresh_from_db()
    assert a.state == State.DRAFT
    assert (
        "Bổ sung minh chứng"
        in hoa.get(_url("assessment", cast.commune_a, scheme.pk)).content.decode()
    )


def test_a_change_without_its_reason_is_refused_on_the_page(cast: Cast, scheme) -> None:  # type: ignore[no-untyped-def]
    _self_assess(cast, scheme)
    c1, c2 = _manual_ids(scheme)
    others = scheme.criteria.exclude(pk__in=[c1, c2]).values_list("pk", flat=True)
    form = {
        f"p{c1}": "20",
        f"p{c2}": "25",
        "decided_on": timezone.localdate().isoformat(),
        **{f"p{pk}": "0" for pk in others},
    }
    page = cast.client(cast.lan).post(_url("decide", cast.commune_a, scheme.pk), form)
    assert page.status_code == 200 and "vui lòng ghi lý do" in page.content.decode()
    assert Assessment.objects.get().state == State.SUBMITTED


def test_a_bad_file_leaves_the_assessment_as_it_was(cast: Cast, scheme) -> None:  # type: ignore[no-untyped-def]
    c1, _c2 = _manual_ids(scheme)
    page = cast.client(cast.hoa).post(
        _url("assessment", cast.commune_a, scheme.pk),
        {f"p{c1}": "30", f"f{c1}": [samples.upload("anh.png", samples.pdf())], "action": "save"},
    )
    assert page.status_code == 200 and "Vui lòng" in page.content.decode()
    assert not EvidenceFile.objects.exists()
    assert Assessment.objects.get().scores.get(criterion_id=c1).self_points is None


def test_others_see_but_do_not_touch(cast: Cast, scheme) -> None:  # type: ignore[no-untyped-def]
    _self_assess(cast, scheme)
    fid = EvidenceFile.objects.get().pk
    vy = cast.client(cast.vy)  # viewer of commune A
    assert vy.get(_url("assessment", cast.commune_a, scheme.pk)).status_code == 200
    assert vy.get(_url("evidence", cast.commune_a, scheme.pk, fid)).status_code == 200
    assert vy.post(_url("assessment", cast.commune_a, scheme.pk), {}).status_code == 403
    thu = cast.client(cast.thu)  # commune B
    assert thu.get(_url("assessment", cast.commune_a, scheme.pk)).status_code == 404
    # Through her own commune's URL, commune A's file is not found either.
    assert thu.get(_url("evidence", cast.commune_b, scheme.pk, fid)).status_code == 404
    # The province's cadre sees it, the file served as a sandboxed download.
    response = cast.client(cast.lan).get(_url("evidence", cast.commune_a, scheme.pk, fid))
    assert response.status_code == 200 and response["Content-Security-Policy"] == "sandbox"


def test_the_list_counts_filters_and_exports(
    cast: Cast, scheme, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    _self_assess(cast, scheme)
    services.assessment_decide(
        actor=cast.lan, assessment=Assessment.objects.get(), adjusted={}, on=timezone.localdate()
    )
    lan = cast.client(cast.lan)
    page = lan.get(_url("list", cast.province) + "?year=2025").content.decode()
    assert "Xã Ea Kar" in page and "Xã Krông Pắc" in page and "Chưa làm" in page
    page = lan.get(_url("list", cast.province) + "?year=2025&rating=fair").content.decode()
    assert "Xã Ea Kar" in page and "Xã Krông Pắc" not in page
    page = lan.get(_url("list", cast.province) + "?year=2025&rating=excellent").content.decode()
    assert "Xã Ea Kar" not in page
    page = lan.get(_url("list", cast.province) + "?year=2025&rating=not_sent").content.decode()
    assert "Xã Ea Kar" not in page and "Xã Krông Pắc" in page
    # A fixed number of queries whatever the number of communes.
    for n in range(20):
        make_unit(cast.province, Level.COMMUNE, f"9{n:04d}", f"Xã Thêm {n}")
    with django_assert_max_num_queries(14):
        assert lan.get(_url("list", cast.province) + "?year=2025").status_code == 200
    # Commune B's cadre sees only her own commune.
    page = cast.client(cast.thu).get(_url("list", cast.commune_b) + "?year=2025").content.decode()
    assert "Xã Krông Pắc" in page and "Xã Ea Kar" not in page
    response = lan.get(_url("export", cast.province) + "?year=2025")
    sheet = read_bytes(response.content, "x.xlsx")[0]
    rows = [[c for c in r if c not in (None, "")] for r in sheet.rows]
    ea_kar = next(r for r in rows if "Xã Ea Kar" in r)
    assert "Hoàn thành nhiệm vụ" in ea_kar and 55 in ea_kar
    assert ["Hoàn thành nhiệm vụ", 1] in rows
    assert AuditEvent.objects.filter(action="ratings.exported").count() == 1


def test_a_units_history_spans_years_and_the_communes_it_was_merged_from(cast: Cast) -> None:
    old = make_unit(cast.province, Level.COMMUNE, "24999", "Xã Cư Huê")
    cast.commune_a.predecessors.add(old)
    for year, unit, points in ((2024, old, "40"), (2025, cast.commune_a, "95")):
        scheme = make_scheme(cast.province, year=year)
        crit = manual(scheme, "Chủ đề năm", 100)
        a = services.assessment_for(scheme, unit)
        services.assessment_save(actor=None, assessment=a, entries={crit.pk: (D(points), "")})
        services.assessment_submit(actor=None, assessment=a)
        services.assessment_decide(
            actor=None, assessment=a, adjusted={}, on=dt.date(year + 1, 1, 5)
        )
    page = cast.client(cast.hoa).get(_url("history", cast.commune_a)).content.decode()
    assert "Xã Cư Huê" in page and "Không hoàn thành nhiệm vụ" in page
    assert "Hoàn thành xuất sắc nhiệm vụ" in page


def test_a_province_cadre_sets_a_scheme_and_its_criteria(cast: Cast) -> None:
    lan = cast.client(cast.lan)
    response = lan.post(
        _url("scheme_new", cast.province),
        {
            "year": "2026",
            "level": "3",
            "title": "Xếp loại cơ sở Hội năm 2026",
            "excellent_from": "90",
            "good_from": "70",
            "fair_from": "50",
            "excellent_floor": "50",
        },
    )
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    url = _url("criterion_new", cast.province, pk)
    page = lan.post(
        url,
        {
            "title": "Hội viên mới",
            "max_points": "20",
            "kind": "computed",
            "metric": "members.new",
            "mapping": "steps",
            "steps_text": "4 = 20\n2 - 10",
        },
    )
    assert page.status_code == 200 and "Dòng 2" in page.content.decode()
    page = lan.post(
        url,
        {
            "title": "Hội viên mới",
            "max_points": "20",
            "kind": "computed",
            "metric": "members.new",
            "mapping": "steps",
            "steps_text": "4 = 20\n2 = 10",
        },
    )
    assert page.status_code == 302
    detail = lan.get(_url("scheme", cast.province, pk)).content.decode()
    assert "Hội viên mới" in detail and "Chấm theo bậc" in detail
    # A commune cadre reads the province's scheme but cannot change it.
    hoa = cast.client(cast.hoa)
    assert hoa.get(_url("scheme", cast.commune_a, pk)).status_code == 200
    assert hoa.get(_url("scheme_edit", cast.commune_a, pk)).status_code == 404
