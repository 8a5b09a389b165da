"""Documents at a unit: its inbox, the register, issuing, a document, tracking, files."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate, is_htmx
from hoiso.accounts.roles import ANSWER_DOCUMENTS, ISSUE_DOCUMENTS, VIEW_DOCUMENTS
from hoiso.core import audit
from hoiso.core.forms import add_service_error
from hoiso.core.workbook import Workbook
from hoiso.documents import files, services
from hoiso.documents.forms import DocumentForm, RecipientsForm, RegisterForm, ReportForm
from hoiso.documents.models import Document, Receipt
from hoiso.documents.selectors import (
    access_attachment,
    access_document,
    access_issued,
    inbox,
    own_receipt,
    register,
)

PAGE = 50
# The register counts its matches up to here, then says "more than": counting every match of a
# common word in 100,000 documents would read them all on each keystroke.
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator that counts at most COUNT_CAP + 1 rows (pages past the cap are not offered)."""

    @cached_property
    def count(self) -> int:
        return int(self.object_list[: COUNT_CAP + 1].count())  # type: ignore[attr-defined]


@gate(VIEW_DOCUMENTS)
def inbox_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    receipts = inbox(scope)
    if request.GET.get("unread") == "1":
        receipts = receipts.filter(read_at__isnull=True)
    page = Paginator(receipts, PAGE).get_page(request.GET.get("page"))
    return render(request, "documents/inbox.html", {
        "unit": scope.unit, "page": page, "can_issue": scope.can(ISSUE_DOCUMENTS),
        "unread": request.GET.get("unread") == "1",
    })  # fmt: skip


def _register_rows(scope: Scope, form: RegisterForm) -> QuerySet[Document]:
    return register(scope, form.cleaned_data if form.is_valid() else {})


@gate(VIEW_DOCUMENTS)
def register_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = RegisterForm(request.GET or None)
    docs = _register_rows(scope, form)
    page = CappedPaginator(docs, PAGE).get_page(request.GET.get("page"))
    context = {
        "unit": scope.unit,
        "form": form,
        "page": page,
        "query": request.GET.urlencode(),
        "cap": COUNT_CAP,
        "capped": page.paginator.count > COUNT_CAP,
    }
    if is_htmx(request):
        return render(request, "documents/register.html#results", context)
    return render(request, "documents/register.html", context)


@gate(VIEW_DOCUMENTS)
def register_export(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = RegisterForm(request.GET or None)
    docs = _register_rows(scope, form)[:20000]
    out = io.BytesIO()
    book = Workbook(out)
    sheet = book.add_sheet(_("Register of documents"))
    bold = book.add_format({"bold": True})
    header = [_("Number and symbol"), pgettext("document", "Kind"), pgettext("document", "Date"), _("Issued by"), pgettext("document", "Summary"),
              _("Signed by"), _("Deadline")]  # fmt: skip
    sheet.write_row(0, 0, header, bold)
    for i, d in enumerate(docs, 1):
        sheet.write_row(i, 0, [d.symbol, d.get_kind_display(), d.issued_on, d.unit.name,
                               d.summary, d.signer_name, d.deadline])  # fmt: skip
    sheet.set_column(4, 4, 60)
    book.close()
    audit.log(scope.user, "documents.exported", scope.unit, data=dict(request.GET.items()))
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="so-van-ban.xlsx"'
    return response


@gate(ISSUE_DOCUMENTS)
def document_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    initial = {"issued_on": timezone.localdate(), "issuer_code": services.default_issuer_code(scope.unit),
               "signer_name": scope.user.display_name}  # fmt: skip
    form = DocumentForm(request.POST or None, request.FILES or None, initial=initial)
    to = RecipientsForm(request.POST or None, unit=scope.unit, prefix="to")
    if request.method == "POST" and form.is_valid() and to.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "attachments"}
        try:
            doc = services.document_issue(actor=scope.user, unit=scope.unit, data=data,
                                          recipients=to.recipients(),
                                          uploads=form.cleaned_data["attachments"])  # fmt: skip
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(
                request, _("Document %(symbol)s is issued and sent.") % {"symbol": doc.symbol}
            )
            return redirect("documents:tracking", unit_code=scope.unit.code, pk=doc.pk)
    return render(request, "documents/form.html", {"unit": scope.unit, "form": form, "to": to})


@gate(VIEW_DOCUMENTS)
def document_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    doc = access_document(scope, pk)
    receipt = own_receipt(scope, doc)
    if receipt is not None and (receipt.unit_id is None or scope.unit.pk == receipt.unit_id):
        services.receipt_read(actor=scope.user, receipt=receipt)
    sent = (
        doc.unit_id == scope.unit.pk
        or Receipt.objects.filter(document=doc, sender=scope.unit).exists()
    )
    return render(request, "documents/detail.html", {
        "unit": scope.unit, "doc": doc, "receipt": receipt, "attachments": doc.attachments.all(),
        "reports": receipt.files.all() if receipt else [],
        "can_answer": scope.can(ANSWER_DOCUMENTS), "can_issue": scope.can(ISSUE_DOCUMENTS),
        "sent": sent,
    })  # fmt: skip


@gate(VIEW_DOCUMENTS)
def attachment_file(request: HttpRequest, scope: Scope, pk: int, file_pk: int) -> FileResponse:
    doc = access_document(scope, pk)
    kept = access_attachment(scope, doc, file_pk)
    response = FileResponse(
        files.path_of(kept.stored_name).open("rb"),
        content_type=files.CONTENT_TYPES[kept.file_type],
        as_attachment=kept.file_type not in ("pdf", "png", "jpeg", "webp"),
        filename=kept.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


def _own(scope: Scope, pk: int) -> Receipt:
    receipt = own_receipt(scope, access_document(scope, pk))
    if receipt is None or (receipt.unit_id is not None and receipt.unit_id != scope.unit.pk):
        from django.http import Http404

        raise Http404("no receipt here")
    return receipt


@require_POST
@gate(ANSWER_DOCUMENTS)
def acknowledge(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    services.receipt_acknowledge(actor=scope.user, receipt=_own(scope, pk))
    messages.success(request, _("Marked as received."))
    return redirect("documents:detail", unit_code=scope.unit.code, pk=pk)


@gate(ANSWER_DOCUMENTS)
def report(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    receipt = _own(scope, pk)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.receipt_report(actor=scope.user, receipt=receipt, text=form.cleaned_data["text"],
                                    uploads=form.cleaned_data["attachments"])  # fmt: skip
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("Your report is sent."))
            return redirect("documents:detail", unit_code=scope.unit.code, pk=pk)
    return render(request, "documents/report.html", {"unit": scope.unit, "doc": receipt.document,
                                                     "receipt": receipt, "form": form})  # fmt: skip


STATES = {
    "unread": Q(read_at__isnull=True),
    "unacknowledged": Q(acknowledged_at__isnull=True),
    "unreported": Q(document__report_required=True, reported_at__isnull=True),
    "late": Q(done_on_time=False),
}


@gate(ISSUE_DOCUMENTS)
def tracking(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    doc = access_issued(scope, pk)
    receipts = Receipt.objects.filter(document=doc, sender=scope.unit)
    counts = receipts.aggregate(
        total=Count("*"),
        read=Count("pk", filter=Q(read_at__isnull=False)),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        reported=Count("pk", filter=Q(reported_at__isnull=False)),
        on_time=Count("pk", filter=Q(done_on_time=True)),
    )
    counts.update(
        unread=counts["total"] - counts["read"],
        unacknowledged=counts["total"] - counts["acknowledged"],
        unreported=counts["total"] - counts["reported"],
    )
    state = request.GET.get("state", "")
    shown = receipts.filter(STATES[state]) if state in STATES else receipts
    shown = shown.select_related("unit", "user", "read_by", "acknowledged_by").order_by(
        "unit_path", "pk"
    )
    page = Paginator(shown, PAGE).get_page(request.GET.get("page"))
    context = {"unit": scope.unit, "doc": doc, "counts": counts, "page": page, "state": state,
               "now": timezone.now()}  # fmt: skip
    if is_htmx(request):
        return render(request, "documents/tracking.html#live", context)
    return render(request, "documents/tracking.html", context)


@require_POST
@gate(ISSUE_DOCUMENTS)
def remind(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    doc = access_issued(scope, pk)
    n = services.receipts_remind(actor=scope.user, document=doc, sender=scope.unit)
    messages.success(
        request, _("%(n)s reminded.") % {"n": n} if n else _("Nobody is waiting to be reminded.")
    )
    return redirect("documents:tracking", unit_code=scope.unit.code, pk=pk)


@gate(ISSUE_DOCUMENTS)
def forward(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    receipt = _own(scope, pk)
    to = RecipientsForm(request.POST or None, unit=scope.unit, prefix="to", people=False)
    if request.method == "POST" and to.is_valid():
        try:
            made = services.receipt_forward(
                actor=scope.user, receipt=receipt, recipients=to.recipients()
            )
        except ValidationError as e:
            add_service_error(to, e)
        else:
            messages.success(request, _("Forwarded to %(n)s units.") % {"n": len(made)})
            return redirect("documents:tracking", unit_code=scope.unit.code, pk=pk)
    return render(
        request, "documents/forward.html", {"unit": scope.unit, "doc": receipt.document, "to": to}
    )
