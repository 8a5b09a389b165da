"""Delete exports, import previews, error workbooks and uploaded lists older than the retention
period (GENERATED_FILES_RETENTION_DAYS; run daily, `serve` does it)."""

from typing import Any

from django.core.management.base import BaseCommand

from hoiso.members.retention import files_purge


class Command(BaseCommand):
    help = "Delete generated files (exports, import previews and sources) past their retention."

    def handle(self, *args: Any, **options: Any) -> None:
        done = files_purge()
        self.stdout.write(
            f"{done.exports} export(s), {done.imports} import(s), {done.stray} stray file(s) deleted, "
            f"{done.account_lists} cadre list(s) cleared"
        )
