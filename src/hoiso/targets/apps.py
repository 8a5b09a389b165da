from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "target.created": _("Set a target"),
    "target.updated": _("Changed a target"),
    "target.deleted": _("Deleted a target"),
    "targets.exported": _("Exported the targets"),
    "population.entered": _("Entered population figures"),
}


class TargetsConfig(AppConfig):
    name = "hoiso.targets"
    label = "targets"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
        # The metric this app owns (the recruitment rate needs the population figures kept
        # here); other apps register theirs from their own ready().
        from hoiso.metrics import versions
        from hoiso.targets import population_metrics  # noqa: F401
        from hoiso.targets.tasks import schedule_warm

        # Recompute the province's targets in the background after its data changes, so that
        # readers find them ready.
        versions.listen(schedule_warm)
