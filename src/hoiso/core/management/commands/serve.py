"""Serve the app with gunicorn and run the task worker beside it, until Ctrl-C or SIGTERM.

A child that dies (the task worker, or gunicorn's master; gunicorn restarts its own web workers)
is started again, after a pause that doubles while it keeps dying young, so that a crash loop
does not spin; one child's death never stops the others.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser

DAILY_SECONDS = 24 * 3600
REMINDER_SECONDS = 5 * 60
log = logging.getLogger(__name__)


class Daily:
    """A command run at start and every `every` seconds after, by the serve loop's polling.

    The daily jobs (target reminders) and the five-minute one (meetings' reminders) are
    idempotent, so a restart that runs one again early sends nothing twice.
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


class Child:
    """One supervised process: started again when it dies, later each time it dies young."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        *,
        first_pause: float = 1.0,
        longest_pause: float = 60.0,
        settled: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name, self.argv, self.clock = name, argv, clock
        self.first_pause, self.longest_pause, self.settled = first_pause, longest_pause, settled
        self.pause = first_pause
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.restart_at: float | None = None
        self.starts = 0

    def start(self) -> None:
        # A session of its own: Ctrl-C reaches the supervisor only, which then stops each child.
        self.proc = subprocess.Popen(self.argv, start_new_session=True)
        self.started_at, self.restart_at = self.clock(), None
        self.starts += 1

    def poll(self) -> None:
        """Start the child again if it has died and its pause is over."""
        if self.proc is None:
            self.start()
            return
        if self.restart_at is None:
            code = self.proc.poll()
            if code is None:
                return
            lived = self.clock() - self.started_at
            # A child that ran a good while had a one-off failure: start it again soon.
            self.pause = self.first_pause if lived >= self.settled else self.pause
            self.restart_at = self.clock() + self.pause
            log.error(
                "%s stopped (exit %s); starting it again in %.0f s", self.name, code, self.pause
            )
            self.pause = min(self.pause * 2, self.longest_pause)
        if self.clock() >= self.restart_at:
            self.start()

    def stop(self, timeout: float = 15) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Supervisor:
    """The serve loop: keeps every child running until `stop` is asked for."""

    def __init__(self, children: list[Child], daily: list[Daily] | None = None) -> None:
        self.children, self.daily = children, daily or []
        self.stopping = False

    def poll(self) -> None:
        for child in self.children:
            child.poll()
        for job in self.daily:
            job.poll()

    def run(self, interval: float = 0.5) -> None:
        """Poll until asked to stop (SIGTERM through `stop`, or Ctrl-C), then stop every child."""
        try:
            while not self.stopping:
                self.poll()
                time.sleep(interval)
        except KeyboardInterrupt:
            pass
        finally:
            for child in self.children:
                child.stop()

    def stop(self, *_: Any) -> None:
        self.stopping = True


def banners() -> list[str]:
    """What the apps have to say once the server runs (the demo: its logins), each through an
    optional `serve_banner()` on its AppConfig: core names no app above it."""
    said = []
    for config in apps.get_app_configs():
        banner: Callable[[], str] | None = getattr(config, "serve_banner", None)
        if banner is not None and (text := banner()):
            said.append(text)
    return said


class Command(BaseCommand):
    help = "Run gunicorn (the web server) and the task worker together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))
        # Threads per worker: above 1, gunicorn's threaded worker, which keeps connections open
        # between requests and lets the public vote's requests wait on a shared commit.
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 1)))

    def handle(self, *args: Any, bind: str, workers: int, threads: int, **options: Any) -> None:
        web = [sys.executable, "-m", "gunicorn", "hoiso.wsgi:application", "--bind", bind]
        web += ["--workers", str(workers), "--timeout", "120"]
        if threads > 1:
            web += ["--threads", str(threads), "--keep-alive", "30"]
        if os.environ.get("ACCESS_LOG"):
            web += ["--access-logfile", "-"]
        worker = [sys.executable, "-m", "hoiso", "db_worker", "--interval", "1"]
        supervisor = Supervisor(
            [Child("the web server", web), Child("the task worker", worker)],
            [
                Daily([sys.executable, "-m", "hoiso", "target_reminders"]),
                Daily([sys.executable, "-m", "hoiso", "purge_files"]),
                Daily([sys.executable, "-m", "hoiso", "rise_concerns"]),
                # Meetings' reminders (the day before, the hour before) need a finer clock.
                Daily([sys.executable, "-m", "hoiso", "meeting_reminders"], every=REMINDER_SECONDS),
            ],
        )
        signal.signal(signal.SIGTERM, supervisor.stop)
        for child in supervisor.children:
            child.start()
        time.sleep(1.5)  # let gunicorn's start-up lines pass, so that these stay in view
        self.stdout.write(f"\nHội Số đang chạy tại http://{bind}/ (Ctrl-C để dừng / to stop)")
        for text in banners():
            self.stdout.write(text)
        supervisor.run()
