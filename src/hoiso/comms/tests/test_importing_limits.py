"""Bulk post entry and a single post hold what the post table holds: a title or link longer than
its column, or with a control character, is a row error naming its column (PostgreSQL refused the
whole file; SQLite stored it or cut the title short without a word)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override

from hoiso.comms import importing
from hoiso.comms.models import Post
from hoiso.comms.services import post_log
from hoiso.comms.tests.factories import make_channel

pytestmark = pytest.mark.django_db

HEADER = ["Kênh", "Ngày đăng", "Đường dẫn", "Tiêu đề"]
PAGE = "https://facebook.com/hoiphunuxaeakar"


@pytest.fixture
def page_a(cast):
    return make_channel(cast.commune_a, url=PAGE, name="Fanpage Ea Kar")


def _row(n, *, url=None, title="Họp chi hội"):
    return ["Fanpage Ea Kar", dt.date(2025, 9, 1), url or f"{PAGE}/posts/{n}", title]


@pytest.mark.parametrize(
    ("cells", "says"),
    [
        ({"title": "Tin " * 76}, "cột Tiêu đề: Dài 303 ký tự, tối đa 300"),
        ({"title": "Họp\x00 chi hội"}, "cột Tiêu đề: Có ký tự điều khiển ẩn (ở ký tự thứ 4)"),
        ({"url": f"{PAGE}/posts/{'9' * 480}"}, "cột Đường dẫn: Dài 523 ký tự, tối đa 500"),
        ({"url": f"{PAGE}/posts/7\x07"}, "cột Đường dẫn: Có ký tự điều khiển ẩn (ở ký tự thứ"),
    ],
    ids=["long-title", "nul-title", "long-link", "bell-link"],
)
def test_a_value_the_post_table_cannot_hold_is_a_row_error(cast, page_a, cells, says):
    table = [HEADER, _row(1), _row(2, **cells), _row(3)]
    with override("vi"):
        result = importing.parse(cast.commune_a, table)
    assert [line for line, _channel, _data in result.rows] == [2, 4]
    assert len(result.errors) == 1 and result.errors[0].startswith("Dòng 3: ")
    assert says in result.errors[0], result.errors


def test_the_bulk_entry_page_names_the_row_and_writes_nothing_then_writes_the_fixed_file(
    cast, page_a
):
    def post(rows):
        text = "\n".join(";".join(str(c) for c in r) for r in rows) + "\n"
        upload = SimpleUploadedFile("bai.csv", text.encode())
        return cast.client(cast.hoa).post(
            reverse("comms:post_import", args=[cast.commune_a.code]), {"file": upload}
        )

    rows = [HEADER, ["Fanpage Ea Kar", "01/09/2025", f"{PAGE}/posts/1", "Tin " * 76],
            ["Fanpage Ea Kar", "02/09/2025", f"{PAGE}/posts/2", "Họp\x00 chi hội"],
            ["Fanpage Ea Kar", "03/09/2025", f"{PAGE}/posts/3", "Họp chi hội"]]  # fmt: skip
    r = post(rows)
    html = r.content.decode()
    assert r.status_code == 200 and not Post.objects.exists()
    assert "Dòng 2: cột Tiêu đề: Dài 303 ký tự, tối đa 300" in html
    assert "Dòng 3: cột Tiêu đề: Có ký tự điều khiển ẩn" in html
    rows[1][3], rows[2][3] = "Tin ngắn", "Họp chi hội tháng 9"
    assert post(rows).status_code == 302
    assert Post.objects.count() == 3


def test_a_single_post_refuses_them_on_their_field(cast, page_a):
    for data in ({"title": "Họp\x1b chi hội"}, {"url": f"{PAGE}/posts/{'9' * 500}"}):
        with pytest.raises(ValidationError) as e:
            post_log(actor=cast.hoa, channel=page_a,
                     data={"published_on": dt.date(2025, 9, 1), **data})  # fmt: skip
        assert set(e.value.message_dict) == set(data)
    assert not Post.objects.exists()
