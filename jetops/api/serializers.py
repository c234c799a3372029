"""Serializer base classes: unknown fields are refused (a typo must not silently do nothing),
and money is ``{"amount": "12500.00", "currency": "USD"}``; shapes several apps share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_array_type
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers


class StrictMixin:
    """Refuse keys the serializer does not declare (read-only ones included)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            writable = {
                name
                for name, field in self.fields.items()  # type: ignore[attr-defined]
                if not field.read_only
            }
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown or read-only field."] for name in unknown})
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(StrictMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictMixin, serializers.ModelSerializer):
    pass


class EmergencyContactSerializer(StrictSerializer):
    """Who to call in an emergency (a client's ``emergency_contacts``, a crew member's
    ``emergency_contact``): the phone is stored in E.164."""

    name = serializers.CharField(max_length=200)
    relationship = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = PhoneNumberField()
    email = serializers.EmailField(required=False, allow_blank=True)

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        value["phone"] = str(value["phone"])
        return value


class ShapedJSONField(serializers.JSONField):
    """A JSON column with a shape: checked by the serializer ``shape`` (``many``: a list of
    them) on write, shown as stored on read, so a row written before the shape was enforced
    still reads. The schema shows the shape."""

    def __init__(self, shape: type[serializers.Serializer], *, many: bool = False, **kwargs: Any) -> None:
        self.shape, self.many = shape, many
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        serializer = self.shape(data=data, many=self.many)
        serializer.is_valid(raise_exception=True)
        if self.many:
            return [dict(item) for item in serializer.validated_data]
        return dict(serializer.validated_data)


class ShapedJSONFieldSchema(OpenApiSerializerFieldExtension):
    target_class = ShapedJSONField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        ref = auto_schema.resolve_serializer(self.target.shape, direction).ref
        return build_array_type(ref) if self.target.many else ref


class MoneyField(serializers.Field):
    """``{"amount": "12500.00", "currency": "USD"}`` over a Decimal attribute and a currency
    attribute of the same object (``currency_source``). On write, the amount is returned as a
    Decimal and the currency must match the object's (or be omitted)."""

    def __init__(self, *, currency_source: str = "currency", decimal_places: int = 2, **kwargs: Any) -> None:
        self.currency_source = currency_source
        self.decimal_places = decimal_places
        kwargs.setdefault("source", None)
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        return instance

    def to_representation(self, instance: Any) -> dict[str, str]:
        amount = getattr(instance, self.source_attrs[0] if self.source_attrs else str(self.field_name))
        quantum = Decimal(1).scaleb(-self.decimal_places)
        return {
            "amount": str(Decimal(amount).quantize(quantum)),
            "currency": getattr(instance, self.currency_source),
        }

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, dict):
            unknown = set(data) - {"amount", "currency"}
            if unknown:
                raise serializers.ValidationError(f"Unknown keys: {', '.join(sorted(unknown))}.")
            currency = data.get("currency")
            if currency is not None and currency != self._expected_currency():
                raise serializers.ValidationError(
                    f"The amount must be in {self._expected_currency()} (the record's currency)."
                )
            data = data.get("amount")
        field = serializers.DecimalField(
            max_digits=16, decimal_places=self.decimal_places, min_value=Decimal(0)
        )
        return field.run_validation(data)

    def _expected_currency(self) -> str | None:
        parent = self.parent
        initial = getattr(parent, "initial_data", None)
        if isinstance(initial, dict) and isinstance(initial.get(self.currency_source), str):
            return str(initial[self.currency_source])
        instance = getattr(parent, "instance", None)
        if instance is not None:
            return str(getattr(instance, self.currency_source))
        fields = getattr(parent, "fields", {})
        field = fields.get(self.currency_source)
        default = getattr(field, "default", None)
        return default if isinstance(default, str) else "USD"


class MoneyFieldSchema(OpenApiSerializerFieldExtension):
    """OpenAPI: a money value is an object, not a string."""

    target_class = MoneyField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "amount": {"type": "string", "format": "decimal", "example": "12500.00"},
                "currency": {"type": "string", "example": "USD"},
            },
            "required": ["amount"] if direction == "request" else ["amount", "currency"],
        }
