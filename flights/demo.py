"""Demo pricing data, quotes and bookings: a pricing profile with airport fees, the segment
fee table and FX rates; a sent quote for KTEB → KDJT (Palm Beach) → KTEB; a booked trip next
week and a completed one last week, so the portal, the admin and the live feed have data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import transaction

from clients.models import Client
from finance.defaults import pricing_profile_default_ensure
from finance.models import AirportFee, FxRate, PermitFee, PricingProfile, TaxKind, TaxRate
from fleet.models import Aircraft, Airport
from flights.conflicts import LegPlan
from flights.models import Quote, Trip
from flights.selectors import flight_arrival_estimate
from flights.services.booking import trip_book
from flights.services.quotes import quote_create, quote_send


def _at(days: int, hour: int) -> datetime:
    base = datetime.now(UTC) + timedelta(days=days)
    return base.replace(hour=hour, minute=0, second=0, microsecond=0)


def seed_pricing() -> PricingProfile:
    """Demo fees on the active profile (the one a finance migration ships, unless the
    operator made another active): the demo never adds a second active profile."""
    pricing_profile_default_ensure(PricingProfile)
    profile = PricingProfile.objects.get(is_active=True)
    for icao, landing, handling in [
        ("KTEB", "650", "550"),
        ("KDJT", "480", "420"),
        ("KVNY", "520", "450"),
        ("KASE", "900", "700"),
    ]:
        AirportFee.objects.get_or_create(
            profile=profile,
            airport_id=icao,
            defaults={
                "landing": Decimal(landing),
                "handling": Decimal(handling),
                "per_passenger": Decimal("30"),
            },
        )
    for country, amount in [("CA", "350"), ("MX", "450"), ("BS", "300")]:
        PermitFee.objects.get_or_create(
            profile=profile, country=country, defaults={"amount": Decimal(amount)}
        )
    # Demo values, to be checked against the published amounts by the operator.
    for day, amount in [(date(2025, 1, 1), "5.30"), (date(2026, 1, 1), "5.50")]:
        TaxRate.objects.get_or_create(
            tax=TaxKind.SEGMENT_FEE,
            effective_from=day,
            defaults={"amount": Decimal(amount), "source": "demo value - verify before use"},
        )
    for quote, rate in [("EUR", "0.92"), ("GBP", "0.79")]:
        FxRate.objects.get_or_create(
            base="USD",
            quote=quote,
            effective_on=date(2026, 1, 1),
            defaults={"rate": Decimal(rate), "source": "demo"},
        )
    return profile


@transaction.atomic
def seed_flights() -> list[str]:
    seed_pricing()
    whitmore = Client.objects.filter(email="alice.whitmore@example.com").first()
    northwind = Client.objects.filter(email="travel@northwind.example").first()
    if whitmore is None or northwind is None or Trip.objects.exists() or Quote.objects.exists():
        return [f"  flights: {Trip.objects.count()} trips, {Quote.objects.count()} quotes"]
    quote, _ = quote_create(
        client=whitmore,
        legs=[
            {
                "departure_airport": "KTEB",
                "arrival_airport": "KDJT",
                "departure_datetime": _at(14, 14),
                "passengers": 2,
            },
            {
                "departure_airport": "KDJT",
                "arrival_airport": "KTEB",
                "departure_datetime": _at(18, 17),
                "passengers": 2,
            },
        ],
        actor=None,
    )
    if quote.options.exists():
        quote_send(quote=quote, actor=None)
    jet = Aircraft.objects.filter(tail_number="N301JA").first()
    if jet is not None:
        home = jet.current_location
        dest = Airport.objects.get(icao="KASE")
        out, _, _ = flight_arrival_estimate(jet, home, dest, _at(7, 15))
        back_at = _at(10, 16)
        back, _, _ = flight_arrival_estimate(jet, dest, home, back_at)
        trip_book(
            client=northwind,
            aircraft=jet,
            legs=[
                LegPlan(
                    home,
                    dest,
                    _at(7, 15),
                    out,
                    passengers=4,
                    departure_fbo="Signature",
                    arrival_fbo="Atlantic",
                ),
                LegPlan(
                    dest, home, back_at, back, passengers=4, departure_fbo="Atlantic", arrival_fbo="Signature"
                ),
            ],
            actor=None,
        )
    return [
        f"  flights: {Trip.objects.count()} trip(s) booked, "
        f"quote {quote.number} sent to {whitmore.display_name}",
    ]
