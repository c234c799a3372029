"""Payment tokens (never card data, step-up to change) and GDPR export, erasure, register."""

from __future__ import annotations

import ipaddress
import json
import logging
from datetime import date

import pytest
from django.db import connection
from django.test import override_settings

from clients import services
from clients.gdpr import client_data
from clients.models import Client, DataRequest, PaymentMethod, one_month_after
from jetops.carddata import card_data_paths, looks_like_pan, luhn_valid
from jetops.models import ActivityAction, ActivityLog
from tests.builders import bearer, client_personal_data, stepped_up

pytestmark = pytest.mark.django_db

CARD = {
    "provider": "stripe",
    "token": "pm_1Abc",
    "brand": "Visa",
    "last4": "4242",
    "exp_month": 12,
    "exp_year": 2031,
}


def test_luhn_and_pan_detection():
    assert luhn_valid("4242424242424242")
    assert not luhn_valid("4242424242424241")
    assert looks_like_pan("4242 4242 4242 4242")
    assert looks_like_pan("card: 4242-4242-4242-4242 thanks")
    assert not looks_like_pan("+8613812345678")  # an E.164 phone number
    assert not looks_like_pan("123456789012")  # too short
    assert card_data_paths({"a": [{"cvv": "123"}], "b": {"pan": 4242424242424242}}) == ["a[0].cvv", "b.pan"]


@pytest.mark.parametrize(
    "body",
    [
        {**CARD, "token": "4242424242424242"},
        {**CARD, "card_number": "4111 1111 1111 1111"},
        {**CARD, "cvc": "123"},
        {**CARD, "holder_name": "Ann", "extra": {"CVV2": "999"}},
    ],
)
def test_card_data_refused_and_never_stored_or_logged(client_a_user, client_a, body, caplog):
    api = stepped_up(client_a_user)
    with caplog.at_level(logging.DEBUG):
        response = api.post(f"/api/v1/clients/{client_a.pk}/payment-methods", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "card_data_refused"
    assert not PaymentMethod.objects.exists()
    secret_values = [
        v for v in ("4242424242424242", "4111 1111 1111 1111", "123", "999") if v in json.dumps(body)
    ]
    # The request log names the path, whose client id may happen to equal a short secret.
    text = caplog.text.replace(f"/clients/{client_a.pk}/", "/clients/<id>/") + response.content.decode()
    for value in secret_values:
        assert value not in text
    with connection.cursor() as cursor:
        cursor.execute("SELECT detail, path, reason FROM jetops_activitylog")
        assert all(value not in str(row) for row in cursor.fetchall() for value in secret_values)


def test_card_number_refused_anywhere_in_the_api(cs_user):
    response = bearer(cs_user).post(
        "/api/v1/clients",
        {"contact_person": "X", "email": "x@x.example", "special_instructions": "pay with 5555555555554444"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "card_data_refused"
    assert not Client.objects.exists()


def test_payment_method_needs_step_up(client_a_user, client_a):
    response = bearer(client_a_user, otp=False).post(
        f"/api/v1/clients/{client_a.pk}/payment-methods", CARD, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"
    assert not PaymentMethod.objects.exists()


def test_payment_method_add_list_remove(client_a_user, client_a):
    api = stepped_up(client_a_user)
    created = api.post(f"/api/v1/clients/{client_a.pk}/payment-methods", CARD, format="json")
    assert created.status_code == 201, created.json()
    assert "token" not in created.json()
    assert created.json()["is_default"] is True
    listing = api.get(f"/api/v1/clients/{client_a.pk}/payment-methods").json()
    assert [m["last4"] for m in listing] == ["4242"]
    assert ActivityLog.objects.filter(action=ActivityAction.PAYMENT_METHOD_CHANGE).count() == 1
    duplicate = api.post(f"/api/v1/clients/{client_a.pk}/payment-methods", CARD, format="json")
    assert duplicate.status_code == 409
    removed = api.delete(f"/api/v1/clients/{client_a.pk}/payment-methods/{created.json()['id']}")
    assert removed.status_code == 204
    assert not PaymentMethod.objects.exists()


def test_expired_card_token_refused(client_a_user, client_a):
    api = stepped_up(client_a_user)
    response = api.post(
        f"/api/v1/clients/{client_a.pk}/payment-methods", {**CARD, "exp_year": 2020}, format="json"
    )
    assert response.status_code == 400


def test_client_b_cannot_remove_client_a_payment_method(client_b_user, client_a, client_b):
    method = services.payment_method_add(client=client_a, actor=None, **CARD)
    api = stepped_up(client_b_user)
    assert api.delete(f"/api/v1/clients/{client_a.pk}/payment-methods/{method.pk}").status_code == 404
    assert api.delete(f"/api/v1/clients/{client_b.pk}/payment-methods/{method.pk}").status_code == 404
    assert PaymentMethod.objects.filter(pk=method.pk).exists()


def _rich_client(client: Client) -> None:
    passenger = {
        "first_name": "Peter",
        "last_name": "Parker",
        "passport_number": "PP123456",
        "date_of_birth": date(1990, 8, 10),
        "email": "peter@a.example",
    }
    client_personal_data(client, passenger=passenger, card=CARD)


def test_export_contains_every_model_pointing_at_the_client(cs_user, client_a):
    _rich_client(client_a)
    response = bearer(cs_user).get(f"/api/v1/clients/{client_a.pk}/export")
    assert response.status_code == 200
    data = response.json()
    labels = {
        b.model._meta.label_lower for b in client_data(client_a) if getattr(b.model, "gdpr_export", True)
    }
    assert labels <= set(data["related"])
    assert {
        "clients.passenger",
        "clients.paymentmethod",
        "clients.datarequest",
        "clients.clientmembership",
    } <= labels
    assert data["client"]["email"] == "alice@a.example"
    assert data["client"]["special_instructions"] == "Call Sister Sue first"
    assert "token" not in data["related"]["clients.paymentmethod"][0]
    assert data["portal_users"][0]["username"] == "client-a"
    assert data["notifications"][0]["recipient"] == "alice@a.example"
    assert ActivityLog.objects.filter(action=ActivityAction.DATA_EXPORT, subject_id=str(client_a.pk)).exists()


def test_export_shows_client_services_what_its_reads_show(cs_user, client_a):
    # given: Client Services may not see passports (masked on the passenger endpoints)
    _rich_client(client_a)
    api = bearer(cs_user)
    read = api.get(f"/api/v1/clients/{client_a.pk}/passengers").json()["results"][0]
    # when
    export = api.get(f"/api/v1/clients/{client_a.pk}/export").json()
    # then: the export masks the same fields the same way, and says so
    passenger = export["related"]["clients.passenger"][0]
    assert (passenger["passport_number"], passenger["date_of_birth"]) == ("•••••3456", None)
    assert (read["passport_number"], read["date_of_birth"]) == ("•••••3456", None)
    assert export["complete"] is False
    assert export["masked"] == ["clients.passenger.passport_number", "clients.passenger.date_of_birth"]
    assert "PP123456" not in json.dumps(export)
    assert "1990-08-10" not in json.dumps(export)


def test_full_export_needs_a_step_up(client_a_user, client_a):
    # given: the data subject may see its passports, but its session verified no code lately
    _rich_client(client_a)
    url = f"/api/v1/clients/{client_a.pk}/export"
    # when
    stale = bearer(client_a_user, otp=False).get(url).json()
    full = stepped_up(client_a_user).get(url).json()
    # then
    assert stale["complete"] is False
    assert stale["related"]["clients.passenger"][0]["passport_number"] == "•••••3456"
    assert full["complete"] is True
    assert full["masked"] == []
    assert full["related"]["clients.passenger"][0]["passport_number"] == "PP123456"
    assert full["related"]["clients.passenger"][0]["date_of_birth"] == "1990-08-10"
    rows = ActivityLog.objects.filter(action=ActivityAction.DATA_EXPORT, user=client_a_user).order_by("id")
    assert [row.detail for row in rows] == [{"complete": False}, {"complete": True}]


def test_portal_user_exports_own_data(client_a_user, client_a):
    response = bearer(client_a_user).get(f"/api/v1/clients/{client_a.pk}/export")
    assert response.status_code == 200
    assert response.json()["client"]["contact_person"] == "Alice Anders"


def test_erasure_needs_step_up(cs_user, client_a):
    response = bearer(cs_user, otp=False).post(f"/api/v1/clients/{client_a.pk}/erase")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"
    client_a.refresh_from_db()
    assert client_a.erased_at is None


@override_settings(CRITICAL_IP_NETWORKS=[ipaddress.ip_network("10.0.0.0/8")])
def test_erasure_from_outside_the_allow_list_is_refused(cs_user, client_a):
    api = stepped_up(cs_user)
    response = api.post(f"/api/v1/clients/{client_a.pk}/erase", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 403
    assert response.json()["code"] == "ip_not_allowed"
    client_a.refresh_from_db()
    assert (client_a.erased_at, client_a.contact_person) == (None, "Alice Anders")
    done = api.post(f"/api/v1/clients/{client_a.pk}/erase", REMOTE_ADDR="10.0.0.5")
    assert done.status_code == 200, done.json()
    assert ActivityLog.objects.get(action=ActivityAction.DATA_ERASURE).ip == "10.0.0.5"


def test_erasure_refused_under_legal_hold(cs_user, client_a):
    services.client_update(client=client_a, actor=None, legal_hold=True, legal_hold_reason="litigation")
    response = stepped_up(cs_user).post(f"/api/v1/clients/{client_a.pk}/erase")
    assert response.status_code == 409
    assert response.json()["code"] == "legal_hold"
    client_a.refresh_from_db()
    assert client_a.contact_person == "Alice Anders"


def test_portal_user_cannot_erase(client_a_user, client_a):
    response = stepped_up(client_a_user).post(f"/api/v1/clients/{client_a.pk}/erase")
    assert response.status_code == 403
    client_a.refresh_from_db()
    assert client_a.erased_at is None


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_data_request_due_one_month(received, due):
    assert one_month_after(received) == due


def test_data_request_register(client_a_user, client_a, cs_user):
    response = bearer(client_a_user).post(
        f"/api/v1/clients/{client_a.pk}/data-requests", {"kind": "access"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "received"
    bearer(cs_user).get(f"/api/v1/clients/{client_a.pk}/export")
    assert DataRequest.objects.get().status == "completed"
