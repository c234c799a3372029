"""Planning API shapes: the planner's inputs, and the stored plan as read."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fleet.api.serializers import AirportCodeField
from jetops.api.serializers import StrictModelSerializer, StrictSerializer
from planning.fpl import validate_route
from planning.models import FlightPlan


class PlanInputSerializer(StrictSerializer):
    """What ``POST /flights/{id}/plan`` takes; every field optional (the stored plan's choice,
    else the default: direct route, the aircraft's cruise level, no alternate, no extra fuel)."""

    route = serializers.CharField(max_length=400, required=False)
    cruise_level_ft = serializers.IntegerField(min_value=1000, max_value=51000, required=False)
    alternate = AirportCodeField(required=False, allow_null=True)
    second_alternate = AirportCodeField(required=False, allow_null=True)
    extra_fuel_lb = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    distance_nm = serializers.IntegerField(
        min_value=1, max_value=12000, required=False, help_text="Route distance when the route is not direct."
    )

    def validate_route(self, value: str) -> str:
        try:
            return validate_route(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("alternate", "second_alternate"):
            if name in attrs and attrs[name] is None:
                attrs.pop(name)
        return attrs


class FlightPlanSerializer(StrictModelSerializer):
    flight = serializers.CharField(source="flight.flight_number", read_only=True)
    alternate = AirportCodeField(read_only=True)
    second_alternate = AirportCodeField(read_only=True)
    filed_by = serializers.CharField(source="filed_by.username", read_only=True, default=None)

    class Meta:
        model = FlightPlan
        fields = [
            "flight",
            "status",
            "route",
            "cruise_level_ft",
            "true_airspeed_kt",
            "distance_nm",
            "ete_minutes",
            "alternate",
            "second_alternate",
            "extra_fuel_lb",
            "block_fuel_lb",
            "takeoff_weight_lb",
            "landing_weight_lb",
            "souls_on_board",
            "fuel",
            "weight_balance",
            "fpl_text",
            "computed_at",
            "filed_at",
            "filed_by",
            "filing_method",
            "filing_reference",
        ]
        read_only_fields = fields


class WeatherQuerySerializer(StrictSerializer):
    at = serializers.DateTimeField(required=False, help_text="The time asked about (default: now).")
    format = serializers.CharField(required=False)
