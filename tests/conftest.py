"""Shared fixtures: the personas (one user per role, docs/architecture.md#roles), their
client accounts, an active pricing profile and the aircraft most tests fly. The helpers they
are built from are in ``tests.builders``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from jetops.models import User
from jetops.roles import Role
from tests.builders import active_profile_without_return_to_base, bearer, make_aircraft, make_user

# Property tests judge results, not speed: on a loaded 2-core machine an example may take
# longer than Hypothesis's default 200 ms deadline, or data generation may trip its
# "too slow" health check, either of which would fail a correct test.
hypothesis_settings.register_profile("jetops", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("jetops")


def clear_test_keys() -> None:
    """Empty the cache and the channel layer of this test process: on Redis only the keys under
    its ``TEST_KEY_PREFIX`` (other xdist workers share the database)."""
    if not settings.REDIS_URL:
        cache.clear()
        return
    server = redis.Redis.from_url(settings.REDIS_URL)
    try:
        keys = list(server.scan_iter(match=f"{settings.TEST_KEY_PREFIX}:*", count=1000))
        if keys:
            server.delete(*keys)
    finally:
        server.close()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with nothing cached (throttle counters, captchas, websocket groups)."""
    clear_test_keys()


@pytest.fixture
def api() -> Callable[..., APIClient]:
    return bearer


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def ops_user(db: Any) -> User:
    return make_user("ops", int(Role.OPERATIONS_MANAGER), name="Olivia Ops", email="ops@example.com")


@pytest.fixture
def finance_user(db: Any) -> User:
    return make_user("finance", int(Role.FINANCE_MANAGER), name="Frank Finance")


@pytest.fixture
def cs_user(db: Any) -> User:
    return make_user("cs", int(Role.CLIENT_SERVICES), name="Cleo Services")


@pytest.fixture
def maintenance_user(db: Any) -> User:
    return make_user("mx", int(Role.MAINTENANCE_MANAGER), name="Max Maintenance")


@pytest.fixture
def admin_user(db: Any) -> User:
    from jetops.roles import SUPER_ADMIN_LEVEL

    return make_user("root", SUPER_ADMIN_LEVEL, name="Ada Admin")


@pytest.fixture
def crew_user(db: Any) -> User:
    return make_user("crew", int(Role.CREW), name="Chris Crew")


@pytest.fixture
def client_a_user(db: Any) -> User:
    return make_user("client-a", int(Role.CLIENT), name="Alice Client", email="alice@a.example")


@pytest.fixture
def client_b_user(db: Any) -> User:
    return make_user("client-b", int(Role.CLIENT), name="Bob Client", email="bob@b.example")


@pytest.fixture
def client_a(client_a_user: User) -> Any:
    """Client A's account, with ``client_a_user`` as its portal user."""
    from clients import services

    account = services.client_create(
        actor=None,
        client_type="individual",
        contact_person="Alice Anders",
        email="alice@a.example",
        phone="+12125550101",
    )
    services.portal_user_link(client=account, user=client_a_user, actor=None)
    return account


@pytest.fixture
def client_b(client_b_user: User) -> Any:
    """Client B's account, with ``client_b_user`` as its portal user."""
    from clients import services

    account = services.client_create(
        actor=None,
        client_type="corporate",
        company_name="Bravo Holdings",
        contact_person="Bob Brown",
        email="bob@b.example",
        phone="+13105550102",
    )
    services.portal_user_link(client=account, user=client_b_user, actor=None)
    return account


@pytest.fixture(autouse=True)
def _airports_loaded(request: pytest.FixtureRequest) -> None:
    """Airports and the default pricing profile come from data migrations; a
    ``transaction=True`` test flushes every table when it ends, so the next database test
    reloads them (once, ~0.5 s)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from finance.defaults import pricing_profile_default_ensure
    from finance.models import PricingProfile
    from fleet.airports import airports_load
    from fleet.models import Airport

    if not Airport.objects.exists():
        airports_load(Airport)
    pricing_profile_default_ensure(PricingProfile)


@pytest.fixture
def profile(db: Any) -> Any:
    """The active pricing profile without the leg home, and a segment fee to charge."""
    from finance.models import TaxRate

    TaxRate.objects.create(effective_from=date(2025, 1, 1), amount=Decimal("5.30"))  # segment fee
    return active_profile_without_return_to_base()


@pytest.fixture
def jet(profile: Any) -> Any:
    """A light jet at Teterboro."""
    return make_aircraft(tail_number="N100JA", current_location="KTEB")


@pytest.fixture
def midsize(profile: Any) -> Any:
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
