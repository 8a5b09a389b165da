from __future__ import annotations

import io

from django.urls import reverse
from python_calamine import CalamineWorkbook

from hoiso.conftest import Cast
from hoiso.documents.models import Document, Receipt
from hoiso.documents.tests import samples
from hoiso.documents.tests.factories import issue
from hoiso.notifications.models import Message
from hoiso.units.models import Level


def _url(name: str, unit: object, **kw: object) -> str:
    return reverse(f"documents:{name}", kwargs={"unit_code": unit.code, **kw})  # type: ignore[attr-defined]


def test_a_cadre_issues_a_plan_to_every_commune(cast: Cast) -> None:
    response = cast.client(cast.lan).post(
        _url("new", cast.province),
        {
            "kind": "KH",
            "issuer_code": "hlhpn",
            "summary": "Kế hoạch tháng 10",
            "issued_on": "01/10/2026",
            "signer_name": "Nguyễn Thị Lan",
            "signer_position": "Chủ tịch",
            "deadline": "15/10/2026",
            "report_required": "on",
            "to-level": str(Level.COMMUNE),
            "attachments": [samples.upload("ke-hoach.pdf", samples.pdf())],
        },
    )
    doc = Document.objects.get()
    assert response.status_code == 302 and doc.symbol == "01/KH-HLHPN"
    assert set(doc.receipts.values_list("unit_id", flat=True)) == {
        cast.commune_a.pk,
        cast.commune_b.pk,
    }
    assert doc.attachments.count() == 1


def test_a_refused_file_is_shown_beside_the_form(cast: Cast) -> None:
    response = cast.client(cast.lan).post(
        _url("new", cast.province),
        {
            "kind": "KH",
            "issuer_code": "HLHPN",
            "summary": "Kế hoạch",
            "issued_on": "01/10/2026",
            "signer_name": "Lan",
            "signer_position": "Chủ tịch",
            "to-units": [cast.commune_a.pk],
            "attachments": [samples.upload("x.pdf", samples.pdf_with_script())],
        },
    )
    assert response.status_code == 200 and "x.pdf" in response.content.decode()
    assert not Document.objects.exists()


def test_opening_marks_read_and_the_issuer_sees_it_live(cast: Cast) -> None:
    doc = issue(cast.province, units=[cast.commune_a, cast.commune_b])
    assert cast.client(cast.hoa).get(_url("detail", cast.commune_a, pk=doc.pk)).status_code == 200
    receipt = Receipt.objects.get(document=doc, unit=cast.commune_a)
    assert receipt.read_by == cast.hoa
    assert not Message.objects.filter(user=cast.hoa, read_at__isnull=True).exists()
    client = cast.client(cast.lan)
    client.post(
        _url("acknowledge", cast.commune_a, pk=doc.pk)
    )  # Lan serves above: no receipt of hers
    page = client.get(
        _url("tracking", cast.province, pk=doc.pk) + "?state=unread", headers={"HX-Request": "true"}
    )
    html = page.content.decode()
    assert 'id="live"' in html and "<html" not in html
    assert cast.commune_b.name in html and cast.commune_a.name not in html


def test_a_commune_acknowledges_and_reports_with_a_file(cast: Cast) -> None:
    doc = issue(
        cast.province,
        units=[cast.commune_a],
        report_required=True,
        deadline=__import__("datetime").date(2099, 1, 1),
    )
    client = cast.client(cast.hoa)
    assert client.post(_url("acknowledge", cast.commune_a, pk=doc.pk)).status_code == 302
    client.post(
        _url("report", cast.commune_a, pk=doc.pk),
        {
            "text": "Đã tổ chức 3 buổi",
            "attachments": [samples.upload("bao-cao.docx", samples.docx("Báo cáo"))],
        },
    )
    receipt = Receipt.objects.get(document=doc)
    assert receipt.reported_by == cast.hoa and receipt.done_on_time
    report_file = receipt.files.get()
    # The issuer reads the report's file; the other commune cannot.
    url = _url("file", cast.province, pk=doc.pk, file_pk=report_file.pk)
    assert cast.client(cast.lan).get(url).status_code == 200
    other = _url("file", cast.commune_b, pk=doc.pk, file_pk=report_file.pk)
    assert cast.client(cast.thu).get(other).status_code == 404


def test_the_register_searches_without_diacritics_and_exports(cast: Cast) -> None:
    issue(
        cast.province, units=[cast.commune_a], summary="Hướng dẫn Đại hội phụ nữ cơ sở", kind="HD"
    )
    issue(cast.province, units=[cast.commune_a], summary="Kế hoạch tập huấn")
    client = cast.client(cast.hoa)
    found = client.get(_url("register", cast.commune_a), {"q": "dai hoi"}).content.decode()
    assert "Đại hội" in found and "tập huấn" not in found
    assert (
        "01/HD-HLHPN"
        in client.get(_url("register", cast.commune_a), {"q": "01/hd"}).content.decode()
    )
    assert (
        "tập huấn"
        not in client.get(_url("register", cast.commune_a), {"kind": "HD"}).content.decode()
    )
    assert client.get(_url("register", cast.province)).status_code == 404  # not hers to read
    sent = cast.client(cast.lan).get(_url("register", cast.province), {"direction": "out"})
    assert "01/HD-HLHPN" in sent.content.decode()
    book = client.get(_url("register_export", cast.commune_a), {"q": "tap huan"})
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(book.content)).get_sheet_by_index(0).to_python()
    )
    assert [r[0] for r in rows[1:]] == ["02/KH-HLHPN"]


def test_the_public_page_lists_public_documents_only(cast: Cast) -> None:
    issue(cast.commune_a, units=[cast.branch_a1], public=True, summary="Thông báo công khai")
    issue(cast.commune_a, units=[cast.branch_a1], summary="Văn bản nội bộ")
    page = cast.client(None).get(
        reverse("public_documents:list", kwargs={"unit_code": cast.commune_a.code})
    )
    html = page.content.decode()
    assert "Thông báo công khai" in html and "nội bộ" not in html
