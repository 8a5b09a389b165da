"""What the public vote registers when the app starts (called from ContestsConfig.ready()): its
audit action and its kind of message."""

from django.utils.translation import gettext_lazy as _

from hoiso.core import audit_actions

AUDIT_ACTIONS = {"vote.voided": _("Voided public votes")}


def ready() -> None:
    audit_actions.declare(AUDIT_ACTIONS)
    from hoiso.notifications.kinds import Kind, register
    from hoiso.notifications.models import Channel

    # The one-time code a voter asks for by typing her number: her request is her consent, and
    # the code is not kept once delivered.
    register(Kind("vote_code", (Channel.ZNS, Channel.SMS), requested=True, secret=True))
