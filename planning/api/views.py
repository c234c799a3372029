"""Planning endpoints on a flight: ``/flights/{id}/weight-balance``, ``/flights/{id}/plan``
(read, recompute), ``/flights/{id}/plan/file``, ``/flights/{id}/briefing`` (JSON or PDF). The
flight must be visible to the user (crew: their own flights; otherwise 404), then the planning
permission decides (403). And ``/airports/{code}/weather``: METAR, TAF, category, NOTAMs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from fleet.models import Airport, unknown_airport_message
from flights.models import Flight
from jetops.activity import acting_user
from jetops.api.renderers import FormatNegotiation, PDFRenderer
from jetops.api.viewsets import JetOpsGenericViewSet
from planning import permissions as perms
from planning import services
from planning.api.serializers import FlightPlanSerializer, PlanInputSerializer, WeatherQuerySerializer
from planning.briefing import briefing_pdf, flight_briefing
from planning.models import FlightPlan
from planning.selectors import PlanInputs, airport_weather, compute


class FlightPlanningViewSet(JetOpsGenericViewSet):
    """Detail routes only, beside the flights API's own ``/flights/{id}`` routes."""

    queryset = Flight.objects.select_related("aircraft", "departure_airport", "arrival_airport")
    serializer_class = FlightPlanSerializer
    action_perms = {
        "weight_balance": perms.VIEW_WEIGHT_BALANCE,
        "plan": perms.VIEW_FLIGHTPLAN,
        "file": perms.FILE_FLIGHTPLAN,
        "briefing": perms.VIEW_BRIEFING,
    }

    def get_permissions(self) -> Any:
        if self.action == "plan" and self.request.method == "POST":
            self.action_perms = {**self.action_perms, "plan": perms.CHANGE_FLIGHTPLAN}
        return super().get_permissions()

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], url_path="weight-balance")
    def weight_balance(self, request: Request, pk: str) -> Response:
        """The loading as it stands now (manifest, crew, the stored plan's fuel choices) and
        every check: ``ok`` false names each limit broken. A read: nothing is refused here."""
        flight = self.get_object()
        computation = compute(flight, stored=FlightPlan.objects.filter(flight=flight).first())
        return Response(
            {
                "flight": flight.flight_number,
                "aircraft": flight.aircraft.tail_number,
                "limits": {
                    "mtow_lb": flight.aircraft.mtow,
                    "mlw_lb": flight.aircraft.mlw,
                    "mzfw_lb": flight.aircraft.mzfw,
                },
                "fuel": computation.fuel_dict(),
                **computation.weight_balance_dict(),
            }
        )

    @extend_schema(request=PlanInputSerializer, responses={200: FlightPlanSerializer})
    @action(detail=True, methods=["get", "post"])
    def plan(self, request: Request, pk: str) -> Response:
        """GET: the stored plan (404 if none yet). POST: recompute and store it; a plan that
        breaks a limit is a 409 naming the limits (``violations``) and stores nothing."""
        flight = self.get_object()
        if request.method == "GET":
            plan = FlightPlan.objects.filter(flight=flight).select_related("filed_by", "flight").first()
            if plan is None:
                raise NotFound("This flight has no plan yet.")
            return Response(FlightPlanSerializer(plan).data)
        serializer = PlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.flight_plan_compute(
            flight=flight, actor=acting_user(request), inputs=PlanInputs(**serializer.validated_data)
        )
        return Response(FlightPlanSerializer(plan).data)

    @extend_schema(request=None, responses={200: FlightPlanSerializer})
    @action(detail=True, methods=["post"], url_path="plan/file")
    def file(self, request: Request, pk: str) -> Response:
        """File the stored plan through the configured filer (default: recorded as filed by hand)."""
        plan = services.flight_plan_file(flight=self.get_object(), actor=acting_user(request))
        return Response(FlightPlanSerializer(plan).data)

    @extend_schema(
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        }
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, PDFRenderer],
        content_negotiation_class=FormatNegotiation,
    )
    def briefing(self, request: Request, pk: str) -> Response:
        """The crew briefing (``?format=pdf`` for the document)."""
        flight = self.get_object()
        data = flight_briefing(flight)
        if request.accepted_renderer.format == "pdf":
            return Response(
                briefing_pdf(data),
                headers={
                    "Content-Disposition": f'attachment; filename="{flight.flight_number}-briefing.pdf"'
                },
            )
        return Response(data)


class AirportWeatherViewSet(JetOpsGenericViewSet):
    """``/airports/{code}/weather[?at=ISO time]``: any code a person means (ICAO, IATA…).
    Airports are reference data: whoever may read weather may ask about any airport."""

    queryset = Airport.objects.all()
    lookup_value_regex = r"[A-Za-z0-9]{3,4}"
    action_perms = {"weather": perms.VIEW_WEATHER}

    def get_queryset(self) -> QuerySet[Airport]:
        # Not restricted per user: airports carry no tenant or crew scope (reference data).
        return Airport.objects.all()

    @extend_schema(parameters=[WeatherQuerySerializer], responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def weather(self, request: Request, pk: str) -> Response:
        airport = Airport.objects.resolve(pk)
        if airport is None:
            raise NotFound(unknown_airport_message(pk))
        query = WeatherQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(airport_weather(airport, query.validated_data.get("at") or timezone.now()))
