"""Recount the dues and roll tallies of branch life (activities.tally) for every province, or one.

    python -m hoiso rebuild_branch_tallies [--province CODE]

After dues or members were written outside the services (a database console, a bulk load).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hoiso.activities.tally import rebuild
from hoiso.units.models import Level, Unit


class Command(BaseCommand):
    help = "Recount the per-branch dues and member tallies that branch-life metrics read."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", help="the province's code (all provinces by default)")

    def handle(self, *args: Any, **options: Any) -> None:
        provinces = Unit.objects.filter(level=Level.PROVINCE)
        if options["province"]:
            provinces = provinces.filter(code=options["province"])
        for province in provinces:
            dues, roll = rebuild(province)
            self.stdout.write(
                f"{province.code} {province.name}: {dues} dues rows, {roll} member rows"
            )
