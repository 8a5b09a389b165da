"""Raising a concern, and what the units do with it: answer, forward up, close; the daily rise
of those left unanswered. Every step is a dated `Step`; every write by a cadre is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.models import User
from hoiso.accounts.roles import Role
from hoiso.core import audit
from hoiso.core.images import save_photo, stored_photo
from hoiso.members.models import Member
from hoiso.metrics import versions
from hoiso.notifications import codes
from hoiso.notifications.services import notify
from hoiso.units.models import Level, Unit
from hoiso.voices.models import (
    URGENT_TOPICS,
    Concern,
    Reply,
    Source,
    State,
    Step,
    StepKind,
    Topic,
    VoiceSettings,
)

# The data area concerns' metrics read (hoiso.metrics.versions).
AREA = "voices"
DEFAULT_RISE_AFTER = 7
PHOTO_SIDE = 1280


# --- Settings -------------------------------------------------------------------------------------


def settings_for(unit: Unit) -> VoiceSettings:
    """The unit's own settings, else those of the nearest unit above with some, else defaults."""
    rows = {s.unit_id: s for s in VoiceSettings.objects.filter(unit__path__in=unit.ancestor_paths)}
    for pk in reversed(unit.ancestor_ids):
        if pk in rows:
            return rows[pk]
    return VoiceSettings(unit=unit, anonymous=False, rise_after=DEFAULT_RISE_AFTER)


def settings_save(*, actor: User, unit: Unit, anonymous: bool, rise_after: int) -> VoiceSettings:
    row, _created = VoiceSettings.objects.update_or_create(
        unit=unit, defaults={"anonymous": anonymous, "rise_after": rise_after}
    )
    audit.log(
        actor, "voices.settings", unit, data={"anonymous": anonymous, "rise_after": rise_after}
    )
    return row


def _rises_on(holder: Unit, today: dt.date) -> dt.date | None:
    """The day an unanswered concern held here rises; never above the province."""
    if holder.level <= Level.PROVINCE:
        return None
    return today + dt.timedelta(days=settings_for(holder).rise_after)


# --- Photos ---------------------------------------------------------------------------------------


def photo_dir() -> Path:
    return Path(settings.VAR_DIR) / "private" / "voices"


def _photo_save(data: bytes) -> str:
    """The picture shrunk and re-encoded without its metadata (no place, no phone model)."""
    return save_photo(data, photo_dir(), PHOTO_SIDE)


def photo_path(name: str) -> Path | None:
    return stored_photo(photo_dir(), name)


# --- Raising ---------------------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{code}".encode()).hexdigest()


def _province_of(unit: Unit) -> Unit:
    province = unit.province()
    if province is None:
        raise ValidationError(_("Please choose a unit inside a province."))
    return province


@transaction.atomic
def concern_raise(
    *,
    origin: Unit,
    topic: str,
    text: str,
    reply: str = Reply.NONE,
    member: Member | None = None,
    actor: User | None = None,
    anonymous: bool = False,
    photo: bytes | None = None,
    source: str | None = None,
) -> tuple[Concern, str]:
    """Record a concern at its origin unit (her branch, or a commune); returns it and, for an
    anonymous one, the code with which its author reads the answer (shown once, never stored).

    An anonymous concern keeps no member, no account and nothing that names her."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Please write what you want to say.")})
    if anonymous:
        if not settings_for(origin).anonymous:
            raise ValidationError(_("This unit does not take anonymous concerns."))
        member = actor = None
        source = Source.ANONYMOUS
        reply = Reply.APP if reply else Reply.NONE
    elif source is None:
        source = (
            Source.MEMBER
            if member is not None and member.user_id == getattr(actor, "pk", -1)
            else Source.CADRE
        )
    code = secrets.token_hex(4).upper() if anonymous else ""
    today = timezone.localdate()
    concern = Concern.objects.create(
        province=_province_of(origin),
        origin=origin,
        origin_path=origin.path,
        holder=origin,
        holder_path=origin.path,
        topic=topic,
        text=text,
        reply=reply,
        source=source,
        member=member,
        raised_by=actor,
        code_hash=_code_hash(code) if code else "",
        urgent=topic in URGENT_TOPICS,
        photo=_photo_save(photo) if photo else "",
        rises_on=_rises_on(origin, today),
    )
    Step.objects.create(concern=concern, kind=StepKind.RAISED, actor=actor, unit=origin)
    if source == Source.CADRE and actor is not None:
        audit.log(actor, "voices.recorded", concern)
    if concern.urgent:
        transaction.on_commit(lambda: _flag(concern))
    versions.bump(AREA, concern.province_id)
    return concern, code


def _commune_of(unit: Unit) -> Unit:
    if unit.level <= Level.COMMUNE:
        return unit
    return Unit.objects.filter(path__in=unit.ancestor_paths, level=Level.COMMUNE).first() or unit


def named_cadres(unit: Unit) -> list[User]:
    """Who hears at once of a concern about violence: the commune's admins and cadres."""
    commune = _commune_of(unit)
    return list(
        User.objects.filter(
            is_active=True,
            assignments__unit=commune,
            assignments__role__in=(Role.UNIT_ADMIN, Role.CADRE),
        ).distinct()
    )


def _flag(concern: Concern) -> None:
    """Tell the commune's cadres at once (urgent: quiet hours do not hold it back). The message
    says where and what kind, never who."""
    notify(
        named_cadres(concern.holder),
        "concern_urgent",
        {"concern": concern.pk, "unit": concern.origin.name, "topic": concern.get_topic_display()},
        sender=None,
        urgent=True,
        key=f"concern-urgent:{concern.pk}",
        unit=concern.origin,
    )


# --- What units do with it -------------------------------------------------------------------------


def _lock(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().get(pk=concern.pk)


@transaction.atomic
def concern_answer(*, actor: User, concern: Concern, text: str, close: bool = False) -> Concern:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Please write the answer.")})
    concern = _lock(concern)
    if concern.state == State.CLOSED:
        raise ValidationError(_("This concern is closed; reopen it to answer again."))
    now = timezone.now()
    concern.state = State.CLOSED if close else State.ANSWERED
    concern.first_answer_at = concern.first_answer_at or now
    concern.rises_on = None
    concern.save(update_fields=["state", "first_answer_at", "rises_on"])
    Step.objects.create(concern=concern, kind=StepKind.ANSWERED, actor=actor, unit=concern.holder,
                        note=text)  # fmt: skip
    if close:
        Step.objects.create(concern=concern, kind=StepKind.CLOSED, actor=actor, unit=concern.holder)
    audit.log(actor, "voices.answered", concern)
    if concern.member_id and concern.member and concern.member.user_id:
        member = concern.member
        transaction.on_commit(
            lambda: notify(
                Member.objects.filter(pk=member.pk),
                "concern_answered",
                {"concern": concern.pk, "unit": concern.holder.name},
                sender=actor,
                key=f"concern-answered:{concern.pk}:{now.timestamp():.0f}",
                unit=concern.holder,
            )
        )
    versions.bump(AREA, concern.province_id)
    return concern


def _move_up(concern: Concern, kind: str, actor: User | None, note: str, today: dt.date) -> None:
    parent = concern.holder.parent
    if parent is None or concern.holder.level <= Level.PROVINCE:
        raise ValidationError(_("This concern is already with the province."))
    concern.holder = parent
    concern.holder_path = parent.path
    concern.rises_on = _rises_on(parent, today) if concern.state == State.OPEN else None
    concern.save(update_fields=["holder", "holder_path", "rises_on"])
    Step.objects.create(concern=concern, kind=kind, actor=actor, unit=parent, note=note)


@transaction.atomic
def concern_forward(*, actor: User, concern: Concern, note: str = "") -> Concern:
    concern = _lock(concern)
    if concern.state == State.CLOSED:
        raise ValidationError(_("This concern is closed; reopen it first."))
    _move_up(concern, StepKind.FORWARDED, actor, note.strip(), timezone.localdate())
    audit.log(actor, "voices.forwarded", concern, data={"to": concern.holder.name})
    versions.bump(AREA, concern.province_id)
    return concern


@transaction.atomic
def concern_close(*, actor: User, concern: Concern, note: str = "") -> Concern:
    concern = _lock(concern)
    if concern.state == State.CLOSED:
        return concern
    concern.state = State.CLOSED
    concern.rises_on = None
    concern.save(update_fields=["state", "rises_on"])
    Step.objects.create(concern=concern, kind=StepKind.CLOSED, actor=actor, unit=concern.holder,
                        note=note.strip())  # fmt: skip
    audit.log(actor, "voices.closed", concern)
    versions.bump(AREA, concern.province_id)
    return concern


@transaction.atomic
def concern_reopen(*, actor: User, concern: Concern) -> Concern:
    concern = _lock(concern)
    if concern.state != State.CLOSED:
        return concern
    concern.state = State.ANSWERED if concern.first_answer_at else State.OPEN
    concern.rises_on = (
        _rises_on(concern.holder, timezone.localdate()) if concern.state == State.OPEN else None
    )
    concern.save(update_fields=["state", "rises_on"])
    Step.objects.create(concern=concern, kind=StepKind.REOPENED, actor=actor, unit=concern.holder)
    audit.log(actor, "voices.reopened", concern)
    versions.bump(AREA, concern.province_id)
    return concern


def from_zalo(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A message a member sent to the union's Zalo Official Account becomes her concern, held by
    her branch like any other (topic "other" until a cadre reads it). A message from a number
    that is no member's stays apart, in the notifications' inbox, and is no concern."""
    member = instance.member
    if not created or member is None or member.erased or not instance.text.strip():
        return
    concern_raise(
        origin=member.branch or member.commune, topic=Topic.OTHER, text=instance.text,
        reply=Reply.APP, member=member, source=Source.ZALO,
    )  # fmt: skip


def rise_due(today: dt.date | None = None) -> int:
    """Move every concern left unanswered past its unit's delay to the unit above; returns how
    many rose. Each one in its own transaction, so that a failure leaves the rest done."""
    today = today or timezone.localdate()
    risen = 0
    due = Concern.objects.filter(state=State.OPEN, rises_on__lte=today).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            concern = Concern.objects.select_for_update().select_related("holder").get(pk=pk)
            if concern.state != State.OPEN or concern.rises_on is None or concern.rises_on > today:
                continue
            if concern.holder.level <= Level.PROVINCE:
                concern.rises_on = None
                concern.save(update_fields=["rises_on"])
                continue
            _move_up(concern, StepKind.ROSE, None, "", today)
            versions.bump(AREA, concern.province_id)
            risen += 1
    return risen


def reads_code(concern: Concern, code: str) -> bool:
    return bool(concern.code_hash) and secrets.compare_digest(concern.code_hash, _code_hash(code))


def concern_by_code(origin: Unit, code: str) -> Concern | None:
    code = "".join(code.split()).upper()
    if not code:
        return None
    return Concern.objects.filter(
        origin__path__startswith=origin.path, code_hash=_code_hash(code)
    ).first()


# --- By phone, with a one-time code -----------------------------------------------------------

CODES_PER_HOUR = 3


def code_send(unit: Unit, raw_phone: str) -> None:
    """Send a one-time code to the member of `unit`'s subtree whose phone this is, if exactly one
    is; otherwise send nothing, and say the same (no one learns whose number is a member's).
    At most three codes an hour to one number; a code lasts ten minutes (notifications.codes)."""
    from hoiso.core.ratelimit import hit
    from hoiso.core.text import normalise_phone

    try:
        phone = normalise_phone(raw_phone)
    except ValueError:
        raise ValidationError(
            {"phone": _("Please enter a phone number of 10 digits starting with 0.")}
        ) from None
    key = codes.phone_key("voices", phone)
    if hit(f"voices-otp-sent:{key}", CODES_PER_HOUR, 3600):
        raise ValidationError(
            _("Too many codes for this number in the last hour. Please try again later.")
        )
    found = list(
        Member.objects.filter(phone=phone, status="active", branch_path__startswith=unit.path)[:2]
    )
    if len(found) != 1:
        return
    code = codes.code_issue(purpose="voices", phone=phone, data={"member": found[0].pk})
    notify(
        Member.objects.filter(pk=found[0].pk), "concern_code", {"code": code, "unit": unit.name},
        sender=None, urgent=True, key=f"concern-code:{key}:{timezone.now().timestamp():.0f}",
        unit=unit,
    )  # fmt: skip


def code_member(raw_phone: str, code: str) -> Member:
    """The member whose code this is; refused after five wrong tries or ten minutes."""
    from hoiso.core.text import normalise_phone

    wrong = ValidationError(
        {"code": _("This code is not right or has expired. Please check it, or ask for a new one.")}
    )
    try:
        phone = normalise_phone(raw_phone)
    except ValueError:
        raise wrong from None
    held = codes.code_take(purpose="voices", phone=phone, code=code)
    if held is None:
        raise wrong
    member = Member.objects.filter(pk=held["member"], status="active").first()
    if member is None:
        raise wrong
    return member
