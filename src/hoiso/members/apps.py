from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions, formats

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "member.account_enabled": _("Let a member log in"),
    "member.admitted": _("Admitted a member"),
    "member.deletion_answered": _("Answered an erasure request"),
    "member.deletion_requested": _("Asked for her data to be erased"),
    "member.erased": _("Erased a member's personal data"),
    "member.moved": _("Moved a member to another branch"),
    "member.removed": _("Removed a member"),
    "member.restored": _("Restored a member"),
    "member.self_updated": _("Corrected her contact details"),
    "member.sensitive_viewed": _("Viewed sensitive data"),
    "member.transfer_cancelled": _("Cancelled a transfer"),
    "member.transfer_refused": _("Refused a transfer"),
    "member.transfer_requested": _("Asked for a transfer"),
    "member.transferred": _("Accepted a transfer"),
    "member.updated": _("Corrected a member's record"),
    "members.exported": _("Exported a member list"),
    "members.filtered_sensitive": _("Filtered members by sensitive data"),
    "members.import_started": _("Uploaded a member list"),
    "members.imported": _("Imported members"),
    "members.searched_citizen_id": _("Searched by citizen ID"),
}


def no_active_members(unit: Any) -> str:
    """A unit closes only once its members have moved to another branch."""
    from hoiso.members.models import Member  # models load once the app registry is ready

    if n := Member.objects.within(unit).active().count():
        return gettext(
            "%(n)s active members still belong here; move them to another branch first."
        ) % {"n": formats.number(n)}
    return ""


class MembersConfig(AppConfig):
    name = "hoiso.members"
    label = "members"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
        from hoiso.units.services import closing_check

        closing_check(no_active_members)
        # Member metrics for targets (hoiso.metrics.registry).
        # Retention registers the deletion of the generated files that may name an erased
        # member (hoiso.members.erasure).
        from hoiso.members import metrics, retention  # noqa: F401
