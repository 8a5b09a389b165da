"""The public vote's services: a voter asks for a code (after the proof of work, within the rate
limits), confirms it and receives her pass; the organiser reads the anomaly flags and voids
votes. The vote itself is written by `ballots.ballots_write` (through `fastvote`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.models import User
from hoiso.contests import ballots, pow
from hoiso.contests.models import Contest, Entry, Vote
from hoiso.core import audit
from hoiso.core.ratelimit import hit
from hoiso.core.text import normalise_phone
from hoiso.notifications import codes
from hoiso.notifications.models import Message
from hoiso.notifications.services import Phone, notify

HOUR = 3600


def _purpose(contest: Contest) -> str:
    return f"vote:{contest.pk}"


def _phone(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except ValueError:
        raise ValidationError(
            {"phone": _("Please enter a phone number of 10 digits starting with 0.")}
        ) from None


def _open(contest: Contest) -> None:
    if not contest.voting():
        raise ValidationError(
            _("The public vote of this contest is not open now. Please check its dates.")
        )


@dataclass(frozen=True)
class Voter:
    """Where a request comes from, as the rate limits and the anomaly flags see it."""

    device_id: str
    user_agent: str
    address: str

    @property
    def device(self) -> str:
        return ballots.device_of(self.device_id, self.user_agent)

    @property
    def network(self) -> str:
        return ballots.network_of(self.address)


def _limited(contest: Contest, phone: str, voter: Voter) -> bool:
    """One more code asked for this phone, network and device: True when one of them is over
    its hourly limit. Each counter counts, so a refused request still uses up the limit."""
    key = f"vote-limit:{contest.pk}"
    over = [
        hit(f"{key}:phone:{codes.phone_key('vote', phone)}", settings.VOTE_CODES_PER_PHONE, HOUR),
        hit(f"{key}:net:{voter.network}", settings.VOTE_CODES_PER_NETWORK, HOUR),
        hit(f"{key}:device:{voter.device}", settings.VOTE_CODES_PER_DEVICE, HOUR),
    ]
    return any(over)


def code_request(*, contest: Contest, raw_phone: str, answer: str, voter: Voter) -> str:
    """Send a one-time code to this phone for this contest's vote; returns the phone number in
    its national form. Refused without a fresh proof of work, or past a rate limit."""
    phone = _phone(raw_phone)
    _open(contest)
    if not pow.answer_check(answer):
        raise ValidationError(
            _("Please wait until the page has finished checking this device, then send again.")
        )
    if _limited(contest, phone, voter):
        raise ValidationError(
            _("Too many codes asked for from this phone or this network. Please try again later.")
        )
    code = codes.code_issue(purpose=_purpose(contest), phone=phone, data={"device": voter.device})
    now = timezone.now()
    notify([Phone(phone)], "vote_code", {"code": code, "contest": contest.title}, sender=None,
           urgent=True, key=f"vote-code:{contest.pk}:{phone}:{now.timestamp():.3f}",
           unit=contest.unit)  # fmt: skip
    return phone


def code_confirm(*, contest: Contest, raw_phone: str, code: str, voter: Voter) -> str:
    """The pass with which this phone votes in this contest from this device (see
    `ballots.pass_issue`), if the code is right, unused, and asked for from this device."""
    wrong = ValidationError(
        {"code": _("This code is not right or has expired. Please check it, or ask for a new one.")}
    )
    phone = _phone(raw_phone)
    _open(contest)
    held = codes.code_take(purpose=_purpose(contest), phone=phone, code=code)
    if held is None or held.get("device") != voter.device:
        raise wrong
    return ballots.pass_issue(contest.pk, phone, voter.device)


# --- Anomaly flags ----------------------------------------------------------------------------


@dataclass
class Flag:
    kind: str  # "network", "device", "unused"
    key: str  # the network, the device, or the hour
    label: str
    votes: int
    phones: int
    since: dt.datetime | None = None


def _counted(contest: Contest) -> QuerySet[Vote]:
    return Vote.objects.filter(contest=contest, voided_at__isnull=True)


def flags(contest: Contest) -> list[Flag]:
    """What the organiser should look at: a network whose votes in one hour pass
    VOTE_FLAG_NETWORK_HOUR, a device from which VOTE_FLAG_DEVICE_PHONES phones or more voted,
    and the codes sent that were never used to vote. Three grouped queries."""
    found: list[Flag] = []
    bursts = (
        _counted(contest)
        .exclude(network="")
        .annotate(hour=TruncHour("created_at"))
        .values("network", "hour")
        .annotate(n=Count("pk"), phones=Count("phone", distinct=True))
        .filter(n__gte=settings.VOTE_FLAG_NETWORK_HOUR)
        .order_by("-n")
    )
    for row in bursts[:100]:
        found.append(
            Flag(
                "network",
                f"{row['network']}|{row['hour'].isoformat()}",
                row["network"],
                row["n"],
                row["phones"],
                row["hour"],
            )
        )
    devices = (
        _counted(contest)
        .exclude(device="")
        .values("device")
        .annotate(n=Count("pk"), phones=Count("phone", distinct=True))
        .filter(phones__gte=settings.VOTE_FLAG_DEVICE_PHONES)
        .order_by("-phones")
    )
    for row in devices[:100]:
        found.append(Flag("device", row["device"], row["device"][:8], row["n"], row["phones"]))
    sent = Message.objects.filter(kind="vote_code", key__startswith=f"vote-code:{contest.pk}:")
    unused = sent.exclude(phone__in=Vote.objects.filter(contest=contest).values("phone"))
    n = unused.count()
    if n:
        phones = unused.values("phone").distinct().count()
        found.append(Flag("unused", "", _("Codes sent, never used"), n, phones))
    return found


def flagged(contest: Contest, kind: str, key: str) -> QuerySet[Vote]:
    """The counted votes a flag stands for."""
    if kind == "device":
        return _counted(contest).filter(device=key)
    if kind == "network":
        network, _bar, hour = key.partition("|")
        start = dt.datetime.fromisoformat(hour)
        return _counted(contest).filter(
            network=network, created_at__gte=start, created_at__lt=start + dt.timedelta(hours=1)
        )
    return Vote.objects.none()


# --- Voiding ----------------------------------------------------------------------------------


def votes_void(
    *, actor: User, contest: Contest, votes: QuerySet[Vote], reason: str, flag: str = ""
) -> int:
    """Void these counted votes of the contest and take them off their entries' counts, in one
    transaction with its audit event; returns how many were voided (none twice)."""
    reason = reason.strip()[:300]
    if not reason:
        raise ValidationError({"reason": _("Please write why these votes are voided.")})
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            votes.filter(contest=contest, voided_at__isnull=True)
            .select_for_update()
            .values_list("pk", "entry_id")
        )
        ids = [pk for pk, _entry in rows]
        Vote.objects.filter(pk__in=ids).update(voided_at=now, voided_by=actor, void_reason=reason)
        taken: dict[int, int] = {}
        for _pk, entry in rows:
            taken[entry] = taken.get(entry, 0) + 1
        for entry, n in taken.items():
            Entry.objects.filter(pk=entry).update(votes=F("votes") - n)
        data: dict[str, Any] = {"votes": len(ids), "reason": reason, "flag": flag}
        if len(ids) == 1:
            data["vote"] = ids[0]
        audit.log(actor, "vote.voided", contest, unit=contest.unit, data=data)
    return len(ids)


def counts(contest: Contest) -> dict[int, int]:
    """Each approved entry's exact count of counted votes (the page's live numbers)."""
    return dict(contest.entries.filter(status="approved").values_list("pk", "votes"))


def recount(contest: Contest) -> dict[int, tuple[int, int]]:
    """Entries whose kept count differs from their counted votes: {entry: (kept, counted)}."""
    counted = dict(
        _counted(contest).values("entry").annotate(n=Count("pk")).values_list("entry", "n")
    )
    return {
        pk: (kept, counted.get(pk, 0))
        for pk, kept in contest.entries.values_list("pk", "votes")
        if kept != counted.get(pk, 0)
    }
