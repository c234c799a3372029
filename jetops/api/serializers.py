"""Serializer base classes: unknown fields are refused (a typo must not silently do nothing),
and money is ``{"amount": "12500.00", "currency": "USD"}``."""

from __future__ import annotations

from typing import Any

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


class StrictSerializer(StrictMixin, serializers.Serializer):  # type: ignore[type-arg]
    pass


class StrictModelSerializer(StrictMixin, serializers.ModelSerializer):  # type: ignore[type-arg]
    pass
