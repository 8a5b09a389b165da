from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "rating.scheme_created": _("Set a yearly rating of units"),
    "rating.scheme_updated": _("Changed a yearly rating's points"),
    "rating.scheme_copied": _("Copied last year's rating criteria"),
    "rating.criterion_saved": _("Saved a rating criterion"),
    "rating.criterion_deleted": _("Deleted a rating criterion"),
    "rating.saved": _("Saved the unit's self-assessment"),
    "rating.evidence_removed": _("Removed a file of evidence"),
    "rating.submitted": _("Sent the self-assessment up"),
    "rating.decided": _("Decided a unit's yearly rating"),
    "rating.reopened": _("Reopened a unit's yearly rating"),
    "ratings.exported": _("Exported the list by rating"),
}


class RatingsConfig(AppConfig):
    name = "hoiso.ratings"
    label = "ratings"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
        from hoiso.notifications.kinds import Kind, register
        from hoiso.notifications.models import Channel

        # Cadres hear of each step in Hội Số, and by e-mail where they gave one and agreed.
        for code in ("rating_submitted", "rating_decided", "rating_reopened"):
            register(Kind(code, (Channel.EMAIL, Channel.INAPP)))
