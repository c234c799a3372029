"""Flights API: quotes, trips, flights with status, manifest, services, concierge, feedback."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NoReturn

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from clients.models import Client
from clients.permissions import VIEW_CLIENT, VIEW_PASSPORT
from crew.models import CrewAssignment
from fleet.models import Aircraft
from flights import permissions as perms
from flights import selectors
from flights.api.serializers import (
    ConciergeCreateSerializer,
    ConciergeRequestSerializer,
    ConciergeUpdateSerializer,
    FeedbackSerializer,
    FeedbackSubmitSerializer,
    FlightSerializer,
    FlightWriteSerializer,
    ManifestEntrySerializer,
    QuoteAcceptSerializer,
    QuoteOverrideSerializer,
    QuoteRequestSerializer,
    QuoteSerializer,
    SpecialServiceSerializer,
    SpecialServiceWriteSerializer,
    StatusChangeSerializer,
    TripCreateSerializer,
    TripDetailSerializer,
    TripSerializer,
)
from flights.conflicts import LegPlan
from flights.filtersets import ConciergeFilterSet, FlightFilterSet, QuoteFilterSet, TripFilterSet
from flights.manifest import manifest_csv, manifest_pdf, manifest_rows
from flights.models import ConciergeRequest, Flight, FlightPassenger, Quote, QuoteOption, SpecialService, Trip
from flights.services.booking import flight_create, flight_update, trip_book
from flights.services.extras import (
    concierge_request_create,
    concierge_request_update,
    feedback_submit,
    special_service_save,
)
from flights.services.manifest import manifest_set
from flights.services.quotes import quote_accept, quote_create, quote_decline, quote_override_line, quote_send
from flights.services.status import flight_status_change
from jetops.activity import acting_user
from jetops.api.filters import ID_PATTERN
from jetops.api.pagination import EstimatedCountPagination
from jetops.api.renderers import CSVRenderer, FormatNegotiation, PDFRenderer
from jetops.api.throttling import QuoteThrottle, UserThrottle
from jetops.api.viewsets import JetOpsGenericViewSet
from jetops.models import User
from jetops.permissions import restrict, user_can


def visible(model: Any, user: Any, pk: Any, *, field: str = "pk", code: str = "") -> Any:
    """The object ``pk`` of ``model`` if ``user`` may see it; a 400 naming ``field`` otherwise
    (a reference in a body to something invisible is as unknown as a missing one)."""
    try:
        return restrict(model.objects.all(), user, "view").get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise ValidationError({field: [f"Unknown {model._meta.verbose_name}."]}) from exc


# The client's and crew member's encrypted columns are never shown on a flight: not read, so
# not decrypted per row.
FLIGHT_QUERYSET = (
    Flight.objects.select_related("aircraft", "client")
    .defer("client__emergency_contacts", "client__special_instructions")
    .prefetch_related(
        Prefetch("manifest", queryset=FlightPassenger.objects.order_by("id")),
        "special_services",
        Prefetch(
            "crew_assignments",
            queryset=CrewAssignment.objects.select_related("crew_member")
            .only("id", "flight_id", "role", "crew_member_id", "crew_member__name")
            .order_by("role", "id"),
        ),
    )
)


class QuoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, JetOpsGenericViewSet):
    """``/quotes``: stored quotes with their candidates; send, accept, decline, override."""

    queryset = Quote.objects.select_related("trip").prefetch_related(
        Prefetch("options", queryset=QuoteOption.objects.select_related("aircraft").prefetch_related("lines"))
    )
    serializer_class = QuoteSerializer
    filterset_class = QuoteFilterSet
    search_fields = ["number", "client__company_name", "client__contact_person"]
    ordering_fields = ["created_at", "valid_until", "number"]
    ordering = ["-created_at"]
    action_perms = {
        "send": perms.SEND_QUOTE,
        "accept": perms.ACCEPT_QUOTE,
        "decline": perms.ACCEPT_QUOTE,
        "override": perms.OVERRIDE_QUOTE,
        "conversion": perms.VIEW_QUOTE,
    }
    step_up_actions = ("override",)
    # Conversion covers every client's quotes: staff only (a portal user has its own quotes).
    fleet_wide_actions = ("conversion",)
    portal_fields = {"accept": ("option",)}

    @extend_schema(request=None, responses={200: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str) -> Response:
        quote = quote_send(quote=self.get_object(), actor=acting_user(request))
        return Response(self.get_serializer(self.get_queryset().get(pk=quote.pk)).data)

    @extend_schema(request=QuoteAcceptSerializer, responses={201: TripDetailSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        serializer = QuoteAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        trip = quote_accept(
            quote=self.get_object(),
            actor=acting_user(request),
            option_id=serializer.validated_data.get("option"),
        )
        return Response(
            TripDetailSerializer(trip, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={200: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        quote = quote_decline(quote=self.get_object(), actor=acting_user(request))
        return Response(self.get_serializer(self.get_queryset().get(pk=quote.pk)).data)

    @extend_schema(request=QuoteOverrideSerializer, responses={200: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def override(self, request: Request, pk: str) -> Response:
        quote = self.get_object()
        serializer = QuoteOverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        option = quote.options.filter(pk=data["option"]).first()
        if option is None:
            raise ValidationError({"option": ["Not an option of this quote."]})
        quote_override_line(
            option=option,
            kind=data["kind"],
            amount=data["amount"],
            reason=data["reason"],
            actor=acting_user(request),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=quote.pk)).data)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["get"])
    def conversion(self, request: Request) -> Response:
        return Response(selectors.quote_conversion_report())


class TripViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, JetOpsGenericViewSet):
    """``/trips``: multi-leg bookings with their flights and timeline; concierge requests."""

    queryset = Trip.objects.prefetch_related(
        Prefetch("flights", queryset=FLIGHT_QUERYSET.order_by("sequence")), "events__flight"
    )
    filterset_class = TripFilterSet
    search_fields = ["number", "client__company_name", "client__contact_person", "flights__flight_number"]
    ordering_fields = ["created_at", "number"]
    ordering = ["-created_at"]
    action_perms = {
        "concierge": perms.VIEW_CONCIERGEREQUEST,
        ("concierge", "POST"): perms.ADD_CONCIERGEREQUEST,
        "create": perms.ADD_TRIP,
    }
    portal_fields = {"concierge": ("subject", "detail")}

    def get_serializer_class(self) -> Any:
        return TripDetailSerializer if self.action == "retrieve" else TripSerializer

    @extend_schema(request=TripCreateSerializer, responses={201: TripDetailSerializer})
    def create(self, request: Request) -> Response:
        serializer = TripCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        client = visible(Client, request.user, data["client_id"], field="client_id")
        aircraft = visible(Aircraft, request.user, data["aircraft_id"], field="aircraft_id")
        plans = []
        for index, raw in enumerate(data["legs"]):
            leg = FlightWriteSerializer(data=raw)
            if not leg.is_valid():
                raise ValidationError({"legs": {str(index): leg.errors}})
            plans.append(_plan(leg.validated_data, aircraft, index))
        trip = trip_book(
            client=client,
            aircraft=aircraft,
            legs=plans,
            actor=acting_user(request),
            notes=data.get("notes", ""),
        )
        return Response(
            TripDetailSerializer(
                self.get_queryset().get(pk=trip.pk), context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ConciergeCreateSerializer, responses={200: ConciergeRequestSerializer(many=True)})
    @action(detail=True, methods=["get", "post"])
    def concierge(self, request: Request, pk: str) -> Response:
        trip = self.get_object()
        if request.method == "GET":
            rows = restrict(trip.concierge_requests.all(), request.user, "view")
            return Response(ConciergeRequestSerializer(rows, many=True).data)
        serializer = ConciergeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = concierge_request_create(
            trip=trip,
            subject=serializer.validated_data["subject"],
            detail=serializer.validated_data.get("detail", ""),
            actor=acting_user(request),
        )
        return Response(ConciergeRequestSerializer(created).data, status=status.HTTP_201_CREATED)


def _plan(data: dict[str, Any], aircraft: Aircraft, index: int) -> LegPlan:
    departure, arrival = data.get("departure"), data.get("arrival")
    if not departure or not arrival:
        raise ValidationError({"legs": {str(index): {"departure": ["departure and arrival are required."]}}})
    return LegPlan(
        departure_airport=departure["airport"],
        arrival_airport=arrival["airport"],
        departure_at=departure["datetime"],
        arrival_at=arrival["datetime"],
        leg_type=data.get("leg_type", "revenue"),
        passengers=len(data.get("passengers", [])),
        departure_fbo=departure.get("fbo", ""),
        arrival_fbo=arrival.get("fbo", ""),
    )


@extend_schema_view(
    partial_update=extend_schema(request=FlightWriteSerializer, responses={200: FlightSerializer})
)
class FlightViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    JetOpsGenericViewSet,
):
    """``/flights``: legs in the seed's shape; quote, status, manifest, services, feedback."""

    queryset = FLIGHT_QUERYSET
    serializer_class = FlightSerializer
    filterset_class = FlightFilterSet
    pagination_class = EstimatedCountPagination
    search_fields = [
        "flight_number",
        "aircraft__tail_number",
        "client__company_name",
        "client__contact_person",
    ]
    ordering_fields = ["departure_at", "flight_number", "status"]
    ordering = ["departure_at", "id"]
    action_perms = {
        "quote": perms.ADD_QUOTE,
        "status_change": perms.CHANGE_FLIGHT_STATUS,
        "manifest": perms.VIEW_MANIFEST,
        "services": perms.VIEW_SPECIALSERVICE,
        "service_detail": perms.CHANGE_SPECIALSERVICE,
        "feedback": perms.VIEW_FEEDBACK,
        "feedback_report": perms.VIEW_FEEDBACK,
        # Writes inside an action need their own permission instead of the action's read one.
        ("manifest", "PUT"): perms.CHANGE_FLIGHTPASSENGER,
        ("services", "POST"): perms.ADD_SPECIALSERVICE,
        ("feedback", "POST"): perms.CHANGE_FEEDBACK,
    }
    # Ratings of every client's flights: staff only (a portal user reads its own feedback).
    fleet_wide_actions = ("feedback_report",)
    # A client asks for a quote (prices and discounts are staff's), lists who flies, rates it.
    portal_fields = {
        "quote": (
            "client_id",
            "legs.departure_airport",
            "legs.arrival_airport",
            "legs.departure_datetime",
            "legs.passengers",
            "aircraft",
            "category",
        ),
        "manifest": ("passenger", "seat", "weight", "bags"),
        "feedback": ("rating", "comment"),
    }

    @extend_schema(request=FlightWriteSerializer, responses={201: FlightSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = FlightWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        missing = [name for name in ("client_id", "aircraft_id", "departure", "arrival") if name not in data]
        if missing:
            raise ValidationError({name: ["This field is required."] for name in missing})
        client = visible(Client, request.user, data["client_id"], field="client_id")
        aircraft = visible(Aircraft, request.user, data["aircraft_id"], field="aircraft_id")
        trip = visible(Trip, request.user, data["trip_id"], field="trip_id") if "trip_id" in data else None
        flight = flight_create(
            client=client,
            aircraft=aircraft,
            trip=trip,
            departure_airport=data["departure"]["airport"],
            arrival_airport=data["arrival"]["airport"],
            departure_at=data["departure"]["datetime"],
            arrival_at=data["arrival"].get("datetime"),
            departure_fbo=data["departure"].get("fbo", ""),
            arrival_fbo=data["arrival"].get("fbo", ""),
            leg_type=data.get("leg_type", "revenue"),
            ifr=data.get("ifr", True),
            flight_attendants=data.get("flight_attendants", 0),
            flight_plan=data.get("flight_plan"),
            billing_info=data.get("billing_info"),
            passengers=[dict(p) for p in data.get("passengers", [])],
            actor=acting_user(request),
        )
        return Response(
            FlightSerializer(
                self.get_queryset().get(pk=flight.pk), context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=FlightWriteSerializer, responses={200: FlightSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        flight = self.get_object()
        serializer = FlightWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        for fixed in ("client_id", "trip_id"):
            if fixed in data and data[fixed] != getattr(flight, fixed):
                raise ValidationError({fixed: ["A flight cannot move to another client or trip."]})
        changes: dict[str, Any] = {}
        if "aircraft_id" in data:
            changes["aircraft"] = visible(Aircraft, request.user, data["aircraft_id"], field="aircraft_id")
        for end in ("departure", "arrival"):
            if end in data:
                changes[f"{end}_airport"] = data[end]["airport"]
                changes[f"{end}_at"] = data[end]["datetime"]
                if "fbo" in data[end]:
                    changes[f"{end}_fbo"] = data[end]["fbo"]
        for name in ("flight_plan", "billing_info", "ifr", "flight_attendants"):
            if name in data:
                changes[name] = data[name]
        actor = acting_user(request)
        if changes:
            flight_update(flight=flight, actor=actor, **changes)
        if "passengers" in data:
            manifest_set(flight=flight, entries=[dict(p) for p in data["passengers"]], actor=actor)
        return Response(
            FlightSerializer(
                self.get_queryset().get(pk=flight.pk), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=QuoteRequestSerializer, responses={201: QuoteSerializer})
    @action(detail=False, methods=["post"], throttle_classes=[UserThrottle, QuoteThrottle])
    def quote(self, request: Request) -> Response:
        serializer = QuoteRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        client = visible(Client, request.user, data["client_id"], field="client_id")
        quote, left_out = quote_create(
            client=client,
            legs=[dict(leg) for leg in data["legs"]],
            aircraft_ids=data.get("aircraft"),
            category=data.get("category"),
            quote_discount=data.get("discount") or Decimal("0"),
            actor=acting_user(request),
        )
        body = QuoteSerializer(
            QuoteViewSet.queryset.get(pk=quote.pk), context=self.get_serializer_context()
        ).data
        return Response({**body, "unavailable": left_out}, status=status.HTTP_201_CREATED)

    @extend_schema(request=StatusChangeSerializer, responses={200: FlightSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def status_change(self, request: Request, pk: str) -> Response:
        flight = self.get_object()
        serializer = StatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        flight_status_change(
            flight=flight,
            status=data["status"],
            reason=data.get("reason", ""),
            at=data.get("at"),
            diverted_to=data.get("diverted_to"),
            landings=data.get("landings"),
            actor=acting_user(request),
        )
        return Response(
            FlightSerializer(
                self.get_queryset().get(pk=flight.pk), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(
        request=ManifestEntrySerializer(many=True),
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
    )
    @action(
        detail=True,
        methods=["get", "put"],
        url_path="manifest",
        renderer_classes=[JSONRenderer, CSVRenderer, PDFRenderer],
        content_negotiation_class=FormatNegotiation,
    )
    def manifest(self, request: Request, pk: str) -> Any:
        flight = self.get_object()
        if request.method == "PUT":
            entries = ManifestEntrySerializer(data=request.data, many=True)
            entries.is_valid(raise_exception=True)
            warnings = manifest_set(
                flight=flight, entries=[dict(e) for e in entries.validated_data], actor=acting_user(request)
            )
            flight = self.get_queryset().get(pk=flight.pk)
        else:
            warnings = selectors.passport_warnings(
                flight, [row.passenger for row in flight.manifest.select_related("passenger")], _months()
            )
        show = user_can(request.user, VIEW_PASSPORT, flight.client)
        fmt = request.accepted_renderer.format
        if fmt in MANIFEST_DOCUMENTS:
            return Response(
                MANIFEST_DOCUMENTS[fmt](flight, show_passports=show),
                headers={
                    "Content-Disposition": f'attachment; filename="{flight.flight_number}-manifest.{fmt}"'
                },
            )
        return Response(
            {
                "flight": flight.flight_number,
                "capacity": flight.aircraft.seating_capacity,
                "passengers": manifest_rows(flight, show_passports=show),
                "warnings": warnings,
            }
        )

    @extend_schema(
        request=SpecialServiceWriteSerializer, responses={200: SpecialServiceSerializer(many=True)}
    )
    @action(detail=True, methods=["get", "post"])
    def services(self, request: Request, pk: str) -> Response:
        flight = self.get_object()
        if request.method == "GET":
            return Response(SpecialServiceSerializer(flight.special_services.all(), many=True).data)
        serializer = SpecialServiceWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = special_service_save(flight=flight, actor=acting_user(request), **serializer.validated_data)
        return Response(SpecialServiceSerializer(service).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SpecialServiceWriteSerializer, responses={200: SpecialServiceSerializer})
    @action(detail=True, methods=["patch"], url_path=rf"services/(?P<service_id>{ID_PATTERN})")
    def service_detail(self, request: Request, pk: str, service_id: str) -> Response:
        flight = self.get_object()
        service = get_object_or_404(SpecialService, flight=flight, pk=int(service_id))
        serializer = SpecialServiceWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = special_service_save(
            flight=flight, service=service, actor=acting_user(request), **serializer.validated_data
        )
        return Response(SpecialServiceSerializer(service).data)

    @extend_schema(request=FeedbackSubmitSerializer, responses={200: FeedbackSerializer})
    @action(detail=True, methods=["get", "post"])
    def feedback(self, request: Request, pk: str) -> Response:
        flight = self.get_object()
        if request.method == "GET":
            feedback = getattr(flight, "feedback", None)
            if feedback is None:
                raise NotFound("No feedback was requested for this flight.")
            return Response(FeedbackSerializer(feedback).data)
        serializer = FeedbackSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = feedback_submit(
            flight=flight,
            rating=serializer.validated_data["rating"],
            comment=serializer.validated_data.get("comment", ""),
            actor=acting_user(request),
        )
        return Response(FeedbackSerializer(feedback).data)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["get"], url_path="feedback-report")
    def feedback_report(self, request: Request) -> Response:
        return Response(selectors.feedback_report())


MANIFEST_DOCUMENTS = {"csv": manifest_csv, "pdf": manifest_pdf}


def _months() -> int:
    from django.conf import settings

    return int(settings.PASSPORT_WARNING_MONTHS)


class ConciergeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, JetOpsGenericViewSet
):
    """``/concierge``: the staff queue of client requests, with SLA, assignee and status."""

    queryset = ConciergeRequest.objects.select_related("trip", "assignee")
    serializer_class = ConciergeRequestSerializer
    filterset_class = ConciergeFilterSet
    search_fields = ["subject", "trip__number"]
    ordering_fields = ["due_at", "created_at", "status"]
    ordering = ["due_at", "id"]

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        serializer = ConciergeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assignee: Any = False
        if "assignee" in data:
            assignee = None
            if data["assignee"] is not None:
                assignee = User.objects.filter(pk=data["assignee"], is_active=True).first()
                if assignee is None or not assignee.is_staff:
                    raise ValidationError({"assignee": ["Unknown staff user."]})
        item = concierge_request_update(
            request=item, actor=acting_user(request), status=data.get("status"), assignee=assignee
        )
        return Response(ConciergeRequestSerializer(item).data)


class ClientBookingsViewSet(JetOpsGenericViewSet):
    """``/clients/{id}/bookings``: a client's flights, registered by flights on the client's
    path (clients does not import flights)."""

    queryset = FLIGHT_QUERYSET
    serializer_class = FlightSerializer
    # Whoever may see the client account may list its bookings (each flight still restricted).
    action_perms = {"list": VIEW_CLIENT}

    def client(self) -> Client:
        return get_object_or_404(restrict(Client.objects.all(), self.request.user), pk=self.kwargs["pk"])

    def permission_denied(self, request: Any, message: Any = None, code: Any = None) -> NoReturn:
        # The id in the path is the client's: a client the user cannot see is a 404, as on
        # /clients/{id} (the base class would look for a flight with that id).
        if request.user and request.user.is_authenticated:
            self.client()
        GenericViewSet.permission_denied(self, request, message=message, code=code)
        raise AssertionError("unreachable: permission_denied always raises")

    @extend_schema(operation_id="clients_bookings_retrieve", responses={200: OpenApiTypes.OBJECT})
    def list(self, request: Request, pk: str) -> Response:
        """The client's flights, latest departure first, in the flights API's shape."""
        client = self.client()
        self.check_object_permissions(request, client)
        flights = self.get_queryset().filter(client=client).order_by("-departure_at", "-id")
        page = self.paginate_queryset(flights)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
