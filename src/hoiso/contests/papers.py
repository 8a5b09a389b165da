"""What the organiser takes away: the workbook of results (every judge's score, the votes counted
and voided) and the prize winners' certificates as PDF in the union's document layout."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hoiso.core.documents import context, quoted
from hoiso.core.workbook import Workbook
from hoiso.units import naming

from .models import Contest, Score
from .results import Row, results


class PdfUnavailable(Exception):
    """WeasyPrint or the Pango library under it is missing on this server."""


def export_xlsx(contest: Contest) -> bytes:
    """Two sheets: the results (place, entry, who entered, the judges' and public scores, votes
    counted and voided, total, prize), and every judge's points by criterion."""
    rows = results(contest)
    out = io.BytesIO()
    book = Workbook(out)
    bold = book.add_format({"bold": True})
    two = book.number_format("0.00")
    sheet = book.add_sheet(_("Results"))
    sheet.write(0, 0, contest.title, bold)
    sheet.write(1, 0, _("Judges %(j)s%%, public vote %(p)s%%") % {"j": contest.judge_share,
                                                                    "p": contest.public_share})  # fmt: skip
    header = [pgettext("contest result", "Place"), _("Entry"), _("Who enters"), _("Unit"), _("Judges' score (0–100)"),
              _("Judges who scored"), _("Votes counted"), _("Votes voided"),
              _("Public score (0–100)"), _("Total"), _("Prize")]  # fmt: skip
    sheet.write_row(3, 0, header, bold)
    for i, r in enumerate(rows, start=4):
        e = r.entry
        sheet.write_row(i, 0, [r.place, e.title, e.entrant, e.unit.name if e.unit else ""])
        sheet.write(i, 4, r.judges_shown, two)
        sheet.write(i, 5, r.judges_count)
        sheet.write(i, 6, r.votes)
        sheet.write(i, 7, r.voided)
        sheet.write(i, 8, r.public_shown, two)
        sheet.write(i, 9, r.total_shown, two)
        sheet.write(i, 10, r.prize.name if r.prize else "")
    sheet.set_column(1, 3, 30)
    sheet.set_column(4, 10, 14)
    sheet.freeze_panes(4, 0)

    scores = book.add_sheet(_("Judges' scores"))
    scores.write_row(0, 0, [_("Judge"), _("Entry"), _("Criterion"), _("Weight"), _("Points"),
                            _("Highest score")], bold)  # fmt: skip
    found = (
        Score.objects.filter(entry__contest=contest)
        .select_related("judge__user", "entry", "criterion")
        .order_by("judge__user__full_name", "entry__created_at", "entry_id", "criterion_id")
    )
    for i, s in enumerate(found, start=1):
        c = s.criterion
        scores.write_row(i, 0, [s.judge.user.display_name, s.entry.title, c.name, c.weight,
                                s.points, c.max_points])  # fmt: skip
    scores.set_column(0, 2, 28)
    book.close()
    return out.getvalue()


def certificate_html(contest: Contest, row: Row) -> str:
    entry = row.entry
    paper = naming.paper(contest.unit)
    # A unit is named as a union body ("Hội LHPN xã Ea Kar"); a person by her name, then where.
    by_unit = entry.unit is not None and not entry.member_id and not entry.entrant_name
    where = naming.where(entry.unit) if entry.unit else ""
    return render_to_string(
        "contests/certificate.html",
        {
            **context(paper, timezone.localdate(), number=f"{contest.pk}-{entry.pk}/GCN"),
            "contest": contest,
            "entry": entry,
            "row": row,
            "title": quoted(contest.title),
            "entry_title": quoted(entry.title),
            "name": where if by_unit else entry.entrant,
            "where": "" if by_unit else where,
        },
    )


def certificate_pdf(contest: Contest, row: Row) -> bytes:
    """The certificate of a prize winner."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as e:
        raise PdfUnavailable(str(e)) from e
    pdf = HTML(string=certificate_html(contest, row)).write_pdf()
    assert pdf is not None
    return pdf
