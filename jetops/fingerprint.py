"""A fingerprint of what the database holds and what the application serves from it: the
row count of every table, checksums of the busiest tables' rows, and one API read. Two
fingerprints are equal when a restore brought back the same data (``scripts/restore_drill``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from jetops.auth.tokens import access_issue
from jetops.models import User
from jetops.permissions import user_can

CHECKSUM_TABLES = (
    "flights_flight",
    "flights_trip",
    "flights_quoteline",
    "flights_flightpassenger",
    "crew_crewassignment",
    "clients_passenger",
    "jetops_activitylog",
)
API_READ = "/api/v1/flights?page_size=20"


def table_counts() -> dict[str, int]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608  (names from the catalogue)
            counts[table] = cursor.fetchone()[0]
    return counts


def table_checksum(table: str) -> str:
    """SHA-256 of every row of ``table`` in primary-key order."""
    quote = connection.ops.quote_name
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        key = connection.introspection.get_primary_key_column(cursor, table)
        order = quote(key) if key else "1"
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")  # noqa: S608
        while rows := cursor.fetchmany(2000):
            for row in rows:
                digest.update(repr(row).encode())
                digest.update(b"\n")
    return digest.hexdigest()


def api_read(path: str = API_READ) -> dict[str, Any]:
    """``path`` read through the whole application (middleware, authentication, permissions)
    as the first active staff user who may list flights, with a token made here (nothing is
    written). ``{"status": None}`` when there is no such user."""
    staff = [u for u in User.objects.filter(is_active=True).order_by("pk") if u.is_staff]
    user = next((u for u in staff if user_can(u, "flights.view_flight")), None)
    if user is None:
        return {"status": None, "body": None}
    token = access_issue(user, otp_at=timezone.now(), family_id=None)
    host = next((h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")), "localhost")
    response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST=host, secure=True)
    body = json.loads(response.content) if response["Content-Type"].startswith("application/json") else None
    return {"status": response.status_code, "user": user.username, "body": body}


def fingerprint() -> dict[str, Any]:
    present = set(connection.introspection.table_names())
    return {
        "tables": table_counts(),
        "checksums": {table: table_checksum(table) for table in CHECKSUM_TABLES if table in present},
        "api": api_read(),
    }
