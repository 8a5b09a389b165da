"""The member record's rules across fields, as plain Python over plain values.

`Member.clean` (forms, API) and the import (a hundred thousand rows at a time) apply the same
function, so that a row the import accepts is one the form would accept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hoiso.members.choices import Kind, Sex
from hoiso.members.validators import validate_birth, validate_citizen_id


def record_errors(
    *,
    kind: str,
    sex: str,
    birth_date: dt.date | None,
    birth_year: int | None,
    join_date: dt.date | None,
    citizen_id: str,
    today: dt.date,
) -> Iterator[tuple[str, str]]:
    """(field, message) for every rule the values break."""
    try:
        validate_birth(birth_date, birth_year, today)
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            for m in messages:
                yield field, m
    year = birth_date.year if birth_date else birth_year
    if kind == Kind.REGULAR and sex != Sex.FEMALE:
        yield "sex", _("Regular members are women; a man can be an honorary member.")
    at = join_date or today
    if kind == Kind.REGULAR and year and at.year - year < 18:
        yield "birth_date", _("A regular member must be at least 18 years old when she joins.")
    if join_date and join_date > today:
        yield "join_date", _("The date of joining is in the future.")
    if citizen_id:
        try:
            validate_citizen_id(citizen_id, birth_year=year, sex=sex)
        except ValidationError as e:
            yield "citizen_id", e.messages[0]
