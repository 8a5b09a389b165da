from typing import Any

from django.core.management.base import BaseCommand

from hoiso.voices.services import rise_due


class Command(BaseCommand):
    help = "Move concerns left unanswered past their unit's delay to the unit above (daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        risen = rise_due()
        self.stdout.write(f"{risen} ý kiến chuyển lên cấp trên / concerns rose to the unit above")
