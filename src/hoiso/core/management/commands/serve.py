"""Serve the app with gunicorn and run the task worker beside it, until Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run gunicorn (the web server) and the task worker together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))

    def handle(self, *args: Any, bind: str, workers: int, **options: Any) -> None:
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "hoiso.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]
        worker = [sys.executable, "-m", "hoiso", "db_worker", "--interval", "1"]
        procs = [subprocess.Popen(web), subprocess.Popen(worker)]
        self.stdout.write(f"Hội Số đang chạy tại http://{bind}/ (Ctrl-C để dừng / to stop)")

        def stop(*_: Any) -> None:
            for p in procs:
                if p.poll() is None:
                    p.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(p.poll() is None for p in procs):
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
