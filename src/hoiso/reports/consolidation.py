"""The upper level's consolidated report: its subtree's received reports of one form and period,
figure by figure. Counts add up; a percentage is recomputed from its parts (the mean of the
units' percentages weighted by the count the form names, members for a share of members),
never summed; a percentage without a weight is not consolidated. Beside the whole, the same
figures over the units of the areas the union cares for: ethnic-minority, especially difficult
and border areas (as each reporting unit is marked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from hoiso.metrics.periods import Period
from hoiso.reports import completeness as c
from hoiso.reports.models import Item, Report, ReportForm, Section, SectionKind
from hoiso.units.models import Unit

AREAS = (
    ("is_ethnic_minority_area", _("Ethnic-minority areas")),
    ("is_remote_area", _("Especially difficult areas")),
    ("is_border_area", _("Border areas")),
)


@dataclass
class Part:
    """One received report as consolidation reads it."""

    pk: int
    unit_id: int
    unit_name: str
    unit_code: str
    status: str
    figures: dict[str, Any]
    texts: dict[str, Any]
    areas: frozenset[str]


@dataclass
class Line:
    item: Item
    total: float | None
    by_area: list[float | None]
    parts: int  # how many reports gave this figure


@dataclass
class Consolidated:
    form: ReportForm
    unit: Unit
    period: Period
    expected: int
    received: int
    approved: int
    on_time: int
    area_counts: list[int]
    sections: list[tuple[Section, list[Line]]] = field(default_factory=list)
    texts: list[tuple[Section, list[tuple[str, str]]]] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)

    @property
    def areas(self) -> list[str]:
        return [str(label) for _f, label in AREAS]


def received_parts(form: ReportForm, root: Unit, period: Period) -> list[Part]:
    """The received reports of the form and period under `root`: one query."""
    rows = (
        Report.objects.filter(form=form, period_start=period.start, unit_path__startswith=root.path)
        .received()
        .values_list(
            "pk",
            "unit_id",
            "unit__name",
            "unit__code",
            "status",
            "figures",
            "texts",
            *(f"unit__{f}" for f, _l in AREAS),
        )
        .order_by("unit__name")
    )
    out = []
    for pk, unit_id, name, code, status, figures, texts, *flags in rows:
        areas = frozenset(f for (f, _l), on in zip(AREAS, flags, strict=True) if on)
        out.append(Part(pk, unit_id, name, code, status, figures or {}, texts or {}, areas))
    return out


def combine(item: Item, parts: list[Part]) -> float | None:
    """The figure over `parts`: a sum for a count, the weighted mean for a percentage."""
    if not item.is_percent:
        values = [p.figures.get(item.key) for p in parts]
        present = [float(v) for v in values if isinstance(v, int | float)]
        return sum(present) if present else None
    if not item.weight:
        return None
    num = den = 0.0
    for p in parts:
        value, weight = p.figures.get(item.key), p.figures.get(item.weight)
        if isinstance(value, int | float) and isinstance(weight, int | float) and weight > 0:
            num += float(value) * float(weight)
            den += float(weight)
    return round(num / den, 1) if den else None


def consolidate(form: ReportForm, viewer: Unit, period: Period) -> Consolidated:
    """The consolidated report of `form` for `period` seen from `viewer`."""
    root = c.root_for(form, viewer) or viewer
    cells = c.states(form, root, [period])
    states = list(cells.states.values())
    parts = received_parts(form, root, period)
    sections = list(form.sections.all())
    items = list(form.items.all())
    result = Consolidated(
        form=form,
        unit=viewer,
        period=period,
        expected=len(states),
        received=sum(s in (c.APPROVED, c.ON_TIME, c.LATE) for s in states),
        approved=sum(s == c.APPROVED for s in states),
        on_time=sum(s == c.ON_TIME for s in states) + len(cells.approved_on_time),
        area_counts=[sum(f in p.areas for p in parts) for f, _l in AREAS],
        parts=parts,
    )
    by_area = [[p for p in parts if f in p.areas] for f, _l in AREAS]
    for section in sections:
        if section.kind == SectionKind.TEXT:
            key = str(section.pk)
            texts = [(p.unit_name, str(p.texts[key])) for p in parts if p.texts.get(key)]
            result.texts.append((section, texts))
            continue
        lines = [
            Line(
                item,
                combine(item, parts),
                [combine(item, subset) for subset in by_area],
                sum(isinstance(p.figures.get(item.key), int | float) for p in parts),
            )
            for item in items
            if item.section_id == section.pk
        ]
        result.sections.append((section, lines))
    return result


def figure_parts(
    form: ReportForm, viewer: Unit, period: Period, item: Item
) -> list[tuple[Part, Any]]:
    """The reports under a consolidated figure, each with its value: the total's one click."""
    root = c.root_for(form, viewer) or viewer
    return [(p, p.figures.get(item.key)) for p in received_parts(form, root, period)]
