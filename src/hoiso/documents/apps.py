from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "document.issued": _("Issued a document"),
    "document.acknowledged": _("Acknowledged a document"),
    "document.reported": _("Reported back on a document"),
    "document.reminded": _("Reminded the recipients of a document"),
    "document.forwarded": _("Forwarded a document to the units below"),
    "documents.exported": _("Exported the register of documents"),
    "meeting.created": _("Called an online meeting"),
    "meeting.answered": _("Answered a meeting invitation"),
    "meeting.joined": _("Joined an online meeting by Hội Số's link"),
    "meeting.attendance": _("Recorded who attended a meeting"),
    "meeting.minutes": _("Issued a meeting's minutes or conclusions"),
    "calendar.token_created": _("Made a private address for a calendar feed"),
    "calendar.token_revoked": _("Revoked a calendar feed address"),
}


class DocumentsConfig(AppConfig):
    name = "hoiso.documents"
    label = "documents"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
        from hoiso.notifications.kinds import Kind, register
        from hoiso.notifications.models import Channel

        # A document has come to the unit (or is still waiting on it): in Hội Số, or by e-mail
        # to a cadre who agreed to it.
        register(Kind("document", (Channel.EMAIL, Channel.INAPP)))
        # An invitation to an online meeting, and the reminders before it (the hour before is
        # worth an SMS or a Zalo message to one who agreed to them).
        register(Kind("meeting", (Channel.EMAIL, Channel.INAPP)))
        register(Kind("meeting_reminder", (Channel.ZNS, Channel.SMS, Channel.EMAIL, Channel.INAPP)))
        # The share of documents acknowledged (and reported) on time, for targets.
        from hoiso.documents import metrics  # noqa: F401
