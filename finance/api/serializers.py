"""Finance API shapes: invoices with their lines and payments, and the staff requests."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from finance.models import Invoice, InvoiceLine, Payment, PaymentMethodKind, PricingRegion, PricingRule
from fleet.choices import AircraftCategory
from jetops.api.serializers import StrictModelSerializer


class InvoiceLineSerializer(serializers.ModelSerializer):
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


class PaymentSerializer(serializers.ModelSerializer):
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


class InvoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invoice
        fields = INVOICE_FIELDS


class InvoiceDetailSerializer(serializers.ModelSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [*INVOICE_FIELDS, "bill_to", "void_reason", "notes", "lines", "payments"]


class FromTripSerializer(serializers.Serializer):
    trip_id = serializers.IntegerField(min_value=1)


class FromQuoteSerializer(serializers.Serializer):
    quote_id = serializers.IntegerField(min_value=1)
    deposit_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class CreditNoteSerializer(ReasonSerializer):
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False
    )


class PaymentRecordSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.RegexField(r"^[A-Z]{3}$")
    method = serializers.ChoiceField(
        choices=[c for c in PaymentMethodKind.values if c != PaymentMethodKind.PREPAID]
    )
    reference = serializers.CharField(max_length=120, required=False, default="")
    received_on = serializers.DateField(required=False)
    idempotency_key = serializers.CharField(max_length=120)


class ChargeSerializer(serializers.Serializer):
    payment_method_id = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    idempotency_key = serializers.CharField(max_length=120)


class RefundSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    idempotency_key = serializers.CharField(max_length=120)
    reason = serializers.CharField(max_length=120, required=False, default="")


class PricingRuleSerializer(StrictModelSerializer):
    """A market rule (docs/rules.md#dynamic-pricing-market-rules); regions by id, shown with
    their names. The model's ``clean()`` checks what each kind needs (the service saves
    through it), so the API and the admin refuse the same rules."""

    region = serializers.PrimaryKeyRelatedField(
        queryset=PricingRegion.objects.all(), allow_null=True, required=False
    )
    to_region = serializers.PrimaryKeyRelatedField(
        queryset=PricingRegion.objects.all(), allow_null=True, required=False
    )
    # The fleet's category choices (the same schema enum as an aircraft's); blank: every category.
    category = serializers.ChoiceField(choices=AircraftCategory.choices, allow_blank=True, required=False)
    region_name = serializers.CharField(source="region.name", read_only=True, default=None)
    to_region_name = serializers.CharField(source="to_region.name", read_only=True, default=None)

    class Meta:
        model = PricingRule
        fields = [
            "id",
            "name",
            "kind",
            "is_enabled",
            "priority",
            "valid_from",
            "valid_to",
            "percent",
            "category",
            "region",
            "region_name",
            "to_region",
            "to_region_name",
            "both_ways",
            "threshold_percent",
            "min_lead_hours",
            "max_lead_hours",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "region_name", "to_region_name", "created_at", "updated_at"]
        # The model's constraints are checked by the service (full_clean), field-keyed.
        validators: list[object] = []
