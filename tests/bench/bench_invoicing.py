"""Invoicing benchmark (not collected by pytest: not named test_*): 1,000 completed trips
invoiced in one run, goal 60 s.

Run: ``.venv/bin/python tests/bench/bench_invoicing.py`` (part of ``make bench``). Builds a
throw-away SQLite database in a temporary directory (or uses ``DATABASE_URL`` when set): 50
aircraft, 1,000 one-leg trips flown last year (written in bulk: the setup is not what is
measured), a billing profile and a USD→EUR rate. Then it times, per trip,
``finance.services.invoice_from_trip`` (the pricing engine on the legs as flown, the actual
block times, conversion to EUR for a third of the clients) and ``invoice_issue`` (numbering),
and prints the total and the per-trip percentiles.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from statistics import quantiles
from time import perf_counter, process_time

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.harness import django_for_bench  # noqa: E402

django_for_bench()

from django.core.management import call_command  # noqa: E402

TRIPS = int(os.environ.get("BENCH_TRIPS", "1000"))
GOAL_SECONDS = 60.0
ROUTES = [("KTEB", "KBOS"), ("KHPN", "KMIA"), ("KBOS", "KIAD"), ("KDAL", "KVNY"), ("KSFO", "KDEN")]


def setup() -> list[int]:
    from clients.services import client_create
    from finance.models import BillingProfile, FxRate, PricingProfile, TaxRate
    from fleet.services import aircraft_create
    from flights.models import Flight, Trip

    call_command("migrate", verbosity=0)
    TaxRate.objects.create(effective_from=date(2020, 1, 1), amount=Decimal("5.30"))
    PricingProfile.objects.filter(is_active=True).update(return_to_base=False)
    FxRate.objects.create(base="USD", quote="EUR", rate=Decimal("0.92"), effective_on=date(2020, 1, 1))
    BillingProfile.objects.create(
        name="Bench", is_active=True, legal_name="Bench LLC", address="1 Road", bank_details="Bank"
    )
    clients = [
        client_create(
            actor=None,
            contact_person=f"Bench {i}",
            email=f"bench{i}@example.com",
            billing_currency="EUR" if i % 3 == 0 else "USD",
        )
        for i in range(30)
    ]
    fleet = [
        aircraft_create(
            actor=None,
            tail_number=f"N{300 + i}BX",
            aircraft_type="C25B",
            manufacturer="Cessna",
            model="Citation CJ3+",
            year=2019,
            category="light",
            seating_capacity=7,
            range_nautical_miles=2040,
            cruise_speed=416,
            current_location=ROUTES[i % len(ROUTES)][0],
            hourly_rate=Decimal("4200.00"),
            min_crew=2,
        )
        for i in range(50)
    ]
    start = datetime(2025, 1, 6, 14, tzinfo=UTC)
    trips = Trip.objects.bulk_create(
        Trip(number=f"T-B-{n:05d}", client=clients[n % len(clients)], status="completed", currency="USD")
        for n in range(TRIPS)
    )
    flights = []
    for n, trip in enumerate(trips):
        aircraft = fleet[n % len(fleet)]
        dep, arr = ROUTES[n % len(fleet) % len(ROUTES)]
        off = start + timedelta(days=n // len(fleet))
        block = 80 + n % 60
        flights.append(
            Flight(
                flight_number=f"JOB-{n:05d}",
                trip=trip,
                client_id=trip.client_id,
                aircraft=aircraft,
                departure_airport_id=dep,
                arrival_airport_id=arr,
                departure_at=off,
                arrival_at=off + timedelta(minutes=block),
                busy_until=off + timedelta(minutes=block + 45),
                estimated_block_minutes=block,
                passenger_count=1 + n % 6,
                status="completed",
                actual_off_block=off,
                actual_on_block=off + timedelta(minutes=block + n % 7),
                landings=1,
            )
        )
    Flight.objects.bulk_create(flights)
    return [trip.pk for trip in trips]


def bench(trip_ids: list[int]) -> None:
    from finance import services
    from flights.models import Trip

    samples = []
    began, cpu = perf_counter(), process_time()
    for trip in Trip.objects.filter(pk__in=trip_ids).order_by("pk"):
        one = perf_counter()
        invoice = services.invoice_from_trip(trip=trip, actor=None, on=date(2026, 1, 15))
        services.invoice_issue(invoice=invoice, actor=None, on=date(2026, 1, 15))
        samples.append(perf_counter() - one)
    total, cpu = perf_counter() - began, process_time() - cpu
    ms = [s * 1000 for s in samples]
    cuts = quantiles(ms, n=100)
    print(
        f"invoicing {len(samples)} completed trips (generate + issue): {total:.1f} s "
        f"(goal {GOAL_SECONDS:.0f} s; {cpu:.1f} s of CPU in this process); "
        f"per trip p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms"
    )
    if total > GOAL_SECONDS:
        sys.exit(1)


if __name__ == "__main__":
    bench(setup())
