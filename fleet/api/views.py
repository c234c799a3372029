"""Fleet API: thin views over ``fleet.services`` and ``fleet.selectors``; visibility and
permissions through ``jetops.permissions`` (via the base viewset)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response

from fleet import permissions as perms
from fleet import services
from fleet.api.serializers import (
    AircraftDocumentSerializer,
    AircraftSerializer,
    AvailabilityRequestSerializer,
    BlackoutInputSerializer,
    BlackoutResultSerializer,
    PortalAircraftSerializer,
    StatusInputSerializer,
)
from fleet.filtersets import AircraftFilterSet, AircraftOrderingFilter
from fleet.models import Aircraft, AircraftDocument
from fleet.selectors import aircraft_maintenance_overview, aircraft_schedule
from jetops.activity import acting_user
from jetops.api.viewsets import JetOpsGenericViewSet
from jetops.api.windows import schedule_window
from jetops.permissions import has_global, user_can

SCHEDULE_SCHEMA = inline_serializer(
    "AircraftSchedule",
    {
        "aircraft": serializers.IntegerField(),
        "tail_number": serializers.CharField(),
        "from": serializers.DateTimeField(),
        "to": serializers.DateTimeField(),
        "entries": inline_serializer(
            "AircraftScheduleEntry",
            {
                "kind": serializers.CharField(
                    help_text="flight, positioning (an empty leg), blackout, or status (grounded or "
                    "inactive); a flight's period runs from off-block to the end of its turnaround."
                ),
                "id": serializers.IntegerField(help_text="The flight's, blackout's or status change's id."),
                "start": serializers.DateTimeField(),
                "end": serializers.DateTimeField(allow_null=True, help_text="None: still going on."),
                "title": serializers.CharField(),
                "detail": serializers.DictField(help_text="Flight number, trip, status, airports…"),
            },
            many=True,
        ),
    },
)


@extend_schema_view(
    list=extend_schema(summary="List aircraft (portal users get the portal-safe shape)"),
    retrieve=extend_schema(summary="An aircraft"),
    create=extend_schema(summary="Add an aircraft to the fleet"),
    update=extend_schema(summary="Replace an aircraft's data (not its status)"),
    partial_update=extend_schema(summary="Change some of an aircraft's data (not its status)"),
)
class AircraftViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    JetOpsGenericViewSet,
):
    """``/aircraft``: the fleet. No DELETE: an aircraft leaving the fleet becomes inactive."""

    queryset = Aircraft.objects.all()
    serializer_class = AircraftSerializer
    filterset_class = AircraftFilterSet
    filter_backends = [DjangoFilterBackend, SearchFilter, AircraftOrderingFilter]
    search_fields = ["tail_number", "aircraft_type", "manufacturer", "model"]
    ordering_fields = [
        "tail_number",
        "aircraft_type",
        "category",
        "status",
        "year",
        "seating_capacity",
        "range_nautical_miles",
        "cruise_speed",
        "hourly_rate",
        "created_at",
    ]
    ordering = ["tail_number"]
    action_perms = {
        "schedule": perms.VIEW_AIRCRAFT_OPERATIONS,
        "maintenance": perms.VIEW_AIRCRAFT_OPERATIONS,
        "availability": perms.CHANGE_AIRCRAFT,
        "documents": perms.VIEW_AIRCRAFTDOCUMENT,
        "documents_create": perms.ADD_AIRCRAFTDOCUMENT,
    }

    def is_staff_view(self) -> bool:
        if getattr(self, "swagger_fake_view", False):
            return True
        return has_global(self.request.user, perms.VIEW_AIRCRAFT)

    def get_queryset(self) -> QuerySet[Any]:
        if self.is_staff_view():
            return super().get_queryset()
        if user_can(self.request.user, perms.VIEW_AIRCRAFT):
            # Scoped roles (Client, Crew) read the fleet as reference data (``scoped_sees_all``):
            # every aircraft still in the fleet, through the portal serializer.
            return Aircraft.objects.filter(is_active=True)
        # Anyone else: only aircraft granted to them directly (guardian), still in the fleet.
        return super().get_queryset().filter(is_active=True)

    def get_serializer_class(self) -> Any:
        if self.action in ("list", "retrieve") and not self.is_staff_view():
            return PortalAircraftSerializer
        return AircraftSerializer

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.aircraft_create(
            actor=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.aircraft_update(
            aircraft=serializer.instance, actor=acting_user(self.request), **serializer.validated_data
        )

    @extend_schema(
        summary="Block the aircraft for a period, or change its status",
        request=AvailabilityRequestSerializer,
        responses={
            200: OpenApiTypes.OBJECT,
            201: BlackoutResultSerializer,
            409: OpenApiTypes.OBJECT,
        },
        description=(
            "A body with `start`, `end`, `kind` (and `reason`) adds a blackout: 201 with it, or "
            "200 with the existing blackout of the same kind it was merged into (`merged`: true); "
            "409 `blackout_overlap` listing the overlapping blackouts of another kind. A body with "
            "`status` (and `reason`, required when grounding) changes the status: 200 with the aircraft."
        ),
    )
    @action(detail=True, methods=["post"])
    def availability(self, request: Request, pk: str) -> Response:
        aircraft = self.get_object()
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": ["A JSON object."]})
        actor = acting_user(request)
        if "status" in data:
            status_input = StatusInputSerializer(data=data)
            status_input.is_valid(raise_exception=True)
            changed = services.aircraft_status_change(
                aircraft=aircraft,
                status=status_input.validated_data["status"],
                reason=status_input.validated_data["reason"],
                actor=actor,
            )
            return Response(AircraftSerializer(changed, context=self.get_serializer_context()).data)
        if not user_can(request.user, perms.ADD_BLACKOUT, aircraft):
            raise PermissionDenied("You may not add blackouts.")
        period = BlackoutInputSerializer(data=data)
        period.is_valid(raise_exception=True)
        result = services.blackout_add(aircraft=aircraft, actor=actor, **period.validated_data)
        body = BlackoutResultSerializer(result.blackout).data
        body["merged"] = result.merged
        return Response(body, status=status.HTTP_200_OK if result.merged else status.HTTP_201_CREATED)

    @extend_schema(
        summary="What occupies the aircraft in a window",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATETIME, description="Default: now."),
            OpenApiParameter(
                "to", OpenApiTypes.DATETIME, description="Default: from + 30 days; at most 366 days."
            ),
        ],
        responses={200: SCHEDULE_SCHEMA},
    )
    @action(detail=True, methods=["get"])
    def schedule(self, request: Request, pk: str) -> Response:
        aircraft = self.get_object()
        start, end = schedule_window(request.query_params)
        return Response(
            {
                "aircraft": aircraft.pk,
                "tail_number": aircraft.tail_number,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "entries": aircraft_schedule(aircraft, start, end),
            }
        )

    @extend_schema(
        summary="Maintenance view: grounding periods, status timeline, documents",
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"])
    def maintenance(self, request: Request, pk: str) -> Response:
        return Response(aircraft_maintenance_overview(self.get_object()))

    @extend_schema(summary="The aircraft's documents", responses={200: AircraftDocumentSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def documents(self, request: Request, pk: str) -> Response:
        aircraft = self.get_object()
        documents = AircraftDocument.objects.filter(aircraft=aircraft).order_by("kind", "-expires_on", "-id")
        page = self.paginate_queryset(documents)
        if page is None:
            return Response(AircraftDocumentSerializer(documents, many=True).data)
        return self.get_paginated_response(AircraftDocumentSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a document of the aircraft",
        request=AircraftDocumentSerializer,
        responses={201: AircraftDocumentSerializer},
    )
    @documents.mapping.post
    def documents_create(self, request: Request, pk: str) -> Response:
        aircraft = self.get_object()
        serializer = AircraftDocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_add(
            aircraft=aircraft, actor=acting_user(request), **serializer.validated_data
        )
        return Response(AircraftDocumentSerializer(document).data, status=status.HTTP_201_CREATED)
