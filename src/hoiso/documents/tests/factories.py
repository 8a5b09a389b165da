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


def call_meeting(
    unit: Unit,
    *,
    actor: User | None = None,
    units: list[Unit] | None = None,
    level: int | None = None,
    people: list[User] | None = None,
    starts_at: dt.datetime | None = None,
    uploads: Any = (),
    agenda_documents: Any = (),
    **data: Any,
) -> Any:
    """A meeting the unit calls, an hour long, tomorrow at 08:30 Vietnam time unless told."""
    from django.utils import timezone

    from hoiso.documents.meetings.services import LOCAL, meeting_create

    if starts_at is None:
        day = timezone.localdate() + dt.timedelta(days=1)
        starts_at = dt.datetime.combine(day, dt.time(8, 30), tzinfo=LOCAL)
    values = {
        "title": "Giao ban trực tuyến công tác Hội tháng 12",
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=1),
        "video_url": "https://meet.google.com/abc-defg-hij",
        "agenda": "1. Kết quả tháng 11\n2. Kế hoạch tháng 12",
        **data,
    }
    recipients = Recipients(units=units or [], level=level, people=people or [])
    return meeting_create(actor=actor, unit=unit, data=values, recipients=recipients,
                          agenda_documents=agenda_documents, uploads=uploads)  # fmt: skip
