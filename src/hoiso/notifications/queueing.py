"""The one write that queues a notice: values prepared once where they are the same for all, and
a message whose key is already there (the same notice queued twice) left as it is (ON CONFLICT
DO NOTHING).

Django's bulk_create builds and compiles a model instance per row: for a province's 50,000
members that took most of a minute here, against a few seconds this way. On SQLite the rows go
through executemany (in-process, no round trips). On PostgreSQL executemany still runs one INSERT
per row, each sending the shared subject, body and context again: 5,000 messages took seconds.
There each batch is one `INSERT … SELECT … FROM unnest(…)`: one array per column that varies,
the shared values sent once.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, cast

from django.db import connection
from django.db.models import Field

from hoiso.notifications.models import Message, Status

BATCH = 2000
# Rows per INSERT … SELECT FROM unnest on PostgreSQL (one statement, one array per column).
PG_BATCH = 10_000


@cache
def _fields() -> list[Field[Any, Any]]:
    return [cast(Field, f) for f in Message._meta.concrete_fields if f.name != "id"]


def _sql(columns: list[str]) -> str:
    q = connection.ops.quote_name
    names = ", ".join(q(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    table = q(Message._meta.db_table)
    return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({q('key')}) DO NOTHING"


def _sql_unnest(fixed: list[Field[Any, Any]], varying: list[Field[Any, Any]]) -> str:
    q = connection.ops.quote_name
    names = ", ".join(q(f.column) for f in [*fixed, *varying])
    shared = [f"%s::{f.db_type(connection)}" for f in fixed]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in varying)
    aliases = [f"v{i}" for i in range(len(varying))]
    select = ", ".join([*shared, *(f"u.{a}" for a in aliases)])
    table = q(Message._meta.db_table)
    return (
        f"INSERT INTO {table} ({names}) SELECT {select} "
        f"FROM unnest({arrays}) AS u({', '.join(aliases)}) ON CONFLICT ({q('key')}) DO NOTHING"
    )


def insert(common: dict[str, Any], rows: list[dict[str, Any]]) -> int:
    """Insert one message per row: `common` holds the values all rows share, each row the rest;
    fields in neither take their default. Returns how many were inserted (a key already there
    inserts nothing)."""
    if not rows:
        return 0
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

    inserted = 0
    if connection.vendor == "postgresql":
        shared = [f for f in fields if f.attname in fixed]
        sql = _sql_unnest(shared, varying)
        with connection.cursor() as cursor:
            for start in range(0, len(rows), PG_BATCH):
                chunk = rows[start : start + PG_BATCH]
                arrays = [
                    [row[f.attname] for row in chunk]
                    if f not in adapted
                    else [_text(prep(f, row[f.attname])) for row in chunk]
                    for f in varying
                ]
                cursor.execute(sql, [*(fixed[f.attname] for f in shared), *arrays])
                inserted += max(cursor.rowcount, 0)
        return inserted
    sql = _sql(columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = []
            for row in rows[start : start + BATCH]:
                values = {**fixed, **{a: row[a] for a in plain}}
                values.update((f.attname, prep(f, row[f.attname])) for f in adapted)
                batch.append([values[name] for name in order])
            cursor.executemany(sql, batch)
            inserted += max(cursor.rowcount, 0)
    return inserted


def _text(value: Any) -> Any:
    """A JSON value psycopg wraps (Jsonb) as its text, so that a column of them is one text array
    cast to jsonb[] (psycopg does not dump a list of wrappers as an array of jsonb)."""
    obj = getattr(value, "obj", None)
    if obj is not None and type(value).__name__ in {"Jsonb", "Json"}:
        dumps = getattr(value, "dumps", None) or json.dumps
        return dumps(obj)
    return value
