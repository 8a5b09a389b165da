"""A unit's public documents, readable without logging in (beside its news, comms/public.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from hoiso.accounts.access import access
from hoiso.documents import files
from hoiso.documents.models import Attachment, Document
from hoiso.units.models import Level, Unit


def _public_unit(unit_code: str) -> Unit:
    unit = Unit.objects.filter(code=unit_code, level__gte=Level.PROVINCE).first()
    if unit is None:
        raise Http404("no such unit")
    return unit


@cache_control(public=True, max_age=300)
def documents(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = _public_unit(unit_code)
    docs = Document.objects.filter(unit=unit, public=True).prefetch_related("attachments")
    page = Paginator(docs, 20).get_page(request.GET.get("page"))
    return render(request, "documents/public_list.html", {"unit": unit, "page": page})


@cache_control(public=True, max_age=3600)
def document_file(request: HttpRequest, unit_code: str, pk: int, file_pk: int) -> FileResponse:
    unit = _public_unit(unit_code)
    kept = access(
        Attachment.objects.filter(document__unit=unit, document__public=True, document_id=pk),
        file_pk,
        "file",
    )
    response = FileResponse(files.path_of(kept.stored_name).open("rb"),
                            content_type=files.CONTENT_TYPES[kept.file_type],
                            as_attachment=kept.file_type in ("docx", "xlsx"), filename=kept.name)  # fmt: skip
    response["Content-Security-Policy"] = "sandbox"
    return response
