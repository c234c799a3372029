"""Payment gateways: how a card or ACH payment is charged or refunded, behind one interface.

``settings.PAYMENT_GATEWAY`` names the class (built without arguments). The default,
``RecordOnlyGateway``, charges nothing: staff record money received by other means. The
Stripe adapter charges the client's stored payment-method token (``clients.PaymentMethod``,
provider ``stripe``) with a PaymentIntent, passing the payment's idempotency key so a
retried request never charges twice; its webhooks are verified by signature.

A gateway raises ``GatewayDeclined`` for a refusal the client should hear about (card
declined) and ``GatewayError`` for anything else; the services turn both into a Conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

# ISO 4217 currencies without minor units: Stripe takes their amounts as whole units.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)


class GatewayError(Exception):
    """The gateway failed (network, configuration, unexpected answer)."""


class GatewayDeclined(GatewayError):
    """The gateway refused the charge (declined card, insufficient funds…)."""


@dataclass(frozen=True, slots=True)
class GatewayResult:
    """What the gateway says happened: its own reference for the charge or refund."""

    reference: str


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A verified webhook event: its id (unique per gateway), type and the object it carries."""

    event_id: str
    event_type: str
    data: dict[str, Any]


class PaymentGateway(Protocol):
    """What ``settings.PAYMENT_GATEWAY`` must name."""

    name: str
    charges: bool  # whether ``charge`` moves money (False: payments are only recorded)

    def charge(
        self,
        *,
        amount: Decimal,
        currency: str,
        token: str,
        idempotency_key: str,
        description: str,
        metadata: dict[str, str],
    ) -> GatewayResult: ...

    def refund(
        self, *, charge_reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> GatewayResult: ...

    def webhook_event(self, payload: bytes, signature: str) -> WebhookEvent: ...


class RecordOnlyGateway:
    """Moves no money: a payment or refund is what staff record it to be."""

    name = "record"
    charges = False

    def charge(
        self,
        *,
        amount: Decimal,
        currency: str,
        token: str,
        idempotency_key: str,
        description: str,
        metadata: dict[str, str],
    ) -> GatewayResult:
        return GatewayResult(reference="")

    def refund(
        self, *, charge_reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> GatewayResult:
        return GatewayResult(reference="")

    def webhook_event(self, payload: bytes, signature: str) -> WebhookEvent:
        raise GatewayError("This gateway receives no webhooks.")


def minor_units(amount: Decimal, currency: str) -> int:
    """``amount`` in the currency's smallest unit, as Stripe takes it (cents; yen as is)."""
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return int(amount)
    return int((amount * 100).to_integral_value())


class StripeGateway:
    """Charges through Stripe (``STRIPE_SECRET_KEY``; webhooks: ``STRIPE_WEBHOOK_SECRET``).
    ``http_client`` is Stripe's HTTP client; tests pass a stub so nothing leaves the machine."""

    name = "stripe"
    charges = True

    def __init__(self, http_client: Any = None) -> None:
        import stripe

        self._stripe = stripe
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY, http_client=http_client, max_network_retries=2
        )

    def charge(
        self,
        *,
        amount: Decimal,
        currency: str,
        token: str,
        idempotency_key: str,
        description: str,
        metadata: dict[str, str],
    ) -> GatewayResult:
        params: dict[str, Any] = {
            "metadata": metadata,
            "amount": minor_units(amount, currency),
            "currency": currency.lower(),
            "payment_method": token,
            "confirm": True,
            "off_session": True,
            "description": description,
        }
        try:
            intent = self.client.v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        except self._stripe.CardError as exc:
            raise GatewayDeclined(exc.user_message or "The card was declined.") from exc
        except self._stripe.StripeError as exc:
            raise GatewayError(f"Stripe: {exc.user_message or type(exc).__name__}") from exc
        if intent.status != "succeeded":
            raise GatewayDeclined(f"The payment is {intent.status}, not succeeded.")
        return GatewayResult(reference=intent.id)

    def refund(
        self, *, charge_reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> GatewayResult:
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": charge_reference, "amount": minor_units(amount, currency)},
                options={"idempotency_key": idempotency_key},
            )
        except self._stripe.StripeError as exc:
            raise GatewayError(f"Stripe: {exc.user_message or type(exc).__name__}") from exc
        return GatewayResult(reference=refund.id)

    def webhook_event(self, payload: bytes, signature: str) -> WebhookEvent:
        """The event, if ``signature`` (the Stripe-Signature header) proves Stripe sent it."""
        try:
            event = self.client.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
        except (ValueError, self._stripe.SignatureVerificationError) as exc:
            raise GatewayError("The webhook signature does not verify.") from exc
        return WebhookEvent(event_id=event.id, event_type=event.type, data=dict(event.data.object.to_dict()))


def gateway_class() -> type[PaymentGateway]:
    return import_string(settings.PAYMENT_GATEWAY)


def payment_gateway() -> PaymentGateway:
    """The configured gateway (``settings.PAYMENT_GATEWAY``)."""
    return gateway_class()()
