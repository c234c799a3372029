"""One answer to "is this aircraft free, and where is it": flights (with turnaround and
positioning legs), blackouts and status, as the availability search, the aircraft schedule,
quoting, the booking checks and a 409's alternatives all see it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fleet import services as fleet_services
from fleet.models import Aircraft, Airport
from fleet.occupancy import occupancy_providers
from flights.conflicts import LegPlan
from flights.models import Flight, Trip
from flights.services.booking import trip_book
from flights.services.status import flight_status_change
from tests.builders import bearer, book, future, make_aircraft

pytestmark = pytest.mark.django_db

URL = "/api/v1/aircraft"


def airport(code: str) -> Airport:
    return Airport.objects.get(icao=code)


def ferry_then_fly(client, aircraft) -> Trip:
    """A trip on day 10: positioning KTEB–KHPN 08:00–08:30, then KHPN–KBOS 12:00–13:00."""
    positioning = LegPlan(
        departure_airport=airport("KTEB"),
        arrival_airport=airport("KHPN"),
        departure_at=future(10, 8),
        arrival_at=future(10, 8, 30),
        leg_type="positioning",
    )
    revenue = LegPlan(
        departure_airport=airport("KHPN"),
        arrival_airport=airport("KBOS"),
        departure_at=future(10, 12),
        arrival_at=future(10, 13),
        passengers=2,
    )
    return trip_book(client=client, aircraft=aircraft, legs=[positioning, revenue], actor=None)


def flight_body(client_id: int, aircraft_id: int, dep: str, arr: str, start, end) -> dict[str, Any]:
    """``POST /flights`` for one leg from ``dep`` at ``start`` to ``arr`` at ``end``."""
    return {
        "client_id": client_id,
        "aircraft_id": aircraft_id,
        "departure": {"airport": dep, "datetime": start.isoformat()},
        "arrival": {"airport": arr, "datetime": end.isoformat()},
    }


def quote_body(client_id: int, dep: str, arr: str, at, passengers: int = 2) -> dict[str, Any]:
    """``POST /flights/quote`` for one leg."""
    leg = {"departure_airport": dep, "arrival_airport": arr, "departure_datetime": at.isoformat()}
    return {"client_id": client_id, "legs": [{**leg, "passengers": passengers}]}


def window(start, end) -> str:
    return f"available_from={start.isoformat()}&available_to={end.isoformat()}".replace("+", "%2B")


def available(user, start, end, extra="") -> list[str]:
    response = bearer(user).get(f"{URL}?page_size=100&{window(start, end)}{extra}")
    assert response.status_code == 200, response.content
    return [a["tail_number"] for a in response.json()["results"]]


def test_flights_register_their_occupancy_provider():
    assert "flights" in [p.name for p in occupancy_providers()]


def test_booked_aircraft_is_not_available_for_its_flight_window(ops_user, client_a, jet, midsize):
    flight = book(client_a, jet)
    during = available(ops_user, flight.departure_at - timedelta(hours=1), flight.arrival_at)
    assert during == ["N200JA"]
    # the turnaround keeps it busy after landing, then it is free again
    assert available(ops_user, flight.arrival_at, flight.busy_until) == ["N200JA"]
    assert available(ops_user, flight.busy_until, flight.busy_until + timedelta(hours=3)) == [
        "N100JA",
        "N200JA",
    ]


def test_cancelled_flight_frees_the_aircraft(ops_user, client_a, jet):
    flight = book(client_a, jet)
    flight_status_change(flight=flight, status="cancelled", reason="client", actor=None)
    assert available(ops_user, flight.departure_at, flight.arrival_at) == ["N100JA"]


def test_positioning_leg_occupies_the_aircraft(ops_user, client_a, jet):
    ferry_then_fly(client_a, jet)
    assert available(ops_user, future(10, 8, 10), future(10, 8, 20)) == []
    assert available(ops_user, future(10, 10), future(10, 11)) == ["N100JA"]


def test_schedule_lists_flights_positioning_legs_and_blackouts_typed(ops_user, client_a, jet):
    trip = ferry_then_fly(client_a, jet)
    ferry, leg = trip.flights.order_by("sequence")
    blackout = fleet_services.blackout_add(
        aircraft=jet, start=future(11, 0), end=future(12, 0), kind="owner_use", reason="Owner", actor=None
    ).blackout
    cancelled = book(client_a, jet, dep="KBOS", arr="KTEB", at=future(10, 18))
    flight_status_change(flight=cancelled, status="cancelled", reason="client", actor=None)

    query = f"?from={future(9, 0).isoformat()}&to={future(13, 0).isoformat()}".replace("+", "%2B")
    response = bearer(ops_user).get(f"{URL}/{jet.pk}/schedule{query}")

    assert response.status_code == 200, response.content
    entries = response.json()["entries"]
    assert [(e["kind"], e["id"]) for e in entries] == [
        ("positioning", ferry.pk),
        ("flight", leg.pk),
        ("blackout", blackout.pk),
    ]
    first = entries[0]
    assert first["start"] == ferry.departure_at.isoformat()
    assert first["end"] == ferry.busy_until.isoformat()  # the turnaround is part of the occupancy
    assert first["title"] == f"{ferry.flight_number} KTEB–KHPN (positioning)"
    assert first["detail"] == {
        "flight_number": ferry.flight_number,
        "trip": trip.number,
        "status": "scheduled",
        "leg_type": "positioning",
        "departure_airport": "KTEB",
        "arrival_airport": "KHPN",
        "arrival_at": ferry.arrival_at.isoformat(),
        "diverted_to": None,
    }


def test_schedule_shows_a_completed_flight_that_no_longer_blocks(ops_user, client_a, jet):
    flight = book(client_a, jet, at=future(1, 14))
    with time_machine.travel(flight.arrival_at, tick=False):  # actual times are not in the future
        for status in ("departed", "arrived", "completed"):
            at = flight.departure_at if status == "departed" else flight.arrival_at
            flight_status_change(flight=flight, status=status, at=at, actor=None)
    query = f"?from={future(1, 0).isoformat()}&to={future(2, 0).isoformat()}".replace("+", "%2B")
    entries = bearer(ops_user).get(f"{URL}/{jet.pk}/schedule{query}").json()["entries"]
    assert [(e["kind"], e["id"], e["detail"]["status"]) for e in entries] == [
        ("flight", flight.pk, "completed")
    ]
    assert available(ops_user, flight.departure_at, flight.arrival_at) == ["N100JA"]


def test_double_booking_alternatives_are_only_free_aircraft(ops_user, client_a, jet, midsize):
    book(client_a, jet)
    book(client_a, midsize, dep="KHPN", arr="KBOS")  # the midsize is flying then too
    spare = make_aircraft(
        tail_number="N300JA", current_location="KBOS", category="midsize", seating_capacity=8
    )
    body = flight_body(client_a.pk, jet.pk, "KTEB", "KDJT", future(10, 15), future(10, 17))
    response = bearer(ops_user).post("/api/v1/flights", body, format="json")
    assert response.status_code == 409, response.content
    data = response.json()
    assert data["conflicts"][0]["type"] == "flight"
    assert [a["tail_number"] for a in data["alternatives"]] == [spare.tail_number]
    assert data["alternatives"][0]["position"] == "KBOS"
    assert Flight.objects.count() == 2


def test_alternatives_position_follows_booked_flights(ops_user, client_a, jet, midsize):
    book(client_a, jet)
    # the midsize flies to Boston the day before: it will be there, not at White Plains
    book(client_a, midsize, dep="KHPN", arr="KBOS", at=future(9, 10))
    body = flight_body(client_a.pk, jet.pk, "KTEB", "KDJT", future(10, 15), future(10, 17))
    data = bearer(ops_user).post("/api/v1/flights", body, format="json").json()
    assert [(a["tail_number"], a["position"]) for a in data["alternatives"]] == [("N200JA", "KBOS")]


def test_quote_positions_from_a_flight_booked_long_before(cs_user, client_a, jet):
    # booked to West Palm Beach three weeks ahead; a quote a month ahead starts there
    book(client_a, jet, dep="KTEB", arr="KDJT", at=future(20, 14))
    body = quote_body(client_a.pk, "KDJT", "KTEB", future(30, 14))
    response = bearer(cs_user).post("/api/v1/flights/quote", body, format="json")
    assert response.status_code == 201, response.content
    (candidate,) = response.json()["candidates"]
    assert [leg["kind"] for leg in candidate["legs"]] == ["revenue"]


def test_quote_leaves_out_a_booked_aircraft_saying_why(cs_user, client_a, jet, midsize):
    flight = book(client_a, jet, dep="KTEB", arr="KDJT", at=future(10, 12))
    body = quote_body(client_a.pk, "KTEB", "KBOS", future(10, 13))
    response = bearer(cs_user).post("/api/v1/flights/quote", body, format="json")
    assert response.status_code == 201, response.content
    assert [c["aircraft"]["tail_number"] for c in response.json()["candidates"]] == ["N200JA"]
    (left_out,) = response.json()["unavailable"]
    assert left_out["tail_number"] == "N100JA"
    assert flight.flight_number in left_out["reasons"][0]


def test_reschedule_does_not_conflict_with_itself(ops_user, client_a, jet):
    flight = book(client_a, jet)
    body = {
        "departure": {"airport": "KTEB", "datetime": (flight.departure_at + timedelta(hours=1)).isoformat()},
        "arrival": {"airport": "KDJT", "datetime": (flight.arrival_at + timedelta(hours=1)).isoformat()},
    }
    response = bearer(ops_user).put(f"/api/v1/flights/{flight.pk}", body, format="json")
    assert response.status_code == 200, response.content
    flight.refresh_from_db()
    assert available(ops_user, flight.arrival_at, flight.arrival_at + timedelta(minutes=30)) == []


def test_next_flight_must_depart_where_a_new_flight_ends(ops_user, client_a, jet):
    book(client_a, jet, dep="KTEB", arr="KDJT", at=future(12, 14))
    body = flight_body(client_a.pk, jet.pk, "KTEB", "KBOS", future(10, 14), future(10, 15))
    response = bearer(ops_user).post("/api/v1/flights", body, format="json")
    assert response.status_code == 409, response.content
    (conflict,) = response.json()["conflicts"]
    assert conflict["type"] == "position"
    assert "departs KTEB afterwards" in conflict["detail"]


# --- query counts: constant in the fleet size ---------------------------------------------------


def _add_fleet(size: int, client) -> list[Aircraft]:
    """``size`` midsize jets at Teterboro, every third one flying on day 5, the others later."""
    fleet = [
        make_aircraft(current_location="KTEB", category="midsize", seating_capacity=8) for _ in range(size)
    ]
    for index, aircraft in enumerate(fleet):
        book(client, aircraft, at=future(5 + index % 3, 14))
    return fleet


def _queries(request) -> tuple[int, Any]:
    """The reads ``request`` makes, and its response. Writes are left out: a quote stores its
    options and lines in bulk statements, batched by size, never one per aircraft."""
    with CaptureQueriesContext(connection) as captured:
        response = request()
    return sum(q["sql"].startswith("SELECT") for q in captured.captured_queries), response


def _same_queries_for_2_and_20_aircraft(client_a, request) -> tuple[Any, Any]:
    """Run ``request`` over a fleet of 2 aircraft, then of 20: the query counts must match."""
    _add_fleet(2, client_a)
    small_count, small = _queries(request)
    _add_fleet(18, client_a)
    large_count, large = _queries(request)
    assert small_count == large_count, (small_count, large_count)
    return small, large


@pytest.mark.usefixtures("profile")
def test_availability_search_query_count_is_constant(ops_user, client_a):
    api = bearer(ops_user)
    small, large = _same_queries_for_2_and_20_aircraft(
        client_a, lambda: api.get(f"{URL}?page_size=100&{window(future(5, 0), future(6, 0))}")
    )
    assert (small.json()["count"], large.json()["count"]) == (1, 13)


@pytest.mark.usefixtures("profile")
def test_schedule_query_count_is_constant(ops_user, client_a, jet):
    api = bearer(ops_user)
    query = f"?from={future(4, 0).isoformat()}&to={future(8, 0).isoformat()}".replace("+", "%2B")
    first = book(client_a, jet, at=future(5, 14))
    count, response = _queries(lambda: api.get(f"{URL}/{jet.pk}/schedule{query}"))
    for day in (6, 7):
        book(
            client_a,
            jet,
            dep="KDJT" if day == 6 else "KTEB",
            arr="KTEB" if day == 6 else "KDJT",
            at=future(day, 14),
        )
    assert _queries(lambda: api.get(f"{URL}/{jet.pk}/schedule{query}"))[0] == count
    assert [e["id"] for e in response.json()["entries"]] == [first.pk]


@pytest.mark.usefixtures("profile")
def test_double_booking_alternatives_query_count_is_constant(ops_user, client_a):
    api = bearer(ops_user)
    booked = _add_fleet(1, client_a)[0]
    body = flight_body(client_a.pk, booked.pk, "KTEB", "KDJT", future(5, 15), future(5, 17))
    small, large = _same_queries_for_2_and_20_aircraft(
        client_a, lambda: api.post("/api/v1/flights", body, format="json")
    )
    assert (small.status_code, large.status_code) == (409, 409)
    assert (len(small.json()["alternatives"]), len(large.json()["alternatives"])) == (1, 5)


@pytest.mark.usefixtures("profile")
def test_quote_query_count_is_constant(cs_user, client_a):
    api = bearer(cs_user)
    body = quote_body(client_a.pk, "KTEB", "KBOS", future(5, 15))
    small, large = _same_queries_for_2_and_20_aircraft(
        client_a, lambda: api.post("/api/v1/flights/quote", body, format="json")
    )
    assert (len(small.json()["unavailable"]), len(large.json()["unavailable"])) == (1, 7)
    assert (len(small.json()["candidates"]), len(large.json()["candidates"])) == (1, 13)
