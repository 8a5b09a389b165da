"""Numbers as the union writes them: 48.938 hội viên, 53,2%, "Mới đạt 50/100%".

Every count, percentage or decimal shown to a person goes through here: pages (through the `num`
template filter, `core/templatetags/numbers.py`), messages, reminders, chart labels and workbook
cells. Vietnamese groups thousands with a dot and writes decimals with a comma; in English (the
language button) the same numbers read 48,938 and 53.2%, the separators of the active language
(Django's locale data). Years, codes, phone, card and ID numbers are not quantities: they are never
passed here and keep their bare digits.

Rounding is half up on the decimal digits as written (0.05 → 0,1; 99.95 → 100), except that a
percentage below 100 never reads "100%" (it reads 99,9%): a unit at 99.95% has not reached 100%.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.formats import get_format
from django.utils.translation import get_language

# What a page shows where there is no figure.
NONE = "—"

# Number formats of workbook cells (Excel writes the separators of the reader's own locale).
XLSX_COUNT = "#,##0"
XLSX_DECIMAL = "#,##0.0"
XLSX_PERCENT = "0.0%"

Number = int | float | Decimal


def _as_decimal(x: Any) -> Decimal | None:
    """The exact decimal a value reads as (a float by its shortest repr: 99.95 is 99.95)."""
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    if isinstance(x, int):
        return Decimal(x)
    try:
        value = Decimal(repr(float(x)))
    except (TypeError, ValueError, InvalidOperation):
        return None
    return value if value.is_finite() else None


def _write(value: Decimal, digits: int) -> str:
    """`value` rounded to `digits` places, grouped, with the active language's separators;
    trailing zeros of the fraction are dropped (50, not 50,0; 12,5, not 12,50)."""
    rounded = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0"
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _localise(text)


@cache
def _separators(language: str) -> tuple[str, str]:
    """The language's thousands and decimal separators (Django's locale data), read once: a
    drill-down writes thousands of values."""
    return str(get_format("THOUSAND_SEPARATOR", language)), str(
        get_format("DECIMAL_SEPARATOR", language)
    )


def _localise(text: str) -> str:
    """ "1,234.5" (Python's grouping) with the active language's separators: 1.234,5 in Vietnamese."""
    thousands, point = _separators(get_language() or settings.LANGUAGE_CODE)
    return text.replace(",", "\0").replace(".", point).replace("\0", thousands)


def number(n: Any) -> str:
    """A count, rounded to a whole number and grouped: 48.938 (English: 48,938); None → "—"."""
    if type(n) is int:
        return _localise(f"{n:,}")
    value = _as_decimal(n)
    return NONE if value is None else _write(value, 0)


def decimal(x: Any, digits: int = 1) -> str:
    """A decimal with `digits` places at most: 53,2 (English: 53.2), 50, 1.234,5; None → "—"."""
    value = _as_decimal(x)
    return NONE if value is None else _write(value, digits)


def percent(x: Any, digits: int = 1) -> str:
    """A percentage given in percent (53.2 → "53,2%"); below 100 it never reads 100%."""
    value = _as_decimal(x)
    if value is None:
        return NONE
    step = Decimal(1).scaleb(-digits)
    if value < 100 and value.quantize(step, rounding=ROUND_HALF_UP) >= 100:
        value = 100 - step
    return f"{_write(value, digits)}%"


def ratio(done: Any, needed: Any, *, is_percent: bool = False) -> str:
    """How far along: "3/5", or "50/100%" for a percentage (the sign once, at the end)."""
    return f"{decimal(done)}/{percent(needed) if is_percent else decimal(needed)}"


def quantity(x: Any, *, is_percent: bool = False, digits: int = 1) -> str:
    """A value of a measure that may be a percentage: percent() or decimal()."""
    return percent(x, digits) if is_percent else decimal(x, digits)


def sheet_percent(x: Any) -> float | None:
    """A percentage as a workbook cell holds it (53.2 → 0.532, shown 53,2% by XLSX_PERCENT)."""
    value = _as_decimal(x)
    return None if value is None else float(value) / 100
