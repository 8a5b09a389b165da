"""Every write on documents: issuing (with its number), delivery, reading, acknowledging,
reporting back, reminding and forwarding. Views, the demo and the benchmark all call these."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import Role
from hoiso.core import audit
from hoiso.core.text import fold
from hoiso.documents import files
from hoiso.documents.models import Attachment, Counter, Document, Kind, Meeting, Receipt
from hoiso.notifications.models import Message
from hoiso.notifications.services import notify
from hoiso.units.models import Level, Unit

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
# Who is told that a document has come to a unit: those who can acknowledge it there.
ANSWERING_ROLES = (Role.UNIT_ADMIN, Role.CADRE, Role.BRANCH_HEAD)
_ISSUER_CODE = re.compile(r"^[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$")


@dataclass
class Recipients:
    """Whom a document goes to: units chosen one by one, every open unit of a level in the
    issuer's subtree, and named people."""

    units: list[Unit] = field(default_factory=list)
    level: int | None = None
    people: list[User] = field(default_factory=list)


def symbol_of(kind: str, number: int, issuer_code: str) -> str:
    """Decree 30/2020 (art. 8, appendix I): `15/KH-HLHPN` for a document with a kind's name; an
    official letter has none, so its symbol is the issuer's abbreviation alone, `15/HLHPN`
    (followed, where the issuer uses one, by its drafting office: `15/HLHPN-VP`). Numbers below
    10 take a leading zero."""
    if kind == Kind.OFFICIAL_LETTER:
        return f"{number:02d}/{issuer_code}"
    return f"{number:02d}/{kind}-{issuer_code}"


def number_take(unit: Unit, year: int) -> int:
    """The next number of the unit's year, under the counter row's lock: call inside the
    transaction that saves the document, so that a failure gives the number back."""
    Counter.objects.get_or_create(unit=unit, year=year)
    counter = Counter.objects.select_for_update().get(unit=unit, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def recipient_units(issuer: Unit, recipients: Recipients, on: dt.date) -> QuerySet[Unit]:
    """The units a document goes to: those chosen and every unit of the level, open on the day
    (a closed unit gets nothing, one opened later is not added), each inside the subtree, once."""
    chosen = [u.pk for u in recipients.units]
    if not chosen and recipients.level is None:
        return Unit.objects.none()
    query = Q(pk__in=chosen)
    if recipients.level is not None:
        query |= Q(level=recipients.level)
    return Unit.objects.below(issuer).active(on).filter(query)


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    code = (data.get("issuer_code") or "").strip().upper()
    if not _ISSUER_CODE.match(code):
        raise ValidationError(
            {
                "issuer_code": _(
                    "Please write the issuer's abbreviation in capital letters, such as HLHPN."
                )
            }
        )
    if data.get("deadline") and data["deadline"] < data["issued_on"]:
        raise ValidationError({"deadline": _("Please choose a deadline on or after the date.")})
    if data.get("report_required") and not data.get("deadline"):
        raise ValidationError({"deadline": _("Please set a deadline: a report back needs one.")})
    return {**data, "issuer_code": code}


def document_issue(
    *,
    actor: User | None,
    unit: Unit,
    data: dict[str, Any],
    recipients: Recipients,
    uploads: Iterable[Any] = (),
) -> Document:
    """Issue a document: check its files, take its number, save it and send it, in one
    transaction (a failure leaves neither a number used nor a file behind)."""
    data = _clean_data(data)
    checked = [files.check(u) for u in uploads]
    units = recipient_units(unit, recipients, data["issued_on"])
    people = list({p.pk: p for p in recipients.people}.values())
    if not people and not units.exists():
        raise ValidationError(_("Please choose at least one unit or person to send it to."))
    stored: list[str] = []
    try:
        with transaction.atomic():
            doc = _document_create(actor, unit, data, checked, stored)
            sent = deliver(doc, sender=unit, units=units, people=people)
            audit.log(
                actor,
                "document.issued",
                doc,
                data={"symbol": doc.symbol, "recipients": sent},
            )
    except BaseException:
        files.discard(stored)
        raise
    return doc


def _document_create(
    actor: User | None,
    unit: Unit,
    data: dict[str, Any],
    checked: list[files.CheckedFile],
    stored: list[str],
) -> Document:
    year = data["issued_on"].year
    number = number_take(unit, year)
    province = unit.province()
    doc = Document(
        unit=unit,
        unit_path=unit.path,
        province=province,
        kind=data["kind"],
        year=year,
        number=number,
        symbol=symbol_of(data["kind"], number, data["issuer_code"]),
        summary=data["summary"].strip(),
        body=data.get("body", "").strip(),
        issued_on=data["issued_on"],
        signer_name=data["signer_name"].strip(),
        signer_position=data["signer_position"].strip(),
        deadline=data.get("deadline"),
        report_required=bool(data.get("report_required")),
        public=bool(data.get("public")),
        meeting=data.get("meeting"),
        created_by=actor,
    )
    doc.search_text = search_text(doc, [c.text for c in checked])
    doc.save()
    attach_files(checked, stored, document=doc)
    return doc


def attach_files(
    checked: list[files.CheckedFile],
    stored: list[str],
    *,
    document: Document | None = None,
    receipt: Receipt | None = None,
    meeting: Meeting | None = None,
) -> None:
    """Store each checked file and record it as the document's, the report's or the meeting's."""
    rows = []
    for c in checked:
        name = files.store(c)
        stored.append(name)
        rows.append(
            Attachment(
                document=document,
                receipt=receipt,
                meeting=meeting,
                name=c.name,
                stored_name=name,
                file_type=c.file_type,
                size=len(c.content),
                text=c.text,
                signatures=c.signatures,
            )
        )
    Attachment.objects.bulk_create(rows)


def search_text(doc: Document, texts: Iterable[str]) -> str:
    """What the register searches: the folded number, kind, summary, content, issuer, files."""
    parts = [doc.symbol, doc.get_kind_display(), doc.summary, doc.body, doc.unit.name, *texts]
    return fold(" ".join(p for p in parts if p))[: files.MAX_TEXT]


def deliver(
    doc: Document,
    *,
    sender: Unit,
    units: QuerySet[Unit],
    people: list[User],
    forwarded_from: Receipt | None = None,
) -> int:
    """One receipt per recipient unit, written by one INSERT … SELECT over the units' query (no
    row goes through Python), one per named person, then announced; returns how many."""
    now = timezone.now()
    ops = connection.ops
    units_sql, units_params = (
        units.order_by().values(rid=F("pk"), rpath=F("path")).query.sql_with_params()
    )
    table = Receipt._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (document_id, unit_id, unit_path, sender_id, forwarded_from_id,"
            " sent_at, report_text, done_on_time)"
            f" SELECT %s, u.rid, u.rpath, %s, %s, %s, '', %s FROM ({units_sql}) u",
            [
                doc.pk,
                sender.pk,
                forwarded_from.pk if forwarded_from else None,
                ops.adapt_datetimefield_value(now),
                False,
                *units_params,
            ],
        )
        count = cursor.rowcount
    Receipt.objects.bulk_create(
        Receipt(document=doc, user=p, sender=sender, forwarded_from=forwarded_from, sent_at=now)
        for p in people
    )
    announce(doc, Receipt.objects.filter(document=doc, sender=sender, sent_at=now))
    return count + len(people)


def announce(doc: Document, receipts: QuerySet[Receipt], *, reminder: bool = False) -> int:
    """Tell the recipients that the document has come (or, `reminder`, is still waiting on
    them), through notify(): the answering cadres of each recipient unit, each message filed
    under her unit, and each named person. The one place where a recipient is told.

    The people are found in two queries (the receipts joined to the answering cadres'
    assignments, and the named people); notify() queues their messages in one set-based write."""
    users, units_of = told_of(receipts)
    if not units_of:
        return 0
    now = timezone.now()
    key = f"document:{doc.pk}:{'remind' if reminder else 'sent'}:{now.timestamp():.6f}"
    context = {
        "symbol": doc.symbol,
        "unit": doc.unit.name,
        "summary": doc.summary[:300],
        "reminder": reminder,
        "deadline": doc.deadline.strftime("%d/%m/%Y") if doc.deadline else "",
        "document": doc.pk,
    }
    return notify(users, "document", context, sender=None, key=key, unit=doc.unit, units=units_of)


def told_of(receipts: QuerySet[Receipt]) -> tuple[QuerySet[User], dict[int, int | None]]:
    """Whom a document's receipts reach: the accounts (the answering cadres of each recipient
    unit and the people named), and for each the unit she answers for (None for a person named
    on the document). Subqueries throughout: 5,000 ids in an IN list took half a second to build."""
    ids = receipts.order_by().values("pk")
    named = Receipt.objects.filter(pk__in=ids, user__isnull=False)
    cadres = Assignment.objects.filter(
        unit__receipts__in=ids, role__in=ANSWERING_ROLES, user__is_active=True
    )
    units_of: dict[int, int | None] = dict(named.values_list("user_id", "unit_id"))
    for user_id, unit_id in cadres.values_list("user_id", "unit_id"):
        units_of.setdefault(user_id, unit_id)
    users = User.objects.filter(is_active=True).filter(
        Q(pk__in=named.values("user_id")) | Q(pk__in=cadres.values("user_id"))
    )
    return users, units_of


def deadline_end(deadline: dt.date) -> dt.datetime:
    """The end of the deadline day in Vietnam: a report at 23:59 local time that day is on time."""
    return dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(0), tzinfo=LOCAL)


def _on_time(doc: Document, at: dt.datetime) -> bool:
    return doc.deadline is None or at < deadline_end(doc.deadline)


def receipt_read(*, actor: User, receipt: Receipt) -> None:
    """Opening a received document marks it read, the first time (who, when)."""
    if receipt.read_at is None:
        now = timezone.now()
        Receipt.objects.filter(pk=receipt.pk, read_at__isnull=True).update(
            read_at=now, read_by=actor
        )
        receipt.read_at, receipt.read_by = now, actor
    Message.objects.filter(
        user=actor,
        kind="document",
        read_at__isnull=True,
        key__startswith=f"document:{receipt.document_id}:",
    ).update(read_at=timezone.now())


def receipt_acknowledge(*, actor: User, receipt: Receipt, at: dt.datetime | None = None) -> None:
    """A cadre confirms the unit has received the document (Đã nhận)."""
    if receipt.acknowledged_at is not None:
        return
    at = at or timezone.now()
    with transaction.atomic():
        receipt.acknowledged_at, receipt.acknowledged_by = at, actor
        if receipt.read_at is None:
            receipt.read_at, receipt.read_by = at, actor
        receipt.done_on_time = not receipt.document.report_required and _on_time(
            receipt.document, at
        )
        receipt.save(
            update_fields=[
                "acknowledged_at",
                "acknowledged_by",
                "read_at",
                "read_by",
                "done_on_time",
            ]
        )
        audit.log(actor, "document.acknowledged", receipt)


def receipt_report(
    *,
    actor: User,
    receipt: Receipt,
    text: str,
    uploads: Iterable[Any] = (),
    at: dt.datetime | None = None,
) -> None:
    """The unit reports back on the document, with text and files (acknowledging it too)."""
    doc = receipt.document
    if not doc.report_required:
        raise ValidationError(_("This document asks for no report back."))
    if receipt.reported_at is not None:
        raise ValidationError(_("Your unit has already reported on this document."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Please write what your unit has done.")})
    checked = [files.check(u) for u in uploads]
    at = at or timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            receipt.report_text, receipt.reported_at, receipt.reported_by = text, at, actor
            if receipt.acknowledged_at is None:
                receipt.acknowledged_at, receipt.acknowledged_by = at, actor
            if receipt.read_at is None:
                receipt.read_at, receipt.read_by = at, actor
            acked_in_time = _on_time(doc, receipt.acknowledged_at)
            receipt.done_on_time = acked_in_time and _on_time(doc, at)
            receipt.save()
            attach_files(checked, stored, receipt=receipt)
            audit.log(actor, "document.reported", receipt, data={"on_time": receipt.done_on_time})
    except BaseException:
        files.discard(stored)
        raise


def receipts_remind(*, actor: User, document: Document, sender: Unit) -> int:
    """Remind every recipient the unit sent the document to who has not yet done all it asks;
    returns how many units and people were reminded."""
    waiting = Receipt.objects.filter(document=document, sender=sender).filter(
        Q(acknowledged_at__isnull=True)
        | Q(document__report_required=True, reported_at__isnull=True)
    )
    with transaction.atomic():
        now = timezone.now()
        n = waiting.update(reminded_at=now)
        if not n:
            return 0
        announce(
            document,
            Receipt.objects.filter(document=document, sender=sender, reminded_at=now),
            reminder=True,
        )
        audit.log(actor, "document.reminded", document, unit=sender, data={"n": n})
    return n


def receipt_forward(*, actor: User, receipt: Receipt, recipients: Recipients) -> list[Receipt]:
    """A unit that received a document sends it on down to its own units; each new receipt
    points back at the forwarding unit's, so the chain leads to the issuer."""
    if receipt.unit is None:
        raise ValidationError(_("Only a unit can forward a document to its units."))
    units = recipient_units(receipt.unit, recipients, timezone.localdate()).exclude(
        pk__in=Receipt.objects.filter(document=receipt.document, unit__isnull=False).values(
            "unit_id"
        )
    )
    if not units.exists():
        raise ValidationError(
            _("Please choose units below yours that have not received this document yet.")
        )
    with transaction.atomic():
        n = deliver(
            receipt.document, sender=receipt.unit, units=units, people=[], forwarded_from=receipt
        )
        audit.log(actor, "document.forwarded", receipt, data={"n": n})
    return list(Receipt.objects.filter(forwarded_from=receipt).select_related("unit"))


def default_issuer_code(unit: Unit) -> str:
    """The abbreviation the unit used last, or the union's usual one for its level."""
    last = Document.objects.filter(unit=unit).order_by("-pk").values_list("symbol", flat=True)
    for symbol in last[:1]:
        tail = symbol.split("/", 1)[-1]
        return tail.split("-", 1)[1] if tail[:2] in Kind.values and "-" in tail else tail
    return "HLHPN" if unit.level <= Level.PROVINCE else "HPN"
