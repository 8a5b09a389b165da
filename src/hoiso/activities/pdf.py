"""Training certificates as PDF, drawn by WeasyPrint in a font that has every Vietnamese letter,
in the union's document layout (`core.documents`: heading, motto, place and date, signature)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from hoiso.activities.models import Trainee
from hoiso.core.documents import context, quoted
from hoiso.units import naming


class PdfUnavailable(Exception):
    """WeasyPrint or the Pango library under it is missing on this server."""


def certificate_html(trainee: Trainee) -> str:
    course = trainee.course
    paper = naming.paper(course.organiser)
    return render_to_string(
        "activities/certificate.html",
        {
            **context(paper, timezone.localdate(), number=f"{course.pk}-{trainee.pk}/GCN"),
            "trainee": trainee,
            "course": course,
            "title": quoted(course.title),
            "where": naming.where(trainee.unit),
        },
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
