"""Fast bulk writes: rows as plain tuples, `executemany` on SQLite and `COPY` on PostgreSQL.

Django's `bulk_create` builds a model instance and prepares every value field by field; for a
province's worth of rows that costs more than the database's own work. Here ids are reserved up
front (so that dependent rows can point at them) and values are converted once per column.
Call inside `transaction.atomic()`: on SQLite the IMMEDIATE transaction already holds the write
lock, so reserving ids from the current maximum is safe. Keep each transaction short (a few
thousand rows): on SQLite a writer holds the whole database.
"""

from __future__ import annotations

import json
import operator
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

Converter = Callable[[Any], Any]


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """n fresh primary keys for `model`, unused by anyone else."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cursor.fetchone()
        start = max(top, seq[0] if seq else 0) + 1
        return list(range(start, start + n))


def _converter(field: models.Field) -> Converter | None:
    sqlite = connection.vendor == "sqlite"
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if isinstance(target, models.UUIDField):  # a hex string on SQLite, a uuid on PostgreSQL
        return lambda v: None if v is None else field.get_db_prep_value(v, connection)
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, ensure_ascii=False)
    if isinstance(field, models.DateTimeField):
        if sqlite:
            return lambda v: None if v is None else connection.ops.adapt_datetimefield_value(v)
        return None
    if isinstance(field, models.DateField) and sqlite:
        return lambda v: None if v is None else v.isoformat()
    return None


class Writer:
    """Writes rows of one model, given as dicts keyed by attribute name (`branch_id`, …)."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        with_id: bool = True,
        fixed: dict[str, Any] | None = None,
    ) -> None:
        """`fixed`: values every row shares (converted once, not per row)."""
        self.model = model
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.columns = [f.column for f in fields]
        self.attnames = [f.attname for f in fields]
        self.converters = [_converter(f) for f in fields]
        now = timezone.now()
        self.defaults: dict[str, Any] = {}
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif not f.primary_key:
                self.defaults[f.attname] = f.get_default()  # "" for text, None when nullable
        self.defaults.update(fixed or {})

        # Defaults converted once; per row only the given values that need it are converted.
        self.converted_defaults = {
            name: (convert(self.defaults[name]) if convert is not None else self.defaults[name])
            for name, convert in zip(self.attnames, self.converters, strict=True)
            if name in self.defaults
        }
        self.convert_given = {
            name: convert
            for name, convert in zip(self.attnames, self.converters, strict=True)
            if convert is not None
        }
        self.pick = operator.itemgetter(*self.attnames)

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        merged = {**self.converted_defaults, **values}
        for name, convert in self.convert_given.items():
            if name in values:
                merged[name] = convert(values[name])
        return self.pick(merged)

    def write(self, rows: Iterable[dict[str, Any]]) -> int:
        return insert(self.model, self.columns, (self.row(r) for r in rows))


def insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert already-converted tuples; returns how many rows were written."""
    table = model._meta.db_table
    cols = ", ".join(f'"{c}"' for c in columns)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            return n
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(columns))})'

        def counted() -> Iterable[tuple]:
            nonlocal n
            for row in rows:
                n += 1
                yield row

        # Past Django's wrapper, which would rewrite the query for every call.
        sqlite3.Cursor.executemany(cursor.cursor, sql, counted())
    return n
