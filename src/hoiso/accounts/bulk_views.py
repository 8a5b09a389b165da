"""Accounts in bulk: upload a spreadsheet of cadres, check the preview, confirm, print the slips."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hoiso.accounts import bulk
from hoiso.accounts.access import Scope, gate
from hoiso.accounts.models import AccountImport
from hoiso.accounts.roles import MANAGE_ACCOUNTS
from hoiso.accounts.selectors import access_account_import
from hoiso.core.sheets import UnreadableFile, read_bytes, readable_name
from hoiso.core.uploads import UploadSizeValidator


class CadresForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("List of cadres"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.xlsm,.ods,.csv"}),
        validators=[UploadSizeValidator("sheet")],
    )


@gate(MANAGE_ACCOUNTS)
def bulk_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = CadresForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = readable_name(upload.name or "")
        try:
            rows, missing = bulk.read_rows(read_bytes(upload.read(), name))
        except UnreadableFile as e:
            form.add_error("file", str(e))
        else:
            if missing:
                labels = bulk.column_labels()
                form.add_error("file", _("Please add the columns: %(columns)s (a header row "
                                         "above the cadres).") % {
                    "columns": ", ".join(str(labels[m]) for m in missing)})  # fmt: skip
            elif not rows:
                form.add_error("file", _("Please check the file: it has no cadres under its "
                                         "header row."))  # fmt: skip
            else:
                imp = AccountImport.objects.create(
                    user=scope.user, unit=scope.unit, filename=name, rows=rows
                )
                return redirect("people:bulk_detail", unit_code=scope.unit.code, import_id=imp.pk)
    return render(request, "accounts/bulk_new.html", {"unit": scope.unit, "form": form})


@gate(MANAGE_ACCOUNTS)
def bulk_detail(request: HttpRequest, scope: Scope, import_id: Any) -> HttpResponse:
    imp = access_account_import(scope, import_id)
    context: dict[str, Any] = {"unit": scope.unit, "imp": imp}
    if imp.status == AccountImport.Status.PREVIEW:
        plan = bulk.plan_cadres([(n, c) for n, c in imp.rows], actor=scope.user, top=imp.unit)
        context.update(rows=plan.rows, summary=plan.summary(), can_send=bulk.can_send_passwords())
    else:  # imports done before passwords could be sent had a slip for every new account
        context.update(sent=imp.summary.get("sent", 0),
                       slips=imp.summary.get("slips", imp.summary.get("new", 0)))  # fmt: skip
    return render(request, "accounts/bulk_detail.html", context)


@require_POST
@gate(MANAGE_ACCOUNTS)
def bulk_confirm(request: HttpRequest, scope: Scope, import_id: Any) -> HttpResponse:
    imp = access_account_import(scope, import_id)
    if imp.status == AccountImport.Status.PREVIEW:
        send = request.POST.get("passwords") == "send" and bulk.can_send_passwords()
        login_url = request.build_absolute_uri(reverse("accounts:login"))
        summary = bulk.accounts_bulk_create(
            actor=scope.user, imp=imp, send=send, login_url=login_url
        )
        messages.success(request, _("Created %(new)s accounts and gave %(roles)s roles.") % summary)
    return redirect("people:bulk_detail", unit_code=scope.unit.code, import_id=imp.pk)


@gate(MANAGE_ACCOUNTS)
def bulk_slips(request: HttpRequest, scope: Scope, import_id: Any) -> HttpResponse:
    imp = access_account_import(scope, import_id)
    pdf = bulk.slips_pdf(imp, request.build_absolute_uri(reverse("accounts:login")))
    if pdf is None:
        raise Http404("no slips")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="phieu-dang-nhap.pdf"'
    response["Cache-Control"] = "no-store"
    return response
