"""A report's figures: pre-filled from the metric registry for one unit and period, and the
rules a typed or corrected figure must keep (a whole number, not below 0, not above another)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from hoiso.core import formats
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY
from hoiso.metrics.versions import cached
from hoiso.reports.models import Item, Source
from hoiso.units.models import Unit


def province_id_of(unit: Unit) -> int:
    """The province a unit lies in, read off its path (central › province › …)."""
    ids = unit.ancestor_ids
    return ids[1] if len(ids) > 1 else ids[0]


def metric_value(code: str, unit: Unit, period: Period) -> float | None:
    """Metric `code` for `unit` alone over `period` (reused from the metric cache while the data
    it reads has not changed)."""
    metric = REGISTRY.get(code)
    if metric is None:
        return None
    key = f"report:{unit.pk}:{period.start}:{period.end}"
    values = cached(
        code, key, province_id_of(unit), lambda: metric.compute(unit, unit.level, period)
    )
    value = values.get(unit.pk)
    return None if value is None else float(value)


def prefill(items: list[Item], unit: Unit, period: Period) -> dict[str, float | None]:
    """What the data says for each figure read from a metric."""
    return {i.key: metric_value(i.metric, unit, period) for i in items if i.source == Source.METRIC}


@dataclass
class Checked:
    """Figures read from a posted form: the values, the reasons given, and what is wrong."""

    figures: dict[str, float | None] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def parse_number(raw: str) -> float | None:
    """A number as a cadre types it in her language ("1.234", "12,5%" in Vietnamese); None when
    empty, ValueError when it is no number."""
    text = raw.strip().replace(" ", "").rstrip("%")
    if not text:
        return None
    thousands = str(get_format("THOUSAND_SEPARATOR"))
    point = str(get_format("DECIMAL_SEPARATOR"))
    value = float(text.replace(thousands, "").replace(point, "."))
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(raw)
    return value


def as_text(value: Any, *, is_percent: bool) -> str:
    """A stored figure as the input box shows it (the inverse of parse_number)."""
    if not isinstance(value, int | float):
        return "" if value is None else str(value)
    return formats.decimal(value, 2) if is_percent else formats.number(value)


def _rule_error(item: Item, value: float) -> str | None:
    if item.is_percent:
        if not 0 <= value <= 100:
            return _("Please write a percentage between 0 and 100.")
        return None
    if value != int(value):
        return _("Please write a whole number (no decimals).")
    if value < 0:
        return _("Please write a number of 0 or more.")
    return None


def check(
    items: list[Item],
    posted: dict[str, Any],
    computed: dict[str, float | None],
    *,
    complete: bool,
) -> Checked:
    """Read each figure from `posted` (`fig_<key>`, `why_<key>`) and check its rules. A computed
    figure is kept unless another value is typed, which needs a reason; with `complete` (on
    submission) every typed figure must be there."""
    out = Checked()
    by_key = {i.key: i for i in items}
    for item in items:
        raw = str(posted.get(f"fig_{item.key}", "") or "")
        reason = str(posted.get(f"why_{item.key}", "") or "").strip()
        try:
            value = parse_number(raw)
        except ValueError:
            out.errors[item.key] = _("Please write a number, such as 12.")
            continue
        if item.source == Source.METRIC:
            data = computed.get(item.key)
            if value is None or value == data:
                out.figures[item.key] = data
                continue
            if not reason:
                out.errors[item.key] = _(
                    "Please give the reason for changing the figure Hội Số computed (%(n)s)."
                ) % {
                    "n": formats.quantity(data, is_percent=item.is_percent)
                    if data is not None
                    else "—"
                }
                out.figures[item.key] = value
                continue
            out.reasons[item.key] = reason[:500]
        elif value is None:
            if complete:
                out.errors[item.key] = _("Please fill in this figure before submitting.")
            out.figures[item.key] = None
            continue
        error = _rule_error(item, value)
        if error:
            out.errors[item.key] = error
        out.figures[item.key] = value
    for item in items:
        value, other = out.figures.get(item.key), by_key.get(item.at_most)
        if item.key in out.errors or other is None or value is None:
            continue
        limit = out.figures.get(other.key)
        if limit is not None and value > limit:
            out.errors[item.key] = _(
                "Please check this figure: it cannot be more than “%(other)s” (%(n)s)."
            ) % {"other": other.label, "n": formats.quantity(limit, is_percent=other.is_percent)}
    return out
