from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "report_form.created": _("Created a report form"),
    "report_form.changed": _("Changed a report form"),
    "report.saved": _("Saved a periodic report"),
    "report.submitted": _("Submitted a periodic report"),
    "report.returned": _("Returned a periodic report"),
    "report.approved": _("Approved a periodic report"),
    "report.unapproved": _("Withdrew the approval of a periodic report"),
    "report.exported": _("Exported a consolidated report"),
    "report.sent": _("Sent a consolidated report as a document"),
}


class ReportsConfig(AppConfig):
    name = "hoiso.reports"
    label = "reports"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
        from hoiso.notifications.kinds import Kind, register
        from hoiso.notifications.models import Channel
        from hoiso.reports import metrics  # noqa: F401

        # Cadres read these where they work: in Hội Số, and on the union's Zalo account.
        for code in ("report_submitted", "report_returned", "report_approved", "report_unapproved"):
            register(Kind(code, (Channel.ZALO_OA, Channel.INAPP)))
