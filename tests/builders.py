"""Builders the tests share: users and API clients as a persona, aircraft, crew and flights
made through the services (as the admin and the API make them), and times in the future.

Plain functions, importable from any test module; the fixtures in the ``conftest.py`` files
are built from them.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from django.test import Client as DjangoClient
from django.utils import timezone
from django_otp.oath import TOTP
from rest_framework.test import APIClient

from clients import services as client_services
from clients.models import Passenger
from crew import services as crew_services
from crew.models import CrewMember
from finance.models import PricingProfile
from fleet import services as fleet_services
from fleet.models import Aircraft, Airport
from flights.models import Flight
from flights.services.booking import flight_create
from jetops.auth.tokens import token_pair_issue
from jetops.backends import role_permissions
from jetops.critical import operator_context
from jetops.models import EncryptedTOTPDevice, NotificationDelivery, User
from jetops.services import user_create

PASSWORD = "Correct-Horse-Battery-9"


# Users and how they sign in


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


def stepped_up(user: User) -> APIClient:
    """An API client for ``user`` whose token carries a second factor verified through the
    step-up endpoint (enrols an authenticator)."""
    device = enrol_totp(user)
    api = bearer(user, otp=False)
    access = api.post("/api/v1/auth/step-up", {"otp": totp_now(device)}, format="json").json()["access"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return api


def admin_login(client: DjangoClient, user: User) -> DjangoClient:
    """``client`` signed in to the admin as ``user`` (password and authenticator code)."""
    device = enrol_totp(user)
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": user.username,
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": totp_now(device),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    return client


# Times


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def future(days: int = 10, hour: int = 14, minute: int = 0) -> datetime:
    base = datetime.now(UTC) + timedelta(days=days)
    return base.replace(hour=hour, minute=minute, second=0, microsecond=0)


# Fleet

_tails = count(0)
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # never I or O in an N-number


def next_tail() -> str:
    """N100AA, N101AA, … N999AA, N100AB, …: valid, distinct N-numbers."""
    n = next(_tails)
    block = n // 900
    return (
        f"N{100 + n % 900}{_LETTERS[block // len(_LETTERS) % len(_LETTERS)]}{_LETTERS[block % len(_LETTERS)]}"
    )


def aircraft_data(**overrides: Any) -> dict[str, Any]:
    """Valid ``aircraft_create`` arguments for a light jet at Teterboro."""
    data: dict[str, Any] = {
        "tail_number": next_tail(),
        "aircraft_type": "C25B",
        "manufacturer": "Cessna",
        "model": "Citation CJ3+",
        "year": 2019,
        "category": "light",
        "seating_capacity": 7,
        "range_nautical_miles": 2040,
        "cruise_speed": 416,
        "current_location": "KTEB",
        "hourly_rate": Decimal("4200.00"),
    }
    data.update(overrides)
    return data


def make_aircraft(actor: Any = None, **overrides: Any) -> Aircraft:
    return fleet_services.aircraft_create(actor=actor, **aircraft_data(**overrides))


# Clients


def client_personal_data(client: Any, *, passenger: dict[str, Any], card: dict[str, Any]) -> Passenger:
    """Give ``client`` personal data of every kind the clients app holds (instructions,
    emergency contact, billing address, a passenger, a card, an erasure request, an e-mail
    sent to it); returns the passenger."""
    client_services.client_update(
        client=client,
        actor=None,
        special_instructions="Call Sister Sue first",
        emergency_contacts=[{"name": "Sister Sue", "phone": "+12125550999"}],
        billing_address={"line1": "12 Secret Lane", "city": "Springfield", "country": "US"},
    )
    pax = client_services.passenger_create(client=client, actor=None, **passenger)
    client_services.payment_method_add(client=client, actor=None, **card)
    client_services.data_request_create(
        client=client, kind="erasure", actor=None, notes="Asked by Alice Anders by phone"
    )
    NotificationDelivery.objects.create(
        key=f"quote-sent:{client.pk}",
        channel="email",
        recipient="alice@a.example",
        event="quote_sent",
        subject="Your quote, Alice Anders",
        body="Dear Alice Anders, ...",
        client_id=client.pk,
    )
    return pax


# Pricing and flights


def active_profile_without_return_to_base() -> PricingProfile:
    """The installation's active profile (a finance migration ships it) without the empty leg
    home, so a test's price follows only the legs it asks for."""
    profile = PricingProfile.objects.get(is_active=True)
    profile.return_to_base = False
    profile.save()
    return profile


def book(
    client: Any,
    aircraft: Any,
    *,
    dep: str = "KTEB",
    arr: str = "KDJT",
    at: datetime | None = None,
    days: int = 10,
    hour: int = 14,
    **fields: Any,
) -> Flight:
    """A flight booked through ``flight_create`` (no actor), by default KTEB → KDJT in 10 days
    at 14:00 UTC; ``at`` sets the departure."""
    return flight_create(
        client=client,
        aircraft=aircraft,
        departure_airport=Airport.objects.get(icao=dep),
        arrival_airport=Airport.objects.get(icao=arr),
        departure_at=at or future(days, hour),
        actor=None,
        **fields,
    )


# Crew

ALL_CHECKS = (
    "knowledge_test",
    "competency_check",
    "instrument_proficiency_check",
    "line_check",
    "recurrent_training",
)


def qualified(aircraft_type: str = "C25B", rating: str = "PIC", medical_class: int = 1) -> dict[str, Any]:
    done = timezone.localdate() - timedelta(days=20)
    return {
        "licenses": [{"kind": "atp", "number": "ATP123", "authority": "FAA"}],
        "ratings": [{"aircraft_type": aircraft_type, "role": rating}],
        "medical": {"medical_class": medical_class, "exam_date": done},
        "recurrent_training": [{"kind": k, "completed_on": done} for k in ALL_CHECKS],
    }


def make_crew(
    employee_id: str,
    *,
    position: str = "captain",
    base: str = "KTEB",
    qualifications: dict[str, Any] | None = None,
    recent_landings: str | None = "C25B",
    **fields: Any,
) -> CrewMember:
    if qualifications is None:
        qualifications = (
            {"recurrent_training": [{"kind": "recurrent_training", "completed_on": timezone.localdate()}]}
            if position == "flight_attendant"
            else qualified(rating="PIC" if position == "captain" else "SIC")
        )
    member = crew_services.crew_member_create(
        actor=None,
        employee_id=employee_id,
        name=fields.pop("name", f"Crew {employee_id}"),
        position=position,
        date_of_birth=fields.pop("date_of_birth", date(1980, 6, 1)),
        home_base=Airport.objects.get(icao=base),
        contact_info=fields.pop("contact_info", {"email": f"{employee_id.lower()}@crew.example"}),
        qualifications=qualifications,
        **fields,
    )
    if recent_landings:
        crew_services.experience_add(
            member=member,
            actor=None,
            date=timezone.localdate() - timedelta(days=5),
            aircraft_type=recent_landings,
            takeoffs=3,
            landings=3,
            source="simulator",
        )
    return member
