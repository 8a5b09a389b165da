from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "restructuring.applied": _("Restructured units"),
    "restructuring.undone": _("Undid a restructuring"),
    "restructuring.assignment_moved": _("Moved a role to the successor unit"),
    "restructuring.assignment_ended": _("Ended a role after a restructuring"),
}


class RestructuringConfig(AppConfig):
    """Merge, split, move, rename units and dissolve a level: previewed, dated, undoable. It moves
    rows of several apps (members, accounts, channels, targets), so it sits above them all."""

    name = "hoiso.restructuring"
    label = "restructuring"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
