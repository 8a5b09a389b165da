"""Every write on online meetings: calling one (its invitations told through notify()), an
invitee's answer, attendance (by the host, or by the join link), the minutes issued as a
document, the reminders before it, and a person's calendar feed token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.models import Assignment, User
from hoiso.core import audit
from hoiso.documents import files
from hoiso.documents.models import (
    Attendance,
    CalendarToken,
    Document,
    Invitation,
    Kind,
    Meeting,
    Response,
)
from hoiso.documents.services import (
    ANSWERING_ROLES,
    Recipients,
    attach_files,
    document_issue,
    recipient_units,
)
from hoiso.notifications.services import notify
from hoiso.units.models import Unit

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
# Reminders before a meeting, by stage: the day before, then the hour before (Meeting.reminded
# records the last stage queued, so each goes once).
REMINDERS = {1: dt.timedelta(days=1), 2: dt.timedelta(hours=1)}
# The join link records attendance from this long before the start until the end.
JOIN_OPENS = dt.timedelta(minutes=30)
# The kinds of document a meeting's minutes and conclusions take (biên bản, thông báo kết luận).
MINUTES_KINDS = (Kind.MINUTES, Kind.NOTICE)
_URL = URLValidator(schemes=["http", "https"])


def local_when(at: dt.datetime) -> str:
    """`08:30 ngày 05/12/2026`, in Vietnam's time, as messages write it."""
    local = at.astimezone(LOCAL)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    title = " ".join((data.get("title") or "").split())
    if not title:
        raise ValidationError({"title": _("Please write the meeting's title.")})
    url = (data.get("video_url") or "").strip()
    try:
        _URL(url)
    except ValidationError:
        raise ValidationError(
            {"video_url": _("Please paste the meeting's full link, starting with https://.")}
        ) from None
    if data["ends_at"] <= data["starts_at"]:
        raise ValidationError({"ends_at": _("Please choose an end after the start.")})
    return {**data, "title": title[:300], "video_url": url}


def _stage_passed(starts_at: dt.datetime, now: dt.datetime) -> int:
    """The last reminder stage whose time has already come: a meeting called at short notice
    gets its invitation, not a reminder straight after it."""
    return max((s for s, before in REMINDERS.items() if starts_at - before <= now), default=0)


def meeting_create(
    *,
    actor: User | None,
    unit: Unit,
    data: dict[str, Any],
    recipients: Recipients,
    agenda_documents: Iterable[Document] = (),
    uploads: Iterable[Any] = (),
) -> Meeting:
    """Call a meeting: save it with its agenda papers, invite the units (chosen, or every open
    unit of a level in the organiser's subtree) and the people, and tell them, in one
    transaction."""
    data = _clean(data)
    checked = [files.check(u) for u in uploads]
    units = recipient_units(unit, recipients, timezone.localdate())
    people = list({p.pk: p for p in recipients.people}.values())
    if not people and not units.exists():
        raise ValidationError(_("Please choose at least one unit or person to invite."))
    stored: list[str] = []
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                unit=unit, unit_path=unit.path, province=unit.province(), title=data["title"],
                starts_at=data["starts_at"], ends_at=data["ends_at"],
                video_url=data["video_url"], agenda=(data.get("agenda") or "").strip(),
                reminded=_stage_passed(data["starts_at"], timezone.now()), created_by=actor,
            )  # fmt: skip
            meeting.agenda_documents.set(list(agenda_documents))
            attach_files(checked, stored, meeting=meeting)
            Invitation.objects.bulk_create(
                [Invitation(meeting=meeting, unit_id=pk, unit_path=path)
                 for pk, path in units.order_by("path").values_list("pk", "path")]
                + [Invitation(meeting=meeting, user=p) for p in people]
            )  # fmt: skip
            n = meeting.invitations.count()
            invite_tell(meeting)
            audit.log(
                actor, "meeting.created", meeting, data={"title": meeting.title, "invited": n}
            )
    except BaseException:
        files.discard(stored)
        raise
    return meeting


def invitees(
    meeting: Meeting, invitations: QuerySet[Invitation] | None = None
) -> tuple[QuerySet[User], dict[int, int | None]]:
    """Whom the invitations reach: the accounts (the answering cadres of each invited unit, and
    the people named) and, for each, the invited unit she answers for (None when invited by
    name). Subqueries, not lists of ids: a province's 5,000 branches make 5,000 of them."""
    chosen = invitations if invitations is not None else meeting.invitations.all()
    ids = chosen.order_by().values("pk")
    named = Invitation.objects.filter(pk__in=ids, user__isnull=False, user__is_active=True)
    cadres = Assignment.objects.filter(
        unit__invitations__in=ids, role__in=ANSWERING_ROLES, user__is_active=True
    )
    reached: dict[int, int | None] = dict(named.values_list("user_id", "unit_id"))
    for user_id, unit_id in cadres.values_list("user_id", "unit_id"):
        reached.setdefault(user_id, unit_id)
    users = User.objects.filter(
        Q(pk__in=named.values("user_id")) | Q(pk__in=cadres.values("user_id"))
    )
    return users, reached


def _context(meeting: Meeting) -> dict[str, Any]:
    return {"title": meeting.title, "unit": meeting.unit.name,
            "when": local_when(meeting.starts_at), "meeting": meeting.pk,
            "link": f"{settings.SITE_URL}/calendar/#m{meeting.pk}"}  # fmt: skip


def invite_tell(meeting: Meeting) -> int:
    """Tell every invitee (through notify(), each cadre's message filed under her unit)."""
    users, reached = invitees(meeting)
    return notify(users, "meeting", _context(meeting), sender=None, key=f"meeting:{meeting.pk}:invited",
                  unit=meeting.unit, units=reached)  # fmt: skip


def invitation_answer(
    *, actor: User, invitation: Invitation, accept: bool, reason: str = ""
) -> None:
    """Confirm attendance, or send apologies with a reason; an answer may be changed until the
    meeting ends."""
    reason = " ".join(reason.split())
    if not accept and not reason:
        raise ValidationError({"reason": _("Please write why you cannot attend.")})
    if invitation.meeting.ends_at <= timezone.now():
        raise ValidationError(_("This meeting is over: please contact its organiser instead."))
    with transaction.atomic():
        invitation.response = Response.ACCEPTED if accept else Response.APOLOGY
        invitation.reason = "" if accept else reason[:500]
        invitation.answered_at, invitation.answered_by = timezone.now(), actor
        invitation.save(update_fields=["response", "reason", "answered_at", "answered_by"])
        audit.log(actor, "meeting.answered", invitation,
                  data={"response": invitation.response, "reason": invitation.reason})  # fmt: skip


def invitation_of(user: User, meeting: Meeting) -> Invitation | None:
    """The invitation she comes by: hers by name, else one of a unit she serves (any role)."""
    units = Assignment.objects.filter(user=user).values("unit_id")
    return (
        meeting.invitations.filter(Q(user=user) | Q(unit__in=units))
        .select_related("unit")
        .order_by("user_id", "unit_path")
        .first()
    )


def join_state(meeting: Meeting, now: dt.datetime | None = None) -> str:
    """ "early", "open" or "over": the join link records attendance only while open."""
    now = now or timezone.now()
    if now < meeting.starts_at - JOIN_OPENS:
        return "early"
    return "open" if now < meeting.ends_at else "over"


def attendance_join(
    *, user: User, meeting: Meeting, invitation: Invitation | None, now: dt.datetime | None = None
) -> Attendance | None:
    """She follows Hội Số's join link: her attendance is recorded (once) while the meeting is
    open, before she is sent on to the video link. Returns the record, or None when not open."""
    now = now or timezone.now()
    if join_state(meeting, now) != "open":
        return None
    with transaction.atomic():
        found, created = Attendance.objects.get_or_create(
            meeting=meeting, user=user,
            defaults={"how": Attendance.How.LINK, "at": now, "recorded_by": user,
                      "unit": invitation.unit if invitation is not None else None},
        )  # fmt: skip
        if created:
            audit.log(user, "meeting.joined", found)
    return found


def expected_people(meeting: Meeting) -> list[tuple[User, int | None]]:
    """Everyone the host may mark present: the invitees' people and anyone already recorded,
    each with the unit she comes for, in name order."""
    users, reached = invitees(meeting)
    for user_id, unit_id in meeting.attendances.values_list("user_id", "unit_id"):
        reached.setdefault(user_id, unit_id)
    users = users | User.objects.filter(pk__in=meeting.attendances.values("user_id"))
    return sorted(((u, reached[u.pk]) for u in users), key=lambda p: p[0].display_name)


def attendance_mark(*, actor: User, meeting: Meeting, present: set[int]) -> tuple[int, int]:
    """The host's list of who took part: those ticked are recorded (as marked by the host, unless
    they joined by the link), those unticked are taken off. Returns (added, removed)."""
    expected = dict((u.pk, unit) for u, unit in expected_people(meeting))
    present = present & expected.keys()
    now = timezone.now()
    with transaction.atomic():
        had = set(meeting.attendances.values_list("user_id", flat=True))
        removed, _gone = meeting.attendances.exclude(user_id__in=present).delete()
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, user_id=pk, unit_id=expected[pk], how=Attendance.How.HOST,
                       at=now, recorded_by=actor)
            for pk in sorted(present - had)
        )  # fmt: skip
        added = len(present - had)
        audit.log(actor, "meeting.attendance", meeting,
                  data={"present": len(present), "added": added, "removed": removed})  # fmt: skip
    return added, removed


def minutes_issue(
    *, actor: User, meeting: Meeting, data: dict[str, Any], uploads: Iterable[Any] = ()
) -> Document:
    """Issue the meeting's minutes (biên bản) or conclusions (thông báo kết luận) as a document
    of the organiser, linked to the meeting and sent to those invited."""
    if data.get("kind") not in MINUTES_KINDS:
        raise ValidationError({"kind": _("Please choose minutes or a notice of conclusions.")})
    invited = meeting.invitations.all()
    recipients = Recipients(
        units=list(Unit.objects.filter(pk__in=invited.filter(unit__isnull=False).values("unit_id"))),
        people=list(User.objects.filter(pk__in=invited.filter(user__isnull=False).values("user_id"))),
    )  # fmt: skip
    with transaction.atomic():
        doc = document_issue(actor=actor, unit=meeting.unit, data={**data, "meeting": meeting},
                             recipients=recipients, uploads=uploads)  # fmt: skip
        audit.log(actor, "meeting.minutes", meeting, data={"symbol": doc.symbol})
    return doc


def reminders_send(now: dt.datetime | None = None) -> int:
    """Queue the reminders whose time has come (the day before, the hour before), each once:
    a meeting's stage is claimed by a conditional UPDATE in the transaction that queues it, and
    notify()'s key would drop a repeat anyway. Returns how many messages were queued."""
    now = now or timezone.now()
    queued = 0
    # The later stage first: a meeting already within the hour skips the day-before reminder.
    for stage, before in sorted(REMINDERS.items(), reverse=True):
        due = Meeting.objects.filter(
            reminded__lt=stage, starts_at__gt=now, starts_at__lte=now + before
        ).select_related("unit")
        for meeting in due:
            with transaction.atomic():
                if Meeting.objects.filter(pk=meeting.pk, reminded__lt=stage).update(reminded=stage):
                    queued += _remind(meeting, stage)
    return queued


def _remind(meeting: Meeting, stage: int) -> int:
    coming = meeting.invitations.exclude(response=Response.APOLOGY)
    users, reached = invitees(meeting, coming)
    # A cadre whose unit was invited and who herself sent apologies by name is not reminded.
    excused = meeting.invitations.filter(response=Response.APOLOGY, user__isnull=False)
    users = users.exclude(pk__in=excused.values("user_id"))
    context = {**_context(meeting), "soon": stage == max(REMINDERS)}
    return notify(users, "meeting_reminder", context, sender=None,
                  key=f"meeting:{meeting.pk}:remind:{stage}", unit=meeting.unit, units=reached)  # fmt: skip


# --- A person's calendar feed -------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_token_create(*, user: User) -> str:
    """A new private feed address for her calendar (any earlier one stops working): the token is
    shown once, only its hash is kept."""
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        calendar_token_revoke(user=user)
        CalendarToken.objects.create(user=user, digest=_digest(token))
        audit.log(user, "calendar.token_created", None)
    return token


def calendar_token_revoke(*, user: User) -> int:
    """Her feed addresses stop working at once."""
    n = CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if n:
        audit.log(user, "calendar.token_revoked", None)
    return n


def calendar_token_user(token: str) -> User | None:
    """Whose feed this token reads, or None (unknown, revoked, or her account closed)."""
    found = (
        CalendarToken.objects.filter(
            digest=_digest(token), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    return found.user if found is not None else None


# How far back a feed reaches: calendars keep what they have already read.
FEED_PAST = dt.timedelta(days=90)
