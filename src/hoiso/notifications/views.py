"""A unit's notices (send one, follow its messages), its outbox, its followers' messages; and a
person's own messages and channel preferences."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.models import User
from hoiso.accounts.roles import SEND_NOTICES
from hoiso.members.me import member_required
from hoiso.members.models import Member
from hoiso.notifications import audiences, services
from hoiso.notifications.forms import NoticeForm, PreferenceForm
from hoiso.notifications.models import EXTERNAL, Channel, Consent, Message, Preference, Status
from hoiso.notifications.selectors import (
    access_broadcast,
    broadcasts_of,
    inbound_within,
    messages_of,
    messages_within,
)

PAGE = 50


@gate(SEND_NOTICES)
def notices(request: HttpRequest, scope: Scope) -> HttpResponse:
    sent = list(broadcasts_of(scope.unit)[:50])
    return render(request, "notifications/notices.html", {"unit": scope.unit, "sent": sent})


@gate(SEND_NOTICES)
def notice_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = NoticeForm(request.POST or None, unit=scope.unit)
    context: dict[str, Any] = {"unit": scope.unit, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipients = audiences.resolve(scope.unit, data["audience"])
        assert recipients is not None  # the form checked it
        if request.POST.get("action") == "send":
            broadcast = services.broadcast_send(
                actor=scope.user, unit=scope.unit, title=data["title"], body=data["body"],
                audience=data["audience"], audience_label=form.audience_label(),
                recipients=recipients, urgent=data["urgent"],
            )  # fmt: skip
            messages.success(request, _("The notice is on its way to %(n)s people.")
                             % {"n": broadcast.recipients})  # fmt: skip
            return redirect("notifications:notice", unit_code=scope.unit.code, pk=broadcast.pk)
        notice = services.notice_context(scope.unit, data["title"], data["body"])
        found = services.estimate(recipients, "notice", notice, scope.unit)
        context["estimate"] = found
        context["by_channel"] = [(Channel(c).label, n) for c, n in found.by_channel.items()]
    return render(request, "notifications/notice_form.html", context)


@gate(SEND_NOTICES)
def notice_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    broadcast = access_broadcast(scope, pk)
    counts = dict(broadcast.messages.values_list("status").annotate(n=Count("id")).order_by())
    rows = list(broadcast.messages.order_by("name", "id")[:200])
    context = {
        "unit": scope.unit,
        "broadcast": broadcast,
        "counts": [(s.label, counts.get(s.value, 0), s.value) for s in Status],
        "rows": rows,
    }
    return render(request, "notifications/notice.html", context)


@gate(SEND_NOTICES)
def outbox(request: HttpRequest, scope: Scope) -> HttpResponse:
    """Each message as it was, or would have been, sent: a newcomer sees what left and how."""
    page = max(
        1, int(request.GET.get("page", "1") or 1) if request.GET.get("page", "1").isdigit() else 1
    )
    rows = list(messages_within(scope.unit)[(page - 1) * PAGE : page * PAGE + 1])
    shown = [(m, _shown_text(m)) for m in rows[:PAGE]]
    context = {"unit": scope.unit, "rows": shown, "page": page, "more": len(rows) > PAGE}
    return render(request, "notifications/outbox.html", context)


def _shown_text(m: Message) -> str:
    """The text as its channel carried it; a secret message's never (`Message.shown_short`)."""
    return m.shown_short if m.channel in (Channel.SMS, Channel.ZNS) else m.shown_body


@gate(SEND_NOTICES)
def inbox(request: HttpRequest, scope: Scope) -> HttpResponse:
    """What followers wrote to the union's Zalo page: members' messages in their commune, and
    those from people no member matches, apart."""
    found = list(inbound_within(scope.unit)[:100])
    context = {
        "unit": scope.unit,
        "known": [i for i in found if i.member_id is not None],
        "unknown": [i for i in found if i.member_id is None],
    }
    return render(request, "notifications/inbox.html", context)


# --- A person's own messages and preferences ---------------------------------------------------


def _initial(who: dict[str, Any]) -> dict[str, Any]:
    consented = list(Consent.objects.filter(**who, given=True).values_list("channel", flat=True))
    pref = Preference.objects.filter(**who).first()
    first = pref.channels[0] if pref and pref.channels else Channel.INAPP
    return {"consents": consented, "first": first, "sms_plain": pref.sms_plain if pref else True}


def _save(form: PreferenceForm, who: dict[str, Any], actor: User) -> bool:
    data = form.cleaned_data
    chosen = set(data["consents"])
    if data["first"] in EXTERNAL and data["first"] not in chosen:
        form.add_error("first", _("Please tick this channel above too, or choose another."))
        return False
    before = set(_initial(who)["consents"])
    for channel in EXTERNAL:
        if (channel in chosen) != (channel in before):
            services.consent_set(actor=actor, channel=channel, given=channel in chosen,
                                 source="self, on Hội Số", **who)  # fmt: skip
    order = [data["first"], *[c for c in EXTERNAL if c in chosen and c != data["first"]]]
    services.preference_set(channels=order, sms_plain=data["sms_plain"], **who)
    return True


def _preferences(request: HttpRequest, who: dict[str, Any], template: str,
                 extra: dict[str, Any]) -> HttpResponse:  # fmt: skip
    form = PreferenceForm(request.POST or None, initial=_initial(who))
    user = cast(User, request.user)
    if request.method == "POST" and form.is_valid() and _save(form, who, user):
        messages.success(request, _("Your choices are saved."))
        return redirect(request.path)
    consents = list(Consent.objects.filter(**who).order_by("channel"))
    received = list(messages_of(**who)[:30])
    return render(
        request, template, {"form": form, "consents": consents, "received": received, **extra}
    )


@member_required
def my_messages(request: HttpRequest, member: Member) -> HttpResponse:
    """A member's messages from the union, and how she wants to receive them."""
    return _preferences(request, {"member": member}, "notifications/me.html", {"member": member})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """A cadre's messages from Hội Số (reminders, notices), and how she wants to receive them."""
    return _preferences(request, {"user": request.user}, "notifications/me.html", {"member": None})
