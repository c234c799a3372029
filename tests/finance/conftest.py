"""Finance test helpers: an active billing profile, FX rates on file, and trips that were
booked and flown through the flights services (actual times recorded with the clock at them)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from finance.models import BillingProfile, FxRate, PricingProfile, TaxRate
from fleet.models import Aircraft
from flights.models import Flight, Trip
from flights.services.quotes import quote_accept, quote_create
from flights.services.status import flight_status_change
from tests.builders import make_aircraft

FLIGHT_DAY = date(2031, 3, 10)  # a future day: bookings need one; the tests travel there


def simple_pricing() -> PricingProfile:
    """The active profile with only per-landing, per-passenger fees and taxes left, so a
    worked example is a few lines of arithmetic."""
    profile = PricingProfile.objects.get(is_active=True)
    for name in ("catering_per_passenger", "overnight_fee", "crew_day_fee", "deicing_fee", "urgent_fee"):
        setattr(profile, name, Decimal("0"))
    profile.return_to_base = False
    profile.short_leg_min_minutes = 0
    profile.save()
    TaxRate.objects.get_or_create(effective_from=date(2025, 1, 1), defaults={"amount": Decimal("5.30")})
    return profile


def make_billing() -> BillingProfile:
    simple_pricing()
    FxRate.objects.create(base="USD", quote="EUR", rate=Decimal("0.92"), effective_on=date(2031, 1, 1))
    return BillingProfile.objects.create(
        name="Main",
        is_active=True,
        legal_name="JetOps Charter LLC",
        address="1 Hangar Road\nTeterboro, NJ 07608\nUnited States",
        tax_id="EIN 12-3456789",
        email="billing@jetops.example",
        bank_details="First Aviation Bank\nABA 021000021 · Account 123456789\nSWIFT FAVBUS33",
        service_markup_percent=Decimal("10"),
        default_payment_terms_days=30,
    )


@pytest.fixture
def billing(db: Any) -> BillingProfile:
    return make_billing()


def jet(**overrides: Any) -> Aircraft:
    return make_aircraft(daily_minimum_hours=Decimal("0"), **overrides)


def at(hour: int, minute: int = 0, day: date = FLIGHT_DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def fly(flight: Flight, off_block: datetime, block_minutes: int) -> Flight:
    """Move ``flight`` through boarding, departed, arrived and completed at the given times."""
    on_block = off_block + timedelta(minutes=block_minutes)
    steps = [
        ("boarding", off_block - timedelta(minutes=20)),
        ("departed", off_block),
        ("arrived", on_block),
        ("completed", on_block + timedelta(minutes=10)),
    ]
    for status, when in steps:
        with time_machine.travel(when, tick=False):
            flight = flight_status_change(flight=flight, status=status, actor=None, at=when)
    return flight


def booked_trip(
    client: Any,
    aircraft: Aircraft,
    *,
    dep: str = "KTEB",
    arr: str = "KBOS",
    passengers: int = 3,
    departure: datetime | None = None,
) -> Trip:
    """A one-leg trip quoted on ``aircraft`` and accepted ten days before it departs."""
    departure = departure or at(14)
    with time_machine.travel(departure - timedelta(days=10), tick=False):
        quote, _ = quote_create(
            client=client,
            legs=[
                {
                    "departure_airport": dep,
                    "arrival_airport": arr,
                    "departure_datetime": departure,
                    "passengers": passengers,
                }
            ],
            aircraft_ids=[aircraft.pk],
            actor=None,
        )
        return quote_accept(quote=quote, actor=None)


def completed_trip(client: Any, aircraft: Aircraft, *, block_minutes: int = 62, **kwargs: Any) -> Trip:
    """A one-leg trip booked through a quote and flown for ``block_minutes``."""
    trip = booked_trip(client, aircraft, **kwargs)
    flight = trip.flights.get()
    fly(flight, flight.departure_at, block_minutes)
    return Trip.objects.get(pk=trip.pk)
