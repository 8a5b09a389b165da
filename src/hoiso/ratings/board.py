"""The list by rating: for a unit and a year, every unit rated under each scheme that concerns
it, with its own score, the decided score and the rating; counts per rating. A fixed number of
queries whatever the number of units."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from hoiso.core.text import sort_key
from hoiso.ratings.models import RATING_ORDER, Assessment, Scheme, State
from hoiso.ratings.selectors import schemes_concerning
from hoiso.units.models import Unit

# The chip's colour for each rating: the two best green, the worst red.
CHIPS = {"excellent": "good", "good": "good", "fair": "", "weak": "bad"}


@dataclass
class Line:
    unit: Unit
    assessment: Assessment | None
    # Filled by the page, once per list (a URL resolved per row costs more than the row).
    url: str = ""
    history_url: str = ""

    @property
    def state_label(self) -> str:
        return self.assessment.get_state_display() if self.assessment else ""

    @property
    def rating_label(self) -> str:
        return self.assessment.get_rating_display() if self.assessment else ""

    @property
    def chip(self) -> str:
        return CHIPS.get(self.rating, "")

    @property
    def state(self) -> str:
        return self.assessment.state if self.assessment else ""

    @property
    def self_total(self) -> Decimal | None:
        a = self.assessment
        return a.self_total if a and a.state != State.DRAFT else None

    @property
    def decided_total(self) -> Decimal | None:
        return self.assessment.decided_total if self.assessment else None

    @property
    def rating(self) -> str:
        return self.assessment.rating if self.assessment else ""


@dataclass
class Board:
    scheme: Scheme
    lines: list[Line]
    counts: dict[str, int] = field(default_factory=dict)
    waiting: int = 0  # sent, not yet decided
    not_sent: int = 0


def rated_day(year: int) -> dt.date:
    """The day whose units are rated: the year's last day, or today for the year under way."""
    return min(dt.date(year, 12, 31), timezone.localdate())


def units_rated(scheme: Scheme, under: Unit) -> list[Unit]:
    """Units of the scheme's level in both subtrees, open on the rated day, in name order."""
    day = rated_day(scheme.year)
    inner = under if scheme.unit.contains(under) else scheme.unit
    units = list(
        Unit.objects.within(inner)
        .filter(level=scheme.level, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
    )
    units.sort(key=lambda u: sort_key(u.name))
    return units


# Besides a rating, the list shows the units waiting for a decision, or those that sent nothing.
WAITING, NOT_SENT = "waiting", "not_sent"


def _shown(line: Line, show: str) -> bool:
    if show == WAITING:
        return line.state == State.SUBMITTED
    if show == NOT_SENT:
        return line.state in ("", State.DRAFT)
    return not show or line.rating == show


def boards_for(unit: Unit, year: int, rating: str = "") -> list[Board]:
    out = []
    for scheme in schemes_concerning(unit).filter(year=year).order_by("unit_path", "level"):
        units = units_rated(scheme, unit)
        inner = unit if scheme.unit.contains(unit) else scheme.unit
        found = {
            a.unit_id: a
            for a in Assessment.objects.filter(scheme=scheme, unit_path__startswith=inner.path)
        }
        lines = [Line(u, found.get(u.pk)) for u in units]
        counts = Counter(line.rating for line in lines if line.rating)
        board = Board(
            scheme,
            [line for line in lines if _shown(line, rating)],
            {r.value: counts.get(r.value, 0) for r in RATING_ORDER},
            waiting=sum(1 for line in lines if line.state == State.SUBMITTED),
            not_sent=sum(1 for line in lines if line.state in ("", State.DRAFT)),
        )
        out.append(board)
    return out


def history_of(unit: Unit) -> list[Assessment]:
    """The unit's ratings over the years, with those of the units it was merged from."""
    ids = [unit.pk, *unit.predecessors.values_list("pk", flat=True)]
    return list(
        Assessment.objects.filter(unit_id__in=ids)
        .select_related("scheme", "unit")
        .order_by("-scheme__year", "unit__name")
    )
