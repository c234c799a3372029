"""Flights: booking without double booking, status workflow, manifest, services, BOLA."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from clients import services as client_services
from fleet import services as fleet_services
from fleet.models import Aircraft, AircraftStatusChange, Airport
from flights.models import Flight, TripEvent
from flights.services.extras import feedback_submit
from flights.services.manifest import manifest_set
from flights.services.status import TRANSITIONS, flight_status_change
from tests.builders import bearer, book, future, make_aircraft
from tests.concurrency import race

pytestmark = pytest.mark.django_db


def flight_body(
    client_id: int,
    aircraft_id: int,
    *,
    dep: str = "KTEB",
    arr: str = "KDJT",
    days: int = 10,
    hour: int = 14,
    **extra,
):
    return {
        "client_id": client_id,
        "aircraft_id": aircraft_id,
        "departure": {"airport": dep, "datetime": future(days, hour).isoformat(), "fbo": "Signature"},
        "arrival": {
            "airport": arr,
            "datetime": (future(days, hour) + timedelta(hours=2, minutes=40)).isoformat(),
        },
        **extra,
    }


def test_create_flight_in_seed_shape(ops_user, client_a, jet):
    response = bearer(ops_user).post("/api/v1/flights", flight_body(client_a.pk, jet.pk), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["flight_number"].startswith("JO")
    assert body["departure"]["airport"] == "KTEB"
    assert body["departure"]["fbo"] == "Signature"
    assert body["client_id"] == client_a.pk
    assert body["aircraft_id"] == jet.pk
    assert body["status"] == "scheduled"
    flight = Flight.objects.get()
    assert flight.history.latest().history_user == ops_user
    assert TripEvent.objects.filter(trip=flight.trip, kind="booked").exists()


def test_a_flight_departing_in_the_past_is_refused(ops_user, client_a, jet):
    body = flight_body(client_a.pk, jet.pk)
    body["departure"]["datetime"] = (timezone.now() - timedelta(hours=1)).isoformat()
    body["arrival"]["datetime"] = (timezone.now() + timedelta(hours=1, minutes=40)).isoformat()
    response = bearer(ops_user).post("/api/v1/flights", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["departure"]["datetime"] == ["The departure is in the past."]
    assert not Flight.objects.exists()


def test_missing_arrival_time_is_refused(ops_user, client_a, jet):
    """arrival.datetime is part of the seed shape: it is never estimated for the caller."""
    body = flight_body(client_a.pk, jet.pk)
    del body["arrival"]["datetime"]
    response = bearer(ops_user).post("/api/v1/flights", body, format="json")
    assert response.status_code == 400
    assert "arrival" in response.json()["errors"]
    body["arrival"] = {"airport": "KDJT", "datetime": None}
    assert bearer(ops_user).post("/api/v1/flights", body, format="json").status_code == 400
    assert not Flight.objects.exists()


def test_arrival_faster_than_the_aircraft_can_fly_is_refused(ops_user, client_a, jet):
    """KTEB-KDJT is about 2 h 40 min block on the light jet: landing a minute after departure
    (or before it) is a typing error, not a booking."""
    body = flight_body(client_a.pk, jet.pk)
    departure = future(10, 14)
    for arrival in (departure + timedelta(minutes=1), departure, departure - timedelta(hours=1)):
        body["arrival"]["datetime"] = arrival.isoformat()
        response = bearer(ops_user).post("/api/v1/flights", body, format="json")
        assert response.status_code == 400, response.json()
        assert "arrival" in response.json()["errors"]
    assert not Flight.objects.exists()
    body["arrival"]["datetime"] = (departure + timedelta(hours=2, minutes=10)).isoformat()
    assert bearer(ops_user).post("/api/v1/flights", body, format="json").status_code == 201


def test_booking_prices_the_leg_once(monkeypatch, ops_user, client_a, jet):
    """The speed check reuses the block estimate the booking made, rather than pricing the
    leg a second time."""
    from flights import selectors

    calls = []
    original = selectors.estimate_leg
    monkeypatch.setattr(selectors, "estimate_leg", lambda *a, **k: calls.append(1) or original(*a, **k))
    body = flight_body(client_a.pk, jet.pk)
    body["arrival"]["datetime"] = (future(10, 14) + timedelta(hours=2, minutes=10)).isoformat()
    assert bearer(ops_user).post("/api/v1/flights", body, format="json").status_code == 201
    assert len(calls) == 1


def test_double_booking_is_409_with_alternatives(ops_user, client_a, jet, midsize):
    book(client_a, jet)
    body = flight_body(client_a.pk, jet.pk, hour=15)
    response = bearer(ops_user).post("/api/v1/flights", body, format="json")
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "aircraft_unavailable"
    assert data["conflicts"][0]["type"] == "flight"
    assert data["alternatives"][0]["tail_number"] == "N200JA"
    assert Flight.objects.count() == 1


def test_turnaround_buffer_counts(ops_user, client_a, jet):
    first = book(client_a, jet)
    # back from KDJT ten minutes after landing: inside the 45-minute turnaround
    body = flight_body(client_a.pk, jet.pk, dep="KDJT", arr="KTEB")
    body["departure"]["datetime"] = (first.arrival_at + timedelta(minutes=10)).isoformat()
    body["arrival"]["datetime"] = (first.arrival_at + timedelta(hours=3)).isoformat()
    assert bearer(ops_user).post("/api/v1/flights", body, format="json").status_code == 409
    body["departure"]["datetime"] = (first.arrival_at + timedelta(minutes=50)).isoformat()
    assert bearer(ops_user).post("/api/v1/flights", body, format="json").status_code == 201


def test_blackout_blocks_booking(ops_user, client_a, jet):
    fleet_services.blackout_add(
        aircraft=jet,
        start=future(10, 0),
        end=future(11, 0),
        kind="maintenance",
        reason="phase inspection",
        actor=None,
    )
    response = bearer(ops_user).post("/api/v1/flights", flight_body(client_a.pk, jet.pk), format="json")
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["type"] == "blackout"


def test_must_depart_where_the_aircraft_will_be(ops_user, client_a, jet):
    response = bearer(ops_user).post(
        "/api/v1/flights", flight_body(client_a.pk, jet.pk, dep="KHPN"), format="json"
    )
    assert response.status_code == 409
    conflict = response.json()["conflicts"][0]
    assert conflict["type"] == "position"
    assert conflict["positioning_leg"]["departure_airport"] == "KTEB"
    assert conflict["positioning_leg"]["arrival_airport"] == "KHPN"


def test_grounded_aircraft_cannot_be_booked(ops_user, client_a, jet):
    fleet_services.aircraft_status_change(aircraft=jet, status="aog", reason="bird strike", actor=None)
    response = bearer(ops_user).post("/api/v1/flights", flight_body(client_a.pk, jet.pk), format="json")
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["type"] == "aircraft_status"


ALL_STATUSES = ["scheduled", "boarding", "departed", "arrived", "diverted", "completed", "cancelled"]
PATH_TO = {
    "scheduled": [],
    "boarding": ["boarding"],
    "departed": ["departed"],
    "arrived": ["departed", "arrived"],
    "diverted": ["departed", "diverted"],
    "completed": ["departed", "arrived", "completed"],
    "cancelled": ["cancelled"],
}


def _move(flight: Flight, status: str, at=None) -> Flight:
    """Record ``status`` at ``at`` (by default when it would happen on schedule), with the
    clock at that time: an actual time cannot be in the future."""
    extra = {}
    if status == "cancelled":
        extra["reason"] = "client request"
    if status == "diverted":
        extra["diverted_to"] = Airport.objects.get(icao="KFLL")
    if status in ("arrived", "diverted"):
        at = at or flight.actual_off_block + timedelta(hours=2, minutes=30)
    if status in ("departed", "boarding"):
        at = at or flight.departure_at
    if status == "completed":
        at = at or flight.actual_on_block + timedelta(minutes=10)
    with time_machine.travel(at or timezone.now(), tick=False):
        return flight_status_change(flight=flight, status=status, actor=None, at=at, **extra)


@pytest.mark.parametrize("target", ALL_STATUSES)
@pytest.mark.parametrize("source", ALL_STATUSES)
def test_status_transition_table(ops_user, client_a, jet, source, target):
    flight = book(client_a, jet)
    for step in PATH_TO[source]:
        flight = _move(flight, step)
    body = {"status": target}
    if target == "cancelled":
        body["reason"] = "weather"
    if target == "diverted":
        body["diverted_to"] = "KFLL"
    if target in ("arrived", "diverted") and flight.actual_off_block:
        body["at"] = (flight.actual_off_block + timedelta(hours=2)).isoformat()
    with time_machine.travel(flight.departure_at + timedelta(hours=4), tick=False):
        response = bearer(ops_user).post(f"/api/v1/flights/{flight.pk}/status", body, format="json")
    expected = 200 if target in TRANSITIONS[source] else 409
    assert response.status_code == expected, response.json()
    flight.refresh_from_db()
    assert flight.status == (target if expected == 200 else source)


def test_client_services_cannot_cancel_a_flight(cs_user, ops_user, client_a, jet):
    """Per the role table the status workflow, cancelling included, is Operations' (flights,
    scheduling); Client Services support bookings and ask Operations to cancel."""
    flight = book(client_a, jet)
    cancel = {"status": "cancelled", "reason": "client request"}
    response = bearer(cs_user).post(f"/api/v1/flights/{flight.pk}/status", cancel, format="json")
    assert response.status_code == 403
    flight.refresh_from_db()
    assert flight.status == "scheduled"
    assert not TripEvent.objects.filter(kind="status").exists()
    ok = bearer(ops_user).post(f"/api/v1/flights/{flight.pk}/status", cancel, format="json")
    assert ok.status_code == 200
    assert ok.json()["status"] == "cancelled"


def test_status_service_refuses_an_actor_without_the_permission(cs_user, client_a, jet):
    """Every caller meets the check (the admin's cancel action included), not only the API."""
    flight = book(client_a, jet)
    with pytest.raises(PermissionDenied):
        flight_status_change(flight=flight, status="cancelled", reason="client request", actor=cs_user)
    flight.refresh_from_db()
    assert (flight.status, flight.cancel_reason) == ("scheduled", "")


def test_arrival_moves_aircraft_and_adds_hours(ops_user, client_a, jet):
    flight = book(client_a, jet)
    _move(flight, "departed", at=flight.departure_at)
    flight.refresh_from_db()
    _move(flight, "arrived", at=flight.departure_at + timedelta(hours=2, minutes=30))
    jet.refresh_from_db()
    assert jet.current_location_id == "KDJT"
    assert jet.total_hours == Decimal("2.5")
    assert jet.total_cycles == 1
    assert flight.trip.events.filter(kind="status").count() == 2


def test_arrival_returns_an_in_flight_aircraft_to_service_on_its_timeline(ops_user, client_a, jet):
    flight = book(client_a, jet)
    fleet_services.aircraft_status_change(aircraft=jet, status="in_flight", actor=ops_user)
    _move(flight, "departed", at=flight.departure_at)
    flight.refresh_from_db()

    with time_machine.travel(flight.departure_at + timedelta(hours=3), tick=False):
        response = bearer(ops_user).post(
            f"/api/v1/flights/{flight.pk}/status",
            {"status": "arrived", "at": (flight.departure_at + timedelta(hours=2)).isoformat()},
            format="json",
        )

    assert response.status_code == 200, response.json()
    jet.refresh_from_db()
    assert (jet.status, jet.current_location_id) == ("available", "KDJT")
    change = AircraftStatusChange.objects.filter(aircraft=jet).latest("at")
    assert (change.from_status, change.to_status, change.actor) == ("in_flight", "available", ops_user)
    assert flight.flight_number in change.reason
    assert jet.history.latest().history_user == ops_user


def test_status_times_are_refused_in_the_future_out_of_order_or_beyond_endurance(ops_user, client_a, jet):
    flight = book(client_a, jet)
    url = f"/api/v1/flights/{flight.pk}/status"
    hours = jet.total_hours

    def post(body):  # a token made at the test's time
        return bearer(ops_user).post(url, body, format="json")

    def refused(body):
        response = post(body)
        assert response.status_code == 400, response.json()
        assert "at" in response.json()["errors"]

    with time_machine.travel(flight.departure_at + timedelta(hours=1), tick=False):
        refused({"status": "boarding", "at": "9999-12-31T23:59:59Z"})
        refused({"status": "departed", "at": "2099-05-01T14:00:00Z"})
        refused(
            {"status": "departed", "at": (flight.departure_at + timedelta(hours=1, minutes=6)).isoformat()}
        )
        flight.refresh_from_db()
        assert (flight.status, flight.actual_off_block) == ("scheduled", None)
        assert not TripEvent.objects.filter(kind="status").exists()
        at = flight.departure_at - timedelta(minutes=20)
        assert post({"status": "boarding", "at": at.isoformat()}).status_code == 200
        refused({"status": "departed", "at": (at - timedelta(minutes=1)).isoformat()})
        at = flight.departure_at + timedelta(hours=1, minutes=4)  # within the clock skew
        assert post({"status": "departed", "at": at.isoformat()}).status_code == 200
    with time_machine.travel(flight.departure_at + timedelta(days=2), tick=False):
        refused({"status": "arrived", "at": "2099-05-01T13:00:00Z"})
        refused({"status": "arrived", "at": (flight.departure_at + timedelta(hours=30)).isoformat()})
        refused({"status": "arrived", "at": flight.departure_at.isoformat()})
        flight.refresh_from_db()
        jet.refresh_from_db()
        assert (flight.status, flight.actual_on_block, jet.total_hours) == ("departed", None, hours)
        assert TripEvent.objects.filter(kind="status").count() == 2
        arrival = flight.departure_at + timedelta(hours=3, minutes=4)
        assert post({"status": "arrived", "at": arrival.isoformat()}).status_code == 200
    jet.refresh_from_db()
    assert jet.total_hours == hours + Decimal("2.0")


def test_diversion_moves_aircraft_to_actual_airport(client_a, jet):
    flight = book(client_a, jet)
    flight = _move(flight, "departed")
    _move(flight, "diverted")
    jet.refresh_from_db()
    assert jet.current_location_id == "KFLL"


def test_cancel_needs_reason(ops_user, client_a, jet):
    flight = book(client_a, jet)
    response = bearer(ops_user).post(
        f"/api/v1/flights/{flight.pk}/status", {"status": "cancelled"}, format="json"
    )
    assert response.status_code == 400
    flight.refresh_from_db()
    assert flight.status == "scheduled"


def test_completion_counts_loyalty_and_requests_feedback(client_a_user, client_a, jet):
    flight = book(client_a, jet)
    for step in ["departed", "arrived", "completed"]:
        flight = _move(flight, step)
    client_a.refresh_from_db()
    assert client_a.flights_count == 1
    api = bearer(client_a_user)
    response = api.post(
        f"/api/v1/flights/{flight.pk}/feedback", {"rating": 5, "comment": "Superb"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert api.post(f"/api/v1/flights/{flight.pk}/feedback", {"rating": 4}, format="json").status_code == 409


def test_feedback_report_is_staff_only(ops_user, client_a_user, client_a, client_b_user, client_b, jet):
    """Fleet-wide figures: staff read them; no portal user does, whoever gave the feedback."""
    flight = book(client_a, jet)
    for step in ["departed", "arrived", "completed"]:
        flight = _move(flight, step)
    feedback_submit(flight=flight, rating=2, comment="Late", actor=client_a_user)
    for portal in (client_a_user, client_b_user):
        assert bearer(portal).get("/api/v1/flights/feedback-report").status_code == 403
    report = bearer(ops_user).get("/api/v1/flights/feedback-report").json()
    assert (report["submitted"], report["distribution"]["2"]) == (1, 1)


def _passengers(client, n):
    return [
        client_services.passenger_create(
            client=client,
            actor=None,
            first_name=f"P{i}",
            last_name="Pax",
            passport_number=f"X{i:07d}",
            passport_expiry=(future(100)).date(),
        )
        for i in range(n)
    ]


def test_manifest_capacity_and_warnings(ops_user, client_a, jet):
    flight = book(client_a, jet)
    people = _passengers(client_a, 8)
    api = bearer(ops_user)
    too_many = api.put(
        f"/api/v1/flights/{flight.pk}/manifest", [{"passenger": p.pk} for p in people], format="json"
    )
    assert too_many.status_code == 400
    assert "7 seats" in str(too_many.json()["errors"])
    response = api.put(
        f"/api/v1/flights/{flight.pk}/manifest",
        [{"passenger": p.pk, "seat": "1A"} for p in people[:3]],
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert len(body["passengers"]) == 3
    assert len(body["warnings"]) == 3  # passports expire within 6 months of the flight
    assert body["passengers"][0]["passport_number"].startswith("X")


def test_manifest_refuses_other_clients_passengers(ops_user, client_a, client_b, jet):
    flight = book(client_a, jet)
    stranger = _passengers(client_b, 1)[0]
    response = bearer(ops_user).put(
        f"/api/v1/flights/{flight.pk}/manifest", [{"passenger": stranger.pk}], format="json"
    )
    assert response.status_code == 400
    assert not flight.manifest.exists()


def test_finance_sees_masked_passports(finance_user, client_a, jet):
    flight = book(client_a, jet)
    people = _passengers(client_a, 1)
    manifest_set(flight=flight, entries=[{"passenger": people[0].pk}], actor=None)
    body = bearer(finance_user).get(f"/api/v1/flights/{flight.pk}/manifest").json()
    assert body["passengers"][0]["passport_number"].startswith("•")


def test_client_b_gets_404_on_client_a_flights(client_b_user, client_b, client_a, jet):
    flight = book(client_a, jet)
    api = bearer(client_b_user)
    for url in [
        f"/api/v1/flights/{flight.pk}",
        f"/api/v1/flights/{flight.pk}/manifest",
        f"/api/v1/flights/{flight.pk}/services",
        f"/api/v1/trips/{flight.trip_id}",
        f"/api/v1/trips/{flight.trip_id}/concierge",
    ]:
        assert api.get(url).status_code == 404, url
    assert (
        api.post(f"/api/v1/flights/{flight.pk}/status", {"status": "boarding"}, format="json").status_code
        == 404
    )
    assert (
        api.post(f"/api/v1/trips/{flight.trip_id}/concierge", {"subject": "x"}, format="json").status_code
        == 404
    )
    assert api.get("/api/v1/flights").json()["count"] == 0
    assert api.get("/api/v1/trips").json()["count"] == 0
    flight.refresh_from_db()
    assert flight.status == "scheduled"


def test_client_sees_own_flights_but_cannot_change_status(client_a_user, client_a, jet):
    flight = book(client_a, jet)
    api = bearer(client_a_user)
    assert api.get("/api/v1/flights").json()["count"] == 1
    assert (
        api.post(f"/api/v1/flights/{flight.pk}/status", {"status": "boarding"}, format="json").status_code
        == 403
    )


def test_concierge_queue(client_a_user, client_a, cs_user, jet):
    flight = book(client_a, jet)
    created = bearer(client_a_user).post(
        f"/api/v1/trips/{flight.trip_id}/concierge",
        {"subject": "Flowers on board", "detail": "White roses"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    queue = bearer(cs_user).get("/api/v1/concierge").json()
    assert queue["count"] == 1
    assert queue["results"][0]["overdue"] is False
    item = queue["results"][0]["id"]
    done = bearer(cs_user).patch(
        f"/api/v1/concierge/{item}", {"status": "done", "assignee": cs_user.pk}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["resolved_at"] is not None


def test_special_services_with_dietary_notes(ops_user, client_a, jet):
    client_services.client_preferences_update(
        client=client_a, preferences={"dietary_restrictions": ["vegan"]}, actor=None
    )
    flight = book(client_a, jet)
    response = bearer(ops_user).post(
        f"/api/v1/flights/{flight.pk}/services",
        {"kind": "catering", "vendor": "Rudy's", "cost": "450.00"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert "vegan" in response.json()["description"]
    assert response.json()["cost"] == {"amount": "450.00", "currency": "USD"}


def test_reschedule_rechecks_conflicts(ops_user, client_a, jet):
    first = book(client_a, jet)
    second = book(client_a, jet, dep="KDJT", arr="KTEB", at=first.arrival_at + timedelta(hours=5))
    body = {
        "departure": {"airport": "KDJT", "datetime": (first.arrival_at + timedelta(minutes=5)).isoformat()},
        "arrival": {"airport": "KTEB", "datetime": (first.arrival_at + timedelta(hours=3)).isoformat()},
    }
    response = bearer(ops_user).patch(f"/api/v1/flights/{second.pk}", body, format="json")
    assert response.status_code == 409
    later = {
        "departure": {"airport": "KDJT", "datetime": (first.arrival_at + timedelta(hours=6)).isoformat()},
        "arrival": {"airport": "KTEB", "datetime": (first.arrival_at + timedelta(hours=9)).isoformat()},
    }
    assert bearer(ops_user).patch(f"/api/v1/flights/{second.pk}", later, format="json").status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_flight_list_query_count(ops_user, client_a, django_assert_max_num_queries, count, profile):
    for _ in range(count):
        aircraft = make_aircraft()
        book(client_a, aircraft)
    with django_assert_max_num_queries(10):
        response = bearer(ops_user).get("/api/v1/flights?page_size=50")
    assert response.json()["count"] == count


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint and row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_bookings_exactly_one_wins(client_a, profile):
    aircraft = make_aircraft(tail_number="N900CC")
    outcomes = race([lambda: book(client_a, Aircraft.objects.get(pk=aircraft.pk)) for _ in range(10)])
    assert sorted(outcomes) == ["conflict"] * 9 + ["ok"]
    assert Flight.objects.filter(aircraft=aircraft).count() == 1
