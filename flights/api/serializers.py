from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.permissions import VIEW_CLIENT
from fleet.api.serializers import AirportCodeField
from flights import permissions as perms
from flights.choices import ConciergeStatus, FlightStatus, ServiceKind, ServiceStatus
from flights.legs import MAX_QUOTE_LEGS, leg_problems
from flights.models import (
    ConciergeRequest,
    Feedback,
    Flight,
    Quote,
    QuoteOption,
    SpecialService,
    Trip,
    TripEvent,
)
from jetops.api.serializers import StrictSerializer
from jetops.permissions import has_global, user_can_memo
from jetops.validators import currency_validator


def money(amount: Any, currency: str) -> dict[str, str]:
    return {"amount": f"{amount:.2f}", "currency": currency}


class LegRequestSerializer(StrictSerializer):
    departure_airport = AirportCodeField()
    arrival_airport = AirportCodeField()
    departure_datetime = serializers.DateTimeField()
    passengers = serializers.IntegerField(min_value=1, max_value=100)


class QuoteRequestSerializer(StrictSerializer):
    client_id = serializers.IntegerField()
    legs = serializers.ListField(child=LegRequestSerializer(), allow_empty=False, max_length=MAX_QUOTE_LEGS)
    aircraft = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=100)
    category = serializers.ChoiceField(
        choices=["light", "midsize", "super_midsize", "heavy", "ultra_long_range"], required=False
    )
    discount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)

    def validate_legs(self, legs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each leg's problems under its index (``{"0": {field: [..]}}``): the itinerary's
        rules (``leg_problems``) before ``quote_create`` prices it."""
        _legs, problems = leg_problems(legs, now=timezone.now())
        if problems:
            raise serializers.ValidationError(problems)
        return legs


class QuoteOptionSerializer(serializers.ModelSerializer):
    aircraft = serializers.SerializerMethodField()
    legs = serializers.JSONField(source="planned_legs")
    lines = serializers.SerializerMethodField()
    subtotal = serializers.SerializerMethodField()
    taxes = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    overrides = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = QuoteOption
        fields = [
            "id",
            "rank",
            "aircraft",
            "legs",
            "lines",
            "subtotal",
            "taxes",
            "total",
            "currency",
            "method",
            "overrides",
            "warnings",
        ]

    def get_aircraft(self, option: QuoteOption) -> dict[str, Any]:
        a = option.aircraft
        return {
            "id": a.pk,
            "tail_number": a.tail_number,
            "aircraft_type": a.aircraft_type,
            "category": a.category,
            "seating_capacity": a.seating_capacity,
        }

    def get_lines(self, option: QuoteOption) -> list[dict[str, Any]]:
        return [
            {
                "kind": line.kind,
                "description": line.description,
                "amount": f"{line.amount:.2f}",
                **(
                    {
                        "computed_amount": f"{line.computed_amount:.2f}",
                        "override_reason": line.override_reason,
                    }
                    if line.override_reason
                    else {}
                ),
            }
            for line in option.lines.all()
        ]

    def get_subtotal(self, option: QuoteOption) -> dict[str, str]:
        return money(option.subtotal, option.currency)

    def get_taxes(self, option: QuoteOption) -> dict[str, str]:
        return money(option.taxes, option.currency)

    def get_total(self, option: QuoteOption) -> dict[str, str]:
        return money(option.total, option.currency)

    def get_overrides(self, option: QuoteOption) -> list[dict[str, Any]]:
        return list(option.inputs.get("overrides", []))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, option: QuoteOption) -> list[str]:
        """The pricing engine's notes (a tax amount not entered, an exemption, a leg before the
        quote time) are for staff, who fix the rates or the itinerary: those who read every
        client's quotes see them; a client (and a caller without a request) gets an empty list."""
        request = self.context.get("request")
        if request is None:
            return []
        root = self.root.__dict__
        if "_sees_quote_warnings" not in root:
            root["_sees_quote_warnings"] = has_global(request.user, perms.VIEW_QUOTE)
        return list(option.warnings) if root["_sees_quote_warnings"] else []


class QuoteSerializer(serializers.ModelSerializer):
    client_id = serializers.IntegerField(read_only=True)
    candidates = QuoteOptionSerializer(source="options", many=True, read_only=True)
    trip_id = serializers.SerializerMethodField()

    class Meta:
        model = Quote
        fields = [
            "id",
            "number",
            "client_id",
            "status",
            "legs",
            "category",
            "currency",
            "valid_until",
            "sent_at",
            "decided_at",
            "created_at",
            "candidates",
            "trip_id",
        ]
        read_only_fields = fields

    def get_trip_id(self, quote: Quote) -> int | None:
        trip = getattr(quote, "trip", None)
        return trip.pk if trip is not None else None


class QuoteAcceptSerializer(StrictSerializer):
    option = serializers.IntegerField(required=False)


class QuoteOverrideSerializer(StrictSerializer):
    option = serializers.IntegerField()
    kind = serializers.CharField(max_length=30)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reason = serializers.CharField(max_length=300)


class EndpointSerializer(StrictSerializer):
    airport = AirportCodeField()
    datetime = serializers.DateTimeField()
    fbo = serializers.CharField(max_length=120, required=False, allow_blank=True)


class ManifestEntrySerializer(StrictSerializer):
    passenger = serializers.IntegerField()
    seat = serializers.CharField(max_length=8, required=False, allow_blank=True)
    weight = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=1, max_value=400, required=False
    )
    bags = serializers.IntegerField(min_value=0, max_value=20, required=False)


class FlightWriteSerializer(StrictSerializer):
    """The seed's flight shape for create/update (staff)."""

    client_id = serializers.IntegerField(required=False)
    aircraft_id = serializers.IntegerField(required=False)
    trip_id = serializers.IntegerField(required=False)
    departure = EndpointSerializer(required=False)
    arrival = EndpointSerializer(required=False)
    passengers = ManifestEntrySerializer(many=True, required=False)
    flight_plan = serializers.DictField(required=False)
    billing_info = serializers.DictField(required=False)
    leg_type = serializers.ChoiceField(choices=["revenue", "positioning"], required=False)
    ifr = serializers.BooleanField(required=False, help_text="Flown under IFR (default true).")
    flight_attendants = serializers.IntegerField(
        min_value=0,
        max_value=9,
        required=False,
        help_text="Flight attendants planned (0: what the aircraft needs).",
    )

    def validate_departure(self, value: dict[str, Any]) -> dict[str, Any]:
        """A flight is booked (or moved) to depart from now on: what has flown is recorded by
        its status changes, not booked afterwards (the clock's skew allowed)."""
        earliest = timezone.now() - timedelta(minutes=settings.FLIGHT_CLOCK_SKEW_MINUTES)
        if value["datetime"] < earliest:
            raise serializers.ValidationError({"datetime": ["The departure is in the past."]})
        return value


class StatusChangeSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=FlightStatus.choices)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    at = serializers.DateTimeField(required=False)
    diverted_to = AirportCodeField(required=False)
    landings = serializers.IntegerField(min_value=0, max_value=20, required=False)


class SpecialServiceSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    status = serializers.ChoiceField(choices=ServiceStatus.choices, required=False)
    cost = serializers.SerializerMethodField()

    class Meta:
        model = SpecialService
        fields = ["id", "kind", "description", "vendor", "status", "cost", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_cost(self, service: SpecialService) -> dict[str, str]:
        return money(service.cost, service.currency)


class SpecialServiceWriteSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=ServiceKind.choices, required=False)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    vendor = serializers.CharField(max_length=120, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=ServiceStatus.choices, required=False)
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    currency = serializers.CharField(validators=[currency_validator], required=False)


class FlightCrewSerializer(serializers.Serializer):
    """One of a flight's ``crew_assignments``, for the schema (``POST /flights/{id}/crew``
    makes them)."""

    id = serializers.IntegerField()
    crew_member = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()


class FlightSerializer(serializers.ModelSerializer):
    """A flight in the seed's shape, with trip, leg type, times and manifest."""

    client_id = serializers.IntegerField(read_only=True)
    aircraft_id = serializers.IntegerField(read_only=True)
    trip_id = serializers.IntegerField(read_only=True)
    tail_number = serializers.CharField(source="aircraft.tail_number", read_only=True)
    departure = serializers.SerializerMethodField()
    arrival = serializers.SerializerMethodField()
    passengers = serializers.SerializerMethodField()
    special_services = SpecialServiceSerializer(many=True, read_only=True)
    crew_assignments = serializers.SerializerMethodField()
    actual = serializers.SerializerMethodField()
    diverted_to = serializers.CharField(source="diverted_to_id", read_only=True)
    flight_plan = serializers.DictField(read_only=True)
    # None for those who may not read the client account (``_shows_billing``).
    billing_info = serializers.DictField(read_only=True, allow_null=True)

    class Meta:
        model = Flight
        fields = [
            "id",
            "flight_number",
            "client_id",
            "aircraft_id",
            "tail_number",
            "trip_id",
            "sequence",
            "leg_type",
            "ifr",
            "flight_attendants",
            "departure",
            "arrival",
            "passengers",
            "passenger_count",
            "flight_plan",
            "special_services",
            "crew_assignments",
            "status",
            "cancel_reason",
            "billing_info",
            "distance_nm",
            "estimated_block_minutes",
            "actual",
            "landings",
            "diverted_to",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Flight) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self._shows_billing(instance):
            data["billing_info"] = None
        return data

    def _shows_billing(self, flight: Flight) -> bool:
        """Billing details belong to the client account: shown to those who may read the
        account (its portal users, client-facing and finance staff), never to crew."""
        request = self.context.get("request")
        if request is None:
            return False
        memo: dict[tuple[str, str, Any], bool] = self.root.__dict__.setdefault("_permission_memo", {})
        return user_can_memo(request.user, VIEW_CLIENT, flight.client, memo)

    @extend_schema_field(EndpointSerializer)
    def get_departure(self, flight: Flight) -> dict[str, Any]:
        return {
            "airport": flight.departure_airport_id,
            "datetime": flight.departure_at.isoformat(),
            "fbo": flight.departure_fbo,
        }

    @extend_schema_field(EndpointSerializer)
    def get_arrival(self, flight: Flight) -> dict[str, Any]:
        return {
            "airport": flight.arrival_airport_id,
            "datetime": flight.arrival_at.isoformat(),
            "fbo": flight.arrival_fbo,
        }

    @extend_schema_field(ManifestEntrySerializer(many=True))
    def get_passengers(self, flight: Flight) -> list[dict[str, Any]]:
        return [
            {
                "passenger": row.passenger_id,
                "seat": row.seat,
                "weight": str(row.weight_kg) if row.weight_kg else None,
                "bags": row.bags,
            }
            for row in flight.manifest.all()
        ]

    @extend_schema_field(FlightCrewSerializer(many=True))
    def get_crew_assignments(self, flight: Flight) -> list[dict[str, Any]]:
        """The flight's crew (prefetched with the crew member by ``FLIGHT_QUERYSET``)."""
        return [
            {"id": a.pk, "crew_member": a.crew_member_id, "name": a.crew_member.name, "role": a.role}
            for a in flight.crew_assignments.all()
        ]

    def get_actual(self, flight: Flight) -> dict[str, Any]:
        return {
            "off_block": flight.actual_off_block.isoformat() if flight.actual_off_block else None,
            "on_block": flight.actual_on_block.isoformat() if flight.actual_on_block else None,
            "block_minutes": flight.block_minutes_actual,
        }


class TripEventSerializer(serializers.ModelSerializer):
    flight_number = serializers.CharField(source="flight.flight_number", read_only=True, default=None)

    class Meta:
        model = TripEvent
        fields = ["id", "kind", "flight_number", "from_status", "to_status", "at", "detail"]
        read_only_fields = fields


class TripSerializer(serializers.ModelSerializer):
    client_id = serializers.IntegerField(read_only=True)
    quote_id = serializers.IntegerField(read_only=True)
    flights = FlightSerializer(many=True, read_only=True)
    total = serializers.SerializerMethodField()

    class Meta:
        model = Trip
        fields = [
            "id",
            "number",
            "client_id",
            "quote_id",
            "status",
            "total",
            "notes",
            "cancel_reason",
            "flights",
            "created_at",
        ]
        read_only_fields = fields

    def get_total(self, trip: Trip) -> dict[str, str]:
        return money(trip.total, trip.currency)


class TripDetailSerializer(TripSerializer):
    timeline = TripEventSerializer(source="events", many=True, read_only=True)

    class Meta(TripSerializer.Meta):
        fields = [*TripSerializer.Meta.fields, "timeline"]
        read_only_fields = fields


class TripCreateSerializer(StrictSerializer):
    client_id = serializers.IntegerField()
    aircraft_id = serializers.IntegerField()
    legs = serializers.ListField(child=serializers.DictField(), allow_empty=False, max_length=12)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ConciergeRequestSerializer(serializers.ModelSerializer):
    trip_id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=ConciergeStatus.choices, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ConciergeRequest
        fields = [
            "id",
            "trip_id",
            "subject",
            "detail",
            "status",
            "assignee",
            "due_at",
            "resolved_at",
            "overdue",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "trip_id",
            "status",
            "assignee",
            "due_at",
            "resolved_at",
            "overdue",
            "created_at",
        ]

    def get_overdue(self, request: ConciergeRequest) -> bool:
        from django.utils import timezone

        return request.resolved_at is None and request.due_at < timezone.now()


class ConciergeCreateSerializer(StrictSerializer):
    subject = serializers.CharField(max_length=200)
    detail = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ConciergeUpdateSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=ConciergeStatus.choices, required=False)
    assignee = serializers.IntegerField(required=False, allow_null=True)


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ["id", "flight", "rating", "comment", "requested_at", "submitted_at"]
        read_only_fields = ["id", "flight", "requested_at", "submitted_at"]


class FeedbackSubmitSerializer(StrictSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)
