"""GDPR erasure (Art. 17) leaves no trace: a fully populated client is erased, then every table
of the database, live and historical, is read back (encrypted columns decrypted) and none of the
erased values may appear. The scan reads the database's own table list, so a table added later
is covered without touching this test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from cryptography.fernet import InvalidToken
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from clients import services
from clients.models import Client, DataRequest, Passenger, PaymentMethod
from flights.choices import FlightStatus
from flights.models import ConciergeRequest, Feedback, Flight
from flights.services.extras import concierge_request_create, feedback_submit, special_service_save
from flights.services.manifest import manifest_set
from flights.services.status import flight_status_change
from jetops.critical import operator_context
from jetops.fields import field_cipher
from jetops.models import ActivityAction, ActivityLog, User
from tests.builders import PASSWORD, book, client_personal_data, enrol_totp, stepped_up

pytestmark = pytest.mark.django_db

PORTAL_IP = "203.0.113.9"

# Everything below identifies Alice Anders (client A), her portal login or her passengers.
ERASED = [
    "Alice Anders",
    "alice@a.example",
    "+12125550101",
    "Sister Sue",
    "+12125550999",
    "Secret Lane",
    "Call Sister Sue first",
    "Peregrin",
    "Quixotewell",
    "peregrin@a.example",
    "PP123456",
    "1931-07-04",
    "Formerpax",
    "pm_1Abc",
    "pm_2Gone",
    "Harriet Holder",
    "Asked by Alice",
    "Champagne on board",
    "Roses in the cabin",
    "Anniversary cake",
    "Great crew, Alice",
    "Alice's mother",
    "client-a",
    PORTAL_IP,
    "AliceBrowser",
]


def _decrypted(text: str) -> str | None:
    if not text.startswith("gAAAAA"):  # every Fernet token starts with its version byte
        return None
    try:
        return field_cipher().decrypt(text.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def _as_text(value: Any) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode(errors="replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def database_text() -> Iterator[tuple[str, str]]:
    """(table, value) for every non-null value of every table, encrypted ones decrypted."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if value is None:
                        continue
                    text = _as_text(value)
                    yield table, text
                    plain = _decrypted(text)
                    if plain is not None:
                        yield table, plain


def traces(values: list[str]) -> list[tuple[str, str]]:
    return sorted({(table, v) for table, text in database_text() for v in values if v in text})


def _populate(client: Client, portal_user: User, aircraft: Any, anon: Any, root: User) -> None:
    card = {"provider": "stripe", "brand": "Visa", "last4": "4242", "exp_month": 12, "exp_year": 2031}
    passenger = {
        "first_name": "Peregrin",
        "last_name": "Quixotewell",
        "passport_number": "PP123456",
        "date_of_birth": date(1931, 7, 4),
        "email": "peregrin@a.example",
        "phone": "+12125550101",
    }
    pax = client_personal_data(
        client, passenger=passenger, card={**card, "token": "pm_1Abc", "holder_name": "Harriet Holder"}
    )
    gone = services.passenger_create(client=client, actor=None, first_name="Ghostly", last_name="Formerpax")
    services.passenger_delete(passenger=gone, actor=None)
    old = services.payment_method_add(
        client=client, actor=None, token="pm_2Gone", holder_name="Harriet Holder", **card
    )
    services.payment_method_remove(method=old, actor=None)
    # her trips: a flight with her on the manifest, a special service, a concierge request,
    # feedback, and a cancelled flight whose reason names her family
    flight = book(client, aircraft, billing_info={"attention": "Alice Anders"})
    manifest_set(flight=flight, entries=[{"passenger": pax.pk}], actor=None)
    special_service_save(
        flight=flight, actor=None, kind="catering", description="Anniversary cake for Alice Anders"
    )
    concierge_request_create(
        trip=flight.trip, subject="Champagne on board", detail="Roses in the cabin", actor=portal_user
    )
    Flight.objects.filter(pk=flight.pk).update(status=FlightStatus.COMPLETED)
    flight.refresh_from_db()
    feedback_submit(flight=flight, rating=5, comment="Great crew, Alice", actor=portal_user)
    other = book(client, aircraft, days=20)
    flight_status_change(
        flight=other, status=FlightStatus.CANCELLED, actor=None, reason="Alice's mother is unwell"
    )
    # her logins from her address: a success, then failures by username and by e-mail
    headers = {"REMOTE_ADDR": PORTAL_IP, "HTTP_USER_AGENT": "AliceBrowser/1.0"}
    for username, password in (("client-a", PASSWORD), ("client-a", "wrong"), ("alice@a.example", "wrong")):
        anon.post(
            "/api/v1/auth/login", {"username": username, "password": password}, format="json", **headers
        )
    enrol_totp(portal_user)
    # a staff edit in the admin's log
    LogEntry.objects.log_actions(
        user_id=root.pk, queryset=[client], action_flag=CHANGE, change_message="Updated the contact"
    )


def test_erasure_leaves_no_trace_in_any_table(client_a_user, client_a, jet, anon, admin_user):  # noqa: F811
    # given: a client with every kind of data JetOps holds, visible before the erasure
    _populate(client_a, client_a_user, jet, anon, admin_user)
    assert {value for _, value in traces(ERASED)} == set(ERASED)  # the scan sees them all
    # when
    response = stepped_up(admin_user).post(f"/api/v1/clients/{client_a.pk}/erase")
    # then
    assert response.status_code == 200, response.json()
    leftover = traces(ERASED)
    assert not leftover, "\n".join(f"{table}: {value}" for table, value in leftover)
    client_a.refresh_from_db()
    assert client_a.erased_at is not None
    assert client_a.pseudonym.startswith("ERASED-")
    assert Passenger.objects.get().passport_number is None
    assert not PaymentMethod.objects.exists()
    assert not User.objects.get(pk=client_a_user.pk).is_active
    assert DataRequest.objects.get().status == "completed"
    assert ConciergeRequest.objects.get().detail == ""
    assert Feedback.objects.get().rating == 5  # what is not personal stays
    assert ActivityLog.objects.filter(action=ActivityAction.DATA_ERASURE).count() == 1


def test_a_model_without_an_erasure_rule_stops_the_erasure(client_a, jet, admin_user, monkeypatch):  # noqa: F811
    # given: a model hanging off the client (here: feedback, under a flight) that says nothing
    flight = book(client_a, jet)
    Flight.objects.filter(pk=flight.pk).update(status=FlightStatus.COMPLETED)
    flight.refresh_from_db()
    feedback_submit(flight=flight, rating=4, comment="Fine", actor=None)
    monkeypatch.delattr(Feedback, "gdpr_erasure")
    # when / then: refused, and nothing was erased
    with pytest.raises(ImproperlyConfigured, match="flights.Feedback must declare gdpr_erasure"):
        services.client_erase(client=client_a, actor=None, meta=operator_context("tests"))
    client_a.refresh_from_db()
    assert (client_a.erased_at, client_a.contact_person) == (None, "Alice Anders")
    assert Feedback.objects.get().comment == "Fine"


def test_export_follows_the_same_relations(client_a_user, client_a, jet):  # noqa: F811
    flight = book(client_a, jet)
    concierge_request_create(
        trip=flight.trip, subject="Champagne on board", detail="Roses", actor=client_a_user
    )
    export = stepped_up(client_a_user).get(f"/api/v1/clients/{client_a.pk}/export").json()
    assert [r["subject"] for r in export["related"]["flights.conciergerequest"]] == ["Champagne on board"]
    assert [r["id"] for r in export["related"]["flights.flight"]] == [flight.pk]
    assert "crew.crewassignment" not in export["related"]  # the crew's data, not the client's
