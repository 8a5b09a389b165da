"""Queue the reminders of online meetings that are due (run every few minutes; `serve` does)."""

from typing import Any

from django.core.management.base import BaseCommand

from hoiso.documents.meetings.services import reminders_send


class Command(BaseCommand):
    help = "Remind the invitees of online meetings the day before and the hour before."

    def handle(self, *args: Any, **options: Any) -> None:
        n = reminders_send()
        self.stdout.write(f"{n} reminder(s) queued")
