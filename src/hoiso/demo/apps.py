from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "demo.loaded": _("Loaded the demo data"),
}


class DemoConfig(AppConfig):
    name = "hoiso.demo"
    label = "demo"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)

    def serve_banner(self) -> str:
        """The demo logins, under `serve`'s first lines, once the demo is loaded."""
        from hoiso.demo.management.commands.seed_demo import login_help
        from hoiso.demo.services import demo_is_loaded

        return login_help() if demo_is_loaded() else ""
