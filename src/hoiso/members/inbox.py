"""The cadre's inbox: transfers coming in and going out, and members' requests to be erased."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.roles import MANAGE_MEMBERS
from hoiso.members import services
from hoiso.members.choices import TransferStatus
from hoiso.members.forms import AcceptForm, AnswerDeletionForm, RefuseForm
from hoiso.members.models import DeletionRequest, Member, Transfer
from hoiso.members.selectors import (
    access_deletion_request,
    access_incoming_transfer,
    access_outgoing_transfer,
)


def _transfers(scope: Scope) -> QuerySet[Transfer]:
    return Transfer.objects.select_related("member", "from_branch", "to_unit", "requested_by")


@gate(MANAGE_MEMBERS)
def inbox(request: HttpRequest, scope: Scope) -> HttpResponse:
    path = scope.unit.path
    pending = _transfers(scope).filter(status=TransferStatus.PENDING)
    incoming = list(pending.filter(to_path__startswith=path))
    outgoing = list(pending.filter(from_path__startswith=path).exclude(to_path__startswith=path))
    recent = list(
        _transfers(scope)
        .exclude(status=TransferStatus.PENDING)
        .filter(Q(to_path__startswith=path) | Q(from_path__startswith=path))
        .order_by("-requested_at")[:20]
    )
    deletions = list(
        DeletionRequest.objects.filter(
            member__branch_path__startswith=path, handled_at__isnull=True
        ).select_related("member", "member__branch")
    )
    context = {
        "unit": scope.unit,
        "incoming": [(t, AcceptForm(unit=t.to_unit, prefix=f"t{t.pk}")) for t in incoming],
        "outgoing": outgoing,
        "recent": recent,
        "deletions": deletions,
    }
    return render(request, "members/inbox.html", context)


@require_POST
@gate(MANAGE_MEMBERS)
def transfer_accept(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    transfer = access_incoming_transfer(scope, pk)
    form = AcceptForm(request.POST, unit=transfer.to_unit, prefix=f"t{transfer.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose the branch she joins."))
        return redirect("members:inbox", unit_code=scope.unit.code)
    try:
        member = services.transfer_accept(
            actor=scope.user, transfer=transfer, to_branch=form.cleaned_data["to_branch"]
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("members:inbox", unit_code=scope.unit.code)
    messages.success(request, _("%(name)s has joined %(branch)s.")
                     % {"name": member, "branch": member.branch.in_sentence})  # fmt: skip
    return redirect("members:detail", unit_code=scope.unit.code, pk=member.pk)


@require_POST
@gate(MANAGE_MEMBERS)
def transfer_refuse(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    transfer = access_incoming_transfer(scope, pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        services.transfer_refuse(actor=scope.user, transfer=transfer, **form.cleaned_data)
        messages.success(request, _("Transfer refused; the sending unit will see why."))
    else:
        messages.error(request, _("Say why the transfer is refused."))
    return redirect("members:inbox", unit_code=scope.unit.code)


@require_POST
@gate(MANAGE_MEMBERS)
def transfer_cancel(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    transfer = access_outgoing_transfer(scope, pk)
    services.transfer_cancel(actor=scope.user, transfer=transfer)
    messages.success(request, _("Transfer cancelled."))
    return redirect("members:inbox", unit_code=scope.unit.code)


@gate(MANAGE_MEMBERS)
def deletion_answer(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    deletion = access_deletion_request(scope, pk)
    form = AnswerDeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deletion_request_answer(
                actor=scope.user, request=deletion, **form.cleaned_data
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Answer recorded."))
            return redirect("members:inbox", unit_code=scope.unit.code)
    member: Member = deletion.member
    return render(
        request,
        "members/deletion.html",
        {"unit": scope.unit, "deletion": deletion, "member": member, "form": form},
    )
