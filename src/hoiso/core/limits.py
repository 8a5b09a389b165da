"""What a text column can hold, checked before the database is asked.

PostgreSQL refuses a NUL byte and a value longer than its column (SQLite stores both): left to the
database, one such value fails a whole bulk write without naming its row. Imports and services
check with these functions first and say which cell or field to fix. The limits themselves are
read from the model's fields (`max_length`), never written a second time.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext as _

# C0 and C1 control characters: invisible, never typed on purpose, refused by PostgreSQL (NUL) and
# by the XML inside the workbooks we write. Tab, line feed and carriage return are the whitespace
# a cell or a text area may hold (one-line values fold them into a space, see `text.clean`).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f]")


def control_error(text: str, *, breaks: bool = True) -> str:
    """What to fix when `text` holds a control character (and where it is), else "".

    `breaks`: tab and line breaks are allowed (a spreadsheet cell, a text area)."""
    if text.isprintable():  # the common case, answered without a regular expression
        return ""
    found = (_CONTROL if breaks else _CONTROL_OR_BREAK).search(text)
    if found is None:
        return ""
    return _(
        "holds an invisible control character (character %(at)d); delete it or type the text again."
    ) % {"at": found.start() + 1}


def length_error(text: str, limit: int | None) -> str:
    """What to fix when `text` is longer than `limit` characters, else ""."""
    if limit is None or len(text) <= limit:
        return ""
    return _("%(n)d characters long, at most %(max)d.") % {"n": len(text), "max": limit}


def max_length(model: type[models.Model], field: str) -> int | None:
    """The longest value a model's text field holds (None where it has no limit)."""
    return getattr(model._meta.get_field(field), "max_length", None)
