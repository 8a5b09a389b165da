from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "contest.created": _("Created a contest"),
    "contest.changed": _("Changed a contest"),
}


class ContestsConfig(AppConfig):
    name = "hoiso.contests"
    label = "contests"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
        from hoiso.contests import vote_setup

        vote_setup.ready()
