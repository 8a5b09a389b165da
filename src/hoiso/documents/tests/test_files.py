from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from hoiso.conftest import Cast
from hoiso.documents import files
from hoiso.documents.models import Attachment, Counter, Document
from hoiso.documents.tests import samples
from hoiso.documents.tests.factories import issue


def test_it_keeps_files_under_a_random_name_outside_the_web_root(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    doc = issue(
        cast.province,
        units=[cast.commune_a],
        uploads=[samples.upload("Kế hoạch 20-10.pdf", samples.pdf())],
    )
    kept = doc.attachments.get()
    assert kept.name == "Kế hoạch 20-10.pdf" and kept.file_type == "pdf"
    assert kept.stored_name != kept.name and kept.stored_name.endswith(".pdf")
    path = files.path_of(kept.stored_name)
    assert path.parent == settings.DOCUMENTS_ROOT and path.read_bytes() == samples.pdf()
    assert not str(path).startswith(str(settings.MEDIA_ROOT))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ke-hoach.pdf", b"MZ\x90\x00 not a pdf"),  # an executable named .pdf
        ("ke-hoach.docx", samples.pdf()),  # a PDF named .docx
        ("bang.xlsx", samples.docx("x")),  # a Word file named .xlsx
        ("anh.png", b"GIF89a......"),
        ("ke-hoach.zip", b"PK\x03\x04garbage"),
    ],
)
def test_it_checks_the_type_by_content(cast: Cast, name: str, content: bytes) -> None:
    with pytest.raises(ValidationError) as e:
        issue(cast.province, units=[cast.commune_a], uploads=[samples.upload(name, content)])
    assert name in str(e.value)
    assert not Document.objects.exists() and not Counter.objects.filter(last__gt=0).exists()


@pytest.mark.parametrize("name", ["../../settings.py.pdf", "a/b.pdf", "..\\x.pdf", "..pdf"])
def test_it_refuses_a_name_that_points_at_a_folder(cast: Cast, name: str) -> None:
    upload = samples.upload("x.pdf", samples.pdf())
    upload._name = name  # Django strips the folder from a name it parses: set it as sent
    with pytest.raises(ValidationError, match=r"Vui lòng|Please"):
        issue(cast.province, units=[cast.commune_a], uploads=[upload])


def test_it_refuses_a_file_over_the_limit(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "document": 1}
    big = samples.pdf() + b"%" + b"x" * (1024 * 1024)
    with pytest.raises(ValidationError) as e:
        issue(cast.province, units=[cast.commune_a], uploads=[samples.upload("big.pdf", big)])
    assert e.value.code == "too_large" or "MB" in str(e.value)


def test_it_refuses_a_pdf_with_javascript(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="JavaScript"):
        issue(
            cast.province,
            units=[cast.commune_a],
            uploads=[samples.upload("x.pdf", samples.pdf_with_script())],
        )
    assert not Attachment.objects.exists()
    assert list(files.root().iterdir()) == []


def test_it_finds_javascript_hidden_in_a_compressed_object_stream() -> None:
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(samples.pdf())))
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    assert files.pdf_has_script(out.getvalue())
    assert not files.pdf_has_script(samples.pdf())


def test_it_extracts_text_from_pdf_and_word_for_search(cast: Cast) -> None:
    doc = issue(
        cast.province,
        units=[cast.commune_a],
        uploads=[
            samples.upload("a.pdf", samples.pdf("Ke hoach tuyen truyen")),
            samples.upload("b.docx", samples.docx("Hội thi cắm hoa", "Phụ nữ &amp; gia đình")),
            samples.upload("c.xlsx", samples.xlsx()),
        ],
    )
    texts = {a.file_type: a.text for a in doc.attachments.all()}
    assert "Ke hoach tuyen truyen" in texts["pdf"]
    assert texts["docx"] == "Hội thi cắm hoa\nPhụ nữ & gia đình"
    assert "hoi thi cam hoa" in doc.search_text and "tuyen truyen" in doc.search_text


def test_it_shows_who_signed_a_pdf_and_that_it_is_intact(cast: Cast) -> None:
    signed = samples.signed_pdf("Nguyễn Thị Lan")
    doc = issue(
        cast.province, units=[cast.commune_a], uploads=[samples.upload("ky-so.pdf", signed)]
    )
    [sig] = doc.attachments.get().signatures
    assert sig["signer"] == "Nguyễn Thị Lan"
    assert sig["intact"] and sig["valid"] and sig["whole"]
    assert not sig["trusted"]  # a self-signed certificate leads to no trusted authority


def test_it_says_a_signed_pdf_changed_since_signing(cast: Cast) -> None:
    changed = samples.tampered(samples.signed_pdf())
    [sig] = files.pdf_signatures(changed)
    assert sig["signer"] == "Nguyễn Thị Lan"
    assert not sig["intact"]
    assert files.pdf_signatures(samples.pdf()) == []


def test_it_trusts_a_signature_whose_certificate_is_a_configured_root(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    signed = samples.signed_pdf()
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    cert = sig.signer_cert
    from asn1crypto import pem

    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(pem.armor("CERTIFICATE", cert.dump()))
    settings.DOCUMENT_TRUST_ROOTS = str(bundle)
    [found] = files.pdf_signatures(signed)
    assert found["trusted"] and found["intact"]


def test_it_accepts_only_names_it_made() -> None:
    with pytest.raises(ValueError):
        files.path_of("../secret_key")
