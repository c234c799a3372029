"""PostgreSQL only: an exclusion constraint so that two active flights of one aircraft can
never overlap (departure to busy_until, which includes the turnaround), even if two
transactions race past the service's check. SQLite serialises writes instead."""

from __future__ import annotations

from typing import Any

from django.db import migrations

ACTIVE = "('scheduled', 'boarding', 'departed', 'arrived', 'diverted')"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE flights_flight ADD CONSTRAINT flight_no_overlap
EXCLUDE USING gist (aircraft_id WITH =, tstzrange(departure_at, busy_until, '[)') WITH &&)
WHERE (status IN {ACTIVE});
"""
DROP = "ALTER TABLE flights_flight DROP CONSTRAINT IF EXISTS flight_no_overlap;"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("flights", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
