from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from clients.choices import DataRequestKind, DataRequestStatus
from clients.models import Client, DataRequest, Passenger, PaymentMethod
from clients.personal import MASK_MARK, masked, sees_sensitive, without_masks_read_back
from clients.preferences import MAX_ITEMS, MAX_SHORT_TEXT
from jetops.api.serializers import (
    EmergencyContactSerializer,
    MoneyField,
    ShapedJSONField,
    StrictModelSerializer,
    StrictSerializer,
)
from jetops.models import User
from jetops.validators import country_validator


class BillingAddressSerializer(StrictSerializer):
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    country = serializers.CharField(validators=[country_validator])
    tax_id = serializers.CharField(max_length=40, required=False, allow_blank=True)


class PreferencesSerializer(StrictSerializer):
    """The shape of ``preferences``, for the schema. ``clients.preferences`` checks it, for
    the API and the admin alike (``clients.services``), and fills in the defaults."""

    dietary_restrictions = serializers.ListField(
        child=serializers.CharField(max_length=MAX_SHORT_TEXT), max_length=MAX_ITEMS, required=False
    )
    special_requests = serializers.ListField(
        child=serializers.CharField(max_length=MAX_SHORT_TEXT), max_length=MAX_ITEMS, required=False
    )
    preferred_aircraft = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=MAX_ITEMS, required=False
    )
    notification_preferences = serializers.DictField(
        child=serializers.DictField(child=serializers.BooleanField()),
        required=False,
        help_text="Channel (email, sms, push) → event → on or off.",
    )


@extend_schema_field(PreferencesSerializer)
class PreferencesField(serializers.JSONField):
    """Preferences as given: ``clients.services`` validates them and merges them into the
    stored ones."""


class PaymentMethodSerializer(StrictModelSerializer):
    """Tokens only. ``token`` is write-only: nobody reads it back through the API."""

    token = serializers.CharField(write_only=True, max_length=255)
    last4 = serializers.RegexField(r"^\d{4}$", error_messages={"invalid": "The last four digits."})
    exp_year = serializers.IntegerField(min_value=2000, max_value=2100)

    class Meta:
        model = PaymentMethod
        fields = [
            "id",
            "provider",
            "token",
            "brand",
            "last4",
            "exp_month",
            "exp_year",
            "holder_name",
            "is_default",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        validators: list[Any] = []  # a duplicate token is a 409 from the service, not a 400

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today = timezone.localdate()
        if (attrs["exp_year"], attrs["exp_month"]) < (today.year, today.month):
            raise serializers.ValidationError({"exp_year": ["This card has expired."]})
        return attrs


class ClientSerializer(StrictModelSerializer):
    """Staff view and write shape of a client account (seed field names)."""

    phone = PhoneNumberField(required=False, allow_blank=True)
    billing_address = ShapedJSONField(BillingAddressSerializer, required=False)
    emergency_contacts = ShapedJSONField(
        EmergencyContactSerializer, many=True, required=False, allow_null=True
    )
    preferences = PreferencesField(required=False)
    payment_methods = PaymentMethodSerializer(many=True, read_only=True)
    credit_limit = MoneyField(currency_source="billing_currency", required=False)
    account_manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    loyalty = serializers.SerializerMethodField()
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Client
        fields = [
            "id",
            "display_name",
            "client_type",
            "company_name",
            "contact_person",
            "email",
            "phone",
            "billing_address",
            "preferences",
            "vip_status",
            "payment_methods",
            "emergency_contacts",
            "billing_currency",
            "discount_percent",
            "credit_limit",
            "account_manager",
            "special_instructions",
            "loyalty",
            "legal_hold",
            "legal_hold_reason",
            "erased_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "erased_at", "created_at", "updated_at"]

    def get_loyalty(self, client: Client) -> dict[str, Any]:
        from clients.selectors import client_loyalty

        return client_loyalty(client)

    def to_representation(self, instance: Client) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["phone"] = str(instance.phone) if instance.phone else ""
        return data

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if "phone" in value:
            value["phone"] = str(value["phone"] or "")
        return value


class ClientDetailSerializer(ClientSerializer):
    booking_summary = serializers.SerializerMethodField()

    class Meta(ClientSerializer.Meta):
        fields = [*ClientSerializer.Meta.fields, "booking_summary"]

    def get_booking_summary(self, client: Client) -> dict[str, Any]:
        from clients.selectors import client_booking_summary

        return client_booking_summary(client)


PORTAL_HIDDEN = {"special_instructions", "legal_hold", "legal_hold_reason", "account_manager", "erased_at"}


class PortalClientSerializer(ClientDetailSerializer):
    """What a portal user sees of their own account: no internal notes or holds."""

    class Meta(ClientDetailSerializer.Meta):
        fields = [f for f in ClientDetailSerializer.Meta.fields if f not in PORTAL_HIDDEN]
        read_only_fields = fields


class PassengerSerializer(StrictModelSerializer):
    phone = PhoneNumberField(required=False, allow_blank=True)
    passport_number = serializers.CharField(max_length=40, required=False, allow_null=True, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = Passenger
        fields = [
            "id",
            "client",
            "first_name",
            "last_name",
            "date_of_birth",
            "nationality",
            "passport_number",
            "passport_expiry",
            "passport_country",
            "weight_kg",
            "email",
            "phone",
            "preferences",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "client", "created_at", "updated_at"]

    def to_representation(self, instance: Passenger) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["phone"] = str(instance.phone) if instance.phone else ""
        return data if self._shows_sensitive(instance) else masked(Passenger, data)

    def _shows_sensitive(self, instance: Passenger) -> bool:
        """Passports in clear per ``clients.personal``, decided once per client account."""
        request = self.context.get("request")
        if request is None:
            return False
        decisions: dict[int, bool] = self.root.__dict__.setdefault("_passport_decisions", {})
        if instance.client_id not in decisions:
            decisions[instance.client_id] = sees_sensitive(request.user, instance.client)
        return bool(decisions[instance.client_id])

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if "phone" in value:
            value["phone"] = str(value["phone"] or "")
        if value.get("passport_number") == "":
            value["passport_number"] = None
        if not isinstance(value.get("preferences", {}), dict):
            raise serializers.ValidationError({"preferences": ["An object."]})
        if self.instance is not None and not self._shows_sensitive(self.instance):
            value = without_masks_read_back(self.instance, value)
        if MASK_MARK in str(value.get("passport_number") or ""):
            raise serializers.ValidationError({"passport_number": ["Send the whole passport number."]})
        return value


class PortalUserCreateSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(max_length=256, trim_whitespace=False, write_only=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PortalUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "is_active", "last_login", "created_at"]
        read_only_fields = fields


class DataRequestSerializer(StrictModelSerializer):
    kind = serializers.ChoiceField(choices=DataRequestKind.choices)
    status = serializers.ChoiceField(choices=DataRequestStatus.choices, read_only=True)

    class Meta:
        model = DataRequest
        fields = [
            "id",
            "client",
            "kind",
            "status",
            "received_on",
            "due_on",
            "completed_at",
            "notes",
            "created_at",
        ]
        read_only_fields = ["id", "client", "status", "due_on", "completed_at", "created_at"]
        extra_kwargs = {"received_on": {"required": False}}
