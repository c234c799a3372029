"""Benchmark: quote a 4-leg itinerary for every aircraft of a 50-aircraft fleet.

Run ``.venv/bin/python tests/bench/bench_pricing.py``. Times 200 rounds of 50 quotes (what
the quote screen does when it ranks the fleet) and prints p50/p95 per round in ms, without
market rules and with a rule of every kind (docs/rules.md#dynamic-pricing-market-rules);
exits with status 1 when a p95 misses the 50 ms goal. Plain data only: no Django, no
database.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flights.pricing import (
    NO_MARKET,
    AircraftSpec,
    AirportFees,
    DatedRate,
    LegRequest,
    Market,
    MarketRule,
    PeakPeriod,
    Place,
    PricingTable,
    Region,
    quote,
)
from flights.tax_territory import us_territory

FLEET_SIZE = 50
ROUNDS = 200
GOAL_P95_MS = 50.0

AIRPORTS = (
    Place("KTEB", 40.850102, -74.060833, "US"),
    Place("KHPN", 41.066953, -73.707566, "US"),
    Place("KBOS", 42.362944, -71.006389, "US"),
    Place("KPBI", 26.683162, -80.095592, "US"),
    Place("KMIA", 25.795361, -80.290116, "US"),
    Place("KASE", 39.221878, -106.868233, "US"),
    Place("KVNY", 34.209806, -118.489972, "US"),
    Place("KLAS", 36.080343, -115.152449, "US"),
    Place("MYNN", 25.039, -77.4662, "BS"),
    Place("CYUL", 45.4706, -73.7408, "CA"),
)
TEB, HPN, BOS, PBI, MIA, ASE, VNY, LAS, NAS, YUL = AIRPORTS

# (type, seats, range NM, cruise kt, wind allowance kt, hourly rate, positioning rate)
TYPES = (
    ("PC12", 8, 1500, 280, 15, Decimal("3200"), Decimal("2600")),
    ("C525", 6, 1200, 380, 20, Decimal("3900"), Decimal("3100")),
    ("E55P", 7, 1900, 430, 25, Decimal("5200"), Decimal("4200")),
    ("CL35", 9, 3200, 460, 30, Decimal("7400"), Decimal("5900")),
    ("GLF6", 14, 6500, 490, 30, Decimal("14500"), Decimal("11500")),
)


def fleet() -> list[AircraftSpec]:
    aircraft = []
    for number in range(FLEET_SIZE):
        kind, seats, range_nm, cruise, wind, hourly, positioning = TYPES[number % len(TYPES)]
        aircraft.append(
            AircraftSpec(
                id=number + 1,
                tail_number=f"N{100 + number}JT",
                aircraft_type=kind,
                seating_capacity=seats,
                range_nm=range_nm,
                cruise_speed_kt=cruise,
                wind_allowance_kt=wind,
                routing_factor=Decimal("1.05"),
                taxi_out_minutes=10,
                taxi_in_minutes=5,
                hourly_rate=hourly,
                positioning_rate=positioning,
                daily_minimum_hours=Decimal("2"),
                current_location=AIRPORTS[number % 8],
                home_base=AIRPORTS[(number * 3) % 8],
            )
        )
    return aircraft


def pricing_table() -> PricingTable:
    return PricingTable(
        currency="USD",
        default_airport_fees=AirportFees(Decimal("300"), Decimal("400"), Decimal("10")),
        airport_fees={"KPBI": AirportFees(Decimal("500"), Decimal("650"), Decimal("25"))},
        catering_per_passenger=Decimal("75"),
        overnight_fee=Decimal("500"),
        crew_day_fee=Decimal("450"),
        deicing_fee=Decimal("3000"),
        deicing_months=frozenset({11, 12, 1, 2, 3}),
        deicing_min_abs_lat=35.0,
        fuel_stop_fee=Decimal("1200"),
        fuel_stop_minutes=45,
        max_fuel_stops_per_leg=2,
        urgent_fee=Decimal("1500"),
        urgent_hours=24,
        short_leg_min_minutes=60,
        positioning_buffer_minutes=60,
        return_to_base=True,
        permit_fees={"BS": Decimal("250")},
        fet_rate=Decimal("0.075"),
        domestic_countries=frozenset({"US"}),
        segment_fees=(DatedRate(date(2026, 1, 1), Decimal("5.50")),),
        facilities_taxes=(DatedRate(date(2026, 1, 1), Decimal("22.20")),),
        alaska_hawaii_facilities_taxes=(DatedRate(date(2026, 1, 1), Decimal("11.10")),),
        zone_statute_miles=225,
        small_aircraft_max_mtow_lb=6000,
        territory=us_territory(),
        day_boundary_tz=UTC,
        validity_hours=48,
    )


def itinerary() -> list[LegRequest]:
    start = datetime(2026, 2, 10, 14, 0, tzinfo=UTC)
    return [
        LegRequest(TEB, PBI, start, 4),
        LegRequest(PBI, NAS, start + timedelta(days=2), 4),
        LegRequest(NAS, ASE, start + timedelta(days=4), 5),
        LegRequest(ASE, TEB, start + timedelta(days=7), 5),
    ]


def market(legs: list[LegRequest]) -> Market:
    """A rule of every kind that applies to the itinerary, and a 20-period calendar."""
    us = Region("United States", countries=frozenset({"US"}))
    florida = Region(
        "Florida and the Bahamas", airports=frozenset({"KPBI", "KMIA"}), countries=frozenset({"BS"})
    )
    calendar = tuple(
        PeakPeriod(
            f"Peak {n}", date(2026, 1, 1) + timedelta(days=18 * n), date(2026, 1, 4) + timedelta(days=18 * n)
        )
        for n in range(20)
    )
    since = date(2026, 1, 1)
    rules = (
        MarketRule(
            id=1,
            name="Peak",
            kind="peak_dates",
            percent=Decimal("15"),
            valid_from=since,
            region=us,
            peak_periods=calendar,
        ),
        MarketRule(
            id=2,
            name="Busy",
            kind="demand",
            percent=Decimal("8"),
            valid_from=since,
            threshold_percent=Decimal("30"),
        ),
        MarketRule(
            id=3,
            name="Very busy",
            kind="demand",
            percent=Decimal("15"),
            valid_from=since,
            threshold_percent=Decimal("90"),
        ),
        MarketRule(
            id=4,
            name="Snowbirds",
            kind="route",
            percent=Decimal("6"),
            valid_from=since,
            region=us,
            to_region=florida,
            both_ways=True,
        ),
        MarketRule(
            id=5,
            name="Last minute",
            kind="lead_time",
            percent=Decimal("12"),
            valid_from=since,
            max_lead_hours=48,
        ),
        MarketRule(
            id=6,
            name="Far advance",
            kind="lead_time",
            percent=Decimal("-5"),
            valid_from=since,
            min_lead_hours=216,
        ),
        MarketRule(id=7, name="Margin", kind="minimum_margin", percent=Decimal("15"), valid_from=since),
    )
    return Market(
        rules=rules,
        cap_up_percent=Decimal("50"),
        cap_down_percent=Decimal("30"),
        demand_window_hours=48,
        demand={(kind, leg.departure_datetime): Decimal("40") for leg in legs for kind in ("", "light")},
        operating_costs={n + 1: Decimal("3000") for n in range(FLEET_SIZE)},
    )


def rounds(aircraft: list[AircraftSpec], legs: list[LegRequest], table: PricingTable, label: str) -> float:
    now = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    for spec in aircraft:  # warm-up, and a check that every aircraft prices
        quote(spec, legs, table, now=now, client_discount_percent=Decimal("5"))

    rounds_ms = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        quotes = [
            quote(spec, legs, table, now=now, client_discount_percent=Decimal("5")) for spec in aircraft
        ]
        rounds_ms.append((time.perf_counter() - started) * 1000.0)

    cuts = statistics.quantiles(rounds_ms, n=100, method="inclusive")
    p50, p95 = cuts[49], cuts[94]
    feasible = sum(q.feasible for q in quotes)
    cheapest = min((q for q in quotes if q.feasible), key=lambda q: q.total)
    print(f"{label}: {ROUNDS} rounds x {FLEET_SIZE} aircraft, {len(legs)} requested legs")  # noqa: T201
    print(f"per fleet: p50 {p50:.2f} ms, p95 {p95:.2f} ms (goal p95 <= {GOAL_P95_MS:.0f} ms)")  # noqa: T201
    print(f"per quote: p50 {p50 * 1000 / FLEET_SIZE:.0f} us")  # noqa: T201
    print(
        f"{feasible} feasible; cheapest aircraft {cheapest.aircraft_id}: {cheapest.total} {cheapest.currency}"
    )  # noqa: T201
    return p95


def main() -> int:
    aircraft, table, legs = fleet(), pricing_table(), itinerary()
    plain = rounds(aircraft, legs, replace(table, market=NO_MARKET), "no market rules")
    ruled = rounds(aircraft, legs, replace(table, market=market(legs)), "market rules of every kind")
    return 0 if max(plain, ruled) <= GOAL_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
