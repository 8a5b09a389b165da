"""Serve the app with gunicorn and run the task worker beside it, until Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hoiso.demo.management.commands.seed_demo import login_help
from hoiso.demo.services import demo_is_loaded

DAILY_SECONDS = 24 * 3600


class Daily:
    """A command run at start and every `every` seconds after, by the serve loop's polling.

    The daily jobs (target reminders) are idempotent, so a restart that runs one again early
    sends nothing twice.
    """

    def __init__(
        self,
        argv: list[str],
        every: float = DAILY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        spawn: Callable[[list[str]], Any] = subprocess.Popen,
    ) -> None:
        self.argv, self.every, self.clock, self.spawn = argv, every, clock, spawn
        self.next = clock()

    def poll(self) -> None:
        if self.clock() >= self.next:
            self.spawn(self.argv)
            self.next = self.clock() + self.every


class Command(BaseCommand):
    help = "Run gunicorn (the web server) and the task worker together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))

    def handle(self, *args: Any, bind: str, workers: int, **options: Any) -> None:
        web = [sys.executable, "-m", "gunicorn", "hoiso.wsgi:application", "--bind", bind]
        web += ["--workers", str(workers), "--timeout", "120"]
        if os.environ.get("ACCESS_LOG"):
            web += ["--access-logfile", "-"]
        worker = [sys.executable, "-m", "hoiso", "db_worker", "--interval", "1"]
        procs = [subprocess.Popen(web), subprocess.Popen(worker)]
        time.sleep(1.5)  # let gunicorn's start-up lines pass, so that these stay in view
        self.stdout.write(f"\nHội Số đang chạy tại http://{bind}/ (Ctrl-C để dừng / to stop)")
        if demo_is_loaded():
            self.stdout.write(login_help())

        def stop(*_: Any) -> None:
            for p in procs:
                if p.poll() is None:
                    p.terminate()

        signal.signal(signal.SIGTERM, stop)
        reminders = Daily([sys.executable, "-m", "hoiso", "target_reminders"])
        purge = Daily([sys.executable, "-m", "hoiso", "purge_files"])
        try:
            while all(p.poll() is None for p in procs):
                reminders.poll()
                purge.poll()
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for p in procs:
                p.wait(timeout=15)
        codes = [p.returncode for p in procs]
        if any(c not in (0, -signal.SIGTERM, -signal.SIGINT) for c in codes):
            raise SystemExit(1)
