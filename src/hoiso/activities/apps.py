from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "activity.recorded": _("Recorded an activity"),
    "activity.attendance": _("Took attendance at a meeting"),
    "dues.recorded": _("Recorded membership dues"),
    "model_branch.rule_set": _("Set the model-branch thresholds"),
    "theme.added": _("Added the theme of a year"),
    "course.created": _("Opened a training course"),
    "course.trainee_added": _("Added a trainee to a course"),
    "course.trainee_assessed": _("Assessed a trainee"),
    "equipment.added": _("Added equipment"),
    "equipment.changed": _("Changed equipment"),
    "equipment.removed": _("Removed equipment"),
    "equipment_request.sent": _("Asked for equipment"),
    "equipment_request.forwarded": _("Forwarded an equipment request up"),
    "equipment_request.approved": _("Approved an equipment request"),
    "equipment_request.refused": _("Refused an equipment request"),
    "equipment_request.delivered": _("Delivered requested equipment"),
}


class ActivitiesConfig(AppConfig):
    name = "hoiso.activities"
    label = "activities"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
        # Activity, branch-life, training and equipment metrics for targets
        # (hoiso.metrics.registry); the services register how an erasure reaches
        # a member's training records (hoiso.members.erasure).
        from hoiso.activities import metrics, services  # noqa: F401
