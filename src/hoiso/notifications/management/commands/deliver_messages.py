from typing import Any

from django.core.management.base import BaseCommand

from hoiso.notifications.delivery import deliver


class Command(BaseCommand):
    help = "Send the messages that are due (the background task does this on its own)."

    def handle(self, *args: Any, **options: Any) -> None:
        run = deliver()
        self.stdout.write(
            f"{run.sent} sent, {run.retried} to retry, {run.moved} on their next channel, "
            f"{run.failed} failed, {run.recovered} taken back from a stopped worker"
        )
