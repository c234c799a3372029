"""Demo planning data (idempotent): loading data for every demo aircraft — a weighing
record's arm, stations and an envelope proportioned to its weights (illustrative figures, not
a flight manual's) — and a computed plan for each upcoming flight the demo books."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fleet import services as fleet_services
from fleet.models import Aircraft, Airport
from flights.choices import FlightStatus
from flights.models import Flight
from jetops.errors import Conflict
from planning import services
from planning.choices import StationKind
from planning.models import AircraftLoading, AirportRequirement, FlightPlan
from planning.selectors import PlanInputs

EMPTY_ARM = Decimal("300.00")
# The alternate each demo destination is planned with (IFR: alternate fuel is carried).
DEMO_ALTERNATES = {"KASE": "KEGE", "KTEB": "KHPN", "KDJT": "KFLL", "KVNY": "KLAS", "KHPN": "KTEB"}
ROW_ARMS = (200, 235, 270, 305, 340)


def demo_stations(aircraft: Aircraft) -> list[dict[str, Any]]:
    """Cockpit, seat rows of two from the front, nose and tail baggage, one fuel system whose
    usable capacity is 1.4 × (MTOW − MZFW) (about a light jet's proportion)."""
    mtow, mzfw = aircraft.mtow or 0, aircraft.mzfw or 0
    rows = []
    for index in range((aircraft.seating_capacity + 1) // 2):
        labels = [f"{index + 1}{side}" for side in "AB"][: aircraft.seating_capacity - 2 * index]
        rows.append(
            {
                "name": f"Row {index + 1}",
                "kind": StationKind.SEAT,
                "arm": Decimal(ROW_ARMS[min(index, 4)] + 10 * max(0, index - 4)),
                "seats": labels,
            }
        )
    capacity = round((mtow - mzfw) * 1.4 / 10) * 10
    return [
        {"name": "Cockpit", "kind": StationKind.CREW, "arm": Decimal(130), "seats": ["P1", "P2", "FA"]},
        *rows,
        {"name": "Nose baggage", "kind": StationKind.BAGGAGE, "arm": Decimal(60), "max_weight_lb": 300},
        {
            "name": "Tail baggage",
            "kind": StationKind.BAGGAGE,
            "arm": Decimal(380),
            "max_weight_lb": max(300, mtow // 25),
        },
        {
            "name": "Fuel",
            "kind": StationKind.FUEL,
            "arm": Decimal(300),
            "max_weight_lb": capacity,
            "fuel_arms": [[0, 300], [capacity // 2, 303], [capacity, 306]],
        },
    ]


def demo_envelope(aircraft: Aircraft) -> list[list[int]]:
    """Forward limit 285 in just below the empty weight to 291 in at MTOW; aft 311 → 309 in."""
    low = (aircraft.basic_empty_weight or 0) - 200
    high = aircraft.mtow or 0
    return [[285, low], [291, high], [309, high], [311, low]]


def seed_loading(aircraft: Aircraft) -> AircraftLoading | None:
    if AircraftLoading.objects.filter(aircraft=aircraft).exists():
        return None
    if not (aircraft.mtow and aircraft.mzfw and aircraft.basic_empty_weight):
        return None
    if aircraft.basic_empty_arm is None:
        aircraft = fleet_services.aircraft_update(
            aircraft=aircraft, actor=None, reason="Demo weighing record", basic_empty_arm=EMPTY_ARM
        )
    loading = services.aircraft_loading_save(
        aircraft=aircraft,
        actor=None,
        weighed_on=timezone.localdate().replace(month=1, day=15),
        envelope=demo_envelope(aircraft),
        burn_profile=[[0, round(aircraft.fuel_burn_per_hour * 1.2)], [60, aircraft.fuel_burn_per_hour]]
        if aircraft.fuel_burn_per_hour
        else [],
        taxi_fuel_lb=round((aircraft.fuel_burn_per_hour or 0) * aircraft.taxi_minutes / 60 / 3),
        cruise_level_ft=41000 if aircraft.cruise_speed >= 420 else 35000,
    )
    for position, station in enumerate(demo_stations(aircraft)):
        services.loading_station_save(loading=loading, actor=None, position=position, **station)
    return loading


DEMO_REQUIREMENTS: dict[str, dict[str, Any]] = {
    "KASE": {
        "ppr_required": True,
        "curfew_start": time(23, 0),
        "curfew_end": time(7, 0),
        "notes": "Demo: PPR for jets",
    },
    "KTEB": {"curfew_start": time(23, 0), "curfew_end": time(6, 0), "notes": "Demo: voluntary curfew"},
    "KDJT": {"customs_open": time(8, 0), "customs_close": time(22, 0)},
}


def seed_planning() -> list[str]:
    """Loading data for the demo fleet and a plan for every upcoming scheduled demo flight
    that has none; a flight whose loading breaks a limit stays unplanned (listed)."""
    for aircraft in Aircraft.objects.order_by("tail_number"):
        seed_loading(aircraft)
    for icao, fields in DEMO_REQUIREMENTS.items():
        airport = Airport.objects.filter(icao=icao).first()
        if airport is not None and not AirportRequirement.objects.filter(airport=airport).exists():
            AirportRequirement.objects.create(airport=airport, **fields)
    refused = []
    upcoming = Flight.objects.filter(
        status=FlightStatus.SCHEDULED, departure_at__gte=timezone.now(), plan__isnull=True
    ).select_related("aircraft", "departure_airport", "arrival_airport")
    for flight in upcoming:
        alternate = Airport.objects.filter(icao=DEMO_ALTERNATES.get(flight.arrival_airport_id, "")).first()
        try:
            services.flight_plan_compute(flight=flight, actor=None, inputs=PlanInputs(alternate=alternate))
        except Conflict as exc:
            refused.append(f"{flight.flight_number} ({exc.code})")
    lines = [
        f"  planning: {AircraftLoading.objects.count()} aircraft with loading data, "
        f"{FlightPlan.objects.count()} flight plan(s)"
    ]
    if refused:
        lines.append(f"  planning: not planned: {', '.join(refused)}")
    return lines
