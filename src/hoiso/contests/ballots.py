"""The public vote's rules and its one write: which slot a vote takes (its contest's rule, the
local day), whose network and device it came from, the signed pass a confirmed phone carries, and
`ballots_write`, which records a batch of votes and their entries' counts in one transaction.

Every vote goes through `ballots_write`: the fast endpoint (`fastvote`) hands it the votes that
arrived while the previous batch was being committed, the tests a batch of one. A vote is counted
once: the database's unique (contest, phone, slot) refuses the second, whatever the timing.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from hoiso.contests.models import Contest, EntryStatus, VoteRule

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PASS_MINUTES = 30  # how long a confirmed phone may vote without a new code


def local_day(when: dt.datetime | None = None) -> dt.date:
    """The day in Việt Nam (Asia/Ho_Chi_Minh) at `when`: the days of the one-vote-a-day rule."""
    return (when or timezone.now()).astimezone(LOCAL).date()


def slot_for(rule: str, entry_id: int, day: dt.date) -> str:
    """What the contest's rule makes unique for one phone: an entry on a day, an entry, or the
    whole contest."""
    if rule == VoteRule.ENTRY_DAY:
        return f"{entry_id}:{day.isoformat()}"
    if rule == VoteRule.ENTRY:
        return str(entry_id)
    return ""


def network_of(address: str) -> str:
    """The network an address belongs to: its /24 (IPv4) or /64 (IPv6); a home, an office or a
    mobile operator's block of addresses, where one person could hold many addresses."""
    head, dot, last = address.rpartition(".")
    if dot and last.isdigit() and ":" not in address and head.count(".") == 2:
        return f"{head}.0/24"  # the common case, without the cost of ipaddress
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def device_of(device_id: str, user_agent: str) -> str:
    """A short hash of the device's marks: the id its browser keeps (localStorage) and its
    browser's name. Not proof of anything alone; what the anomaly flags group by."""
    raw = f"{device_id[:64]}|{user_agent[:300]}".encode()
    return hashlib.blake2s(raw, digest_size=12).hexdigest()


# --- The pass a confirmed phone carries -------------------------------------------------------


_keys: dict[str, bytes] = {}


def _key() -> bytes:
    secret = settings.SECRET_KEY
    if secret not in _keys:
        _keys[secret] = hashlib.sha256(f"hoiso.contests.pass:{secret}".encode()).digest()
    return _keys[secret]


def pass_issue(contest_id: int, phone: str, device: str, *, now: float | None = None) -> str:
    """A signed pass: this phone, confirmed by a code, may vote in this contest from this device
    for the next PASS_MINUTES. Checked by its signature alone (no session, no database)."""
    expires = int((now or time.time()) + PASS_MINUTES * 60)
    body = f"{contest_id}.{phone}.{device}.{expires}"
    sig = hmac.new(_key(), body.encode(), hashlib.sha256).digest()[:16]
    return f"{body}.{base64.urlsafe_b64encode(sig).decode().rstrip('=')}"


@dataclass(frozen=True)
class Pass:
    contest_id: int
    phone: str
    device: str


def pass_read(token: str, *, now: float | None = None) -> Pass | None:
    """The pass's contents if its signature holds and it has not expired; else None."""
    body, _dot, sig = token.rpartition(".")
    parts = body.split(".")
    if len(parts) != 4 or not sig:
        return None
    expected = hmac.new(_key(), body.encode(), hashlib.sha256).digest()[:16]
    given = base64.urlsafe_b64encode(expected).decode().rstrip("=")
    if not hmac.compare_digest(given, sig):
        return None
    contest, phone, device, expires = parts
    if not (contest.isdigit() and expires.isdigit()) or int(expires) < (now or time.time()):
        return None
    return Pass(int(contest), phone, device)


# --- The write --------------------------------------------------------------------------------


class Outcome:
    COUNTED = "counted"
    ALREADY = "already"  # this phone's slot is taken (voted already today, or at all)
    CLOSED = "closed"  # the contest is not in its public vote
    REFUSED = "refused"  # no such approved entry in this contest


@dataclass
class Ballot:
    contest_id: int
    entry_id: int
    phone: str
    network: str = ""
    device: str = ""
    # Filled by ballots_write.
    outcome: str = ""
    votes: int | None = None  # the entry's count after this batch, when it was counted
    slot: str = field(default="", repr=False)


@dataclass
class _ContestRule:
    rule: str
    opens: dt.datetime
    closes: dt.datetime
    read_at: float


_rules: dict[int, _ContestRule] = {}
RULE_SECONDS = 5.0  # a process rereads a contest's rule and dates this often


def contest_rule(contest_id: int) -> _ContestRule | None:
    """The contest's vote rule and voting dates, kept a few seconds in this process: the write
    checks the dates again in the database, so a stale copy only words the refusal."""
    held = _rules.get(contest_id)
    if held is None or time.monotonic() - held.read_at > RULE_SECONDS:
        row = (
            Contest.objects.filter(pk=contest_id)
            .values_list("vote_rule", "voting_open", "voting_close")
            .first()
        )
        if row is None:
            _rules.pop(contest_id, None)
            return None
        held = _rules[contest_id] = _ContestRule(*row, read_at=time.monotonic())
    return held


def ballots_write(ballots: Sequence[Ballot], *, now: dt.datetime | None = None) -> None:
    """Record each ballot that its contest's rule and dates allow, once; set each one's outcome.

    All in one transaction committed before this returns: a ballot marked counted is in the
    database, and its entry's count includes it. Two ballots of one phone for one slot in the
    same batch: the caller sends the second in the next batch (see fastvote)."""
    now = now or timezone.now()
    day = local_day(now)
    pending = []
    for b in ballots:
        rule = contest_rule(b.contest_id)
        if rule is None or not (rule.opens <= now < rule.closes):
            b.outcome = Outcome.CLOSED
            continue
        b.slot = slot_for(rule.rule, b.entry_id, day)
        pending.append(b)
    if not pending:
        return
    if connection.vendor == "postgresql":
        _write_postgresql(pending, day, now)
    else:
        _write_portable(pending, day, now)


# One statement, so one round trip and its own transaction: the votes the rules allow are
# inserted (a taken slot is skipped, not an error), each entry's count goes up by the votes it
# received, and the counted ones come back with their entry's new count.
_PG_LOCK = "SELECT 1 FROM contests_entry WHERE id = ANY(%(entry)s) ORDER BY id FOR UPDATE"
_PG_BATCH = """
WITH v AS (
    SELECT * FROM unnest(%(i)s::int[], %(contest)s::bigint[], %(entry)s::bigint[],
                         %(phone)s::text[], %(slot)s::text[], %(network)s::text[],
                         %(device)s::text[]) AS v(i, contest_id, entry_id, phone, slot, network, device)
), ok AS (
    SELECT v.* FROM v
    JOIN contests_entry e ON e.id = v.entry_id AND e.contest_id = v.contest_id
                         AND e.status = %(approved)s
    JOIN contests_contest c ON c.id = v.contest_id
                           AND c.voting_open <= %(now)s AND %(now)s < c.voting_close
), ins AS (
    INSERT INTO contests_vote (contest_id, entry_id, phone, slot, day, created_at, network,
                               device, void_reason)
    SELECT contest_id, entry_id, phone, slot, %(day)s, %(now)s, network, device, '' FROM ok
    ON CONFLICT (contest_id, phone, slot) DO NOTHING
    RETURNING contest_id, phone, slot, entry_id
), counts AS (
    UPDATE contests_entry e SET votes = e.votes + n.k
    FROM (SELECT entry_id, count(*) AS k FROM ins GROUP BY entry_id) n
    WHERE e.id = n.entry_id
    RETURNING e.id, e.votes
)
SELECT ok.i, ins.phone IS NOT NULL, counts.votes
FROM ok
LEFT JOIN ins ON ins.contest_id = ok.contest_id AND ins.phone = ok.phone AND ins.slot = ok.slot
LEFT JOIN counts ON counts.id = ok.entry_id
"""


def _write_postgresql(pending: list[Ballot], day: dt.date, now: dt.datetime) -> None:
    params = {
        "i": list(range(len(pending))),
        "contest": [b.contest_id for b in pending],
        "entry": [b.entry_id for b in pending],
        "phone": [b.phone for b in pending],
        "slot": [b.slot for b in pending],
        "network": [b.network for b in pending],
        "device": [b.device for b in pending],
        "approved": EntryStatus.APPROVED.value,
        "now": now,
        "day": day,
    }
    for b in pending:
        b.outcome = Outcome.REFUSED
    import psycopg

    with transaction.atomic():
        connection.ensure_connection()
        # The driver's own cursor binds the arrays on the server (binary, in C): the default
        # cursor's client-side quoting cost about 50 µs a vote. First the batch's entries are
        # locked in id order, so that two processes' batches wait for each other instead of
        # deadlocking over the entries' counts.
        with psycopg.Cursor(connection.connection) as cursor:  # type: ignore[arg-type]
            cursor.execute(_PG_LOCK, params)
            cursor.execute(_PG_BATCH, params)
            rows = cursor.fetchall()
    for i, counted, votes in rows:
        b = pending[i]
        b.outcome = Outcome.COUNTED if counted else Outcome.ALREADY
        b.votes = votes if counted else None


# SQLite has one writer: a process's own threads queue here, other processes on the busy timeout
# (IMMEDIATE transactions). Waiting on the lock also spares the in-memory test database, whose
# shared cache answers "table is locked" at once instead of waiting.
_sqlite_writer = threading.Lock()


def _write_portable(pending: list[Ballot], day: dt.date, now: dt.datetime) -> None:
    """The same on SQLite: one transaction (IMMEDIATE, so it queues for the write lock), one
    INSERT … ON CONFLICT DO NOTHING RETURNING per vote, one UPDATE per entry."""
    from hoiso.contests.models import Entry, Vote

    added: dict[int, int] = {}
    with _sqlite_writer, transaction.atomic():
        entries = set(
            Entry.objects.filter(
                pk__in={b.entry_id for b in pending},
                status=EntryStatus.APPROVED,
                contest__voting_open__lte=now,
                contest__voting_close__gt=now,
            ).values_list("pk", "contest_id")
        )
        table = Vote._meta.db_table
        at = connection.ops.adapt_datetimefield_value(now)
        at_day = connection.ops.adapt_datefield_value(day)
        with connection.cursor() as cursor:
            for b in pending:
                if (b.entry_id, b.contest_id) not in entries:
                    b.outcome = Outcome.REFUSED
                    continue
                cursor.execute(
                    f"INSERT INTO {table} (contest_id, entry_id, phone, slot, day, created_at,"
                    " network, device, void_reason) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '')"
                    " ON CONFLICT (contest_id, phone, slot) DO NOTHING RETURNING id",
                    [b.contest_id, b.entry_id, b.phone, b.slot, at_day, at, b.network, b.device],
                )
                counted = cursor.fetchone() is not None
                b.outcome = Outcome.COUNTED if counted else Outcome.ALREADY
                if counted:
                    added[b.entry_id] = added.get(b.entry_id, 0) + 1
        for entry_id, n in added.items():
            Entry.objects.filter(pk=entry_id).update(votes=F("votes") + n)
        totals = dict(Entry.objects.filter(pk__in=added).values_list("pk", "votes"))
    for b in pending:
        if b.outcome == Outcome.COUNTED:
            b.votes = totals.get(b.entry_id)
