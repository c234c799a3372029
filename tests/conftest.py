"""Shared fixtures: the personas (one user per role, docs/architecture.md#roles) and helpers
to call the API as one of them."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_otp.oath import TOTP
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from jetops.auth.tokens import token_pair_issue
from jetops.backends import role_permissions
from jetops.critical import operator_context
from jetops.models import EncryptedTOTPDevice, User
from jetops.roles import Role
from jetops.services import user_create

PASSWORD = "Correct-Horse-Battery-9"

# Property tests judge results, not speed: on a loaded 2-core machine an example may take
# longer than Hypothesis's default 200 ms deadline, or data generation may trip its
# "too slow" health check, either of which would fail a correct test.
hypothesis_settings.register_profile("jetops", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("jetops")


def make_user(username: str, level: int, **fields: Any) -> User:
    """A user set up as an operator would, from the server (``jetops.critical``)."""
    return user_create(
        username=username,
        password=PASSWORD,
        level=level,
        actor=None,
        meta=operator_context("tests"),
        **fields,
    )


def totp_now(device: EncryptedTOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's authenticator would show (``steps_ahead`` time steps later)."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + steps_ahead * device.step
    return f"{generator.token():0{device.digits}d}"


def next_code(user: User) -> str:
    """A valid code not used yet: signing in to the admin spent the current time step's code."""
    return totp_now(EncryptedTOTPDevice.objects.get(user=user), steps_ahead=1)


def enrol_totp(user: User) -> EncryptedTOTPDevice:
    return EncryptedTOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def bearer(user: User, *, otp: bool = True) -> APIClient:
    """An API client authenticated as ``user`` with a fresh token pair (OTP verified now)."""
    client = APIClient()
    pair = token_pair_issue(user, otp_at=timezone.now() if otp else None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access}")
    client.refresh_token = pair.refresh  # type: ignore[attr-defined]
    # The roles' permission sets are in the cache, as in a running installation, so a query
    # count measures a request, not the one read that fills the cache (jetops.backends).
    role_permissions(user)
    return client


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
