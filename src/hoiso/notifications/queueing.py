"""The one write that queues a notice: every message in INSERT … ON CONFLICT DO NOTHING
statements run with executemany, values prepared once where they are the same for all.

Django's bulk_create builds and compiles a model instance per row: for a province's 50,000
members that took most of a minute here, against a few seconds this way. A message whose key is
already there (the same notice queued twice) is left as it is.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from django.db import connection
from django.db.models import Field

from hoiso.notifications.models import Message, Status

BATCH = 2000


@cache
def _fields() -> list[Field[Any, Any]]:
    return [cast(Field, f) for f in Message._meta.concrete_fields if f.name != "id"]


def _sql(columns: list[str]) -> str:
    q = connection.ops.quote_name
    names = ", ".join(q(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    table = q(Message._meta.db_table)
    return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({q('key')}) DO NOTHING"


def insert(common: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """Insert one message per row: `common` holds the values all rows share, each row the rest;
    fields in neither take their default."""
    if not rows:
        return
    fields = _fields()
    defaults = {"status": Status.QUEUED, "attempts": 0, **common}
    fixed: dict[str, Any] = {}
    for f in fields:
        if f.attname not in rows[0]:
            value = defaults[f.attname] if f.attname in defaults else f.get_default()
            fixed[f.attname] = f.get_db_prep_save(value, connection)
    varying = [f for f in fields if f.attname in rows[0]]
    columns = [f.column for f in fields]
    order = [f.attname for f in fields]
    # Text and numbers go to the driver as they are; the rest (times, the channels' JSON) is
    # prepared by its field, once per distinct value: most rows share them.
    adapted = [f for f in varying if not isinstance(row_sample := rows[0][f.attname], str | int)
               or isinstance(row_sample, bool)]  # fmt: skip
    plain = [f.attname for f in varying if f not in adapted]
    prepared: dict[tuple[str, Any], Any] = {}

    def prep(f: Field[Any, Any], value: Any) -> Any:
        k = (f.attname, tuple(value) if isinstance(value, list) else value)
        if k not in prepared:
            prepared[k] = f.get_db_prep_save(value, connection)
        return prepared[k]

    sql = _sql(columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = []
            for row in rows[start : start + BATCH]:
                values = {**fixed, **{a: row[a] for a in plain}}
                values.update((f.attname, prep(f, row[f.attname])) for f in adapted)
                batch.append([values[name] for name in order])
            cursor.executemany(sql, batch)
