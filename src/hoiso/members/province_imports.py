"""A province's lists in one go, on a page: the communes' files uploaded together, each routed to
its commune by its name (else row by row by its commune column; a name several communes fit is
reported, not guessed), each then an ordinary import (read, preview, confirm, all or nothing)
whose progress the batch page shows."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate, is_htmx
from hoiso.accounts.roles import CHANGE_MEMBERS
from hoiso.core.sheets import UnreadableFile
from hoiso.core.uploads import check_upload_size
from hoiso.members.importing import jobs, progress
from hoiso.members.importing.routing import SUFFIXES, Router
from hoiso.members.models import ImportStatus, MemberImport
from hoiso.units.models import Level, Unit

MAX_FILES = 200


class FilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one field (Django's documented pattern): each checked as one."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        one = super().clean
        return [one(d, initial) for d in data] if isinstance(data, (list, tuple)) else [one(data)]


class FilesForm(forms.Form):
    lists = FilesField(
        label=gettext_lazy("The communes' lists"),
        widget=FilesInput(attrs={"accept": ",".join(SUFFIXES), "multiple": True}),
        help_text=gettext_lazy("Choose every file at once. Name each file after its commune "
                               "(“Xã Ea Kar.xlsx”); a file named otherwise is read row by row "
                               "by its commune column."),
    )  # fmt: skip


def _province(scope: Scope) -> Unit:
    if scope.unit.level != Level.PROVINCE:
        raise Http404("a province's page")
    return scope.unit


@gate(CHANGE_MEMBERS)
def province_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    province = _province(scope)
    form = FilesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploads = form.cleaned_data["lists"][:MAX_FILES]
        batch, refused = uuid.uuid4(), []
        router = Router(province)
        for upload in uploads:
            route = router.route(Path(upload.name or ""))
            if route.unit is None:
                refused.append(_("%(file)s: its name fits several communes (%(which)s); rename "
                                 "it after one of them.") % {
                    "file": upload.name, "which": "; ".join(route.candidates)})  # fmt: skip
                continue
            try:
                check_upload_size(upload, "sheet")
                jobs.import_start(
                    actor=scope.user, unit=route.unit, filename=upload.name or "",
                    chunks=upload.chunks(), language=get_language() or "", batch=batch,
                )  # fmt: skip
            except (ValidationError, UnreadableFile) as e:
                message = e.messages[0] if isinstance(e, ValidationError) else str(e)
                refused.append(f"{upload.name}: {message}")
        for text in refused:
            messages.warning(request, text)
        if MemberImport.objects.filter(batch=batch).exists():
            return redirect("members:province_batch", unit_code=province.code, batch=batch)
    return render(request, "members/province_import.html", {"unit": province, "form": form})


def _batch(scope: Scope, batch: Any) -> list[MemberImport]:
    imports = list(
        MemberImport.objects.select_related("unit")
        .filter(batch=batch, user=scope.user, unit__path__startswith=scope.unit.path)
        .order_by("filename")
    )
    if not imports:
        raise Http404("no such batch")
    return imports


def _ready(imp: MemberImport) -> bool:
    """Waiting in preview with something to write."""
    has_rows = bool(imp.summary.get("new") or imp.summary.get("update"))
    return imp.status == ImportStatus.PREVIEW and has_rows


@gate(CHANGE_MEMBERS)
def province_batch(request: HttpRequest, scope: Scope, batch: Any) -> HttpResponse:
    province = _province(scope)
    imports = _batch(scope, batch)
    rows = [{"imp": imp, "progress": progress.progress_of(imp)} for imp in imports]
    running = any(imp.status in (ImportStatus.ANALYSING, ImportStatus.WRITING) for imp in imports)
    totals = {k: sum(imp.summary.get(k, 0) for imp in imports)
              for k in ("rows", "new", "error", "added", "branches")}  # fmt: skip
    context = {"unit": province, "batch": batch, "rows": rows, "running": running,
               "totals": totals, "waiting": sum(_ready(i) for i in imports)}  # fmt: skip
    template = (
        "members/province_batch.html#table" if is_htmx(request) else "members/province_batch.html"
    )
    return render(request, template, context)


@require_POST
@gate(CHANGE_MEMBERS)
def province_confirm(request: HttpRequest, scope: Scope, batch: Any) -> HttpResponse:
    """Confirm every list of the batch waiting in preview: each is written on its own, all or
    nothing, with its rows with errors and unanswered questions left out as on its own page."""
    province = _province(scope)
    started = 0
    for imp in _batch(scope, batch):
        if _ready(imp) and jobs.may_import(scope.user, imp.unit):
            started += jobs.import_confirm(imp=imp)
    messages.success(request, _("%(n)s lists are being written.") % {"n": started})
    return redirect("members:province_batch", unit_code=province.code, batch=batch)
