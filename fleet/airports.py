"""Loading the airport table from the ``airportsdata`` package (offline, ~28,000 airports).

Used by the data migration (with the historical model) and by ``manage.py load_airports``
(with the current one), so both load exactly the same rows.
"""

from __future__ import annotations

from typing import Any

import airportsdata
from django.db import connections


def airport_rows() -> list[dict[str, Any]]:
    """The package's airports that have an ICAO code, as ``Airport`` field values."""
    rows = []
    for icao, item in airportsdata.load("ICAO").items():
        code = icao.strip().upper()
        if len(code) != 4 or not code.isalnum():
            continue
        rows.append(
            {
                "icao": code,
                "iata": (item.get("iata") or "").strip().upper()[:3],
                "name": (item.get("name") or code)[:120],
                "city": (item.get("city") or "")[:80],
                "subdivision": (item.get("subd") or "")[:80],
                "country": (item.get("country") or "").upper()[:2],
                "latitude": float(item["lat"]),
                "longitude": float(item["lon"]),
                "elevation_ft": round(float(item.get("elevation") or 0)),  # the package gives feet
                "time_zone": (item.get("tz") or "UTC")[:40],
            }
        )
    return rows


def airports_load(airport_model: Any, *, using: str = "default") -> tuple[int, int]:
    """Insert missing airports and update changed ones; returns (created, updated).

    Runs at every test-database creation (the data migration), so it is built for speed:
    bulk statements, never a query per row; an empty SQLite table is filled with plain
    multi-row INSERTs (measured: 0.1 s against 0.9 s for ``bulk_create``, which on PostgreSQL
    is already as fast — one UNNEST insert per batch — and is used there).
    """
    rows = airport_rows()
    if not rows:
        return 0, 0
    manager = airport_model._default_manager.using(using)
    if connections[using].vendor == "sqlite" and not manager.exists():
        _insert_all(airport_model, rows, using)
        return len(rows), 0
    existing = {a.icao: a for a in manager.all()}
    fields = [f for f in rows[0] if f != "icao"]
    new, changed = [], []
    for row in rows:
        current = existing.get(row["icao"])
        if current is None:
            new.append(airport_model(**row))
        elif any(getattr(current, f) != row[f] for f in fields):
            for f in fields:
                setattr(current, f, row[f])
            changed.append(current)
    manager.bulk_create(new, batch_size=2000)
    if changed:
        manager.bulk_update(changed, fields, batch_size=500)
    return len(new), len(changed)


def _insert_all(airport_model: Any, rows: list[dict[str, Any]], using: str, batch: int = 1000) -> None:
    """Multi-row INSERTs of ``batch`` rows (10,000 bound values, under SQLite's 32,766)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = list(rows[0])
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 (names from the model, values bound)
        quote(airport_model._meta.db_table),
        ", ".join(quote(airport_model._meta.get_field(c).column) for c in columns),
    )
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(head + ", ".join([one] * len(chunk)), [row[c] for row in chunk for c in columns])
