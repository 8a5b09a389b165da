"""Remind lagging units' cadres before a target's period ends (run daily; `serve` does it)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hoiso.targets.services import reminders_send


class Command(BaseCommand):
    help = "Send in-app (and, where EMAIL_HOST is set, e-mail) reminders to lagging units."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None,
                            help="Pretend today is this date (YYYY-MM-DD).")  # fmt: skip

    def handle(self, *args: Any, date: dt.date | None, **options: Any) -> None:
        n = reminders_send(today=date)
        self.stdout.write(f"{n} reminder(s) sent")
