"""Post metrics for targets: posts per channel kind (and livestreams), per unit, per period."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoiso.comms.models import ChannelKind, Post
from hoiso.metrics.grouping import count_per_unit, units_open
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import Compute, register
from hoiso.units.models import Unit


def _province_q(root: Unit) -> Q:
    """The province column narrows the scan to the (province, kind, date) index: a path prefix
    alone is a LIKE that SQLite's default case-insensitive LIKE cannot take to an index."""
    province = root.province()
    return Q(province=province) if province is not None else Q()


def _counter(extra: Q) -> Compute:
    def compute(root: Unit, level: int, period: Period) -> dict[int, float | None]:
        units = units_open(root, level, period)
        rows = Post.objects.filter(
            extra,
            _province_q(root),
            unit_path__startswith=root.path,
            published_on__gte=period.start,
            published_on__lt=period.end,
        )
        return count_per_unit(rows, "unit_path", units)

    return compute


# Posts and channels, which the post services bump as "comms" (hoiso.metrics.versions).
READS = ("comms",)

LABELS = {
    ChannelKind.FACEBOOK_PAGE: _("Posts on a Facebook page"),
    ChannelKind.FACEBOOK_GROUP: _("Posts in a Facebook group"),
    ChannelKind.ZALO_GROUP: _("Posts in a Zalo group"),
    ChannelKind.ZALO_OA: _("Posts on a Zalo Official Account"),
    ChannelKind.TIKTOK: _("Videos on TikTok"),
    ChannelKind.YOUTUBE: _("Videos on YouTube"),
    ChannelKind.WEBSITE: _("Articles on a website (Hội Số news included)"),
}
for _kind, _label in LABELS.items():
    register(f"posts.{_kind}", _label, reads=READS)(_counter(Q(kind=_kind)))

register("posts.all", _("Posts on any channel"), reads=READS)(_counter(Q()))
register("posts.livestream", _("Livestreams on any channel"), reads=READS)(
    _counter(Q(is_livestream=True))
)
