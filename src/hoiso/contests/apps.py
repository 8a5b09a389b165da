from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "contest.created": _("Created a contest"),
    "contest.changed": _("Changed a contest"),
    "contest.prizes": _("Changed a contest's prizes"),
    "contest.judges": _("Changed a contest's judges"),
    "contest.criteria": _("Changed a contest's criteria"),
    "contest.entry_submitted": _("Sent an entry to a contest"),
    "contest.entry_approved": _("Approved a contest entry"),
    "contest.entry_rejected": _("Rejected a contest entry"),
    "contest.scored": _("Scored a contest entry"),
}


class ContestsConfig(AppConfig):
    name = "hoiso.contests"
    label = "contests"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
        from hoiso.notifications.kinds import Kind, register
        from hoiso.notifications.models import Channel

        # The submitter of an entry hears whether it was approved, or why not.
        register(Kind("contest_entry", (Channel.ZALO_OA, Channel.ZNS, Channel.SMS, Channel.INAPP)))
        from hoiso.contests import vote_setup

        vote_setup.ready()
