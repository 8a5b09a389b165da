from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows. An anonymous
# concern is never audited by its author: only the cadres' steps are.
AUDIT_ACTIONS = {
    "voices.recorded": _("Recorded a member's concern"),
    "voices.answered": _("Answered a concern"),
    "voices.forwarded": _("Forwarded a concern to the unit above"),
    "voices.closed": _("Closed a concern"),
    "voices.reopened": _("Reopened a concern"),
    "voices.settings": _("Changed how the unit takes concerns"),
    "survey.created": _("Wrote a survey"),
    "survey.opened": _("Opened a survey to answers"),
}


class VoicesConfig(AppConfig):
    name = "hoiso.voices"
    label = "voices"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
        from hoiso.notifications.kinds import Kind, register
        from hoiso.notifications.models import Channel
        from hoiso.voices import metrics  # noqa: F401

        register(Kind("concern_urgent", (Channel.SMS, Channel.EMAIL, Channel.INAPP)))
        register(
            Kind("concern_answered", (Channel.ZALO_OA, Channel.ZNS, Channel.SMS, Channel.INAPP))
        )
        # The one-time code a member asks for to send a concern from any phone, by her number.
        register(Kind("concern_code", (Channel.ZNS, Channel.SMS), requested=True))
        register(Kind("survey", (Channel.ZALO_OA, Channel.ZNS, Channel.SMS, Channel.INAPP)))
        # A member's message to the unit's Zalo Official Account arrives as a concern.
        from django.db.models.signals import post_save

        from hoiso.notifications.models import Inbound
        from hoiso.voices.services import from_zalo

        post_save.connect(from_zalo, sender=Inbound, dispatch_uid="voices-from-zalo")
