"""A member's own pages: her card with its QR code, her record, her contact details, erasure."""

from __future__ import annotations

from functools import wraps
from typing import Any, cast

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hoiso.accounts.models import User
from hoiso.members import services
from hoiso.members.forms import ContactForm, DeletionRequestForm
from hoiso.members.models import Member


def member_required(view: Any) -> Any:
    """The logged-in user's own member record, or 404 for accounts that are not a member's."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = (
            Member.objects.select_related("branch", "commune", "province", "group")
            .filter(user=cast(User, request.user))
            .first()
        )
        if member is None:
            raise Http404("not a member")
        return view(request, member, *args, **kwargs)

    return wrapped


def card_qr(member: Member) -> str:
    """The card number as an inline SVG QR code (no image request on a slow link)."""
    qr = segno.make(member.card_number or f"HV{member.pk}", error="m")
    return qr.svg_inline(scale=4, dark="#1d1d1f", light=None, title=member.card_number)


@member_required
def me_contact(request: HttpRequest, member: Member) -> HttpResponse:
    initial = {"phone": member.phone, "address": member.address, "village": member.village}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_self_update(member=member, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Thank you; your details are saved."))
            return redirect("me:home")
    return render(request, "members/me_form.html", {"form": form, "kind": "contact"})


@member_required
def me_delete(request: HttpRequest, member: Member) -> HttpResponse:
    form = DeletionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deletion_request_create(member=member, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request, _("Your request has been sent to your union's cadre, who will answer it.")
            )
            return redirect("me:home")
    return render(request, "members/me_form.html", {"form": form, "kind": "delete"})
