"""Planning fixtures: a light jet with its loading data (the worked examples' figures in
tests/planning/test_rules.py), a flight on it with passengers, crew on it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clients.models import Passenger
from crew import services as crew_services
from fleet.models import Aircraft
from flights.models import Flight
from flights.services.manifest import manifest_set
from planning import services
from tests.builders import book, future, make_aircraft, make_crew

ENVELOPE = [[285, 8500], [291, 13870], [309, 13870], [311, 8500]]
STATIONS: list[dict[str, Any]] = [
    {"name": "Cockpit", "kind": "crew", "arm": Decimal(131), "seats": ["P1", "P2"]},
    {"name": "Row 1", "kind": "seat", "arm": Decimal(200), "seats": ["1A", "1B"]},
    {"name": "Row 2", "kind": "seat", "arm": Decimal(240), "seats": ["2A", "2B"]},
    {"name": "Row 3", "kind": "seat", "arm": Decimal(275), "seats": ["3A", "3B"]},
    {"name": "Row 4", "kind": "seat", "arm": Decimal(300), "seats": ["4A"]},
    {"name": "Nose baggage", "kind": "baggage", "arm": Decimal(60), "max_weight_lb": 300},
    {"name": "Tail baggage", "kind": "baggage", "arm": Decimal(400), "max_weight_lb": 600},
    {
        "name": "Wing tanks",
        "kind": "fuel",
        "arm": Decimal(300),
        "max_weight_lb": 4710,
        "fuel_arms": [[0, 300], [2000, 303], [4710, 306]],
    },
]


def loaded_jet(**overrides: Any) -> Aircraft:
    aircraft = make_aircraft(
        mtow=13870,
        mlw=12750,
        mzfw=10510,
        basic_empty_weight=8540,
        basic_empty_arm=Decimal("307.00"),
        fuel_burn_per_hour=900,
        min_crew=1,
        **overrides,
    )
    loading = services.aircraft_loading_save(
        aircraft=aircraft,
        actor=None,
        envelope=ENVELOPE,
        burn_profile=[[0, 1100], [60, 900]],
        taxi_fuel_lb=100,
        cruise_level_ft=41000,
    )
    for position, station in enumerate(STATIONS):
        services.loading_station_save(loading=loading, actor=None, position=position, **station)
    return aircraft


@pytest.fixture
def cj3(profile: Any) -> Aircraft:  # noqa: F811  (the flights fixture, imported above)
    return loaded_jet(tail_number="N300PL")


def passengers_on(
    flight: Flight, client: Any, count: int, *, weight: Decimal | None = None, bags: int = 1
) -> None:
    people = [
        Passenger.objects.create(client=client, first_name=f"Pax{n}", last_name="Tester", nationality="US")
        for n in range(count)
    ]
    manifest_set(
        flight=flight,
        entries=[{"passenger": p.pk, "weight": weight, "bags": bags} for p in people],
        actor=None,
    )


@pytest.fixture
def flight(cj3: Aircraft, client_a: Any) -> Flight:
    """KTEB → KDJT tomorrow-week, four passengers at standard weight with a bag each."""
    leg = book(client_a, cj3, days=8, hour=14)
    passengers_on(leg, client_a, 4)
    leg.refresh_from_db()
    return leg


@pytest.fixture
def crew_on_flight(flight: Flight, crew_user: Any) -> Any:
    member = make_crew("PL1", user=crew_user)
    crew_services.crew_assign(flight=flight, member=member, role="PIC", actor=None)
    return member


__all__ = ["future", "loaded_jet", "passengers_on"]
