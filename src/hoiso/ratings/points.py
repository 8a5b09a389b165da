"""From figures to points and from points to a rating: pure functions, no database.

Points are kept to two decimals, rounded half up as a person would (2,345 → 2,35).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hoiso.core import formats
from hoiso.metrics.registry import LOWER
from hoiso.ratings.models import RATING_ORDER, Criterion, Mapping, Rating, Scheme

CENT = Decimal("0.01")


def rounded(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def as_decimal(value: float | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))


def figure_of(value: float | Decimal | None) -> Decimal | None:
    """A metric's value as kept beside its points (two decimals), or None for no figure."""
    figure = as_decimal(value)
    return rounded(figure) if figure is not None else None


def as_input(value: Decimal | None) -> str:
    """Points as a number field takes them, without trailing zeros: 20, 12.5."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def step_points(steps: list[tuple[Decimal, Decimal]], value: Decimal, better: str) -> Decimal:
    """The points of the best step the figure reaches: at least the step's figure where higher
    is better, at most it where lower is better; none reached is 0."""
    if better == LOWER:
        reached = [p for figure, p in steps if value <= figure]
    else:
        reached = [p for figure, p in steps if value >= figure]
    return max(reached, default=Decimal(0))


def proportional_points(max_points: Decimal, target: Decimal, value: Decimal) -> Decimal:
    """Full points at the target or beyond, in proportion below it; none for nothing."""
    if target <= 0:
        return max_points if value >= target else Decimal(0)
    share = min(Decimal(1), max(Decimal(0), value / target))
    return rounded(max_points * share)


def computed_points(criterion: Criterion, value: float | Decimal | None, better: str) -> Decimal:
    """A computed criterion's points for the year's figure (no figure: 0), never above its max."""
    figure = as_decimal(value)
    if figure is None:
        return Decimal(0)
    if criterion.mapping == Mapping.PROPORTIONAL and criterion.target is not None:
        points = proportional_points(criterion.max_points, criterion.target, figure)
    else:
        points = step_points(parse_steps(criterion.steps), figure, better)
    return min(rounded(points), criterion.max_points)


def parse_steps(raw: Iterable[Iterable[object]]) -> list[tuple[Decimal, Decimal]]:
    """Stored steps ([[figure, points], …] as strings) as decimals."""
    return [(Decimal(str(f)), Decimal(str(p))) for f, p in raw]


def steps_from_text(text: str, max_points: Decimal | None) -> list[list[str]]:
    """Steps as a cadre types them, one a line: `80 = 10` (from a figure of 80, 10 points).
    Refused with the line's number and what to fix."""
    out: list[list[str]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        left, sep, right = line.partition("=")
        try:
            figure = Decimal(left.strip().replace(",", "."))
            points = Decimal(right.strip().replace(",", "."))
        except InvalidOperation:
            figure = points = None  # type: ignore[assignment]
        if not sep or figure is None or points is None or not figure.is_finite():
            raise ValidationError(
                _("Line %(n)s: please write a step as “figure = points”, e.g. “80 = 10”.")
                % {"n": n}
            )
        if points < 0 or (max_points is not None and points > max_points):
            raise ValidationError(
                _("Line %(n)s: please give points between 0 and the criterion's %(max)s.")
                % {"n": n, "max": formats.decimal(max_points or 0, 2)}
            )
        out.append([str(rounded(figure)), str(rounded(points))])
    if not out:
        raise ValidationError(_("Please give at least one step, e.g. “80 = 10”."))
    return out


def steps_as_text(steps: list[list[str]]) -> str:
    return "\n".join(f"{f} = {p}" for f, p in steps)


@dataclass(frozen=True)
class Outcome:
    total: Decimal
    rating: str
    # Ratings the points reached but a condition refused (e.g. a criterion below half).
    held_back: tuple[str, ...] = ()


def rate(scheme: Scheme, points: dict[int, Decimal | None], maxima: dict[int, Decimal]) -> Outcome:
    """The total and the best rating whose points and condition are met.

    `points` and `maxima` are by criterion id; a criterion without points counts 0.
    """
    total = rounded(sum((p or Decimal(0) for p in points.values()), Decimal(0)))
    held: list[str] = []
    for rating in RATING_ORDER:
        if rating == Rating.WEAK:
            break
        needed, floor = scheme.threshold_of(rating)
        if needed is None or total < needed:
            continue
        if floor is not None and any(
            (points.get(cid) or Decimal(0)) * 100 < floor * maxima[cid] for cid in maxima
        ):
            held.append(rating)
            continue
        return Outcome(total, rating, tuple(held))
    return Outcome(total, Rating.WEAK, tuple(held))
