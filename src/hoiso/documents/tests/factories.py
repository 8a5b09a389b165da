from __future__ import annotations

import datetime as dt
from typing import Any

from hoiso.accounts.models import User
from hoiso.documents.models import Document, Kind
from hoiso.documents.services import Recipients, document_issue
from hoiso.units.models import Unit


def issue(
    unit: Unit,
    *,
    actor: User | None = None,
    units: list[Unit] | None = None,
    level: int | None = None,
    people: list[User] | None = None,
    uploads: Any = (),
    **data: Any,
) -> Document:
    values = {
        "kind": Kind.PLAN,
        "issuer_code": "HLHPN",
        "summary": "Kế hoạch tuyên truyền Ngày Phụ nữ Việt Nam 20/10",
        "issued_on": dt.date(2026, 10, 1),
        "signer_name": "Nguyễn Thị Lan",
        "signer_position": "Chủ tịch",
        **data,
    }
    recipients = Recipients(units=units or [], level=level, people=people or [])
    return document_issue(
        actor=actor, unit=unit, data=values, recipients=recipients, uploads=uploads
    )
