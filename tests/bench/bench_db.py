"""End-to-end benchmarks through the database (not collected by pytest: not named test_*).

Run: ``make bench`` (or ``.venv/bin/python tests/bench/bench_db.py``). Builds a throw-away
SQLite database in a temporary directory (or uses ``DATABASE_URL`` when set), then prints:

- quoting: ``flights.services.quotes.quote_create`` for a 4-leg itinerary over a 50-aircraft fleet
  (candidate search, availability, pricing and storing every candidate);
- crew legality: ``crew.adapter.legality`` for one proposed assignment of a captain with a
  year of flown history (about 300 legs), read from the database each time;
- suggestions: ``crew.selectors.suggestions`` for two seats among 60 crew members;
- market rules: ``quote_create`` for 2 legs over 60 aircraft (a third of them flying the day
  before, a year of history behind), without rules and with a rule of every kind
  (docs/rules.md#dynamic-pricing-market-rules); goal p95 <= 300 ms.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from statistics import quantiles
from time import perf_counter
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.harness import django_for_bench  # noqa: E402

django_for_bench()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

TYPE = "C25B"


def p(values: list[float], q: int) -> float:
    return quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def report(name: str, samples: list[float]) -> None:
    ms = [s * 1000 for s in samples]
    print(f"{name}: p50 {p(ms, 50):.1f} ms, p95 {p(ms, 95):.1f} ms over {len(ms)} runs")


def setup() -> dict[str, Any]:
    from clients.services import client_create
    from finance.models import PricingProfile, TaxRate
    from fleet.services import aircraft_create

    call_command("migrate", verbosity=0)
    TaxRate.objects.create(effective_from=date(2025, 1, 1), amount=Decimal("5.30"))  # segment fee
    PricingProfile.objects.filter(is_active=True).update(return_to_base=False)  # shipped by a migration
    client = client_create(actor=None, contact_person="Bench Client", email="bench@example.com")
    bases = ["KTEB", "KHPN", "KBOS", "KIAD", "KMIA", "KDAL", "KVNY", "KSFO", "KORD", "KDEN"]
    fleet = [
        aircraft_create(
            actor=None,
            tail_number=f"N{300 + i}BX",
            aircraft_type=TYPE,
            manufacturer="Cessna",
            model="Citation CJ3+",
            year=2019,
            category="light",
            seating_capacity=7,
            range_nautical_miles=2040,
            cruise_speed=416,
            current_location=bases[i % len(bases)],
            hourly_rate=Decimal("4200.00"),
            min_crew=2,
        )
        for i in range(50)
    ]
    return {"client": client, "fleet": fleet}


def bench_quote(objects: dict[str, Any]) -> None:
    from flights.services.quotes import quote_create

    start = (timezone.now() + timedelta(days=20)).replace(hour=13, minute=0, second=0, microsecond=0)
    legs = [
        {
            "departure_airport": a,
            "arrival_airport": b,
            "departure_datetime": start + timedelta(days=i),
            "passengers": 4,
        }
        for i, (a, b) in enumerate([("KTEB", "KPBI"), ("KPBI", "KMIA"), ("KMIA", "KBOS"), ("KBOS", "KTEB")])
    ]
    samples = []
    for _ in range(20):
        began = perf_counter()
        quote, _warnings = quote_create(client=objects["client"], legs=legs, actor=None)
        samples.append(perf_counter() - began)
    report(f"quote 4 legs x 50 aircraft ({quote.options.count()} candidates stored)", samples)


def bench_crew(objects: dict[str, Any]) -> None:
    from crew import adapter, selectors
    from crew.models import CrewAssignment
    from crew.services import crew_member_create, experience_add
    from fleet.models import Airport
    from flights.choices import FlightStatus
    from flights.services.booking import flight_create

    today = timezone.localdate()
    done = today - timedelta(days=20)
    checks = [
        "knowledge_test",
        "competency_check",
        "instrument_proficiency_check",
        "line_check",
        "recurrent_training",
    ]
    crew = []
    for i in range(60):
        member = crew_member_create(
            actor=None,
            employee_id=f"B{i:03d}",
            name=f"Bench {i:03d}",
            position="captain" if i % 2 == 0 else "first_officer",
            date_of_birth=date(1980, 1, 1),
            home_base=Airport.objects.get(icao=["KTEB", "KHPN", "KBOS"][i % 3]),
            qualifications={
                "ratings": [{"aircraft_type": TYPE, "role": "PIC" if i % 2 == 0 else "SIC"}],
                "medical": {"medical_class": 1, "exam_date": done},
                "recurrent_training": [{"kind": k, "completed_on": done} for k in checks],
            },
        )
        experience_add(
            member=member,
            actor=None,
            date=today,
            aircraft_type=TYPE,
            takeoffs=3,
            landings=3,
            source="simulator",
        )
        crew.append(member)
    captain = crew[0]
    aircraft = objects["fleet"][0]
    # A year of history: a round trip every other day, flown and completed.
    tz_start = datetime.combine(today - timedelta(days=365), datetime.min.time(), tzinfo=UTC)
    kteb, kbos = Airport.objects.get(icao="KTEB"), Airport.objects.get(icao="KBOS")
    here = Airport.objects.get(icao=aircraft.current_location_id)
    legs = 0
    for day in range(0, 365, 2):
        out_at = tz_start + timedelta(days=day, hours=13)
        for dep, arr, at in ((here, kbos, out_at), (kbos, here, out_at + timedelta(hours=3))):
            flight = flight_create(
                client=objects["client"],
                aircraft=aircraft,
                departure_airport=dep,
                arrival_airport=arr,
                departure_at=at,
                actor=None,
            )
            CrewAssignment.objects.create(flight=flight, crew_member=captain, role="PIC")
            legs += 1
    from flights.models import Flight

    Flight.objects.filter(departure_at__lt=timezone.now()).update(status=FlightStatus.COMPLETED)
    proposed = flight_create(
        client=objects["client"],
        aircraft=aircraft,
        departure_airport=here,
        arrival_airport=kteb if here != kteb else kbos,
        departure_at=(timezone.now() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0),
        actor=None,
    )
    proposed = Flight.objects.select_related("aircraft", "departure_airport").get(pk=proposed.pk)
    samples = []
    for _ in range(100):
        began = perf_counter()
        verdict = adapter.legality(captain, [proposed], "PIC")
        samples.append(perf_counter() - began)
    report(f"crew legality, one assignment vs a year ({legs} legs), legal={verdict.legal}", samples)
    samples = []
    for _ in range(10):
        began = perf_counter()
        seats = selectors.suggestions(proposed, ["PIC", "SIC"])
        samples.append(perf_counter() - began)
    found = sum(len(s["candidates"]) for s in seats)
    report(f"crew suggestions, 2 seats among 60 crew ({found} suggested)", samples)


def market_rules_add(fleet: list[Any]) -> None:
    """A rule of every kind, 9 regions with 40 peak periods, operating costs for the fleet."""
    from finance.demo import seed_market
    from finance.models import PricingRegion, PricingRule
    from finance.services import pricing_rule_create

    seed_market()  # the demo calendar (holidays, events), 14 rules, operating costs
    north = PricingRegion.objects.get(name="Northeast")
    florida = PricingRegion.objects.get(name="Florida and the Bahamas")
    pricing_rule_create(
        actor=None,
        name="Bench route",
        kind="route",
        percent=Decimal("4"),
        region=north,
        to_region=florida,
        both_ways=True,
    )
    pricing_rule_create(
        actor=None, name="Bench busy", kind="demand", percent=Decimal("5"), threshold_percent=Decimal("30")
    )
    print(f"({PricingRule.objects.count()} rules in force, operating costs for {len(fleet)} aircraft)")


def bench_quote_market(objects: dict[str, Any], *, with_rules: bool = True) -> None:
    from fleet.models import Airport
    from fleet.services import aircraft_create
    from flights.services.booking import flight_create
    from flights.services.quotes import quote_create

    fleet = objects["fleet"] + [
        aircraft_create(
            actor=None,
            tail_number=f"N{400 + i}BX",
            aircraft_type=TYPE,
            manufacturer="Cessna",
            model="Citation CJ3+",
            year=2019,
            category="light",
            seating_capacity=7,
            range_nautical_miles=2040,
            cruise_speed=416,
            current_location="KHPN",
            hourly_rate=Decimal("4200.00"),
            min_crew=2,
        )
        for i in range(10)
    ]
    start = (timezone.now() + timedelta(days=30)).replace(hour=13, minute=0, second=0, microsecond=0)
    for aircraft in fleet[1:21]:  # a third of the fleet flies the day before
        aircraft.refresh_from_db()
        flight_create(
            client=objects["client"],
            aircraft=aircraft,
            departure_airport=aircraft.current_location,
            arrival_airport=Airport.objects.get(icao="KDJT"),
            departure_at=start - timedelta(hours=30),
            actor=None,
        )
    legs = [
        {
            "departure_airport": "KTEB",
            "arrival_airport": "KPBI",
            "departure_datetime": start,
            "passengers": 4,
        },
        {
            "departure_airport": "KPBI",
            "arrival_airport": "KTEB",
            "departure_datetime": start + timedelta(days=3),
            "passengers": 4,
        },
    ]

    def run(label: str) -> None:
        samples = []
        for _ in range(20):
            began = perf_counter()
            quote, _warnings = quote_create(client=objects["client"], legs=legs, actor=None)
            samples.append(perf_counter() - began)
        report(f"quote 2 legs x {len(fleet)} aircraft, {label} ({quote.options.count()} stored)", samples)

    run("no market rules")
    if with_rules:
        market_rules_add(fleet)
        run("market rules of every kind")


def main() -> None:
    began = perf_counter()
    objects = setup()
    print(f"(database ready in {perf_counter() - began:.1f} s: {os.environ['DATABASE_URL'].split(':')[0]})")
    bench_quote(objects)
    bench_crew(objects)
    bench_quote_market(objects)


if __name__ == "__main__":
    main()
