"""Demo finance data: the market rules (peak calendars, demand, routes, lead times, operating
costs), the operator's billing profile, and last week's KTEB → KDJT (Palm Beach) → KTEB trip
for Lumière Ventures flown, invoiced in the client's currency (EUR, at the demo USD/EUR rate),
issued and paid by wire, so the admin, the portal and the PDF have an invoice to show."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from clients.models import Client
from finance import services
from finance.models import (
    AircraftOperatingCost,
    BillingProfile,
    Invoice,
    PeakPeriod,
    PricingRegion,
    PricingRule,
)
from fleet.models import Aircraft, Airport
from flights.conflicts import LegPlan
from flights.models import Trip
from flights.selectors import flight_arrival_estimate
from flights.services.booking import trip_book
from flights.services.extras import special_service_save
from flights.services.status import flight_status_change


def seed_billing() -> BillingProfile:
    profile = BillingProfile.objects.filter(is_active=True).first()
    if profile is not None:
        return profile
    return BillingProfile.objects.create(
        name="JetOps Charter",
        is_active=True,
        legal_name="JetOps Charter LLC (demo)",
        address="111 Industrial Avenue\nTeterboro, NJ 07608\nUnited States",
        tax_id="EIN 00-0000000 (demo)",
        email="billing@jetops.example",
        phone="+1 201 555 0100",
        bank_details="Demo Bank, N.A.\nABA 000000000 · Account 000000000 (demo)\nSWIFT DEMOUS00",
    )


def _past(days: int, hour: int) -> datetime:
    return (datetime.now(UTC) - timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _flown_trip(client: Client, aircraft: Aircraft) -> Trip:
    """Book two legs last week and record them as flown (actual times a little off plan)."""
    home, dest = aircraft.home_base, Airport.objects.get(icao="KDJT")
    legs = []
    for start, frm, to in ((_past(8, 13), home, dest), (_past(6, 16), dest, home)):
        arrival, _, _ = flight_arrival_estimate(aircraft, frm, to, start)
        legs.append(LegPlan(frm, to, start, arrival, passengers=3))
    trip = trip_book(client=client, aircraft=aircraft, legs=legs, actor=None)
    # Demo only: the trip is booked after it flew; date the booking a week before it, as a
    # real one was, so the invoice carries no last-minute fee.
    Trip.objects.filter(pk=trip.pk).update(created_at=legs[0].departure_at - timedelta(days=7))
    for flight, extra in zip(trip.flights.order_by("sequence"), (12, -5), strict=True):
        off = flight.departure_at + timedelta(minutes=5)
        on = off + timedelta(minutes=flight.estimated_block_minutes + extra)
        for status, at in (("boarding", off - timedelta(minutes=20)), ("departed", off), ("arrived", on)):
            flight_status_change(flight=flight, status=status, actor=None, at=at)
        flight_status_change(flight=flight, status="completed", actor=None, at=on + timedelta(minutes=10))
    special_service_save(
        flight=trip.flights.order_by("sequence")[0],
        actor=None,
        kind="catering",
        description="Breakfast for three",
        vendor="Rudy's",
        status="delivered",
        cost=Decimal("420.00"),
        currency="USD",
    )
    return trip


@transaction.atomic
def seed_invoices() -> list[str]:
    seed_billing()
    client = Client.objects.filter(email="camille.laurent@lumiere.example").first()
    aircraft = Aircraft.objects.filter(tail_number="N101JA").select_related("home_base").first()
    if client is None or aircraft is None or Invoice.objects.exists():
        return [f"  finance: {Invoice.objects.count()} invoice(s)"]
    trip = _flown_trip(client, aircraft)
    invoice = services.invoice_from_trip(trip=trip, actor=None)
    invoice = services.invoice_issue(invoice=invoice, actor=None)
    services.payment_record(
        invoice=invoice,
        amount=invoice.total,
        currency=invoice.currency,
        method="wire",
        reference="SEPA demo transfer",
        idempotency_key=f"demo-wire-{invoice.pk}",
        received_on=timezone.localdate(),
        actor=None,
    )
    invoice.refresh_from_db()
    return [
        f"  finance: invoice {invoice.number} for trip {trip.number} ({client.display_name}): "
        f"{invoice.total} {invoice.currency}, {invoice.status}"
    ]


DEMO_FILE = Path(__file__).parent / "data" / "market_demo.json"


def seed_market() -> list[str]:
    """Create what the demo file lists and is missing; never changes existing rows."""
    data: dict[str, Any] = json.loads(DEMO_FILE.read_text())
    regions: dict[str, PricingRegion] = {}
    for entry in data["regions"]:
        region = PricingRegion.objects.filter(name=entry["name"]).first()
        if region is None:
            region = services.pricing_row_save(
                row=PricingRegion(
                    name=entry["name"],
                    airports=entry.get("airports", []),
                    countries=entry.get("countries", []),
                    subdivisions=entry.get("subdivisions", []),
                ),
                actor=None,
                reason="demo data",
            )
        regions[region.name] = region
        for name, first, last in entry.get("peaks", []):
            first_day = date.fromisoformat(first)
            if not PeakPeriod.objects.filter(region=region, name=name, first_day=first_day).exists():
                period = PeakPeriod(
                    region=region, name=name, first_day=first_day, last_day=date.fromisoformat(last)
                )
                services.pricing_row_save(row=period, actor=None, reason="demo data")
    for entry in data["rules"]:
        if PricingRule.objects.filter(name=entry["name"]).exists():
            continue
        fields = {key: value for key, value in entry.items() if key not in ("region", "to_region")}
        for key in ("percent", "threshold_percent"):
            if key in fields:
                fields[key] = Decimal(fields[key])
        for key in ("valid_from", "valid_to"):
            if key in fields:
                fields[key] = date.fromisoformat(fields[key])
        services.pricing_rule_create(
            actor=None,
            region=regions.get(entry.get("region", "")),
            to_region=regions.get(entry.get("to_region", "")),
            valid_from=fields.pop("valid_from", date(2026, 1, 1)),
            **fields,
        )
    share = Decimal(data["operating_cost_share_of_hourly_rate"])
    for aircraft in Aircraft.objects.filter(operating_cost__isnull=True):
        cost = AircraftOperatingCost(
            aircraft=aircraft,
            cost_per_block_hour=(aircraft.hourly_rate * share).quantize(Decimal("0.01")),
            source=f"demo: {share} x the hourly rate",
        )
        services.pricing_row_save(row=cost, actor=None, reason="demo data")
    return [
        f"  finance: {PricingRule.objects.count()} pricing rules, {PricingRegion.objects.count()} regions, "
        f"{PeakPeriod.objects.count()} peak periods"
    ]
