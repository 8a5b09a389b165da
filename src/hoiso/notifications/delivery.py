"""The worker's side: claim due messages, reserve their cost, send them on a pool of threads,
record what became of each.

Nothing is sent twice: a batch is claimed (queued → sending, with this run's token) by one
conditional UPDATE before any provider is called, so two workers never hold the same message.
A worker killed mid-batch leaves its claimed messages "sending"; after NOTIFY_CLAIM_TIMEOUT they
are queued again with the same key, which is the provider's request id (eSMS refuses a RequestId
it has seen), so what had left is not sent a second time.

Only the main thread touches the database; the threads only talk HTTP.

A secret message (`kinds.Kind.secret`) is purged in the write that records it has left (sent,
delivered) or finally failed; one that waits past NOTIFY_SECRET_HOURS is failed and purged.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import cast

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Field
from django.utils import timezone

from hoiso.core import audit
from hoiso.notifications.channels import Adapter, Outcome, adapter_for
from hoiso.notifications.costs import cost_of
from hoiso.notifications.models import FINAL, PAID, PURGED, Budget, Channel, Message, Status
from hoiso.notifications.quiet import LOCAL, not_before

UPDATED = ["status", "reason", "attempts", "next_try", "claim", "provider_id", "sent_at",
           "delivered_at", "channel", "channels", "cost"]  # fmt: skip


@dataclass
class Run:
    """Counts of one delivery run."""

    sent: int = 0
    retried: int = 0
    moved: int = 0  # went on to their next channel
    failed: int = 0
    recovered: int = 0
    adapters: dict[str, Adapter] = field(default_factory=dict)

    def adapter(self, channel: str) -> Adapter:
        if channel not in self.adapters:
            self.adapters[channel] = adapter_for(channel)
        return self.adapters[channel]


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 2 min, 8 min, 32 min…: a provider's outage passes without being hammered."""
    return dt.timedelta(seconds=30 * 4 ** max(attempts - 1, 0))


def recover(now: dt.datetime) -> int:
    """Queue again the messages a dead worker left claimed."""
    stale = now - dt.timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT)
    return Message.objects.filter(status=Status.SENDING, claimed_at__lt=stale).update(
        status=Status.QUEUED, claim="", next_try=now
    )


def expire_secrets(now: dt.datetime) -> int:
    """Fail and purge the secret messages still waiting after NOTIFY_SECRET_HOURS."""
    late = now - dt.timedelta(hours=settings.NOTIFY_SECRET_HOURS)
    return Message.objects.filter(secret=True, status=Status.QUEUED, created_at__lt=late).update(
        status=Status.FAILED, reason="expired before it could be sent", claim="",
        body=PURGED, short=PURGED, context={},
    )  # fmt: skip


def claim(now: dt.datetime, size: int) -> list[Message]:
    """Take up to `size` due messages for this run, oldest due first."""
    token = uuid.uuid4().hex
    ids = list(
        Message.objects.due(now).order_by("next_try", "id").values_list("pk", flat=True)[:size]
    )
    if not ids:
        return []
    Message.objects.filter(pk__in=ids, status=Status.QUEUED).update(
        status=Status.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1
    )
    return list(Message.objects.filter(claim=token, status=Status.SENDING))


# --- Budget -----------------------------------------------------------------------------------


def _budget(province_id: int, day: dt.date) -> Budget:
    budget = Budget.objects.filter(province_id=province_id, day=day).first()
    if budget is None:
        try:
            with transaction.atomic():
                budget = Budget.objects.create(
                    province_id=province_id, day=day, limit=settings.NOTIFY_DAILY_BUDGET
                )
        except IntegrityError:
            budget = Budget.objects.get(province_id=province_id, day=day)
    return budget


def _reserve(budget: Budget, amount: int) -> bool:
    """Add `amount` to the day's spending if it stays within the limit (one conditional UPDATE)."""
    return bool(
        Budget.objects.filter(pk=budget.pk, spent__lte=F("limit") - amount).update(
            spent=F("spent") + amount
        )
    )


def _warn(budget: Budget) -> None:
    """Once a day, at 80 % of the budget, say so in the province's log."""
    budget.refresh_from_db()
    over = budget.spent * 5 >= budget.limit * 4 and not budget.warned
    if over and Budget.objects.filter(pk=budget.pk, warned=False).update(warned=True):
        audit.log(None, "notify.budget_warning", budget.province,
                      data={"spent": budget.spent, "limit": budget.limit})  # fmt: skip


def reserve(messages: list[Message], now: dt.datetime) -> set[int]:
    """Reserve the cost of the paid messages against their province's day; returns the ids of
    those the budget cannot cover (they go on to a free channel, or fail)."""
    day = now.astimezone(LOCAL).date()
    refused: set[int] = set()
    by_province: dict[int | None, list[Message]] = defaultdict(list)
    for m in messages:
        if m.channel in PAID and m.cost:
            by_province[m.province_id].append(m)
    for province_id, group in by_province.items():
        if province_id is None:
            continue
        budget = _budget(province_id, day)
        if not _reserve(budget, sum(m.cost for m in group)):
            refused.update(m.pk for m in group if not _reserve(budget, m.cost))
        _warn(budget)
    return refused


# --- Sending and recording --------------------------------------------------------------------


def text_for(message: Message) -> str:
    if message.channel in (Channel.SMS, Channel.ZNS):
        return message.short
    return message.body


def _next_channel(m: Message, now: dt.datetime, reason: str, run: Run) -> None:
    """This channel cannot carry the message: queue it on the next one, or give up."""
    m.reason = reason[:200]
    m.claim = ""
    if m.channels:
        m.channel, m.channels = m.channels[0], m.channels[1:]
        m.status, m.attempts, m.cost = Status.QUEUED, 0, cost_of(m.channel, m.short)
        m.next_try = not_before(now, urgent=m.urgent, channel=m.channel)
        run.moved += 1
    else:
        m.status = Status.FAILED
        run.failed += 1


def apply(m: Message, outcome: Outcome, now: dt.datetime, run: Run) -> None:
    """What the provider's answer means for the message."""
    if outcome.ok:
        m.status = Status.DELIVERED if outcome.delivered else Status.SENT
        # The reason stays: why an earlier channel or attempt failed.
        m.sent_at, m.provider_id, m.claim = now, outcome.provider_id[:80], ""
        if outcome.delivered:
            m.delivered_at = now
        run.sent += 1
    elif outcome.retry and m.attempts < settings.NOTIFY_MAX_ATTEMPTS:
        wait = dt.timedelta(seconds=outcome.wait) if outcome.wait else backoff(m.attempts)
        m.status, m.reason, m.claim = Status.QUEUED, outcome.reason[:200], ""
        m.next_try = not_before(now + wait, urgent=m.urgent, channel=m.channel)
        run.retried += 1
    else:
        _next_channel(m, now, outcome.reason, run)


def send_batch(messages: list[Message], run: Run, now: dt.datetime) -> None:
    refused = reserve(messages, now)
    to_send = [m for m in messages if m.pk not in refused]
    for m in messages:
        if m.pk in refused:
            _next_channel(m, now, "daily budget spent", run)

    def one(m: Message) -> Outcome:
        try:
            return run.adapter(m.channel).send(m, text_for(m))
        except Exception as e:  # an adapter's bug must not lose the batch
            return Outcome(ok=False, retry=True, reason=f"{type(e).__name__}: {e}"[:200])

    threads = max(1, min(settings.NOTIFY_SEND_THREADS, len(to_send)))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(one, to_send))
    done = max(now, timezone.now())  # `now` is ahead of the clock in tests
    for m, outcome in zip(to_send, outcomes, strict=True):
        apply(m, outcome, done, run)
    save(messages)


def save(messages: list[Message]) -> None:
    """Write back what became of each message: one UPDATE statement run for all of them
    (executemany). Django's bulk_update builds a CASE per field and row, which took seconds for
    a batch of 500 here. In the same transaction, the secret messages that have left or failed
    for good lose their texts."""
    fields = [cast(Field, Message._meta.get_field(name)) for name in UPDATED]
    q = connection.ops.quote_name
    columns = ", ".join(f"{q(str(f.column))} = %s" for f in fields)
    sql = f"UPDATE {q(Message._meta.db_table)} SET {columns} WHERE {q('id')} = %s"
    rows = [
        [*(f.get_db_prep_save(getattr(m, f.attname), connection) for f in fields), m.pk]
        for m in messages
    ]
    done = [m for m in messages if m.secret and m.status in FINAL]
    for m in done:
        m.purge()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        if done:
            Message.objects.filter(pk__in=[m.pk for m in done]).update(
                body=PURGED, short=PURGED, context={}
            )


def deliver(*, now: dt.datetime | None = None, max_batches: int | None = None) -> Run:
    """Send every message that is due, batch after batch, until none is left."""
    run = Run()
    run.recovered = recover(now or timezone.now())
    expire_secrets(now or timezone.now())
    batches = 0
    while max_batches is None or batches < max_batches:
        moment = now or timezone.now()
        batch = claim(moment, settings.NOTIFY_BATCH)
        if not batch:
            break
        send_batch(batch, run, moment)
        batches += 1
    return run


def next_due() -> dt.datetime | None:
    """When the earliest message still waiting is due (a retry, the end of quiet hours)."""
    return (
        Message.objects.filter(status=Status.QUEUED)
        .order_by("next_try")
        .values_list("next_try", flat=True)
        .first()
    )
