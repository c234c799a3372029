"""Demo fleet for the quick start: eleven aircraft in five categories at US airports, with
documents (one expiring within 30 days), a maintenance blackout and a grounded aircraft.

Idempotent: an aircraft whose tail number exists is left as it is (with its documents).
Specs are typical published figures for each type, rounded; rates are illustrative USD.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fleet import services
from fleet.airports import airports_load
from fleet.choices import AircraftCategory, AircraftDocumentKind, AircraftStatus, BlackoutKind
from fleet.models import Aircraft, Airport

LIGHT_AMENITIES = ["wifi", "refreshment_center", "leather_seats", "enclosed_lavatory"]
MID_AMENITIES = ["wifi", "full_galley", "enclosed_lavatory", "leather_seats", "power_outlets"]
LARGE_AMENITIES = ["wifi", "full_galley", "enclosed_lavatory", "divan", "entertainment_system", "satphone"]
ULR_AMENITIES = [*LARGE_AMENITIES, "crew_rest", "shower", "stateroom"]


@dataclass(frozen=True)
class DemoAircraft:
    tail: str
    icao_type: str
    manufacturer: str
    model: str
    year: int
    category: str
    base: str
    seats: int
    range_nm: int
    cruise_kt: int
    hourly: int
    positioning: int
    fuel_burn: int
    weights: tuple[int, int, int, int]  # MTOW, MLW, MZFW, BEW (lb)
    min_crew: int
    amenities: list[str]
    hours: str
    cycles: int
    # Days from today to the registration / insurance / airworthiness document expiry.
    expiry_days: tuple[int, int, int] = (900, 240, 400)
    extra: dict[str, Any] = field(default_factory=dict)


DEMO_FLEET: tuple[DemoAircraft, ...] = (
    DemoAircraft(
        tail="N101JA",
        icao_type="C25B",
        manufacturer="Cessna",
        model="Citation CJ3+",
        year=2019,
        category=AircraftCategory.LIGHT,
        base="KTEB",
        seats=7,
        range_nm=2040,
        cruise_kt=416,
        hourly=4200,
        positioning=3400,
        fuel_burn=900,
        weights=(13870, 12750, 10510, 8540),
        min_crew=1,
        amenities=LIGHT_AMENITIES,
        hours="2310.4",
        cycles=1985,
    ),
    DemoAircraft(
        tail="N102JA",
        icao_type="E55P",
        manufacturer="Embraer",
        model="Phenom 300E",
        year=2021,
        category=AircraftCategory.LIGHT,
        base="KPBI",
        seats=8,
        range_nm=2010,
        cruise_kt=453,
        hourly=4500,
        positioning=3600,
        fuel_burn=1000,
        weights=(18551, 17042, 13955, 11960),
        min_crew=1,
        amenities=LIGHT_AMENITIES,
        hours="1288.0",
        cycles=1120,
        expiry_days=(1500, 45, 500),
    ),
    DemoAircraft(
        tail="N103JA",
        icao_type="LJ75",
        manufacturer="Learjet",
        model="Learjet 75",
        year=2016,
        category=AircraftCategory.LIGHT,
        base="KVNY",
        seats=8,
        range_nm=2040,
        cruise_kt=465,
        hourly=4300,
        positioning=3500,
        fuel_burn=1200,
        weights=(21500, 19200, 16000, 13800),
        min_crew=2,
        amenities=LIGHT_AMENITIES,
        hours="3802.7",
        cycles=2950,
        expiry_days=(700, 21, 300),
    ),
    DemoAircraft(
        tail="N201JA",
        icao_type="C68A",
        manufacturer="Cessna",
        model="Citation Latitude",
        year=2020,
        category=AircraftCategory.MIDSIZE,
        base="KHPN",
        seats=9,
        range_nm=2700,
        cruise_kt=446,
        hourly=5600,
        positioning=4500,
        fuel_burn=1500,
        weights=(30800, 27575, 21400, 18700),
        min_crew=2,
        amenities=MID_AMENITIES,
        hours="1940.2",
        cycles=1410,
    ),
    DemoAircraft(
        tail="N202JA",
        icao_type="H25B",
        manufacturer="Hawker Beechcraft",
        model="Hawker 900XP",
        year=2010,
        category=AircraftCategory.MIDSIZE,
        base="KDAL",
        seats=8,
        range_nm=2800,
        cruise_kt=448,
        hourly=4900,
        positioning=3900,
        fuel_burn=1600,
        weights=(28000, 23350, 18450, 15800),
        min_crew=2,
        amenities=MID_AMENITIES,
        hours="7120.9",
        cycles=5230,
    ),
    DemoAircraft(
        tail="N301JA",
        icao_type="CL35",
        manufacturer="Bombardier",
        model="Challenger 350",
        year=2019,
        category=AircraftCategory.SUPER_MIDSIZE,
        base="KTEB",
        seats=9,
        range_nm=3200,
        cruise_kt=470,
        hourly=7200,
        positioning=5800,
        fuel_burn=1800,
        weights=(40600, 34150, 28200, 24800),
        min_crew=2,
        amenities=MID_AMENITIES,
        hours="2655.1",
        cycles=1722,
    ),
    DemoAircraft(
        tail="N302JA",
        icao_type="C700",
        manufacturer="Cessna",
        model="Citation Longitude",
        year=2022,
        category=AircraftCategory.SUPER_MIDSIZE,
        base="KLAS",
        seats=9,
        range_nm=3500,
        cruise_kt=476,
        hourly=7000,
        positioning=5600,
        fuel_burn=1700,
        weights=(39500, 33500, 27500, 24300),
        min_crew=2,
        amenities=MID_AMENITIES,
        hours="890.5",
        cycles=604,
    ),
    DemoAircraft(
        tail="N401JA",
        icao_type="F2TH",
        manufacturer="Dassault",
        model="Falcon 2000LXS",
        year=2017,
        category=AircraftCategory.HEAVY,
        base="KBED",
        seats=10,
        range_nm=4000,
        cruise_kt=470,
        hourly=8500,
        positioning=6800,
        fuel_burn=2000,
        weights=(42800, 39300, 29700, 23200),
        min_crew=2,
        amenities=LARGE_AMENITIES,
        hours="3120.0",
        cycles=1874,
    ),
    DemoAircraft(
        tail="N402JA",
        icao_type="GLF4",
        manufacturer="Gulfstream",
        model="G450",
        year=2014,
        category=AircraftCategory.HEAVY,
        base="KVNY",
        seats=14,
        range_nm=4350,
        cruise_kt=476,
        hourly=9500,
        positioning=7600,
        fuel_burn=3000,
        weights=(73900, 66000, 49000, 42000),
        min_crew=2,
        amenities=LARGE_AMENITIES,
        hours="5411.3",
        cycles=2980,
        extra={"status": AircraftStatus.MAINTENANCE, "status_reason": "Annual inspection in progress"},
    ),
    DemoAircraft(
        tail="N501JA",
        icao_type="GLEX",
        manufacturer="Bombardier",
        model="Global 6000",
        year=2015,
        category=AircraftCategory.ULTRA_LONG_RANGE,
        base="KTEB",
        seats=13,
        range_nm=6000,
        cruise_kt=488,
        hourly=12500,
        positioning=10000,
        fuel_burn=3800,
        weights=(99500, 78600, 58000, 51200),
        min_crew=2,
        amenities=ULR_AMENITIES,
        hours="4870.6",
        cycles=1990,
    ),
    DemoAircraft(
        tail="N502JA",
        icao_type="GLF6",
        manufacturer="Gulfstream",
        model="G650ER",
        year=2020,
        category=AircraftCategory.ULTRA_LONG_RANGE,
        base="KMIA",
        seats=14,
        range_nm=7500,
        cruise_kt=488,
        hourly=14500,
        positioning=11600,
        fuel_burn=3600,
        weights=(103600, 83500, 56000, 51500),
        min_crew=2,
        amenities=ULR_AMENITIES,
        hours="1760.8",
        cycles=702,
        expiry_days=(1200, 330, 75),
    ),
)


def _interior(spec: DemoAircraft) -> dict[str, Any]:
    zones = 1 if spec.category == AircraftCategory.LIGHT else 2 if spec.seats <= 10 else 3
    return {"zones": zones, "seats": spec.seats, "berthable_seats": spec.seats // 2}


def demo_airport(icao: str) -> Airport:
    """The airport by code (Palm Beach's KPBI resolves to KDJT, its code in the data)."""
    airport = Airport.objects.resolve(icao)
    if airport is None:
        raise LookupError(f"Airport {icao} is not in the airport table (manage.py load_airports).")
    return airport


def _create(spec: DemoAircraft) -> Aircraft:
    mtow, mlw, mzfw, bew = spec.weights
    base = demo_airport(spec.base)
    aircraft = services.aircraft_create(
        actor=None,
        status=spec.extra.get("status", AircraftStatus.AVAILABLE),
        status_reason=spec.extra.get("status_reason", "Demo fleet"),
        tail_number=spec.tail,
        aircraft_type=spec.icao_type,
        manufacturer=spec.manufacturer,
        model=spec.model,
        year=spec.year,
        category=spec.category,
        seating_capacity=spec.seats,
        range_nautical_miles=spec.range_nm,
        cruise_speed=spec.cruise_kt,
        current_location=base,
        home_base=base,
        currency="USD",
        hourly_rate=Decimal(spec.hourly),
        positioning_rate=Decimal(spec.positioning),
        daily_minimum_hours=Decimal("2.0") if spec.category == AircraftCategory.LIGHT else Decimal("2.5"),
        amenities=list(spec.amenities),
        interior_config=_interior(spec),
        insurance_info={
            "insurer": "Global Aerospace",
            "hull_value_usd": spec.hourly * 2000,
            "liability_usd": 100_000_000,
        },
        photos=[f"https://images.jetops.example/fleet/{spec.tail}-{n}.jpg" for n in (1, 2)],
        fuel_burn_per_hour=spec.fuel_burn,
        mtow=mtow,
        mlw=mlw,
        mzfw=mzfw,
        basic_empty_weight=bew,
        total_hours=Decimal(spec.hours),
        total_cycles=spec.cycles,
        min_crew=spec.min_crew,
    )
    today = timezone.localdate()
    kinds = (
        AircraftDocumentKind.REGISTRATION,
        AircraftDocumentKind.INSURANCE,
        AircraftDocumentKind.AIRWORTHINESS,
    )
    validity = {AircraftDocumentKind.REGISTRATION: 7 * 365, AircraftDocumentKind.INSURANCE: 365}
    for kind, days in zip(kinds, spec.expiry_days, strict=True):
        expires = today + timedelta(days=days)
        issued = expires - timedelta(days=validity.get(kind, 3 * 365))
        services.document_add(
            aircraft=aircraft,
            actor=None,
            kind=kind,
            number=f"{kind[:3].upper()}-{spec.tail}-{expires.year}",
            issued_on=min(issued, today),
            expires_on=expires,
        )
    return aircraft


@transaction.atomic
def seed_fleet() -> list[str]:
    """Create the demo fleet (idempotent) and return the lines to print."""
    if not Airport.objects.exists():
        airports_load(Airport)
    created = 0
    for spec in DEMO_FLEET:
        if Aircraft.objects.filter(tail_number=spec.tail).exists():
            continue
        aircraft = _create(spec)
        created += 1
        if spec.tail == "N202JA":
            start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=10), time(6)))
            services.blackout_add(
                aircraft=aircraft,
                start=start,
                end=start + timedelta(days=3),
                kind=BlackoutKind.MAINTENANCE,
                reason="Phase 3 inspection at the home-base MRO",
                actor=None,
            )
    return [f"  fleet: {Aircraft.objects.count()} aircraft"]
