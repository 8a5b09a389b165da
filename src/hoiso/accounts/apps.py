from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "account.created": _("Created an account"),
    "account.bulk_created": _("Created accounts from a spreadsheet"),
    "account.logged_in": _("Logged in"),
    "account.logged_out": _("Logged out"),
    "account.password_changed": _("Changed the password"),
    "account.token_created": _("Created an API token"),
    "account.token_revoked": _("Revoked an API token"),
    "assignment.created": _("Gave a role"),
    "assignment.revoked": _("Removed a role"),
    "assignment.full_time": _("Marked a role as full-time or not"),
}


class AccountsConfig(AppConfig):
    name = "hoiso.accounts"
    label = "accounts"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
