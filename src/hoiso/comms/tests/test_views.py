"""Logging a post from the phone form, bulk entry, the channel list, the public pages."""

import datetime as dt
import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoiso.comms.models import ChannelKind, Post
from hoiso.comms.tests.factories import make_article, make_channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_a(cast):
    return make_channel(
        cast.commune_a, url="https://facebook.com/hoiphunuxaeakar", name="Fanpage Ea Kar"
    )


def test_pasting_a_link_fills_in_the_channel(cast, page_a):
    url = reverse("comms:post_new", args=[cast.commune_a.code])
    r = cast.client(cast.hoa).get(
        url, {"url": "https://m.facebook.com/hoiphunuxaeakar/posts/pfbid1"}, HTTP_HX_REQUEST="true"
    )
    html = r.content.decode()
    assert (
        f'value="{page_a.pk}" selected' in html
        and 'id="post-fields"' in html
        and "<html" not in html
    )


def test_a_post_is_logged_from_its_link_alone(cast, page_a):
    url = reverse("comms:post_new", args=[cast.commune_a.code])
    r = cast.client(cast.hoa).post(
        url,
        {
            "url": "https://facebook.com/hoiphunuxaeakar/posts/42",
            "published_on": "2025-09-30",
            "title": "Họp chi hội",
        },
    )
    assert r.status_code == 302
    post = Post.objects.get()
    assert (post.channel, post.published_on, post.created_by) == (
        page_a,
        dt.date(2025, 9, 30),
        cast.hoa,
    )


def test_an_unknown_link_asks_for_the_channel_in_vietnamese(cast, page_a):
    url = reverse("comms:post_new", args=[cast.commune_a.code])
    r = cast.client(cast.hoa).post(
        url, {"url": "https://facebook.com/khac/posts/1", "published_on": "30/09/2025"}
    )
    assert r.status_code == 200 and not Post.objects.exists()
    assert "Vui lòng chọn kênh" in r.content.decode()


def test_the_channel_list_names_the_units_without_channels(cast, page_a):
    r = cast.client(cast.lan).get(reverse("comms:channels", args=[cast.province.code]))
    html = r.content.decode()
    assert "Fanpage Ea Kar" in html
    bare = html.split("chip bad")
    assert len(bare) == 2 and "Xã Krông Pắc" in bare[1]


def _xlsx(rows):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    book.close()
    return SimpleUploadedFile("bai-dang.xlsx", out.getvalue())


def test_bulk_entry_writes_every_row(cast, page_a):
    zalo = make_channel(
        cast.branch_a1, ChannelKind.ZALO_GROUP, "https://zalo.me/g/thon1", name="Nhóm Zalo Thôn 1"
    )
    upload = _xlsx(
        [
            ["STT", "Kênh", "Ngày đăng", "Đường dẫn", "Tiêu đề", "Chủ đề", "Livestream"],
            [
                1,
                "",
                "01/09/2025",
                "https://facebook.com/hoiphunuxaeakar/posts/1",
                "Tin 1",
                "Sức khỏe",
                "",
            ],
            [2, "nhom zalo thon 1", "15/09/2025", "", "Nhắc họp", "", "x"],
        ]
    )
    r = cast.client(cast.hoa).post(
        reverse("comms:post_import", args=[cast.commune_a.code]), {"file": upload}
    )
    assert r.status_code == 302
    assert Post.objects.count() == 2
    assert Post.objects.get(channel=zalo).is_livestream
    assert Post.objects.get(channel=page_a).topic == "health"


def test_bulk_entry_writes_nothing_when_a_row_is_wrong(cast, page_a):
    csv = (
        "Kênh;Ngày đăng;Đường dẫn\nFanpage Ea Kar;01/09/2025;\nFanpage Krông Pắc;31/02/2025;\n"
    ).encode()
    upload = SimpleUploadedFile("bai.csv", csv)
    r = cast.client(cast.hoa).post(
        reverse("comms:post_import", args=[cast.commune_a.code]), {"file": upload}
    )
    html = r.content.decode()
    assert r.status_code == 200 and not Post.objects.exists()
    assert "Dòng 3" in html and "Fanpage Krông Pắc" in html and "31/02/2025" in html


def test_bulk_entry_reports_a_date_before_2000_as_a_row_error(cast, page_a):
    upload = SimpleUploadedFile("bai.csv", "Kênh;Ngày đăng\nFanpage Ea Kar;01/09/1999\n".encode())
    r = cast.client(cast.hoa).post(
        reverse("comms:post_import", args=[cast.commune_a.code]), {"file": upload}
    )
    assert r.status_code == 200 and not Post.objects.exists()
    assert "Dòng 2" in r.content.decode()


def test_the_public_pages_need_no_login(cast, page_a):
    article = make_article(cast.commune_a, with_image=True)
    client = cast.client(None)
    news = client.get(reverse("public:news", args=[cast.commune_a.code]))
    assert news.status_code == 200 and "Hội nghị tổng kết" in news.content.decode()
    assert "max-age=300" in news["Cache-Control"]
    page = client.get(reverse("public:article", args=[cast.commune_a.code, article.pk]))
    assert "<b>chính</b>" in page.content.decode()
    assert client.get(reverse("public:channels", args=[cast.commune_a.code])).status_code == 200
    assert len(news.content) < 20_000


def test_a_cadre_publishes_an_article_that_counts_as_a_post(cast):
    from hoiso.comms.tests.factories import jpeg

    r = cast.client(cast.hoa).post(
        reverse("comms:article_new", args=[cast.commune_a.code]),
        {"title": "Ra mắt mô hình", "body": "Chị em tham gia đông đủ.", "image": jpeg(800, 600)},
    )
    assert r.status_code == 302
    assert Post.objects.get().kind == ChannelKind.WEBSITE
