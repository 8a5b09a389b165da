"""`{{ n|num }}`: the one filter for every count, percentage or decimal a page shows.

`{{ members|num }}` → 48.938, `{{ share|num }}` → 53,2, `{{ share|num:"%" }}` → 53,2%; nothing
(None) → "—". A level a person typed with two decimals keeps them: `{{ threshold|num:2 }}` → 2,25,
`{{ required|num:"%2" }}` → 12,25%. It is a builtin (settings.TEMPLATES), so templates need no `{% load %}`. Years,
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
def num(value: Any, kind: str | int = "") -> Any:
    """A number as the union writes it; `kind` "%" makes it a percentage, a digit sets the
    decimal places (1 unless given). Text passes unchanged."""
    if value is None or value == "":
        return formats.NONE
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    kind = str(kind)
    digits = int(kind.strip("%") or 1)
    if kind.startswith("%"):
        return formats.percent(value, digits)
    if isinstance(value, int):
        return formats.number(value)
    return formats.decimal(value, digits)
