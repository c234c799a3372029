"""Airport reference data, distances, and the selectors (availability, near, schedule) with
an occupancy provider registered the way flights does (``flights.occupancy``)."""

from __future__ import annotations

import math
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Q

from fleet import services
from fleet.models import Aircraft, Airport
from fleet.occupancy import OccupancyEntry, occupancy_providers, register_occupancy, unregister_occupancy
from fleet.selectors import aircraft_available, aircraft_near, aircraft_schedule, document_expiry_state
from jetops.geo import great_circle_nm
from tests.builders import make_aircraft, utc

pytestmark = pytest.mark.django_db


def test_airports_are_loaded_with_time_zones():
    teterboro = Airport.objects.get(icao="KTEB")
    assert (teterboro.iata, teterboro.country, teterboro.time_zone) == ("TEB", "US", "America/New_York")
    assert teterboro.name == "Teterboro Airport"
    assert Airport.objects.get(icao="EGLL").time_zone == "Europe/London"
    assert Airport.objects.count() > 25_000


def test_great_circle_between_airports():
    jfk, lax = Airport.objects.get(icao="KJFK"), Airport.objects.get(icao="KLAX")
    distance = great_circle_nm(jfk.latitude, jfk.longitude, lax.latitude, lax.longitude)
    assert 2140 < distance < 2160  # published: 2,151 NM


def test_load_airports_command_is_idempotent():
    Airport.objects.filter(icao="KTEB").update(time_zone="UTC")
    Airport.objects.filter(icao="KBED").delete()
    out = StringIO()
    call_command("load_airports", stdout=out)
    assert out.getvalue().startswith("airports: 1 created, 1 updated")
    assert Airport.objects.get(icao="KTEB").time_zone == "America/New_York"
    out = StringIO()
    call_command("load_airports", stdout=out)
    assert out.getvalue().startswith("airports: 0 created, 0 updated")


def test_near_handles_the_antimeridian():
    make_aircraft(tail_number="N1AA", current_location="NZAA")  # Auckland, 174.8 E
    make_aircraft(tail_number="N2AA", current_location="NFFN")  # Nadi, Fiji, 177.4 E
    make_aircraft(tail_number="N3AA", current_location="NSFA")  # Apia, Samoa, 172.0 W
    found = aircraft_near(Aircraft.objects.all(), "NFFN", 700)
    assert [a.tail_number for a in found] == ["N2AA", "N3AA"]
    assert found[1].distance_nm == pytest.approx(great_circle_nm(*_coords("NFFN"), *_coords("NSFA")), abs=0.1)


def test_near_close_to_a_pole():
    make_aircraft(tail_number="N1AA", current_location="BGTL")  # Thule, 76.5 N: ~1,013 NM away
    make_aircraft(tail_number="N2AA", current_location="ENSB")  # Svalbard, 78.2 N
    assert [a.tail_number for a in aircraft_near(Aircraft.objects.all(), "ENSB", 1000)] == ["N2AA"]
    assert [a.tail_number for a in aircraft_near(Aircraft.objects.all(), "ENSB", 1020)] == ["N2AA", "N1AA"]


@pytest.mark.parametrize(("centre", "radius"), [("ENTC", 300), ("KTEB", 150), ("SCEL", 400), ("NFFN", 900)])
def test_near_finds_exactly_what_a_full_scan_finds(centre, radius):
    # Aircraft at airports spread over a square 1.5 radii wide around the centre, so some are
    # inside the circle, some in the box's corners, some outside: the box must drop none.
    lat, lon = _coords(centre)
    dlat = radius / 60 * 1.5
    dlon = min(dlat / math.cos(math.radians(lat)), 179.0)
    west, east = lon - dlon, lon + dlon
    if west < -180:
        longitudes = Q(longitude__gte=west + 360) | Q(longitude__lte=east)
    elif east > 180:
        longitudes = Q(longitude__gte=west) | Q(longitude__lte=east - 360)
    else:
        longitudes = Q(longitude__range=(west, east))
    square = Airport.objects.filter(longitudes, latitude__range=(lat - dlat, lat + dlat))
    candidates = list(square.order_by("icao"))
    airports = candidates[:: max(1, len(candidates) // 60)][:60]
    for airport in airports:
        make_aircraft(current_location=airport)
    expected = sorted(
        (round(great_circle_nm(lat, lon, a.current_location.latitude, a.current_location.longitude), 1), a.pk)
        for a in Aircraft.objects.select_related("current_location")
        if great_circle_nm(lat, lon, a.current_location.latitude, a.current_location.longitude) <= radius
    )
    found = [(a.distance_nm, a.pk) for a in aircraft_near(Aircraft.objects.all(), centre, radius)]
    assert sorted(found) == expected
    assert 3 <= len(expected) < len(airports)  # a real test: some inside, some outside
    assert [d for d, _ in found] == sorted(d for d, _ in found)


def test_near_unknown_airport():
    with pytest.raises(ValidationError) as info:
        aircraft_near(Aircraft.objects.all(), "QQQQ", 100)
    assert "near" in info.value.message_dict


def test_near_with_nothing_in_range():
    make_aircraft(current_location="KLAX")
    assert list(aircraft_near(Aircraft.objects.all(), "KTEB", 50)) == []


def _coords(icao):
    airport = Airport.objects.get(icao=icao)
    return airport.latitude, airport.longitude


@pytest.fixture
def flights_provider():
    """A provider like the one flights registers: one flight of a chosen aircraft."""
    booked: dict[str, Aircraft] = {}

    def busy(start, end):
        if "aircraft" in booked and start < utc(2030, 1, 1, 14) and end > utc(2030, 1, 1, 10):
            return Aircraft.objects.filter(pk=booked["aircraft"].pk).values("pk")
        return []

    def entries(aircraft_ids, start, end, exclude):
        aircraft = booked.get("aircraft")
        if aircraft is not None and aircraft.pk in aircraft_ids:
            yield OccupancyEntry(
                aircraft_id=aircraft.pk,
                kind="flight",
                start=utc(2030, 1, 1, 10),
                end=utc(2030, 1, 1, 14),
                title="KTEB–KPBI",
                ref=77,
                detail={"trip": "T-1"},
            )

    register_occupancy("test-flights", busy=busy, entries=entries)
    yield booked
    unregister_occupancy("test-flights")
    assert all(p.name != "test-flights" for p in occupancy_providers())


def test_occupancy_provider_makes_aircraft_unavailable(flights_provider):
    flying = make_aircraft(tail_number="N1AA")
    free = make_aircraft(tail_number="N2AA")
    flights_provider["aircraft"] = flying
    window = (utc(2030, 1, 1, 12), utc(2030, 1, 1, 16))
    assert list(aircraft_available(Aircraft.objects.all(), *window)) == [free]
    after = (utc(2030, 1, 1, 14), utc(2030, 1, 1, 18))  # half-open: lands at 14:00
    assert list(aircraft_available(Aircraft.objects.all(), *after)) == [flying, free]


def test_occupancy_provider_may_return_plain_ids(flights_provider):
    flying = make_aircraft()

    register_occupancy("test-ids", busy=lambda start, end: [flying.pk], entries=lambda *args: [])
    try:
        assert list(aircraft_available(Aircraft.objects.all(), utc(2030, 1, 1), utc(2030, 1, 2))) == []
    finally:
        unregister_occupancy("test-ids")


def test_schedule_includes_provider_entries_in_order(flights_provider):
    aircraft = make_aircraft()
    flights_provider["aircraft"] = aircraft
    services.blackout_add(
        aircraft=aircraft, start=utc(2030, 1, 1, 16), end=utc(2030, 1, 1, 20), kind="other", actor=None
    )
    entries = aircraft_schedule(aircraft, utc(2030, 1, 1), utc(2030, 1, 2))
    assert [(e["kind"], e["id"], e["title"]) for e in entries] == [
        ("flight", 77, "KTEB–KPBI"),
        ("blackout", entries[1]["id"], "Other"),
    ]
    assert entries[0]["detail"] == {"trip": "T-1"}
    assert entries[0]["start"] == "2030-01-01T10:00:00+00:00"


def test_open_grounding_shows_without_end():
    aircraft = make_aircraft()
    services.aircraft_status_change(
        aircraft=aircraft, status="aog", reason="Engine", actor=None, at=utc(2029, 12, 1)
    )
    entries = aircraft_schedule(aircraft, utc(2030, 1, 1), utc(2030, 2, 1))
    assert [(e["kind"], e["start"], e["end"]) for e in entries] == [
        ("status", "2029-12-01T00:00:00+00:00", None)
    ]


@pytest.mark.parametrize(
    ("days", "state"),
    [
        (None, "none"),
        (-1, "expired"),
        (0, "critical"),
        (7, "critical"),
        (8, "warning"),
        (60, "warning"),
        (61, "ok"),
    ],
)
def test_document_expiry_state(days, state):
    from datetime import date, timedelta

    today = date(2030, 1, 1)
    expires = None if days is None else today + timedelta(days=days)
    assert document_expiry_state(expires, today) == state
