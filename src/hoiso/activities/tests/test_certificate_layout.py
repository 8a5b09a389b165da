"""A training certificate in the union's document layout, read back from the PDF's text layer."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from hoiso.activities.pdf import certificate_pdf
from hoiso.activities.services import course_create, trainee_add, trainee_assess
from hoiso.conftest import Cast, make_member


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1  # the whole certificate on one page
    return " ".join(reader.pages[0].extract_text().split())


def _certificate(cast: Cast, organiser, title: str = "Sử dụng phần mềm quản lý hội viên") -> bytes:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    course = course_create(
        actor=cast.lan, organiser=organiser,
        data={"title": title, "topic": "member_software", "starts_on": today, "ends_on": today},
    )  # fmt: skip
    member = make_member(cast.branch_a1, "Ngô Thị Phượng")
    trainee = trainee_add(actor=cast.lan, course=course, member=member)
    trainee_assess(actor=cast.lan, trainee=trainee, attended=True, completed=True, result=3)
    return certificate_pdf(trainee)


def test_it_heads_a_communes_certificate_with_the_province_then_its_committee(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2026, 3, 5))
    text = _text(_certificate(cast, cast.commune_a))
    assert "HỘI LHPN TỈNH ĐẮK LẮK" in text
    assert "BCH HỘI LHPN XÃ EA KAR" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    # The heading comes before the title, the signature after the body.
    assert text.index("BCH HỘI LHPN XÃ EA KAR") < text.index("GIẤY CHỨNG NHẬN")
    assert "Chứng nhận đồng chí" in text
    assert "Ngô Thị Phượng" in text
    assert "Chi hội Thôn 1, xã Ea Kar" in text
    assert "lớp tập huấn “Sử dụng phần mềm quản lý hội viên”" in text
    assert re.search(r"Ea Kar, ngày 05 tháng 3 năm 2026 TM\. BAN THƯỜNG VỤ CHỦ TỊCH", text)
    assert text.index("Ngô Thị Phượng") < text.index("TM. BAN THƯỜNG VỤ")


def test_a_provinces_certificate_stands_under_the_union_of_vietnam(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2026, 1, 9))
    text = _text(_certificate(cast, cast.province, title="Chuyển đổi số trong công tác Hội"))
    assert "HỘI LHPN VIỆT NAM BCH HỘI LHPN TỈNH ĐẮK LẮK" in text
    assert "Đắk Lắk, ngày 09 tháng 01 năm 2026" in text
    assert "“Chuyển đổi số trong công tác Hội”" in text
    assert "«" not in text and "»" not in text
