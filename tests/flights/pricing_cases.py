"""Seeded itineraries priced by the engine as it was before market rules (commit 82b3458),
kept in ``data/pricing_before_rules.json``: with every rule off, the engine must still give
exactly those lines (tests/flights/test_pricing_rules.py). ``cases()`` is deterministic, so
the file is reproduced by ``python -m tests.flights.pricing_cases`` on that commit."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flights.pricing import AircraftSpec, AirportFees, DatedRate, LegRequest, Place, PricingTable, Quote
from flights.tax_territory import us_territory

GOLDEN = Path(__file__).parent / "data" / "pricing_before_rules.json"
COUNT = 80

PLACES = (
    Place("KTEB", 40.850102, -74.060833, "US", "New Jersey"),
    Place("KPBI", 26.683162, -80.095592, "US", "Florida"),
    Place("KHPN", 41.066953, -73.707566, "US", "New York"),
    Place("KBOS", 42.362944, -71.006389, "US", "Massachusetts"),
    Place("KVNY", 34.209806, -118.489972, "US", "California"),
    Place("KASE", 39.221878, -106.868233, "US", "Colorado"),
    Place("KMIA", 25.795361, -80.290116, "US", "Florida"),
    Place("KLAS", 36.080343, -115.152449, "US", "Nevada"),
    Place("MYNN", 25.039, -77.4662, "BS"),
    Place("CYUL", 45.4706, -73.7408, "CA", "Quebec"),
    Place("MMUN", 21.0365, -86.8771, "MX"),
    Place("PHNL", 21.317825, -157.92025, "US", "Hawaii"),
)


def _money(rng: random.Random, top: int) -> Decimal:
    return Decimal(rng.randrange(0, top * 100)) / 100


def case(seed: int) -> dict[str, Any]:
    """One itinerary, aircraft and table drawn from ``seed``; the engine's keyword arguments."""
    rng = random.Random(seed)
    base, home = rng.choice(PLACES), rng.choice(PLACES)
    aircraft = AircraftSpec(
        id=seed,
        tail_number=f"N{seed}G",
        aircraft_type="CL35",
        seating_capacity=rng.randint(4, 14),
        range_nm=rng.choice((1200, 2000, 3200, 6500)),
        cruise_speed_kt=rng.randint(280, 490),
        wind_allowance_kt=rng.randint(-20, 40),
        routing_factor=Decimal(rng.choice(("1", "1.05", "1.1"))),
        taxi_out_minutes=rng.randint(0, 15),
        taxi_in_minutes=rng.randint(0, 15),
        hourly_rate=_money(rng, 15000),
        positioning_rate=_money(rng, 12000),
        daily_minimum_hours=Decimal(rng.choice(("0", "1.5", "2", "3"))),
        current_location=base,
        home_base=home,
        mtow_lb=rng.choice((None, 5000, 38000)),
    )
    fees = AirportFees(_money(rng, 800), _money(rng, 800), _money(rng, 40))
    table = PricingTable(
        currency="USD",
        default_airport_fees=fees,
        airport_fees={"KPBI": AirportFees(_money(rng, 900), _money(rng, 900), _money(rng, 50))},
        catering_per_passenger=_money(rng, 120),
        overnight_fee=_money(rng, 1500),
        crew_day_fee=_money(rng, 600),
        deicing_fee=_money(rng, 4000),
        deicing_months=frozenset({11, 12, 1, 2, 3}),
        deicing_min_abs_lat=35.0,
        fuel_stop_fee=_money(rng, 1500),
        fuel_stop_minutes=45,
        max_fuel_stops_per_leg=3,
        urgent_fee=_money(rng, 3000),
        urgent_hours=24,
        short_leg_min_minutes=rng.choice((0, 60)),
        positioning_buffer_minutes=60,
        return_to_base=rng.random() < 0.5,
        permit_fees={"BS": _money(rng, 500), "MX": _money(rng, 500)},
        fet_rate=Decimal("0.075"),
        domestic_countries=frozenset({"US"}),
        segment_fees=(
            DatedRate(date(2025, 1, 1), Decimal("5.30")),
            DatedRate(date(2026, 1, 1), Decimal("5.50")),
        ),
        facilities_taxes=(DatedRate(date(2026, 1, 1), Decimal("22.20")),),
        alaska_hawaii_facilities_taxes=(DatedRate(date(2026, 1, 1), Decimal("11.10")),),
        zone_statute_miles=225,
        small_aircraft_max_mtow_lb=6000,
        territory=us_territory(),
        day_boundary_tz=UTC,
        validity_hours=72,
    )
    now = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    when = now + timedelta(hours=rng.randint(2, 24 * 300))
    legs = []
    here = rng.choice(PLACES)
    for _ in range(rng.randint(1, 3)):
        there = rng.choice([p for p in PLACES if p != here])
        legs.append(LegRequest(here, there, when, rng.randint(1, 4)))
        when += timedelta(hours=rng.randint(6, 96))
        here = there if rng.random() < 0.8 else rng.choice(PLACES)
    return {
        "aircraft": aircraft,
        "legs": legs,
        "table": table,
        "now": now,
        "client_discount_percent": Decimal(rng.choice(("0", "5", "12.5"))),
    }


def cases() -> list[dict[str, Any]]:
    return [case(seed) for seed in range(COUNT)]


def record(result: Quote) -> dict[str, Any]:
    return {
        "lines": [[line.kind, line.description, str(line.amount)] for line in result.lines],
        "subtotal": str(result.subtotal),
        "taxes": str(result.taxes),
        "total": str(result.total),
        "warnings": list(result.warnings),
    }


if __name__ == "__main__":
    from flights.pricing import quote

    rows = []
    for kwargs in cases():
        aircraft, legs, table = kwargs.pop("aircraft"), kwargs.pop("legs"), kwargs.pop("table")
        rows.append(record(quote(aircraft, legs, table, **kwargs)))
    GOLDEN.write_text("[\n" + ",\n".join(json.dumps(row) for row in rows) + "\n]\n")
