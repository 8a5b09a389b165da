"""The public vote under load: the vote endpoint as production serves it, against a plain Django
view that inserts one row, in the same run.

Starts `python -m hoiso serve` (gunicorn, the web workers and threads given, the task worker
beside it) on a free port of 127.0.0.1, makes a contest in its public vote with --entries
approved entries and --voters phones whose passes are already issued (as after their codes),
then, from this process, keeps --connections HTTP/1.1 keep-alive connections busy for --seconds:
1. `POST /v/<contest>/<entry>` with each voter's pass; a share (--repeats) of the requests are a
   voter's second vote for the same entry on the same day, which must be refused (409);
2. the same load against the reference view (a plain Django view through the whole middleware
   stack, inserting one vote row with the ORM), routed only because this script sets
   VOTE_BENCH_REFERENCE for the server.
Then it counts in the database: the votes rows and the entries' counts must equal the votes the
endpoint accepted (none lost, none doubled), and there must be no error.

The load generator is asyncio with raw HTTP/1.1 on one thread; its CPU time is reported (it
shares the machine's cores with the server and the database).

    python benchmarks/votes.py                      # SQLite, in var/bench_votes/
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_votes python benchmarks/votes.py

Options: --seconds N (10), --connections N (64), --entries N (30), --workers N (2),
--threads N (32), --repeats SHARE (0.05).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

SMOKE_ARGS = ["--seconds", "1", "--connections", "4", "--entries", "3", "--workers", "1",
              "--threads", "4"]  # fmt: skip
SMOKE_KEYS = ["database", "votes_per_s", "p99_ms", "accepted", "in_database", "counted",
              "lost", "doubled", "errors", "reference_per_s", "ratio"]  # fmt: skip

from members import _create_postgres_database  # noqa: E402

SECRET = "bench-votes-secret-not-for-production"
USER_AGENT = "bench-votes/1"


def _setup() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        _create_postgres_database(url)
    else:
        os.environ.setdefault("HOISO_VAR", str(ROOT / "var" / "bench_votes"))
    os.environ["SECRET_KEY"] = SECRET
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoiso.settings")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _contest(entries: int) -> tuple[int, list[int]]:
    """A fresh contest in its public vote, with approved entries."""
    import datetime as dt

    from django.utils import timezone

    from hoiso.contests.models import Contest, Entry, EntryStatus, VoteRule
    from hoiso.units.models import Level, Unit
    from hoiso.units.services import central_unit, unit_insert

    province = Unit.objects.filter(code="bench-votes").first() or unit_insert(
        parent=central_unit(), level=Level.PROVINCE, code="bench-votes", name="Tỉnh Bình Chọn"
    )
    now = timezone.now()
    day = dt.timedelta(days=1)
    contest = Contest.objects.create(
        unit=province, title="Ứng dụng CNTT trong tổ chức sinh hoạt hội",
        slug=f"bench-{int(time.time() * 1000)}", entries_open=now - 30 * day,
        entries_close=now - 20 * day, judging_open=now - 20 * day, judging_close=now - 10 * day,
        voting_open=now - day, voting_close=now + day, results_at=now + 2 * day,
        vote_rule=VoteRule.ENTRY_DAY,
    )  # fmt: skip
    made = Entry.objects.bulk_create(
        Entry(contest=contest, title=f"Bài dự thi {i + 1}", status=EntryStatus.APPROVED)
        for i in range(entries)
    )
    return contest.pk, [e.pk for e in made]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(port: int, workers: int, threads: int, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, VOTE_BENCH_REFERENCE="1", ALLOWED_HOSTS="127.0.0.1",
               SECRET_KEY=SECRET, WEB_THREADS=str(threads), LOG_LEVEL="WARNING",
               DB_POOL_MAX=str(max(8, threads)))  # fmt: skip
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hoiso",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.3)
    _stop(proc)
    raise SystemExit(f"the server did not start:\n{log.read_text()[-3000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


# --- CPU used by the server and the database --------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
    return found


def _cpu(server: int) -> dict[int, float]:
    """CPU seconds so far of the server's processes and, on PostgreSQL, of this database's
    backends (other databases' work on the machine is not counted)."""
    from django.db import connection

    pids = _descendants(server)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
            pids += [-pid for (pid,) in cursor.fetchall()]  # negative: a database backend
    return {pid: _cpu_of(abs(pid)) for pid in pids}


def _spent(before: dict[int, float], after: dict[int, float]) -> dict[str, float]:
    web = sum(t - before.get(p, 0.0) for p, t in after.items() if p > 0)
    db = sum(t - before.get(p, 0.0) for p, t in after.items() if p < 0)
    return {"server_cpu_s": round(web, 2), "database_cpu_s": round(db, 2)}


# --- The load generator -----------------------------------------------------------------------


class _Connection(asyncio.Protocol):
    """One keep-alive connection that sends the next request as soon as the last is answered."""

    def __init__(self, load: _Load) -> None:
        self.load, self.buffer, self.started = load, b"", 0.0
        self.finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self._send()

    def _send(self) -> None:
        request = self.load.next_request()
        if request is None:
            self.transport.close()
            return
        self.started = time.perf_counter()
        self.transport.write(request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            length = int(head[at + 15 :].split(b"\r\n", 1)[0]) if at >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                return
            body, self.buffer = (
                self.buffer[end + 4 : end + 4 + length],
                self.buffer[end + 4 + length :],
            )
            self.load.record(int(head[9:12]), time.perf_counter() - self.started, body)
            self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.finished.done():
            self.finished.set_result(None)


class _Load:
    def __init__(self, requests: list[bytes], repeats: list[bytes], repeat_share: float,
                 seconds: float) -> None:  # fmt: skip
        self.requests, self.repeats, self.share = requests, repeats, repeat_share
        self.deadline = 0.0
        self.seconds = seconds
        self.sent = 0
        self.status: dict[int, int] = {}
        self.latencies: list[float] = []
        self.rng = random.Random(7)
        self.ran_out = False

    def next_request(self) -> bytes | None:
        if time.perf_counter() >= self.deadline:
            return None
        if self.repeats and self.rng.random() < self.share:
            return self.rng.choice(self.repeats)
        if self.sent >= len(self.requests):
            self.ran_out = True
            return None
        self.sent += 1
        return self.requests[self.sent - 1]

    def record(self, status: int, seconds: float, body: bytes) -> None:
        self.status[status] = self.status.get(status, 0) + 1
        self.latencies.append(seconds)

    async def run(self, port: int, connections: int) -> dict[str, float]:
        loop = asyncio.get_running_loop()
        self.deadline = time.perf_counter() + self.seconds + 60  # until all are connected
        conns = []
        for _ in range(connections):
            _t, c = await loop.create_connection(lambda: _Connection(self), "127.0.0.1", port)
            conns.append(c)
        cpu, start = time.process_time(), time.perf_counter()
        self.deadline = start + self.seconds
        await asyncio.gather(*(c.finished for c in conns))
        wall = time.perf_counter() - start
        return {"wall_s": wall, "client_cpu_s": time.process_time() - cpu}


def _request(path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Origin: http://127.0.0.1",
             f"User-Agent: {USER_AGENT}", f"Content-Length: {len(body)}"]  # fmt: skip
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _phase(server: int, port: int, connections: int, seconds: float, requests: list[bytes],
           repeats: list[bytes], repeat_share: float) -> tuple[_Load, dict[str, float]]:  # fmt: skip
    load = _Load(requests, repeats, repeat_share, seconds)
    before = _cpu(server)
    timing = asyncio.run(load.run(port, connections))
    return load, {**timing, **_spent(before, _cpu(server))}


def _p(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2) if ordered else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--entries", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--repeats", type=float, default=0.05)
    args = parser.parse_args()
    _setup()
    from django.db import connection

    from hoiso.contests.ballots import device_of, pass_issue
    from hoiso.contests.models import Entry, Vote

    contest, entries = _contest(args.entries)
    rng = random.Random(11)
    # Enough voters for 6,000 votes a second; entries drawn with a skew (a few favourites).
    voters = int(args.seconds * 6000) + 1000
    weights = [1 / (i + 1) for i in range(len(entries))]
    chosen = rng.choices(entries, weights, k=voters)
    votes, repeats = [], []
    for i in range(voters):
        device_id = f"device-{i}"
        phone = f"09{i:08d}"
        token = pass_issue(contest, phone, device_of(device_id, USER_AGENT))
        req = _request(f"/v/{contest}/{chosen[i]}", {"X-Vote-Pass": token,
                                                     "X-Vote-Device": device_id})  # fmt: skip
        votes.append(req)
    # The repeated requests: voters who will have voted already (the first of the run).
    repeats = votes[: max(1, args.connections)]
    reference = [
        _request(
            "/bench/vote-reference/",
            {"Content-Type": "application/x-www-form-urlencoded"},
            f"contest={contest}&entry={chosen[i]}&phone=08{i:08d}".encode(),
        )
        for i in range(voters)
    ]
    port = _free_port()
    log = Path(os.environ.get("HOISO_VAR", ".")) / "bench-votes-server.log"
    server = _serve(port, args.workers, args.threads, log)
    try:
        # Warm-up: each worker's connections, its collector, the reference view's imports.
        _phase(server.pid, port, args.connections, 0.5, votes[-2000:], [], 0)
        fast, fast_t = _phase(server.pid, port, args.connections, args.seconds, votes[:-2000],
                              repeats, args.repeats)  # fmt: skip
        ref, ref_t = _phase(server.pid, port, args.connections, args.seconds, reference, [], 0)
    finally:
        _stop(server)
    warm = Vote.objects.filter(contest_id=contest, phone__startswith="09").count()
    accepted = fast.status.get(200, 0)
    # The warm-up's votes are in the table too: count them apart by their phones.
    warm_phones = {f"09{i:08d}" for i in range(voters - 2000, voters)}
    in_db = (
        Vote.objects.filter(contest_id=contest, phone__startswith="09")
        .exclude(phone__in=warm_phones)
        .count()
    )
    warm_count = warm - in_db
    counted = sum(Entry.objects.filter(contest_id=contest).values_list("votes", flat=True))
    ref_rows = Vote.objects.filter(contest_id=contest, phone__startswith="08").count()
    errors = sum(n for s, n in fast.status.items() if s not in (200, 409))
    ref_errors = sum(n for s, n in ref.status.items() if s != 200)
    wall = fast_t["wall_s"]
    per_s = accepted / wall
    ref_per_s = ref.status.get(200, 0) / ref_t["wall_s"]
    figures = {
        "database": connection.vendor,
        "connections": args.connections,
        "workers": args.workers,
        "threads": args.threads,
        "seconds": round(wall, 2),
        "votes_per_s": round(per_s, 1),
        "requests_per_s": round(len(fast.latencies) / wall, 1),
        "p50_ms": _p(fast.latencies, 0.50),
        "p99_ms": _p(fast.latencies, 0.99),
        "accepted": accepted,
        "refused_repeats": fast.status.get(409, 0),
        "in_database": in_db,
        "counted": counted - warm_count,
        "lost": max(0, accepted - in_db),
        "doubled": max(0, in_db - accepted),
        "errors": errors,
        "status": {str(k): v for k, v in sorted(fast.status.items())},
        "client_cpu_share": round(fast_t["client_cpu_s"] / wall, 2),
        # CPU per accepted vote (web workers + this database's backends): what the figure
        # would be on two free cores, whatever else ran on the machine meanwhile.
        "server_cpu_s": fast_t["server_cpu_s"],
        "database_cpu_s": fast_t["database_cpu_s"],
        "cpu_ms_per_vote": round(
            1000 * (fast_t["server_cpu_s"] + fast_t["database_cpu_s"]) / max(accepted, 1), 3
        ),
        "ran_out_of_voters": fast.ran_out,
        "reference_per_s": round(ref_per_s, 1),
        "reference_p99_ms": _p(ref.latencies, 0.99),
        "reference_rows": ref_rows,
        "reference_errors": ref_errors,
        "reference_client_cpu_share": round(ref_t["client_cpu_s"] / ref_t["wall_s"], 2),
        "reference_server_cpu_s": ref_t["server_cpu_s"],
        "reference_database_cpu_s": ref_t["database_cpu_s"],
        "reference_cpu_ms_per_row": round(
            1000
            * (ref_t["server_cpu_s"] + ref_t["database_cpu_s"])
            / max(ref.status.get(200, 0), 1),
            3,
        ),
        "ratio": round(per_s / ref_per_s, 2) if ref_per_s else None,
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "benchmark_cpu_s": round(resource.getrusage(resource.RUSAGE_SELF).ru_utime, 1),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
