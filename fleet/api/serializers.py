"""Fleet API shapes. Staff read and write everything through ``AircraftSerializer``; portal
users (Client, Crew) read ``PortalAircraftSerializer`` — no rates, weights, insurance,
documents or times. Writes are validated here and performed by ``fleet.services``."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from fleet.choices import AircraftStatus, BlackoutKind
from fleet.models import (
    Aircraft,
    AircraftDocument,
    Airport,
    AirportQuerySet,
    Blackout,
    normalize_tail_number,
    type_designator_validator,
    unknown_airport_message,
    validate_tail_number,
)
from fleet.selectors import document_expiry_state
from jetops.api.serializers import MoneyField, StrictModelSerializer, StrictSerializer
from jetops.validators import country_validator, currency_validator


class AirportCodeField(serializers.PrimaryKeyRelatedField):
    """An airport as its canonical ICAO code. On write it takes any code a person means
    (``AirportQuerySet.resolve``: ICAO or IATA, any case, K + IATA, a former ICAO code); an
    unknown one is a 400 on the field. Reads need no join: the foreign key holds the code."""

    default_error_messages = {
        "required": "This field is required.",
        "incorrect_type": "An airport code (ICAO or IATA), not {data_type}.",
    }

    def __init__(self, **kwargs: Any) -> None:
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Airport.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Airport:
        if not isinstance(data, str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        airport = cast("AirportQuerySet", self.get_queryset()).resolve(data)
        if airport is None:
            raise serializers.ValidationError(unknown_airport_message(data), code="does_not_exist")
        return airport


class LabelListField(serializers.ListField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(max_length=60), **kwargs)


class AircraftSerializer(StrictModelSerializer):
    """The staff shape of an aircraft (seed field names). ``status`` is set on creation only:
    later changes go through ``POST /aircraft/{id}/availability`` (they are on the timeline).
    Certificate expiry dates and the insurance policy follow the aircraft's documents."""

    tail_number = serializers.CharField(max_length=10)
    aircraft_type = serializers.CharField(
        max_length=4, help_text=Aircraft._meta.get_field("aircraft_type").help_text
    )
    currency = serializers.CharField(max_length=3, required=False, help_text="ISO 4217 code (default USD).")
    registration_country = serializers.CharField(max_length=2, required=False, help_text="ISO 3166 alpha-2.")
    current_location = AirportCodeField()
    home_base = AirportCodeField(required=False)
    hourly_rate = MoneyField(currency_source="currency")
    positioning_rate = MoneyField(currency_source="currency", required=False)
    status = serializers.ChoiceField(choices=AircraftStatus.choices, required=False)
    amenities = LabelListField(required=False)
    photos = serializers.ListField(child=serializers.URLField(max_length=500), required=False)
    interior_config = serializers.DictField(required=False)
    maintenance_schedule = serializers.DictField(required=False)
    insurance_info = serializers.DictField(required=False)
    distance_nm = serializers.SerializerMethodField()

    class Meta:
        model = Aircraft
        fields = [
            "id",
            "tail_number",
            "aircraft_type",
            "manufacturer",
            "model",
            "year",
            "category",
            "seating_capacity",
            "range_nautical_miles",
            "cruise_speed",
            "current_location",
            "home_base",
            "currency",
            "hourly_rate",
            "positioning_rate",
            "daily_minimum_hours",
            "status",
            "is_active",
            "amenities",
            "interior_config",
            "maintenance_schedule",
            "insurance_info",
            "photos",
            "taxi_minutes",
            "routing_factor",
            "wind_allowance_knots",
            "fuel_burn_per_hour",
            "mtow",
            "mlw",
            "mzfw",
            "basic_empty_weight",
            "basic_empty_arm",
            "registration_country",
            "registration_expires_on",
            "insurance_policy",
            "insurance_expires_on",
            "airworthiness_expires_on",
            "total_hours",
            "total_cycles",
            "min_crew",
            "distance_nm",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "is_active",
            "registration_expires_on",
            "insurance_policy",
            "insurance_expires_on",
            "airworthiness_expires_on",
            "created_at",
            "updated_at",
        ]

    def get_distance_nm(self, aircraft: Aircraft) -> float | None:
        """Great-circle distance from the ``near`` airport (only with ``?near=``)."""
        return getattr(aircraft, "distance_nm", None)

    def validate_tail_number(self, value: str) -> str:
        normalized = normalize_tail_number(value)
        try:
            validate_tail_number(normalized)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        taken = Aircraft.objects.filter(tail_number=normalized)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(f"An aircraft with tail number {normalized} already exists.")
        return normalized

    def validate_aircraft_type(self, value: str) -> str:
        return _checked(value, type_designator_validator)

    def validate_currency(self, value: str) -> str:
        return _checked(value, currency_validator)

    def validate_registration_country(self, value: str) -> str:
        return _checked(value, country_validator)

    def validate_status(self, value: str) -> str:
        if self.instance is not None:
            raise serializers.ValidationError(
                "Change the status through POST /aircraft/{id}/availability (it is recorded on the timeline)."
            )
        return value


def _checked(value: str, validator: Any) -> str:
    """Upper-cased, then checked by the model's validator (a 400 on the field if wrong)."""
    value = value.strip().upper()
    try:
        validator(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc
    return value


PORTAL_FIELDS = [
    "id",
    "tail_number",
    "aircraft_type",
    "manufacturer",
    "model",
    "year",
    "category",
    "seating_capacity",
    "range_nautical_miles",
    "cruise_speed",
    "amenities",
    "interior_config",
    "photos",
    "status",
    "distance_nm",
]


class PortalAircraftSerializer(serializers.ModelSerializer):
    """What clients and crew see of an aircraft: what it is and how it is fitted out.
    Never rates, weights, insurance, documents, hours or location."""

    distance_nm = serializers.SerializerMethodField()

    class Meta:
        model = Aircraft
        fields = PORTAL_FIELDS
        read_only_fields = PORTAL_FIELDS

    def get_distance_nm(self, aircraft: Aircraft) -> float | None:
        return getattr(aircraft, "distance_nm", None)


class BlackoutSerializer(serializers.ModelSerializer):
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Blackout
        fields = [
            "id",
            "aircraft",
            "start",
            "end",
            "kind",
            "reason",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class BlackoutInputSerializer(StrictSerializer):
    """``POST /aircraft/{id}/availability`` with a period: block the aircraft."""

    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=BlackoutKind.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["The end must be after the start."]})
        return attrs


class StatusInputSerializer(StrictSerializer):
    """``POST /aircraft/{id}/availability`` with a status: change the aircraft's status."""

    status = serializers.ChoiceField(choices=AircraftStatus.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AvailabilityRequestSerializer(StrictSerializer):
    """Documentation shape of the availability body: either a period (start, end, kind,
    reason) or a status change (status, reason)."""

    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField(required=False)
    kind = serializers.ChoiceField(choices=BlackoutKind.choices, required=False)
    status = serializers.ChoiceField(choices=AircraftStatus.choices, required=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class BlackoutResultSerializer(BlackoutSerializer):
    merged = serializers.BooleanField(read_only=True)

    class Meta(BlackoutSerializer.Meta):
        fields = [*BlackoutSerializer.Meta.fields, "merged"]
        read_only_fields = fields


class AircraftDocumentSerializer(StrictModelSerializer):
    """A certificate or policy. Files are uploaded in the admin (the API is JSON only)."""

    days_to_expiry = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = AircraftDocument
        fields = [
            "id",
            "aircraft",
            "kind",
            "number",
            "issued_on",
            "expires_on",
            "file",
            "notes",
            "days_to_expiry",
            "state",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "aircraft", "file", "created_at", "updated_at"]

    def get_days_to_expiry(self, document: AircraftDocument) -> int | None:
        return document.days_to_expiry()

    def get_state(self, document: AircraftDocument) -> str:
        return document_expiry_state(document.expires_on)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        issued, expires = attrs.get("issued_on"), attrs.get("expires_on")
        if issued and expires and expires <= issued:
            raise serializers.ValidationError({"expires_on": ["A document expires after it was issued."]})
        return attrs
