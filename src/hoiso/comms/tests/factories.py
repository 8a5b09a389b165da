"""Small builders for channels, posts and articles in tests."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hoiso.comms.models import Article, Channel, ChannelKind, Post
from hoiso.comms.services import article_publish, channel_create, post_log
from hoiso.units.models import Unit

_n = {"i": 0}


def make_channel(
    unit: Unit, kind: str = ChannelKind.FACEBOOK_PAGE, url: str = "", **data: Any
) -> Channel:
    _n["i"] += 1
    if not url and kind == ChannelKind.FACEBOOK_PAGE:
        url = f"https://facebook.com/hoiphunu{unit.code.replace('-', '')}x{_n['i']}"
    return channel_create(
        actor=None, unit=unit, data={"kind": kind, "name": f"Kênh {unit.name}", "url": url, **data}
    )


def make_post(channel: Channel, on: dt.date | None = None, by: Any = None, **data: Any) -> Post:
    """A post on `on`; without a date, the date the link carries, else today."""
    if on is None and not data.get("url"):
        on = dt.date.today()
    return post_log(actor=by, channel=channel, data={"published_on": on, **data})


def jpeg(width: int = 2400, height: int = 1600) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 90)).save(out, "JPEG")
    return SimpleUploadedFile("anh.jpg", out.getvalue(), content_type="image/jpeg")


def make_article(unit: Unit, with_image: bool = False) -> Article:
    return article_publish(
        actor=None,
        unit=unit,
        title="Hội nghị tổng kết",
        body="<p>Nội dung <b>chính</b></p>",
        image=jpeg() if with_image else None,
    )
