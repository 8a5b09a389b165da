"""Recognising a channel, and where possible a date, from a link pasted from a phone.

A channel's link and a post's link reduce to the same key (`facebook:hoiphunuxaeakar`,
`tiktok:@hoiphunu`, `zalo_group:abc123`, `web:hoiphunu.daklak.gov.vn`), so that pasting a post's
link finds the channel it was published on. Dates: TikTok video ids carry their creation time (the
top 32 bits are Unix seconds); Facebook, YouTube and Zalo links carry none that can be trusted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from hoiso.comms.models import ChannelKind

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
# Facebook paths that are not a page's name.
_FB_RESERVED = {
    "share",
    "watch",
    "reel",
    "photo",
    "photo.php",
    "story.php",
    "permalink.php",
    "events",
    "hashtag",
    "profile.php",
    "login",
    "sharer",
    "sharer.php",
    "plugins",
}


@dataclass(frozen=True)
class LinkInfo:
    key: str  # the channel key, "" when the link does not name its channel
    kind: str | None  # the channel kind the link belongs to, when known
    published_on: dt.date | None  # a local date, when the link carries one


def _normalise(url: str) -> tuple[str, list[str], dict[str, list[str]]] | None:
    url = url.strip()
    if not url:
        return None
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "mobile.", "web.", "vt.", "vm."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    if not host or "." not in host:
        return None
    segments = [s for s in parts.path.split("/") if s]
    return host, segments, parse_qs(parts.query)


def web_link(url: str) -> str | None:
    """The link as it will be stored and shown: with https:// when it was typed without a scheme;
    None when it is not a web address (a `javascript:` link must never reach a page's href)."""
    url = url.strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url
    return url if _normalise(url) is not None else None


def tiktok_date(video_id: str) -> dt.date | None:
    """The local date a TikTok video was posted, read off its id."""
    if not video_id.isdigit() or len(video_id) < 15:
        return None
    seconds = int(video_id) >> 32
    try:
        moment = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    if moment.year < 2016:
        return None
    return moment.astimezone(LOCAL).date()


def recognise(url: str) -> LinkInfo:
    """What a link says about its channel and date; an empty key when it says nothing."""
    parsed = _normalise(url)
    if parsed is None:
        return LinkInfo("", None, None)
    host, seg, query = parsed
    low = [s.lower() for s in seg]
    if host in ("facebook.com", "fb.com", "fb.me"):
        if low[:1] == ["groups"] and len(low) >= 2:
            return LinkInfo(f"facebook_group:{low[1]}", ChannelKind.FACEBOOK_GROUP, None)
        if low[:1] in (["permalink.php"], ["story.php"], ["profile.php"]) and "id" in query:
            return LinkInfo(f"facebook:{query['id'][0]}", ChannelKind.FACEBOOK_PAGE, None)
        if low[:1] == ["people"] and len(low) >= 3:
            return LinkInfo(f"facebook:{low[2]}", ChannelKind.FACEBOOK_PAGE, None)
        if low and low[0] not in _FB_RESERVED:
            return LinkInfo(f"facebook:{low[0]}", ChannelKind.FACEBOOK_PAGE, None)
        return LinkInfo("", ChannelKind.FACEBOOK_PAGE, None)
    if host == "tiktok.com":
        handle = next((s for s in low if s.startswith("@")), "")
        date = None
        if "video" in low and low.index("video") + 1 < len(low):
            date = tiktok_date(low[low.index("video") + 1])
        return LinkInfo(f"tiktok:{handle}" if handle else "", ChannelKind.TIKTOK, date)
    if host in ("youtube.com", "youtu.be"):
        handle = next((s for s in low if s.startswith("@")), "")
        if not handle and low[:1] in (["channel"], ["c"], ["user"]) and len(low) >= 2:
            handle = f"{low[0]}/{low[1]}"
        return LinkInfo(f"youtube:{handle}" if handle else "", ChannelKind.YOUTUBE, None)
    if host in ("zalo.me", "chat.zalo.me", "oa.zalo.me"):
        if low[:1] == ["g"] and len(low) >= 2:
            return LinkInfo(f"zalo_group:{seg[1]}", ChannelKind.ZALO_GROUP, None)
        if low[:1] == ["s"] and len(low) >= 2:  # an OA's article: zalo.me/s/<oa id>/…
            return LinkInfo(f"zalo_oa:{low[1]}", ChannelKind.ZALO_OA, None)
        if low and low[0].isdigit():
            return LinkInfo(f"zalo_oa:{low[0]}", ChannelKind.ZALO_OA, None)
        return LinkInfo("", None, None)
    return LinkInfo(f"web:{host}", ChannelKind.WEBSITE, _date_in_path(low))


_DATED_PATH = re.compile(r"^(20\d\d)$")


def _date_in_path(segments: list[str]) -> dt.date | None:
    """News sites often put /2025/03/08/ in their links."""
    for i, s in enumerate(segments[:-2]):
        if _DATED_PATH.match(s) and segments[i + 1].isdigit() and segments[i + 2].isdigit():
            try:
                return dt.date(int(s), int(segments[i + 1]), int(segments[i + 2]))
            except ValueError:
                return None
    return None
