from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "notice.sent": _("Sent a notice"),
    "consent.given": _("Consent to be contacted given"),
    "consent.withdrawn": _("Consent to be contacted withdrawn"),
    "notify.budget_warning": _("Messages: 80% of the day's budget spent"),
    "follower.linked": _("Linked a Zalo follower to a member"),
}


class NotificationsConfig(AppConfig):
    name = "hoiso.notifications"
    label = "notifications"

    def ready(self) -> None:
        from hoiso.accounts.bulk import set_password_courier
        from hoiso.notifications.services import passwords_send

        audit_actions.declare(AUDIT_ACTIONS)
        # Accounts in bulk may send new cadres their passwords: through this app, above it.
        set_password_courier(passwords_send)
