"""`notify(...)`: the one way Hội Số tells people things. It queues one message per recipient in a
set-based write and leaves the sending to the background worker (`delivery`).

Also the writes of consent and preferences, which a member makes on her own page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from hoiso.accounts.models import User
from hoiso.core import audit
from hoiso.members.models import Member
from hoiso.notifications import kinds, sms
from hoiso.notifications.costs import cost_of
from hoiso.notifications.models import (
    EXTERNAL,
    Broadcast,
    Channel,
    Consent,
    Follower,
    Message,
    Preference,
)
from hoiso.notifications.queueing import insert
from hoiso.notifications.quiet import not_before
from hoiso.notifications.tasks import schedule
from hoiso.units.models import Unit

# --- Recipients -------------------------------------------------------------------------------


@dataclass
class Recipient:
    key: str  # "m12" or "u3"
    name: str
    user_id: int | None = None
    member_id: int | None = None
    phone: str = ""
    email: str = ""
    zalo_id: str = ""
    province_id: int | None = None


@dataclass(frozen=True)
class Phone:
    """Someone known only by her phone number (a voter in a public vote): reached by SMS or
    Zalo on the number she typed, for a kind she asked for (`requested`); never in-app."""

    number: str
    name: str = ""


def _phones(phones: Iterable[Phone], province_id: int | None) -> list[Recipient]:
    return [
        Recipient(f"p{p.number}", p.name, phone=p.number, province_id=province_id) for p in phones
    ]


def _members(qs: QuerySet[Member]) -> list[Recipient]:
    rows = qs.values_list("pk", "full_name", "phone", "user_id", "user__email", "province_id")
    return [
        Recipient(f"m{pk}", name, user_id, pk, phone or "", email or "", "", province)
        for pk, name, phone, user_id, email, province in rows
    ]


def _users(users: Iterable[User], province_id: int | None) -> list[Recipient]:
    return [
        Recipient(f"u{u.pk}", u.display_name, u.pk, None, u.phone, u.email, "", province_id)
        for u in users
    ]


def _choose(
    r: Recipient, order: Iterable[str], consented: set[str], *, fallback: bool = True
) -> list[str]:
    """The channels this person can be reached on, in order: each external one needs her consent
    and an address. In-app always remains, last, so that nobody is left out (but for a secret
    kind: `fallback` False)."""
    chosen: list[str] = []
    for channel in order:
        if channel in EXTERNAL and channel not in consented:
            continue
        addresses: dict[str, str] = {
            Channel.EMAIL: r.email,
            Channel.SMS: r.phone,
            Channel.ZNS: r.phone,
            Channel.ZALO_OA: r.zalo_id,
        }
        address = addresses.get(channel, "in-app")
        if address and channel not in chosen:
            chosen.append(channel)
    if fallback and Channel.INAPP not in chosen and (r.user_id or r.member_id or not chosen):
        chosen.append(Channel.INAPP)
    return chosen


def _lookups(
    members: QuerySet[Member] | None, user_ids: list[int] | QuerySet[Any]
) -> tuple[dict, dict, dict]:
    """Consents, preferences and Zalo ids of the recipients, each in one query (accounts given
    as a queryset of their ids are looked up by subquery: 5,000 ids in an IN list took a third
    of a second to quote on PostgreSQL)."""
    consents: dict[str, set[str]] = {}
    prefs: dict[str, tuple[list[str], bool]] = {}
    zalo: dict[str, str] = {}
    if members is not None:
        ids = members.values("pk")
        for m, ch in Consent.objects.filter(member__in=ids, given=True).values_list(
            "member_id", "channel"
        ):
            consents.setdefault(f"m{m}", set()).add(ch)
        for m, chs, plain in Preference.objects.filter(member__in=ids).values_list(
            "member_id", "channels", "sms_plain"
        ):
            prefs[f"m{m}"] = (chs, plain)
        for m, z in Follower.objects.filter(member__in=ids, following=True).values_list(
            "member_id", "zalo_id"
        ):
            zalo[f"m{m}"] = z
    if isinstance(user_ids, QuerySet) or user_ids:
        for u, ch in Consent.objects.filter(user__in=user_ids, given=True).values_list(
            "user_id", "channel"
        ):
            consents.setdefault(f"u{u}", set()).add(ch)
        for u, chs, plain in Preference.objects.filter(user__in=user_ids).values_list(
            "user_id", "channels", "sms_plain"
        ):
            prefs[f"u{u}"] = (chs, plain)
    return consents, prefs, zalo


# --- The service ------------------------------------------------------------------------------


@dataclass
class Planned:
    """One recipient and how her message will go: its channels in order and its short text."""

    person: Recipient
    channels: list[str]
    short: str

    @property
    def cost(self) -> int:
        return cost_of(self.channels[0], self.short)


Recipients = QuerySet[Member] | Iterable[User] | Iterable[Phone]


def plan(
    recipients: Recipients, kind: str, text: kinds.Rendered,
    unit: Unit | None,
) -> list[Planned]:  # fmt: skip
    """Each recipient's channels (her preference or the kind's order, those she consented to and
    has an address for) and her short text, in a fixed number of queries. A secret kind's
    recipient with no channel is left out."""
    spec = kinds.KINDS[kind]
    members = (
        recipients if isinstance(recipients, QuerySet) and recipients.model is Member else None
    )
    province_id = unit.ancestor_ids[1] if unit is not None and len(unit.ancestor_ids) > 1 else None
    listed = [] if members is not None else list(recipients)
    if members is not None:
        people = _members(members)
    elif listed and all(isinstance(p, Phone) for p in listed):
        people = _phones(cast(list[Phone], listed), province_id)
    else:
        people = _users(cast(list[User], listed), province_id)
    user_ids: list[int] | QuerySet[Any] = [
        p.user_id for p in people if p.key[0] == "u" and p.user_id is not None
    ]
    if isinstance(recipients, QuerySet) and recipients.model is User and user_ids:
        user_ids = recipients.order_by().values("pk")
    consents, prefs, zalo = _lookups(members, user_ids)
    shorts = {
        plain: sms.fit(text.sms, plain=plain, parts=spec.sms_parts) for plain in (True, False)
    }
    planned = []
    for p in people:
        p.zalo_id = zalo.get(p.key, "")
        order, plain = prefs.get(p.key, (list(spec.order), True))
        consented = consents.get(p.key, set())
        if spec.requested:
            order, consented = list(spec.order), set(EXTERNAL)
        channels = _choose(p, order, consented, fallback=not spec.secret)
        if channels:
            planned.append(Planned(p, channels, shorts[plain]))
    return planned


def reachable(users: Iterable[User], kind: str) -> set[int]:
    """The accounts a `kind` message can reach now (for a secret kind, those with a channel
    besides in-app): the caller gives the others another way."""
    users = list(users)
    placeholder = kinds.Rendered("", "", "")
    return {p.person.user_id for p in plan(users, kind, placeholder, None) if p.person.user_id}


def notify(
    recipients: Recipients,
    kind: str,
    context: dict[str, Any],
    *,
    sender: User | None,
    urgent: bool = False,
    key: str | None = None,
    unit: Unit | None = None,
    broadcast: Any = None,
    units: Mapping[int, int | None] | None = None,
) -> int:
    """Queue one `kind` message to each recipient (members as a queryset, accounts, or bare phone
    numbers as `Phone`s); returns how many were queued. With `key`, a second call with the same key
    queues nothing again.

    `units` (account id → unit id) files each account's message under a unit of her own instead
    of `unit` (a document sent to many units: each cadre reads it in her unit's to-do box)."""
    text = kinds.render(kind, context)
    now = timezone.now()
    key = key or f"{kind}:{now.timestamp():.6f}"
    secret = kinds.KINDS[kind].secret
    common = {"kind": kind, "urgent": urgent, "secret": secret, "context": context,
              "subject": text.subject,
              "body": text.body, "unit_id": unit.pk if unit else None, "created_at": now,
              "broadcast_id": broadcast.pk if broadcast else None,
              "sender_id": sender.pk if sender else None}  # fmt: skip
    rows: list[dict[str, Any]] = [
        {
            "key": f"{key}:{p.person.key}"[:120],
            "short": p.short,
            "channels": p.channels[1:],
            "channel": p.channels[0],
            "next_try": not_before(now, urgent=urgent, channel=p.channels[0]),
            "cost": p.cost,
            "user_id": p.person.user_id,
            "member_id": p.person.member_id,
            "name": p.person.name[:150],
            "phone": p.person.phone,
            "email": p.person.email,
            "zalo_id": p.person.zalo_id,
            "province_id": p.person.province_id,
            **(
                {"unit_id": units.get(p.person.user_id or 0, common["unit_id"])}
                if units is not None
                else {}
            ),
        }
        for p in plan(recipients, kind, text, unit)
    ]
    with transaction.atomic():
        queued = insert(common, rows)  # rows whose key was already there are not counted
        first = min((r["next_try"] for r in rows), default=now)
        transaction.on_commit(lambda: schedule(first))
    return queued


@dataclass
class Estimate:
    count: int
    by_channel: dict[str, int]
    cost: int
    text: kinds.Rendered
    sms: str  # the SMS as most will read it: without diacritics, cut to its parts


def estimate(
    recipients: Recipients, kind: str, context: dict[str, Any],
    unit: Unit | None = None,
) -> Estimate:  # fmt: skip
    """What `notify` would do: how many people on each first channel, and what it would cost."""
    text = kinds.render(kind, context)
    planned = plan(recipients, kind, text, unit)
    by_channel: dict[str, int] = {}
    for p in planned:
        by_channel[p.channels[0]] = by_channel.get(p.channels[0], 0) + 1
    short = sms.fit(text.sms, plain=True, parts=kinds.KINDS[kind].sms_parts)
    return Estimate(len(planned), by_channel, sum(p.cost for p in planned), text, short)


# --- One-time passwords of new accounts -------------------------------------------------------


def passwords_send(
    *, actor: User, unit: Unit, passwords: list[tuple[User, str]], login_url: str, key: str
) -> set[int]:
    """Send each new account her one-time password (kind `account_password`, a secret one) to
    the phone that is her login; returns the ids of the accounts a message was queued for. The
    accounts app calls it through `accounts.bulk.set_password_courier` (it lies below)."""
    queued: set[int] = set()
    for user, password in passwords:
        context = {"name": user.display_name, "username": user.username, "password": password,
                   "unit": unit.name, "login_url": login_url}  # fmt: skip
        if notify([user], "account_password", context, sender=actor, unit=unit,
                  key=f"{key}:{user.pk}"):  # fmt: skip
            queued.add(user.pk)
    return queued


# --- Consent and preferences ------------------------------------------------------------------


def consent_set(
    *, actor: User | None, channel: str, given: bool, source: str,
    member: Member | None = None, user: User | None = None,
) -> Consent:  # fmt: skip
    """Record that a person gave or withdrew her consent to one channel, when and how."""
    if channel not in EXTERNAL:
        raise ValueError(channel)
    who: dict[str, Any] = {"member": member} if member is not None else {"user": user}
    with transaction.atomic():
        consent, _created = Consent.objects.update_or_create(
            **who, channel=channel,
            defaults={"given": given, "at": timezone.now(), "source": source[:40]},
        )  # fmt: skip
        audit.log(
            actor,
            "consent.given" if given else "consent.withdrawn",
            member,
            unit=member.branch if member is not None else None,
            data={"channel": channel, "source": source},
        )
    return consent


def preference_set(
    *, channels: list[str], sms_plain: bool, member: Member | None = None, user: User | None = None
) -> Preference:
    valid = [c for c in channels if c in Channel.values]
    who: dict[str, Any] = {"member": member} if member is not None else {"user": user}
    pref, _created = Preference.objects.update_or_create(
        **who, defaults={"channels": valid, "sms_plain": sms_plain}
    )
    return pref


# --- A unit's notices -------------------------------------------------------------------------


def notice_context(unit: Unit, title: str, body: str) -> dict[str, Any]:
    short_name = unit.name.replace("Chi hội ", "CH ").replace("Xã ", "").replace("Phường ", "")
    return {"title": title, "body": body, "unit": unit.name, "unit_short": f"HPN {short_name}"}


def broadcast_send(
    *, actor: User, unit: Unit, title: str, body: str, audience: str, audience_label: str,
    recipients: QuerySet[Member] | QuerySet[User], urgent: bool = False,
) -> Broadcast:  # fmt: skip
    """Send a unit's notice to the people chosen; the sender follows it on its page."""
    context = notice_context(unit, title, body)
    with transaction.atomic():
        broadcast = Broadcast.objects.create(
            unit=unit, sender=actor, title=title, body=body, audience=audience_label[:200]
        )
        n = notify(recipients, "notice", context, sender=actor, urgent=urgent,
                   key=f"notice:{broadcast.pk}", unit=unit, broadcast=broadcast)  # fmt: skip
        cost = sum(broadcast.messages.values_list("cost", flat=True))
        Broadcast.objects.filter(pk=broadcast.pk).update(recipients=n, estimated_cost=cost)
        broadcast.recipients, broadcast.estimated_cost = n, cost
        audit.log(actor, "notice.sent", broadcast,
                  data={"audience": audience, "recipients": n, "cost": cost})  # fmt: skip
    return broadcast


def messages_read(*, user: User, unit: Unit | None = None) -> int:
    qs = Message.objects.filter(user=user, read_at__isnull=True)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.update(read_at=timezone.now())
