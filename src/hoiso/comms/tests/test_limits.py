"""The bulk post entry and articles refuse what is too large, saying which limit, and the bulk
entry reads through the same bounded reader as the member import."""

import io
import os

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hoiso.comms.models import Article, Post
from hoiso.comms.tests.factories import make_channel

pytestmark = pytest.mark.django_db


def _posts(far: str | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Bài đăng")
    sheet.write_row(0, 0, ("Kênh", "Ngày đăng"))
    sheet.write_row(1, 0, ("Fanpage Ea Kar", "01/09/2025"))
    if far:
        sheet.write(far, "x")
    book.close()
    return SimpleUploadedFile("bai.xlsx", buffer.getvalue())


def _post(cast, upload):
    url = reverse("comms:post_import", args=[cast.commune_a.code])
    return cast.client(cast.hoa).post(url, {"file": upload})


@pytest.fixture
def page_a(cast):
    return make_channel(cast.commune_a, url="https://facebook.com/hoiphunuxaeakar",
                        name="Fanpage Ea Kar")  # fmt: skip


def test_a_cell_at_XFD1048576_is_refused_by_name_and_the_page_answers(cast, page_a):
    response = _post(cast, _posts(far="XFD1048576"))
    html = response.content.decode()
    assert response.status_code == 200 and not Post.objects.exists()
    assert "“Bài đăng”" in html and "XFD1048576" in html and "200.000" in html
    assert _post(cast, _posts()).status_code == 302  # and the same list without it is entered


def test_16384_columns_are_refused(cast, page_a):
    response = _post(cast, _posts(far="XFD1"))
    assert "XFD1" in response.content.decode() and not Post.objects.exists()


def test_a_bulk_file_past_the_limit_is_refused_naming_it(cast, page_a, settings):
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "sheet": 1}
    big = SimpleUploadedFile("bai.csv", b"Kenh;Ngay dang\n" + os.urandom(600_000).hex().encode())
    html = _post(cast, big).content.decode()
    assert "tối đa 1 MB" in html and not Post.objects.exists()


def _noise_png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3)).save(out, "PNG")
    return SimpleUploadedFile("anh.png", out.getvalue(), content_type="image/png")


def test_an_article_picture_past_the_limit_is_refused_naming_it(cast, settings):
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "picture": 1}
    picture = _noise_png()
    assert picture.size > 1024 * 1024
    response = cast.client(cast.hoa).post(
        reverse("comms:article_new", args=[cast.commune_a.code]),
        {"title": "Ra mắt mô hình", "body": "Chị em tham gia đông đủ.", "image": picture},
    )
    assert response.status_code == 200 and "tối đa 1 MB" in response.content.decode()
    assert not Article.objects.exists()


def test_an_article_body_past_the_limit_is_refused_naming_it(cast, settings):
    settings.ARTICLE_MAX_CHARS = 1000
    url = reverse("comms:article_new", args=[cast.commune_a.code])
    client = cast.client(cast.hoa)
    response = client.post(url, {"title": "Tin dài", "body": "Chị em " * 200})
    assert response.status_code == 200 and "1.000" in response.content.decode()
    assert not Article.objects.exists()
    assert client.post(url, {"title": "Tin ngắn", "body": "Chị em " * 100}).status_code == 302
