"""Sending a consolidated report on as a document: its PDF becomes a report (BC) the unit issues
in the documents app, numbered in the unit's register and delivered to the cadres of the union
above (or, at the top, to the units that reported), tracked there like any document."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import Role
from hoiso.core import audit
from hoiso.documents.models import Document, Kind
from hoiso.documents.services import Recipients, default_issuer_code, document_issue
from hoiso.reports.consolidation import Consolidated
from hoiso.reports.export import consolidated_pdf


def _recipients(result: Consolidated) -> Recipients:
    above = result.unit.parent
    people: list[User] = []
    if above is not None:
        ids = Assignment.objects.filter(
            unit=above, role__in=(Role.UNIT_ADMIN, Role.CADRE)
        ).values_list("user_id", flat=True)
        people = list(User.objects.filter(pk__in=ids, is_active=True))
    if people:
        return Recipients(people=people)
    return Recipients(level=result.form.level)


def send_on(*, actor: User, result: Consolidated) -> Document:
    """Issue the consolidated report as a document with its PDF attached."""
    if result.received == 0:
        raise ValidationError(
            _(
                "No report has been received for this period yet. Please wait for the units' reports."
            )
        )
    on = timezone.localdate()
    pdf = consolidated_pdf(result, on)
    name = f"bao-cao-{result.period.key}.pdf"
    summary = f"{result.form.title} {result.period.label().lower()}"
    data = {"kind": Kind.REPORT, "issuer_code": default_issuer_code(result.unit),
            "summary": summary, "body": "", "issued_on": on,
            "signer_name": actor.display_name, "signer_position": "Chủ tịch",
            "deadline": None, "report_required": False, "public": False}  # fmt: skip
    with transaction.atomic():
        doc = document_issue(
            actor=actor,
            unit=result.unit,
            data=data,
            recipients=_recipients(result),
            uploads=[SimpleUploadedFile(name, pdf, content_type="application/pdf")],
        )
        audit.log(actor, "report.sent", result.form, unit=result.unit,
                  data={"period": result.period.key, "document": doc.symbol})  # fmt: skip
    return doc
