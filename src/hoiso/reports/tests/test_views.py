"""The pages: a commune fills in and submits its report, the province returns and approves it,
reads the grid and the consolidated report, downloads it as .xlsx and PDF, sends it on."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from hoiso.conftest import Cast
from hoiso.core.sheets import read_bytes
from hoiso.documents.models import Document
from hoiso.reports.models import Report, Status
from hoiso.reports.tests.factories import OCTOBER, TYPED, monthly, submitted


@pytest.fixture
def form(cast: Cast):  # type: ignore[no-untyped-def]
    return monthly(cast.province)


def _url(name: str, unit, form, *extra) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"reports:{name}", args=[unit.code, form.pk, OCTOBER.key, *extra])


def test_a_commune_submits_from_its_page_and_the_province_approves(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    hoa, lan = cast.client(cast.hoa), cast.client(cast.lan)
    page = hoa.get(_url("report", cast.commune_a, form))
    assert page.status_code == 200 and "Hội viên cuối kỳ" in page.content.decode()
    bad = hoa.post(
        _url("report", cast.commune_a, form), {**TYPED, "fig_loans": "-3", "action": "submit"}
    )
    assert bad.status_code == 200 and "Vui lòng nhập số từ 0 trở lên" in bad.content.decode()
    assert not Report.objects.exists()
    ok = hoa.post(_url("report", cast.commune_a, form), {**TYPED, "action": "submit"})
    assert ok.status_code == 302
    assert Report.objects.get().status == Status.SUBMITTED
    # Hoa serves the commune itself: she cannot approve its report.
    assert hoa.post(_url("approve", cast.commune_a, form)).status_code == 403
    lan.post(_url("return", cast.commune_a, form), {"note": "Bổ sung số vay vốn"})
    assert Report.objects.get().status == Status.RETURNED
    assert "Bổ sung số vay vốn" in hoa.get(_url("report", cast.commune_a, form)).content.decode()
    hoa.post(_url("report", cast.commune_a, form), {**TYPED, "fig_loans": "11", "action": "submit"})
    lan.post(_url("approve", cast.commune_a, form))
    report = Report.objects.get()
    assert report.status == Status.APPROVED and report.figures["loans"] == 11
    # Approved: the commune's page shows it read-only.
    assert 'name="fig_loans"' not in hoa.get(_url("report", cast.commune_a, form)).content.decode()


def test_the_grid_and_the_consolidated_report(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    submitted(form, cast.commune_a, cast.hoa, loans=7)
    lan = cast.client(cast.lan)
    grid = lan.get(reverse("reports:grid", args=[cast.province.code, form.pk]) + "?year=2026")
    text = grid.content.decode()
    assert grid.status_code == 200 and "Xã Ea Kar" in text and "1/1" in text and "0/1" in text
    # Each cell names its period, as the phone shows it above the figures.
    assert 'data-label="Tháng 1/2026"' in text and "bound method" not in text
    total = lan.get(_url("consolidated", cast.province, form))
    assert total.status_code == 200 and "1/2" in total.content.decode()
    figure = lan.get(_url("figure", cast.province, form, "loans"))
    assert "Xã Ea Kar" in figure.content.decode()
    # A commune sees no other commune's report, nor the province's consolidation.
    thu = cast.client(cast.thu)
    assert thu.get(_url("report", cast.commune_a, form)).status_code == 404
    assert thu.get(_url("consolidated", cast.province, form)).status_code == 404


def test_the_consolidated_workbook_holds_the_totals(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    submitted(form, cast.commune_a, cast.hoa, loans=7)
    submitted(form, cast.commune_b, cast.thu, loans=5)
    response = cast.client(cast.lan).get(_url("consolidated_xlsx", cast.province, form))
    assert response.status_code == 200
    sheet = read_bytes(response.content, "tong-hop.xlsx")[0]
    rows = [[str(c) for c in row] for row in sheet.rows]
    flat = " ".join(" ".join(r) for r in rows)
    assert "HỘI LHPN TỈNH ĐẮK LẮK" in flat or "BCH HỘI LHPN TỈNH ĐẮK LẮK" in flat
    loans = next(r for r in rows if r and r[0] == "Phụ nữ được hỗ trợ vay vốn")
    assert loans[1] in ("2", "2.0") and loans[2] in ("12", "12.0")


def test_the_pdf_has_a_vietnamese_text_layer(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    submitted(form, cast.commune_a, cast.hoa, loans=7)
    response = cast.client(cast.lan).get(_url("consolidated_pdf", cast.province, form))
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    # Words as a reader copies them: table cells wrap, so lines are joined by spaces.
    text = unicodedata.normalize("NFC", " ".join(" ".join(p.extract_text().split()) for p in pages))
    for words in ("BÁO CÁO THÁNG", "THÁNG 10/2026", "Phụ nữ được hỗ trợ vay vốn", "Độc lập - Tự do - Hạnh phúc",
                  "Nơi nhận", "Vùng dân tộc thiểu số", "Đắk Lắk"):  # fmt: skip
        assert words in text, words


def test_sending_on_makes_a_document_with_the_pdf(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    submitted(form, cast.commune_a, cast.hoa, loans=7)
    response = cast.client(cast.lan).post(_url("send", cast.province, form))
    assert response.status_code == 302
    doc = Document.objects.get()
    assert doc.unit == cast.province and doc.kind == "BC"
    attachment = doc.attachments.get()  # type: ignore[attr-defined]
    assert attachment.file_type == "pdf" and "Phụ nữ được hỗ trợ vay" in attachment.text


def test_a_viewer_reads_the_report_but_cannot_save_it(cast: Cast, form) -> None:  # type: ignore[no-untyped-def]
    vy = cast.client(cast.vy)
    assert vy.get(_url("report", cast.commune_a, form)).status_code == 200
    assert (
        vy.post(_url("report", cast.commune_a, form), {**TYPED, "action": "submit"}).status_code
        == 403
    )
    assert not Report.objects.exists()
