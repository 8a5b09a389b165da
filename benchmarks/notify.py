"""A notice to every member of a province (50,000 by default) through fake SMS (eSMS) and Zalo
(ZNS) gateways that answer in 50 ms, sent by the real worker command, killed mid-way and started
again.

Builds (once, then reuses) a province with its members; members with a phone consented to Zalo
by phone (those who use Zalo) or to SMS (the others); those without a phone get it in Hội Số.
Then prints JSON:
- queue_s: notify() for the whole province (one set-based write), wall time;
- delivery: messages sent per second from the first worker's start to the end of the second
  worker, the pause between the kill and the restart left out, and the same over the HTTP
  channels alone; the workers' CPU seconds (the machine is shared: the rate per CPU second tells
  what two free cores would do); messages a provider turned away for a while are sent on their
  retry after that (retry_tail_s);
- lost: messages not sent at the end, and keys the gateways never saw;
- sent_twice_sms: SMS keys that reached a phone twice (eSMS refuses a RequestId it has seen);
- zns_requests_repeated: ZNS requests repeated after the restart — Zalo documents no
  deduplication by tracking_id, so these are the messages in doubt after a crash.

    python benchmarks/notify.py                      # SQLite, in var/bench_notify/
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/wt_bench python benchmarks/notify.py

Options: --members N (50,000), --latency S (0.05), --threads N (128: the worker's sending
threads), --batch N (1,000 messages claimed at a time), --workers N (1: worker processes
side by side, as several `db_worker`s would run; their claims never overlap), --kill-at F (0.4: kill the worker once
this share is sent, once requests of its next batch have reached the gateways), --rebuild.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

SMOKE_ARGS = ["--members", "300", "--latency", "0.01", "--threads", "8", "--batch", "50"]
SMOKE_KEYS = ["database", "messages", "queue_s", "delivery_per_s", "lost", "sent_twice_sms"]

from members import _create_postgres_database  # noqa: E402

CLAIM_TIMEOUT = 2


def _setup_environment(threads: int, batch: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoiso.settings")
    os.environ.setdefault("HOISO_VAR", str(ROOT / "var" / "bench_notify"))
    os.environ.setdefault("STATIC_MANIFEST", "0")
    # Nothing is booked in the task queue: the benchmark runs the worker command itself.
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.update(
        NOTIFY_SMS_BACKEND="esms", NOTIFY_ZALO_BACKEND="zalo", ESMS_API_KEY="k",
        ESMS_SECRET_KEY="s", ESMS_BRANDNAME="HOISO", ZALO_ACCESS_TOKEN="t",
        ZALO_ZNS_TEMPLATES="notice=1001", NOTIFY_DAILY_BUDGET="2000000000",
        NOTIFY_QUIET_START="0", NOTIFY_QUIET_END="0", NOTIFY_SEND_THREADS=str(threads),
        NOTIFY_CLAIM_TIMEOUT=str(CLAIM_TIMEOUT), NOTIFY_BATCH=str(batch),
    )  # fmt: skip
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        _create_postgres_database(url)


def build(members: int) -> None:
    """A province (Đắk Lắk's real communes), a branch per commune, members, their consents."""
    from django.db import transaction
    from django.utils import timezone

    from hoiso.demo.people import populate
    from hoiso.demo.services import _bulk_children
    from hoiso.members.models import Member
    from hoiso.notifications.models import Channel, Consent
    from hoiso.units.models import Level, Unit
    from hoiso.units.services import find_province, load_province

    with transaction.atomic():
        province = load_province(province=find_province("Đắk Lắk")).province
        communes = list(Unit.objects.filter(parent=province).order_by("code"))
        _bulk_children([(c, Unit(parent=c, level=Level.BRANCH, code=f"{c.code}-01",
                                 name="Chi hội Thôn 1")) for c in communes])  # fmt: skip
    populate(province, members, seed=11)
    now = timezone.now()
    rows = Member.objects.exclude(phone="").values_list("pk", "uses_zalo")
    consents = [Consent(member_id=pk, channel=Channel.ZNS if zalo else Channel.SMS, at=now,
                        source="benchmark") for pk, zalo in rows]  # fmt: skip
    Consent.objects.bulk_create(consents, batch_size=2000)


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "hoiso", "deliver_messages"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def run(args: argparse.Namespace) -> dict[str, object]:
    from django.db import connection
    from django.utils import timezone

    from hoiso.members.models import Member
    from hoiso.notifications.fakes import FakeEsms, FakeZalo
    from hoiso.notifications.models import Budget, Channel, Message, Status
    from hoiso.notifications.services import notice_context, notify
    from hoiso.units.models import Level, Unit

    Message.objects.all().delete()
    Budget.objects.all().delete()
    province = Unit.objects.get(level=Level.PROVINCE)
    with FakeEsms(latency=args.latency) as esms, FakeZalo(latency=args.latency) as zalo:
        env = {**os.environ, "ESMS_BASE_URL": esms.url, "ZALO_ZNS_BASE_URL": zalo.url,
               "ZALO_OA_BASE_URL": zalo.url, "PYTHONPATH": str(ROOT / "src")}  # fmt: skip
        context = notice_context(province, "Họp mặt kỷ niệm", "Mời chị em dự họp mặt 20/10.")
        t0, c0 = time.perf_counter(), time.process_time()
        queued = notify(Member.objects.filter(province=province).active(), "notice", context,
                        sender=None, key=f"bench:{timezone.now().timestamp()}", unit=province)  # fmt: skip
        queue_s, queue_cpu_s = time.perf_counter() - t0, time.process_time() - c0
        total = Message.objects.count()
        by_channel = dict(
            Message.objects.values_list("channel").annotate(n=models_count()).order_by()
        )
        connection.close()

        start = time.perf_counter()
        first = [_worker(env) for _ in range(args.workers)]
        target = int(total * args.kill_at)
        while any(w.poll() is None for w in first) and _sent() < target:
            time.sleep(0.05)
        # Kill it while requests of a claimed batch have reached the gateways but their answers
        # are not yet written back: the worst moment for "sent twice".
        deadline = time.perf_counter() + 10
        while any(w.poll() is None for w in first) and time.perf_counter() < deadline:
            http_saved = Message.objects.filter(
                channel__in=[Channel.SMS, Channel.ZNS], status=Status.SENT
            ).count()
            if len(esms.keys) + len(zalo.keys) >= http_saved + 100:
                break
            time.sleep(0.01)
        in_flight_before = Message.objects.filter(status=Status.SENDING).count()
        for w in first:
            w.send_signal(signal.SIGKILL)
            w.wait()
        seen_at_kill = len(esms.keys) + len(zalo.keys)
        killed_at = _sent()
        in_flight = max(in_flight_before, Message.objects.filter(status=Status.SENDING).count())
        pause_start = time.perf_counter()
        time.sleep(CLAIM_TIMEOUT + 0.2)  # the claims of the dead worker expire
        pause = time.perf_counter() - pause_start
        second = [_worker(env) for _ in range(args.workers)]
        for w in second:
            w.wait()
        elapsed = time.perf_counter() - start - pause
        sent_in_run = _sent()
        # What a provider turned away for a while waits for its retry (30 s, then 2 min…): the
        # task would run again then; here the worker is started again until nothing waits.
        tail_start, rounds = time.perf_counter(), 0
        while rounds < 4 and Message.objects.filter(status=Status.QUEUED).exists():
            due = Message.objects.filter(status=Status.QUEUED).order_by("next_try").first()
            assert due is not None
            time.sleep(max(0.0, (due.next_try - timezone.now()).total_seconds()) + 0.1)
            _worker(env).wait()
            rounds += 1
        retry_tail = time.perf_counter() - tail_start
        sent = _sent()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = usage.ru_utime + usage.ru_stime
        http_total = by_channel.get(Channel.SMS, 0) + by_channel.get(Channel.ZNS, 0)
        sms_keys = set(Message.objects.filter(channel=Channel.SMS).values_list("key", flat=True))
        zns_keys = set(Message.objects.filter(channel=Channel.ZNS).values_list("key", flat=True))
        return {
            "database": connection.vendor,
            "messages": total,
            "queued": queued,
            "by_channel": by_channel,
            "queue_s": round(queue_s, 2),
            "queue_cpu_s": round(queue_cpu_s, 2),
            "load_average": os.getloadavg()[0],
            "delivery_s": round(elapsed, 2),
            "delivery_per_s": round(sent_in_run / elapsed, 1),
            "worker_cpu_s": round(worker_cpu, 1),
            "messages_per_worker_cpu_s": round(sent / worker_cpu, 1),
            "sent_before_retries": sent_in_run,
            "retry_tail_s": round(retry_tail, 1),
            "failed": Message.objects.filter(status=Status.FAILED).count(),
            "http_messages_per_s": round(http_total / elapsed, 1),
            "latency_ms": args.latency * 1000,
            "threads": args.threads,
            "batch": args.batch,
            "workers": args.workers,
            "killed_after_sent": killed_at,
            "claimed_when_killed": in_flight,
            "requests_seen_when_killed": seen_at_kill,
            "lost": total - sent + len(sms_keys - set(esms.sent)) + len(zns_keys - set(zalo.sent)),
            "sent_twice_sms": sum(1 for n in esms.sent.values() if n > 1),
            "sms_requests_repeated": sum(n - 1 for n in esms.keys.values() if n > 1),
            "zns_requests_repeated": sum(n - 1 for n in zalo.keys.values() if n > 1),
        }


def _sent() -> int:
    from hoiso.notifications.models import Message, Status

    return Message.objects.filter(status__in=[Status.SENT, Status.DELIVERED]).count()


def models_count():  # type: ignore[no-untyped-def]
    from django.db.models import Count

    return Count("id")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--threads", type=int, default=128)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--kill-at", type=float, default=0.4)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    _setup_environment(args.threads, args.batch)
    import django

    django.setup()
    from django.core.management import call_command

    from hoiso.members.models import Member

    call_command("migrate", verbosity=0)
    if args.rebuild or Member.objects.count() != args.members:
        from django.db import connection

        if Member.objects.exists():
            call_command("flush", interactive=False, verbosity=0)
        build(args.members)
        connection.close()
    print(json.dumps(run(args), indent=2))


if __name__ == "__main__":
    main()
