from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "unit.closed": _("Closed a unit"),
    "unit.created": _("Added a unit"),
    "unit.renamed": _("Renamed a unit"),
    "unit.successor_confirmed": _("Confirmed which unit took over a split old unit"),
    "unit.updated": _("Changed a unit"),
    "units.loaded": _("Loaded official units"),
    "units.history_loaded": _("Loaded the units before the 2025 reform"),
}


class UnitsConfig(AppConfig):
    name = "hoiso.units"
    label = "units"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
