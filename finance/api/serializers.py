"""Finance API shapes: invoices with their lines and payments, and the staff requests."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from finance.models import Invoice, InvoiceLine, Payment, PaymentMethodKind


class InvoiceLineSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = InvoiceLine
        fields = [
            "position",
            "kind",
            "description",
            "is_tax",
            "tax_rule",
            "quantity",
            "amount",
            "base_amount",
            "source_currency",
            "source_amount",
            "fx_rate",
            "fx_date",
            "flight",
            "special_service",
            "quote_line",
        ]


class PaymentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Payment
        fields = [
            "id",
            "invoice",
            "kind",
            "refund_of",
            "method",
            "reference",
            "amount",
            "currency",
            "applied_amount",
            "fx_rate",
            "fx_date",
            "received_on",
            "gateway",
            "gateway_reference",
            "idempotency_key",
        ]


INVOICE_FIELDS = [
    "id",
    "number",
    "kind",
    "status",
    "client",
    "trip",
    "quote",
    "credit_for",
    "currency",
    "base_currency",
    "fx_rate",
    "fx_date",
    "subtotal",
    "tax_total",
    "total",
    "base_total",
    "amount_paid",
    "amount_credited",
    "balance",
    "issued_on",
    "due_on",
    "created_at",
]


class InvoiceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Invoice
        fields = INVOICE_FIELDS


class InvoiceDetailSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    lines = InvoiceLineSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [*INVOICE_FIELDS, "bill_to", "void_reason", "notes", "lines", "payments"]


class FromTripSerializer(serializers.Serializer):  # type: ignore[type-arg]
    trip_id = serializers.IntegerField(min_value=1)


class FromQuoteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    quote_id = serializers.IntegerField(min_value=1)
    deposit_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)


class ReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=300)


class CreditNoteSerializer(ReasonSerializer):
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False
    )


class PaymentRecordSerializer(serializers.Serializer):  # type: ignore[type-arg]
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.RegexField(r"^[A-Z]{3}$")
    method = serializers.ChoiceField(
        choices=[c for c in PaymentMethodKind.values if c != PaymentMethodKind.PREPAID]
    )
    reference = serializers.CharField(max_length=120, required=False, default="")
    received_on = serializers.DateField(required=False)
    idempotency_key = serializers.CharField(max_length=120)


class ChargeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    payment_method_id = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    idempotency_key = serializers.CharField(max_length=120)


class RefundSerializer(serializers.Serializer):  # type: ignore[type-arg]
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    idempotency_key = serializers.CharField(max_length=120)
    reason = serializers.CharField(max_length=120, required=False, default="")
