"""Bulk writing for the scale dataset: rows given as field values with their primary keys
chosen up front (so related rows can be built before anything is written), buffered per
model and written in large batches — PostgreSQL's COPY where available, ``bulk_create``
elsewhere. No model ``save()``, signals or history rows: this is generated data, not
business activity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Max

# Rows kept in memory per model before they are written.
BATCH_ROWS = 20_000

# Field classes whose Python values PostgreSQL's COPY takes as they are (exact classes only:
# a subclass, such as an encrypted field, may convert its value).
PLAIN_FIELDS: frozenset[type[models.Field]] = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.BigIntegerField,
        models.BooleanField,
        models.CharField,
        models.DateField,
        models.DateTimeField,
        models.DecimalField,
        models.EmailField,
        models.FloatField,
        models.ForeignKey,
        models.GenericIPAddressField,
        models.IntegerField,
        models.OneToOneField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.TextField,
    }
)


class Ids:
    """Primary keys handed out in order, after the highest one already in each table."""

    def __init__(self) -> None:
        self._next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self._next:
            self._next[model] = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value


class BulkWriter:
    """Buffers rows (dicts of attribute name → value, primary key included) and writes
    them per model. Fields left out take their default; ``auto_now`` fields take the row's
    ``created_at`` when it has one, so a seed writes the same values each time.

    Call ``flush()`` inside the transaction that must hold the rows; ``reset_sequences()``
    once at the end, so the application's own inserts continue after the generated keys.
    """

    def __init__(self, batch_rows: int = BATCH_ROWS) -> None:
        self.batch_rows = batch_rows
        self.buffers: dict[type[models.Model], list[dict[str, Any]]] = {}
        self.written: dict[type[models.Model], int] = {}
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.copy = self.connection.vendor == "postgresql"

    def add(self, table: type[models.Model], /, **values: Any) -> None:
        rows = self.buffers.setdefault(table, [])
        rows.append(values)
        if len(rows) >= self.batch_rows:
            self._write(table)

    def flush(self) -> None:
        for model in list(self.buffers):
            self._write(model)

    def _write(self, model: type[models.Model]) -> None:
        rows = self.buffers.pop(model, [])
        if not rows:
            return
        if self.copy:
            self._copy(model, rows)
        else:
            model._default_manager.bulk_create([model(**row) for row in rows], batch_size=500)
        self.written[model] = self.written.get(model, 0) + len(rows)

    def _copy(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        conn = self.connection
        columns = [_Column(f, conn) for f in model._meta.concrete_fields]
        names = ", ".join(conn.ops.quote_name(c.field.column) for c in columns)
        table = conn.ops.quote_name(model._meta.db_table)
        with conn.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([c.value(row) for c in columns])

    def reset_sequences(self, models_written: Iterable[type[models.Model]] | None = None) -> None:
        conn = self.connection
        statements = conn.ops.sequence_reset_sql(no_style(), list(models_written or self.written))
        with conn.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class _Column:
    """How one field's value is taken from a row and made ready for COPY."""

    def __init__(self, field: Any, conn: Any) -> None:
        self.field = field
        self.name = field.attname
        self.default = field.get_default()
        self.auto_now = getattr(field, "auto_now", False)
        plain = type(field) in PLAIN_FIELDS
        self.prepare: Callable[[Any], Any] | None = (
            None if plain else (lambda v: field.get_db_prep_save(v, conn))
        )

    def value(self, row: dict[str, Any]) -> Any:
        if self.name in row:
            value = row[self.name]
        elif self.auto_now and "created_at" in row:
            value = row["created_at"]
        else:
            value = self.default
        return value if self.prepare is None else self.prepare(value)
