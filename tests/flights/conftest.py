"""Flight test helpers: an active pricing profile, a small fleet, times in the future."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from finance.models import PricingProfile, TaxRate
from tests.fleet.conftest import make_aircraft


def future(days: int = 10, hour: int = 14, minute: int = 0) -> datetime:
    base = datetime.now(UTC) + timedelta(days=days)
    return base.replace(hour=hour, minute=minute, second=0, microsecond=0)


def active_profile_without_return_to_base() -> PricingProfile:
    """The installation's active profile (a finance migration ships it) without the empty leg
    home, so a test's price follows only the legs it asks for."""
    profile = PricingProfile.objects.get(is_active=True)
    profile.return_to_base = False
    profile.save()
    return profile


@pytest.fixture
def profile(db: Any) -> PricingProfile:
    TaxRate.objects.create(effective_from=date(2025, 1, 1), amount=Decimal("5.30"))  # segment fee
    return active_profile_without_return_to_base()


@pytest.fixture
def jet(profile: PricingProfile) -> Any:
    """A light jet at Teterboro."""
    return make_aircraft(tail_number="N100JA", current_location="KTEB")


@pytest.fixture
def midsize(profile: PricingProfile) -> Any:
    return make_aircraft(
        tail_number="N200JA",
        current_location="KHPN",
        category="midsize",
        seating_capacity=8,
        range_nautical_miles=2700,
        cruise_speed=446,
        hourly_rate=Decimal("5600.00"),
        aircraft_type="C68A",
        model="Citation Latitude",
    )
