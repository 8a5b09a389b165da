from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "units.setup_reminded": _("Reminded communes to finish their set-up"),
}


class PagesConfig(AppConfig):
    """Views that compose several apps (a unit's home, the front door): above the domain apps."""

    name = "hoiso.pages"
    label = "pages"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
