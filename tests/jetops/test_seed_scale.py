"""``manage.py seed_scale`` on a tiny size: the counts asked for, a physically possible fleet
timeline, crew never double-booked, statuses by date, valid keys, the same data for the same
seed, and the refusals that protect a database holding other data."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum

from clients import services as client_services
from clients.models import Client, Passenger
from crew.models import CrewAssignment, CrewMember, TypeRating
from fleet.models import Aircraft
from flights.choices import FlightStatus, LegType
from flights.models import Flight, FlightPassenger, Quote, QuoteOption, Trip
from jetops.models import ActivityLog

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)
TINY = [
    "--years=0.02",
    "--flights-per-month=900",
    "--aircraft=6",
    "--crew=18",
    "--clients=20",
    "--passengers=60",
    "--seed=7",
    f"--now={NOW.isoformat()}",
]
# 900 a month over 0.02 years (the span starts at the previous 09:00 UTC: up to a day more)
FEWEST_FLIGHTS = 0.9 * 900 * 0.02 * 12
MOST_FLIGHTS = 900 * (0.02 * 365.25 + 1) / (365.25 / 12)


def seed(*extra: str) -> str:
    out = StringIO()
    call_command("seed_scale", *TINY, *extra, stdout=out)
    return out.getvalue()


def fingerprint() -> list[tuple[Any, ...]]:
    return list(
        Flight.objects.order_by("id").values_list(
            "flight_number",
            "aircraft__tail_number",
            "departure_airport",
            "arrival_airport",
            "departure_at",
            "arrival_at",
            "status",
            "trip__number",
            "client__email",
            "passenger_count",
        )
    ) + list(
        CrewAssignment.objects.order_by("id").values_list(
            "flight__flight_number", "crew_member__employee_id", "role"
        )
    )


@pytest.mark.django_db
def test_tiny_dataset_has_the_counts_and_valid_keys() -> None:
    output = seed()

    assert Aircraft.objects.count() == 6
    assert CrewMember.objects.count() == 18
    assert Client.objects.count() == 20
    assert Passenger.objects.count() == 60
    flights = Flight.objects.count()
    assert FEWEST_FLIGHTS <= flights <= MOST_FLIGHTS
    assert Trip.objects.count() < flights
    assert Quote.objects.count() >= Trip.objects.count()
    assert ActivityLog.objects.exists()
    assert f"flights.Flight {flights:>10,}".replace(" ", "") in output.replace(" ", "")
    assert "open crew seats: 0" in output
    options = QuoteOption.objects.annotate(lines_total=Sum("lines__amount"))
    assert options.exists()
    assert all(o.lines_total == o.total == o.subtotal + o.taxes for o in options)
    connection.check_constraints()  # every foreign key points at a row


@pytest.mark.django_db
def test_trips_have_one_to_four_legs_and_manifests_of_their_own_client() -> None:
    seed()

    legs: dict[int, int] = defaultdict(int)
    for trip_id in Flight.objects.values_list("trip_id", flat=True):
        legs[trip_id] += 1
    assert set(legs.values()) <= {1, 2, 3, 4}
    assert not FlightPassenger.objects.filter(flight__leg_type=LegType.POSITIONING).exists()
    assert FlightPassenger.objects.exists()
    for entry in FlightPassenger.objects.select_related("flight", "passenger"):
        assert entry.passenger.client_id == entry.flight.client_id


@pytest.mark.django_db
def test_no_aircraft_is_in_two_places_at_once() -> None:
    seed()

    previous: dict[int, Flight] = {}
    flown_from: dict[int, str] = {}
    for flight in Flight.objects.order_by("aircraft_id", "departure_at"):
        before = previous.get(flight.aircraft_id)
        if before is not None:
            assert flight.departure_at >= before.busy_until, (before.flight_number, flight.flight_number)
        previous[flight.aircraft_id] = flight
        if flight.status != FlightStatus.CANCELLED:
            # each flown leg departs where the aircraft last landed
            where = flown_from.get(flight.aircraft_id)
            assert where is None or where == flight.departure_airport_id, flight.flight_number
            flown_from[flight.aircraft_id] = flight.arrival_airport_id


@pytest.mark.django_db
def test_each_flight_has_a_rated_captain_and_first_officer_never_double_booked() -> None:
    seed()

    seats: dict[int, set[str]] = defaultdict(set)
    rated_pic = set(TypeRating.objects.filter(role="PIC").values_list("crew_member_id", "aircraft_type"))
    for a in CrewAssignment.objects.select_related("flight__aircraft"):
        seats[a.flight_id].add(a.role)
        if a.role == "PIC":
            assert (a.crew_member_id, a.flight.aircraft.aircraft_type) in rated_pic
    flown = Flight.objects.exclude(status=FlightStatus.CANCELLED).values_list("id", flat=True)
    assert all(seats[f] == {"PIC", "SIC"} for f in flown)
    assert not CrewAssignment.objects.filter(flight__status=FlightStatus.CANCELLED).exists()

    last_landing: dict[int, datetime] = {}
    for a in CrewAssignment.objects.select_related("flight").order_by(
        "crew_member_id", "flight__departure_at"
    ):
        landed = last_landing.get(a.crew_member_id)
        assert landed is None or a.flight.departure_at >= landed
        last_landing[a.crew_member_id] = a.flight.arrival_at


@pytest.mark.django_db
def test_statuses_follow_the_date() -> None:
    seed()

    assert set(Flight.objects.filter(arrival_at__lte=NOW).values_list("status", flat=True)) <= {
        FlightStatus.COMPLETED,
        FlightStatus.CANCELLED,
    }
    assert set(Flight.objects.filter(departure_at__gt=NOW).values_list("status", flat=True)) <= {
        FlightStatus.SCHEDULED,
        FlightStatus.CANCELLED,
    }
    assert Flight.objects.filter(departure_at__gt=NOW, status=FlightStatus.SCHEDULED).exists()
    assert not Flight.objects.filter(status=FlightStatus.COMPLETED, actual_on_block__isnull=True).exists()
    assert not Trip.objects.filter(created_at__gt=NOW).exists()  # nothing is booked in the future


@pytest.mark.django_db
def test_same_seed_same_data_after_flush() -> None:
    seed()
    first = fingerprint()

    seed("--flush")

    assert fingerprint() == first
    assert Aircraft.objects.count() == 6  # flushed, not added to


@pytest.mark.django_db
def test_refuses_a_second_run_without_flush() -> None:
    seed()
    flights = Flight.objects.count()

    with pytest.raises(CommandError, match="--flush"):
        seed()

    assert Flight.objects.count() == flights


@pytest.mark.django_db
def test_refuses_a_database_with_other_data_unless_forced() -> None:
    # given a client that seed_scale did not make
    client_services.client_create(
        actor=None, client_type="individual", contact_person="Real Person", email="real@example.com"
    )

    with pytest.raises(CommandError, match="--force"):
        seed()
    assert Client.objects.count() == 1
    assert not Flight.objects.exists()

    seed("--force")

    assert Client.objects.filter(email="real@example.com").exists()
    assert Flight.objects.exists()


@pytest.mark.django_db
def test_refuses_bad_sizes() -> None:
    with pytest.raises(CommandError, match="three pilots per aircraft"):
        call_command("seed_scale", *TINY, "--crew=5", stdout=StringIO())
    assert not Aircraft.objects.exists()


def test_future_flights_are_a_tenth_of_the_span() -> None:
    from jetops.scale.seed import FUTURE_MAX, FUTURE_SHARE

    assert timedelta(days=365.25 * 3) * FUTURE_SHARE > FUTURE_MAX  # three years: two months ahead
