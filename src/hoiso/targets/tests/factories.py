from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hoiso.targets.models import Target
from hoiso.targets.services import target_create
from hoiso.units.models import Level, Unit

NEXT_LEVEL = {
    Level.PROVINCE: Level.COMMUNE,
    Level.DISTRICT: Level.COMMUNE,
    Level.COMMUNE: Level.BRANCH,
    Level.BRANCH: Level.GROUP,
}


def make_target(unit: Unit, **data: Any) -> Target:
    """By default: every unit one level below posts at least once a month on a Facebook page."""
    record = {
        "year": dt.date.today().year,
        "title": "Đăng bài trên fanpage hằng tháng",
        "metric": "posts.facebook_page",
        "level": NEXT_LEVEL[unit.level],
        "period_kind": "month",
        "threshold": Decimal(1),
        "required_share": Decimal(40),
        **data,
    }
    return target_create(actor=None, unit=unit, data=record)
