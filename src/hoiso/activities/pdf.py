"""Training certificates as PDF, drawn by WeasyPrint in a font that has every Vietnamese letter."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from hoiso.activities.models import Trainee


class PdfUnavailable(Exception):
    """WeasyPrint or the Pango library under it is missing on this server."""


def certificate_html(trainee: Trainee) -> str:
    course = trainee.course
    return render_to_string(
        "activities/certificate.html",
        {"trainee": trainee, "course": course, "today": timezone.localdate()},
    )


def certificate_pdf(trainee: Trainee) -> bytes:
    """The certificate of a trainee who completed her course."""
    # Imported here so that the site starts where Pango is missing; only certificates fail.
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as e:
        raise PdfUnavailable(str(e)) from e
    pdf = HTML(string=certificate_html(trainee)).write_pdf()
    assert pdf is not None
    return pdf
