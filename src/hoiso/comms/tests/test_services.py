import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from hoiso.comms.models import ChannelKind, Post
from hoiso.comms.services import (
    article_publish,
    channel_create,
    channel_for_link,
    post_log,
    sanitise,
)
from hoiso.comms.tests.factories import jpeg, make_channel
from hoiso.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_registers_a_channel_and_refuses_the_same_one_twice(cast):
    data = {
        "kind": ChannelKind.FACEBOOK_PAGE,
        "name": "Hội LHPN xã Ea Kar",
        "url": "https://facebook.com/hoiphunuxaeakar",
        "audience": 1200,
    }
    channel = channel_create(actor=cast.hoa, unit=cast.commune_a, data=data)
    assert channel.url_key == "facebook:hoiphunuxaeakar" and channel.audience_on is not None
    assert AuditEvent.objects.filter(action="channel.created").exists()
    with pytest.raises(ValidationError) as e:
        channel_create(
            actor=cast.thu,
            unit=cast.commune_b,
            data={**data, "url": "https://m.facebook.com/HoiPhuNuXaEaKar/"},
        )
    assert "Xã Ea Kar" in str(e.value.message_dict["url"])


def test_it_refuses_a_link_of_another_kind_or_no_channel(cast):
    with pytest.raises(ValidationError) as e:
        channel_create(
            actor=None,
            unit=cast.commune_a,
            data={"kind": ChannelKind.TIKTOK, "name": "TikTok", "url": "https://zalo.me/g/abc"},
        )
    assert "url" in e.value.message_dict
    with pytest.raises(ValidationError):
        channel_create(
            actor=None,
            unit=cast.commune_a,
            data={"kind": ChannelKind.YOUTUBE, "name": "YT", "url": "https://youtu.be/xyz"},
        )


def test_a_posts_link_finds_its_channel_only_inside_the_subtree(cast):
    channel = make_channel(cast.branch_a1, url="https://facebook.com/chihoithon1")
    link = "https://www.facebook.com/chihoithon1/posts/pfbid0xyz"
    assert channel_for_link(cast.commune_a, link) == channel
    assert channel_for_link(cast.commune_b, link) is None


def test_it_logs_a_post_once_and_refuses_future_dates(cast):
    channel = make_channel(cast.commune_a, url="https://facebook.com/hoiphunuxaeakar")
    link = "https://facebook.com/hoiphunuxaeakar/posts/1"
    post = post_log(
        actor=cast.hoa, channel=channel, data={"url": link, "published_on": dt.date(2025, 9, 1)}
    )
    assert (post.kind, post.unit_path, post.province) == (
        ChannelKind.FACEBOOK_PAGE,
        cast.commune_a.path,
        cast.province,
    )
    with pytest.raises(ValidationError) as e:
        post_log(
            actor=cast.hoa, channel=channel, data={"url": link, "published_on": dt.date(2025, 9, 2)}
        )
    assert "url" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        post_log(
            actor=cast.hoa,
            channel=channel,
            data={"published_on": dt.date.today() + dt.timedelta(days=2)},
        )
    assert "published_on" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        post_log(
            actor=cast.hoa,
            channel=channel,
            data={"url": "https://facebook.com/khac/posts/2", "published_on": dt.date(2025, 9, 2)},
        )
    assert "url" in e.value.message_dict


def test_the_sanitiser_keeps_text_and_drops_scripts():
    dirty = '<p onclick="x()">Chào <b>chị em</b><script>alert(1)</script></p><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a><a href="https://hoi.vn">hội</a>'
    clean = sanitise(dirty)
    assert "<b>chị em</b>" in clean and "script" not in clean and "onclick" not in clean
    assert "onerror" not in clean and "javascript" not in clean and 'href="https://hoi.vn"' in clean


def test_an_article_is_a_post_of_the_units_website_with_a_small_picture(cast):
    article = article_publish(
        actor=cast.hoa,
        unit=cast.commune_a,
        title=" Ngày hội ",
        body="Dòng một\n\nDòng hai <script>x</script>",
        image=jpeg(),
    )
    assert article.title == "Ngày hội" and "<script>" not in article.body
    assert article.body.count("<p>") == 2
    picture = Image.open(io.BytesIO(article.image.read()))
    assert max(picture.size) == 1024
    post = Post.objects.get(article=article)
    assert post.kind == ChannelKind.WEBSITE and post.unit == cast.commune_a
    second = article_publish(
        actor=cast.hoa, unit=cast.commune_a, title="Tin hai", body="<p>Nội dung</p>"
    )
    assert second.post.channel == post.channel  # one website channel per unit


def test_an_article_needs_a_title_text_and_a_real_picture(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as e:
        article_publish(actor=None, unit=cast.commune_a, title="", body="<script>x</script>")
    assert set(e.value.message_dict) == {"title", "body"}
    with pytest.raises(ValidationError) as e:
        article_publish(
            actor=None,
            unit=cast.commune_a,
            title="T",
            body="Chữ",
            image=SimpleUploadedFile("a.jpg", b"not a picture"),
        )
    assert "image" in e.value.message_dict


def test_only_web_links_are_kept_so_no_script_reaches_an_href(cast):
    from hoiso.comms.links import web_link

    assert web_link("facebook.com/hoiphunu") == "https://facebook.com/hoiphunu"
    assert web_link("javascript://facebook.com/%0aalert(1)") is None
    assert web_link("data:text/html,x") is None
    with pytest.raises(ValidationError) as e:
        channel_create(
            actor=None,
            unit=cast.commune_a,
            data={
                "kind": ChannelKind.FACEBOOK_PAGE,
                "name": "X",
                "url": "javascript://facebook.com/%0aalert(1)",
            },
        )
    assert "url" in e.value.message_dict
    channel = make_channel(cast.commune_a, url="facebook.com/hoiphunuxaeakar")
    assert channel.url == "https://facebook.com/hoiphunuxaeakar"
    with pytest.raises(ValidationError) as e:
        post_log(
            actor=None,
            channel=channel,
            data={"url": "javascript:alert(1)", "published_on": dt.date(2025, 9, 1)},
        )
    assert "url" in e.value.message_dict
