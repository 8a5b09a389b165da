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
        # The share of documents acknowledged (and reported) on time, for targets.
        from hoiso.documents import metrics  # noqa: F401
