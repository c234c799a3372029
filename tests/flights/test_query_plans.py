"""The main list queries over flights read an index, never the whole table: each query the
API runs for them is explained on PostgreSQL with sequential scans priced out
(``enable_seqscan = off``), so a ``Seq Scan`` left in a plan means no index can serve it
(docs/architecture.md#pagination)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crew import services as crew_services
from flights.models import Flight
from tests.builders import bearer, book, make_aircraft, make_crew

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="query plans are PostgreSQL's: run with DATABASE_URL on PostgreSQL",
    ),
]

FLIGHTS = Flight._meta.db_table


def _iso(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plan(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            return [row[0] for row in cursor.fetchall()]
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


@pytest.fixture
def flown(client_a, profile):
    member = make_crew("P1")
    flights = [book(client_a, make_aircraft(), days=days) for days in (3, 5)]
    crew_services.crew_assign(flight=flights[0], member=member, role="PIC", actor=None)
    return flights


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/flights",
        "/api/v1/flights?status=scheduled&date_from={now}",
        "/api/v1/flights?status=completed&status=arrived&date_from={month_ago}&date_to={now}",
        "/api/v1/flights?ordering=-departure_at",
        "/api/v1/flights?ordering=status",
        "/api/v1/flights?ordering=flight_number",
        "/api/v1/flights?airport=KTEB",
        "/api/v1/crew/assignments?from={week_ago}&to={in_a_week}",
    ],
)
def test_list_queries_read_flights_through_an_index(ops_user, flown, path):
    path = path.format(now=_iso(0), month_ago=_iso(-30), week_ago=_iso(-7), in_a_week=_iso(7))
    api = bearer(ops_user)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200, response.content
    over_flights = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and f'"{FLIGHTS}"' in q["sql"]
    ]
    assert over_flights, "the list read no flights"
    for sql in over_flights:
        plan = _plan(sql)
        scans = [line for line in plan if "Seq Scan" in line and FLIGHTS in line]
        assert not scans, "\n".join([sql, *plan])


def test_a_status_filter_is_not_distinct(ops_user, flown):
    """django-filter's multiple choice filter adds DISTINCT by default: the flights list's
    status filter does not (a status matches each row once)."""
    with CaptureQueriesContext(connection) as queries:
        response = bearer(ops_user).get("/api/v1/flights?status=scheduled&status=boarding")
    assert response.status_code == 200
    assert [f["id"] for f in response.json()["results"]] == [f.pk for f in flown]
    assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"] and f'"{FLIGHTS}"' in q["sql"]]
