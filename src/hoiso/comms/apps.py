from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

# The actions this app writes to the audit log, in the words the audit page shows.
AUDIT_ACTIONS = {
    "channel.created": _("Registered a channel"),
    "channel.updated": _("Changed a channel"),
    "post.logged": _("Logged a post"),
    "posts.imported": _("Entered posts from a list"),
    "post.deleted": _("Deleted a post"),
    "article.published": _("Published an article"),
}


class CommsConfig(AppConfig):
    name = "hoiso.comms"
    label = "comms"

    def ready(self) -> None:
        audit_actions.declare(AUDIT_ACTIONS)
        # Post metrics for targets (hoiso.metrics.registry).
        from hoiso.comms import metrics  # noqa: F401
