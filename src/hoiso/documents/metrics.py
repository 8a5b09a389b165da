"""Documents for targets: the share of the documents a unit received in the period that it
acknowledged, and reported on where a report was asked, by their deadline."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from hoiso.documents.models import Receipt
from hoiso.metrics.grouping import by_ancestor, units_open
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import register
from hoiso.units.models import Unit


@register("documents.done_on_time", _("Documents acknowledged and reported on time"), "percent")
def done_on_time(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    """Per unit of the level: of the receipts of its subtree's units for documents issued in the
    period, the share done on time; None where nothing was received. Not cached (it declares no
    data area): receipts change as units answer."""
    units = units_open(root, level, period)
    rows = Receipt.objects.filter(
        unit_path__startswith=root.path,
        document__issued_on__gte=period.start,
        document__issued_on__lt=period.end,
    )
    counted = by_ancestor(
        rows, "unit_path", units, n=Count("*"), done=Count("pk", filter=Q(done_on_time=True))
    )
    return {
        u.pk: round(100 * counted[u.pk]["done"] / counted[u.pk]["n"], 1)
        if u.pk in counted and counted[u.pk]["n"]
        else None
        for u in units
    }
