"""The Stripe adapter, with Stripe's HTTP client stubbed (nothing leaves the machine): a
charge of the client's stored payment method with the idempotency key, a declined card, and
webhooks verified by signature and taken once per event id."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.test import override_settings
from stripe._http_client import HTTPClient

from clients import services as client_services
from finance import services
from finance.gateways import StripeGateway
from finance.models import GatewayEvent, Invoice, Payment
from jetops.errors import Conflict
from tests.builders import bearer
from tests.finance.conftest import completed_trip, jet

pytestmark = pytest.mark.django_db

WEBHOOK_SECRET = "whsec_test_secret"  # noqa: S105 - a test value
STRIPE = {
    "PAYMENT_GATEWAY": "tests.finance.test_gateways.StubbedStripe",
    "STRIPE_SECRET_KEY": "sk_test_stub",
    "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
}


class StubHTTP(HTTPClient):
    """Answers Stripe's API calls from a script and remembers what was asked."""

    name = "stub"
    calls: list[dict[str, Any]] = []
    decline = False

    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, *, _usage: Any = None
    ) -> Any:
        form = {k: v[0] for k, v in parse_qs(post_data or "").items()}
        StubHTTP.calls.append({"method": method, "url": url, "headers": dict(headers or {}), "form": form})
        if "/v1/payment_intents" in url:
            if StubHTTP.decline:
                error = {
                    "error": {
                        "type": "card_error",
                        "code": "card_declined",
                        "message": "Your card was declined.",
                    }
                }
                return json.dumps(error), 402, {}
            body = {
                "id": "pi_123",
                "object": "payment_intent",
                "status": "succeeded",
                "amount": int(form["amount"]),
            }
            return json.dumps(body), 200, {"request-id": "req_1"}
        if "/v1/refunds" in url:
            return json.dumps({"id": "re_9", "object": "refund", "status": "succeeded"}), 200, {}
        return json.dumps({"error": {"type": "invalid_request_error", "message": "unknown"}}), 404, {}


class StubbedStripe(StripeGateway):
    def __init__(self) -> None:
        super().__init__(http_client=StubHTTP())


@pytest.fixture
def stub() -> type[StubHTTP]:
    StubHTTP.calls, StubHTTP.decline = [], False
    return StubHTTP


def issued(client: Any, actor: Any) -> Invoice:
    invoice = services.invoice_from_trip(
        trip=completed_trip(client, jet()), actor=actor, on=date(2031, 3, 12)
    )
    return services.invoice_issue(invoice=invoice, actor=actor, on=date(2031, 3, 12))


def card(client: Any) -> Any:
    return client_services.payment_method_add(
        client=client,
        actor=None,
        provider="stripe",
        token="pm_card_visa",
        last4="4242",
        exp_month=1,
        exp_year=2035,
    )


@override_settings(**STRIPE)
def test_charge_uses_the_stored_token_and_the_idempotency_key(billing, finance_user, client_a, stub):
    invoice = issued(client_a, finance_user)
    method = card(client_a)
    api = bearer(finance_user)
    body = {"payment_method_id": method.pk, "idempotency_key": "charge-inv-1"}
    first = api.post(f"/api/v1/invoices/{invoice.pk}/charge", body, format="json")
    assert first.status_code == 201, first.json()
    call = stub.calls[0]
    assert call["url"].endswith("/v1/payment_intents")
    assert call["form"]["payment_method"] == "pm_card_visa"
    assert call["form"]["amount"] == "562203"
    assert call["form"]["currency"] == "usd"
    assert call["headers"]["Idempotency-Key"] == "charge-inv-1"
    assert call["form"]["metadata[invoice_id]"] == str(invoice.pk)
    again = api.post(f"/api/v1/invoices/{invoice.pk}/charge", body, format="json")
    assert again.json()["id"] == first.json()["id"]
    assert len(stub.calls) == 1
    payment = Payment.objects.get()
    assert (payment.gateway, payment.gateway_reference, payment.applied_amount) == (
        "stripe",
        "pi_123",
        Decimal("5622.03"),
    )
    invoice.refresh_from_db()
    assert invoice.status == "paid"


@override_settings(**STRIPE)
def test_declined_card_is_a_409_and_records_nothing(billing, finance_user, client_a, stub):
    invoice = issued(client_a, finance_user)
    stub.decline = True
    with pytest.raises(Conflict) as refused:
        services.payment_charge(
            invoice=invoice, payment_method=card(client_a), idempotency_key="c-2", actor=finance_user
        )
    assert refused.value.code == "payment_declined"
    assert Payment.objects.count() == 0


def signed(payload: bytes, secret: str = WEBHOOK_SECRET) -> str:
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


@override_settings(**STRIPE)
def test_webhook_is_verified_and_taken_once(billing, finance_user, client_a, anon, stub):
    invoice = issued(client_a, finance_user)
    event = {
        "id": "evt_1",
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": {
            "object": {
                "id": "pi_777",
                "object": "payment_intent",
                "amount_received": 100000,
                "currency": "usd",
                "metadata": {"invoice_id": str(invoice.pk)},
            }
        },
    }
    payload = json.dumps(event).encode()
    forged = anon.post(
        "/api/v1/payments/webhook",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signed(payload, "whsec_wrong"),
    )
    assert forged.status_code == 400
    assert forged.json()["code"] == "bad_signature"
    assert GatewayEvent.objects.count() == 0
    for _ in range(2):
        response = anon.post(
            "/api/v1/payments/webhook",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signed(payload),
        )
        assert response.status_code == 200, response.content
    assert GatewayEvent.objects.get().event_id == "evt_1"
    payment = Payment.objects.get()
    assert (payment.amount, payment.gateway_reference) == (Decimal("1000.00"), "pi_777")
    assert stub.calls == []  # a webhook calls nothing back


@override_settings(**STRIPE)
def test_webhook_for_a_charge_made_here_records_nothing_more(billing, finance_user, client_a, anon, stub):
    invoice = issued(client_a, finance_user)
    services.payment_charge(
        invoice=invoice, payment_method=card(client_a), idempotency_key="c-9", actor=finance_user
    )
    intent = {
        "id": "pi_123",
        "amount_received": 562203,
        "currency": "usd",
        "metadata": {"invoice_id": str(invoice.pk)},
    }
    event = {"id": "evt_2", "object": "event", "type": "payment_intent.succeeded", "data": {"object": intent}}
    payload = json.dumps(event).encode()
    response = anon.post(
        "/api/v1/payments/webhook",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signed(payload),
    )
    assert response.status_code == 200
    assert Payment.objects.count() == 1


@override_settings(**STRIPE)
def test_refund_of_a_card_payment_goes_through_stripe(billing, finance_user, client_a, stub):
    invoice = issued(client_a, finance_user)
    services.payment_charge(
        invoice=invoice, payment_method=card(client_a), idempotency_key="c-3", actor=finance_user
    )
    payment = Payment.objects.get()
    response = bearer(finance_user).post(
        f"/api/v1/payments/{payment.pk}/refund", {"amount": "22.03", "idempotency_key": "rf-1"}, format="json"
    )
    assert response.status_code == 201, response.json()
    refund_call = stub.calls[-1]
    assert refund_call["url"].endswith("/v1/refunds")
    assert refund_call["form"] == {"payment_intent": "pi_123", "amount": "2203"}
    assert refund_call["headers"]["Idempotency-Key"] == "rf-1"
    assert response.json()["gateway_reference"] == "re_9"
