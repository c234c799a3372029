"""A fresh install can quote and book: the migrations ship an active pricing profile with the
model's defaults, so a new operator books before tuning prices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from finance.models import PricingProfile
from flights.demo import seed_pricing
from flights.models import Flight, Quote
from tests.builders import bearer

pytestmark = pytest.mark.django_db


def _soon(days: int, hour: int = 14) -> str:
    at = (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return at.isoformat()


def test_migrations_ship_one_active_profile_with_the_model_defaults():
    profile = PricingProfile.objects.get(is_active=True)
    defaults = PricingProfile(name=profile.name, is_active=True)

    assert [
        (f.name, getattr(profile, f.attname))
        for f in PricingProfile._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at")
    ] == [
        (f.name, getattr(defaults, f.attname))
        for f in PricingProfile._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at")
    ]


def test_operations_quote_and_book_on_a_bare_migrated_database(ops_user, cs_user):
    ops = bearer(ops_user)
    aircraft = ops.post(
        "/api/v1/aircraft",
        {
            "tail_number": "N512FX",
            "aircraft_type": "C25B",
            "manufacturer": "Cessna",
            "model": "Citation CJ3+",
            "year": 2019,
            "category": "light",
            "seating_capacity": 7,
            "range_nautical_miles": 2040,
            "cruise_speed": 416,
            "current_location": "KTEB",
            "hourly_rate": {"amount": "4200.00", "currency": "USD"},
        },
        format="json",
    )
    assert aircraft.status_code == 201, aircraft.json()
    client = bearer(cs_user).post(
        "/api/v1/clients",
        {"client_type": "individual", "contact_person": "Nora New", "email": "nora@example.com"},
        format="json",
    )
    assert client.status_code == 201, client.json()

    quoted = ops.post(
        "/api/v1/flights/quote",
        {
            "client_id": client.json()["id"],
            "legs": [
                {
                    "departure_airport": "KTEB",
                    "arrival_airport": "KBOS",
                    "departure_datetime": _soon(10),
                    "passengers": 2,
                }
            ],
        },
        format="json",
    )
    booked = ops.post(
        "/api/v1/flights",
        {
            "client_id": client.json()["id"],
            "aircraft_id": aircraft.json()["id"],
            "departure": {"airport": "KTEB", "datetime": _soon(12)},
            "arrival": {"airport": "KBOS", "datetime": _soon(12, hour=16)},
        },
        format="json",
    )

    assert quoted.status_code == 201, quoted.json()
    assert [c["aircraft"]["tail_number"] for c in quoted.json()["candidates"]] == ["N512FX"]
    assert Quote.objects.get().pricing_profile == PricingProfile.objects.get(is_active=True)
    assert booked.status_code == 201, booked.json()
    assert Flight.objects.get().aircraft.tail_number == "N512FX"


def test_demo_pricing_goes_on_the_shipped_profile_and_adds_no_second_active_one():
    shipped = PricingProfile.objects.get(is_active=True)

    seed_pricing()
    seed_pricing()

    assert list(PricingProfile.objects.filter(is_active=True)) == [shipped]
    assert PricingProfile.objects.count() == 1
    assert sorted(shipped.airport_fees.values_list("airport_id", flat=True)) == [
        "KASE",
        "KDJT",
        "KTEB",
        "KVNY",
    ]


def test_the_shipped_profile_is_edited_in_the_admin(client, admin_user):
    from tests.builders import admin_login

    profile = PricingProfile.objects.get(is_active=True)
    staff = admin_login(client, admin_user)
    page = staff.get(f"/admin/finance/pricingprofile/{profile.pk}/change/")

    assert page.status_code == 200
    assert profile.history.earliest().history_type == "+"
