"""Manifest documents: rows, CSV and PDF, with passport numbers masked or shown."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from clients import services as client_services
from clients.models import Client, Passenger
from fleet import services as fleet_services
from fleet.models import Airport
from flights.manifest import manifest_csv, manifest_pdf, manifest_rows, mask_passport
from flights.models import Flight, FlightPassenger, Trip
from jetops.models import User
from jetops.roles import SUPER_ADMIN_LEVEL, Role
from tests.builders import bearer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def flight(client_a: Client) -> Flight:
    """KTEB → KMIA, 15 June 2026 13:30 UTC (09:30 EDT), on N303JA."""
    aircraft = fleet_services.aircraft_create(
        actor=None,
        tail_number="N303JA",
        aircraft_type="C25B",
        manufacturer="Cessna",
        model="Citation CJ3+",
        year=2019,
        category="light",
        seating_capacity=7,
        range_nautical_miles=2040,
        cruise_speed=416,
        current_location="KTEB",
        hourly_rate=Decimal("4200.00"),
    )
    trip = Trip.objects.create(number="T-MAN-1", client=client_a, currency="USD")
    departure = datetime(2026, 6, 15, 13, 30, tzinfo=UTC)
    return Flight.objects.create(
        flight_number="JO92001",
        trip=trip,
        client=client_a,
        aircraft=aircraft,
        departure_airport=Airport.objects.get(pk="KTEB"),
        arrival_airport=Airport.objects.get(pk="KMIA"),
        departure_at=departure,
        arrival_at=departure + timedelta(hours=2, minutes=45),
        busy_until=departure + timedelta(hours=3, minutes=30),
    )


def board(flight: Flight, passenger: Passenger, **fields: object) -> FlightPassenger:
    return FlightPassenger.objects.create(flight=flight, passenger=passenger, **fields)


@pytest.fixture
def manifest(flight: Flight, client_a: Client) -> Flight:
    alice = client_services.passenger_create(
        client=client_a,
        actor=None,
        first_name="Alice",
        last_name="Anders",
        date_of_birth=date(1980, 5, 17),
        nationality="US",
        passport_number="X12345678",
        passport_expiry=date(2030, 1, 31),
        weight_kg=Decimal("61.0"),
    )
    bruno = client_services.passenger_create(
        client=client_a,
        actor=None,
        first_name="Bruno",
        last_name="Anders",
        nationality="FR",
        passport_number="19AB99871",
        passport_expiry=date(2027, 3, 1),
    )
    board(flight, bruno, seat="2A", weight_kg=Decimal("88.5"), bags=2)
    board(flight, alice, seat="1A", bags=1)
    return flight


def pdf_text(document: bytes) -> bytes:
    """The PDF's page content, decoded (reportlab writes ASCII85 + Flate streams)."""
    parts = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", document, re.DOTALL):
        data = stream.strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data[:-2], adobe=False)
        try:
            parts.append(zlib.decompress(data))
        except zlib.error:
            parts.append(data)
    return b"\n".join(parts)


def test_passport_mask() -> None:
    assert mask_passport("X12345678") == "•••••5678"
    assert mask_passport("1234") == "•••••"
    assert mask_passport(None) == ""


def test_rows_mask_passports_and_hide_birth_dates(manifest: Flight) -> None:
    assert manifest_rows(manifest, show_passports=False) == [
        {
            "name": "Alice Anders",
            "nationality": "US",
            "passport_number": "•••••5678",
            "passport_expiry": "2030-01-31",
            "seat": "1A",
            "weight_kg": "61.0",  # the passenger's weight: none given on the manifest
            "bags": 1,
        },
        {
            "name": "Bruno Anders",
            "nationality": "FR",
            "passport_number": "•••••9871",
            "passport_expiry": "2027-03-01",
            "seat": "2A",
            "weight_kg": "88.5",
            "bags": 2,
        },
    ]


def test_rows_show_passports_and_birth_dates_when_allowed(manifest: Flight) -> None:
    alice, bruno = manifest_rows(manifest, show_passports=True)

    assert alice["passport_number"] == "X12345678"
    assert alice["date_of_birth"] == "1980-05-17"
    assert bruno["passport_number"] == "19AB99871"
    assert bruno["date_of_birth"] == ""


def test_csv_masked(manifest: Flight) -> None:
    assert manifest_csv(manifest, False) == (
        "Name,Nationality,Passport number,Passport expiry,Seat,Weight (kg),Bags\r\n"
        "Alice Anders,US,•••••5678,2030-01-31,1A,61.0,1\r\n"
        "Bruno Anders,FR,•••••9871,2027-03-01,2A,88.5,2\r\n"
    )


def test_csv_shown(manifest: Flight) -> None:
    assert manifest_csv(manifest, True) == (
        "Name,Nationality,Date of birth,Passport number,Passport expiry,Seat,Weight (kg),Bags\r\n"
        "Alice Anders,US,1980-05-17,X12345678,2030-01-31,1A,61.0,1\r\n"
        "Bruno Anders,FR,,19AB99871,2027-03-01,2A,88.5,2\r\n"
    )


def test_csv_neutralises_formulas(flight: Flight, client_a: Client) -> None:
    evil = client_services.passenger_create(
        client=client_a, actor=None, first_name='=HYPERLINK("http://x.example")', last_name="Doe"
    )
    board(flight, evil, seat="3A")

    lines = manifest_csv(flight, False).splitlines()

    assert lines[1] == '"\'=HYPERLINK(""http://x.example"") Doe",,,,3A,,0'


def test_pdf_masked(manifest: Flight) -> None:
    document = manifest_pdf(manifest, False)

    assert document.startswith(b"%PDF-")
    assert document.rstrip().endswith(b"%%EOF")
    text = pdf_text(document)
    for expected in (
        b"JO92001",
        b"N303JA",
        b"KTEB Teterboro Airport",
        b"KMIA Miami International Airport",
        b"15 Jun 2026 13:30 UTC",
        b"Mon 15 Jun 2026 09:30 EDT",
        b"Alice Anders",
        b"5678",
        b"Passport numbers masked.",
    ):
        assert expected in text, expected
    assert b"X12345678" not in text
    assert b"Date of birth" not in text


def test_pdf_shown(manifest: Flight) -> None:
    text = pdf_text(manifest_pdf(manifest, True))

    assert b"X12345678" in text
    assert b"1980-05-17" in text
    assert b"Date of birth" in text
    assert b"masked" not in text


def test_pdf_of_an_empty_manifest(flight: Flight) -> None:
    document = manifest_pdf(flight, False)

    assert document.startswith(b"%PDF-")
    assert b"No passengers on the manifest." in pdf_text(document)


def test_unseated_passengers_come_last(manifest: Flight, client_a: Client) -> None:
    carla = client_services.passenger_create(
        client=client_a, actor=None, first_name="Carla", last_name="Anders"
    )
    board(manifest, carla)

    names = [row["name"] for row in manifest_rows(manifest, show_passports=False)]

    assert names == ["Alice Anders", "Bruno Anders", "Carla Anders"]


# Who may read a manifest through the API, and whether they see full passport numbers.
READERS: dict[str, tuple[int, bool]] = {
    "admin": (SUPER_ADMIN_LEVEL, True),
    "ops": (int(Role.OPERATIONS_MANAGER), True),
    "client_services": (int(Role.CLIENT_SERVICES), False),
    "finance": (int(Role.FINANCE_MANAGER), False),
    "maintenance": (int(Role.MAINTENANCE_MANAGER), False),
}


def reader(persona: str, client_a_user: User) -> tuple[User, bool]:
    if persona == "client":
        return client_a_user, True  # the account's own portal user
    level, shown = READERS[persona]
    return make_user(f"reader-{persona}", level), shown


@pytest.mark.parametrize("persona", [*READERS, "client"])
def test_csv_download_through_the_api(manifest: Flight, client_a_user: User, persona: str) -> None:
    user, shown = reader(persona, client_a_user)

    response = bearer(user).get(f"/api/v1/flights/{manifest.pk}/manifest?format=csv")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="JO92001-manifest.csv"'
    assert response.content.decode() == manifest_csv(manifest, shown)


@pytest.mark.parametrize("persona", [*READERS, "client"])
def test_pdf_download_through_the_api(manifest: Flight, client_a_user: User, persona: str) -> None:
    user, shown = reader(persona, client_a_user)

    response = bearer(user).get(f"/api/v1/flights/{manifest.pk}/manifest?format=pdf")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="JO92001-manifest.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert (b"X12345678" in pdf_text(response.content)) is shown


def test_json_manifest_and_unknown_format(manifest: Flight, client_a_user: User) -> None:
    api = bearer(client_a_user)
    for url in (
        f"/api/v1/flights/{manifest.pk}/manifest",
        f"/api/v1/flights/{manifest.pk}/manifest?format=json",
    ):
        response = api.get(url)
        assert response.status_code == 200
        assert [row["name"] for row in response.json()["passengers"]] == ["Alice Anders", "Bruno Anders"]

    response = api.get(f"/api/v1/flights/{manifest.pk}/manifest?format=xlsx")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == ["format"]


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_downloads_stay_invisible_to_others(
    manifest: Flight, client_b_user: User, client_b: Client, crew_user: User, fmt: str
) -> None:
    """Client B and crew not on the flight get the API's JSON 404, whatever the format."""
    for user in (client_b_user, crew_user):
        response = bearer(user).get(f"/api/v1/flights/{manifest.pk}/manifest?format={fmt}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"
