"""`{{ n|num }}`: the one filter for every count, percentage or decimal a page shows.

`{{ members|num }}` → 48.938, `{{ share|num }}` → 53,2, `{{ share|num:"%" }}` → 53,2%; nothing
(None) → "—". It is a builtin (settings.TEMPLATES), so templates need no `{% load %}`. Years,
codes, phone and card numbers are not quantities: print them bare, never through `num`.

In a plural sentence the count chooses the form and the formatted number is shown, under
two names: `{% blocktranslate count c=total with n=total|num %}{{ n }} member{% plural %}…`
(the message keeps its `{{ n }}`; the count must not read `n`, which `with` has already set).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from hoiso.core import formats

register = template.Library()


@register.filter
def num(value: Any, kind: str = "") -> Any:
    """A number as the union writes it; `kind` "%" makes it a percentage. Text passes unchanged."""
    if value is None or value == "":
        return formats.NONE
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    if kind == "%":
        return formats.percent(value)
    if isinstance(value, int):
        return formats.number(value)
    return formats.decimal(value)
