"""Crew API: members with qualifications and computed expiries, experience, duties,
schedule (JSON and iCalendar), legality what-if, availability, assignments per crew member,
and a flight's crew with suggestions."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from icalendar import Calendar, Event
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crew import adapter, selectors, services
from crew import permissions as perms
from crew.api.serializers import (
    AssignmentSerializer,
    AssignRequestSerializer,
    AvailabilitySerializer,
    CrewMemberSerializer,
    DutySerializer,
    ExperienceSerializer,
    LegalityRequestSerializer,
    LegalityResponseSerializer,
    OverrunRequestSerializer,
    UnassignRequestSerializer,
)
from crew.choices import CrewRole
from crew.filtersets import CrewFilterSet
from crew.models import CrewAssignment, CrewAvailability, CrewMember
from crew.roster import totals
from flights.models import Flight, planned_during
from jetops.activity import acting_user
from jetops.api.viewsets import JetOpsGenericViewSet
from jetops.api.windows import schedule_window
from jetops.permissions import restrict, user_can

WINDOW_PARAMS = [
    OpenApiParameter("from", OpenApiTypes.DATETIME, description="Start (default: now)"),
    OpenApiParameter(
        "to", OpenApiTypes.DATETIME, description="End (default: from + 30 days; at most 366 days)"
    ),
]


def _with_upcoming(queryset: QuerySet[CrewMember]) -> QuerySet[CrewMember]:
    upcoming = CrewAvailability.objects.filter(end__gt=timezone.now()).order_by("start")
    return queryset.prefetch_related(Prefetch("availability", queryset=upcoming, to_attr="upcoming"))


def _write_data(serializer: Any) -> dict[str, Any]:
    data = dict(serializer.validated_data)
    qualifications = data.pop("qualifications", None)
    if qualifications and qualifications.get("medical"):
        qualifications["medical"] = dict(qualifications["medical"])
    data["qualifications"] = qualifications
    return data


class CrewMemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    JetOpsGenericViewSet,
):
    """``/crew``: crew members with qualifications and computed expiries. A crew user sees
    their own record only."""

    queryset = adapter.crew_queryset()
    serializer_class = CrewMemberSerializer
    filterset_class = CrewFilterSet
    search_fields = ["name", "employee_id"]
    ordering_fields = ["name", "employee_id", "position"]
    ordering = ["name", "id"]
    action_perms = {
        "experience": perms.VIEW_EXPERIENCERECORD,
        "duties": perms.VIEW_DUTYPERIOD,
        "schedule": perms.VIEW_CREWMEMBER,
        "legality": perms.ADD_CREWASSIGNMENT,
        "calendar_reset": perms.RESET_CALENDAR,
        # Writes inside an action need their own permission instead of the action's read one.
        ("experience", "POST"): perms.ADD_EXPERIENCERECORD,
        ("duties", "POST"): perms.ADD_DUTYPERIOD,
    }

    def get_queryset(self) -> QuerySet[CrewMember]:
        return _with_upcoming(super().get_queryset())

    def _context_for(self, members: list[CrewMember]) -> dict[str, Any]:
        today = timezone.localdate()
        rules = adapter.rules_in_force(today)
        return {
            **self.get_serializer_context(),
            "expiries": adapter.expiries_by_member(members, today, rules),
            "rules": rules,
        }

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "expiring_within",
                OpenApiTypes.INT,
                description="Only crew with an item expiring within N days",
            )
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        within = request.query_params.get("expiring_within")
        if within is not None:
            if not within.isdigit() or int(within) > 3650:
                raise ValidationError({"expiring_within": ["A number of days from 0 to 3650."]})
            queryset = selectors.expiring_within(queryset, int(within))
        page = self.paginate_queryset(queryset)
        members = list(page if page is not None else queryset)
        data = CrewMemberSerializer(members, many=True, context=self._context_for(members)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        return Response(CrewMemberSerializer(member, context=self._context_for([member])).data)

    def _answer(self, member: CrewMember, code: int = status.HTTP_200_OK) -> Response:
        member = self.get_queryset().get(pk=member.pk)
        return Response(CrewMemberSerializer(member, context=self._context_for([member])).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.crew_member_create(actor=acting_user(request), **_write_data(serializer))
        return self._answer(member, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        serializer = self.get_serializer(member, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        member = services.crew_member_update(
            member=member, actor=acting_user(request), **_write_data(serializer)
        )
        return self._answer(member)

    @extend_schema(
        request=ExperienceSerializer,
        responses={200: ExperienceSerializer(many=True), 201: ExperienceSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def experience(self, request: Request, pk: str) -> Response:
        """Flying done elsewhere (simulator, previous employer…) counted toward recency."""
        member = self.get_object()
        if request.method == "GET":
            rows = member.experience.order_by("-date", "-id")[:200]
            return Response(ExperienceSerializer(rows, many=True).data)
        serializer = ExperienceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.experience_add(
            member=member, actor=acting_user(request), **serializer.validated_data
        )
        return Response(ExperienceSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=WINDOW_PARAMS,
        request=DutySerializer,
        responses={200: DutySerializer(many=True), 201: DutySerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def duties(self, request: Request, pk: str) -> Response:
        """Duties that are not the operator's flights: positioning, standby, training, office,
        and commercial flying elsewhere reported by the crew member."""
        member = self.get_object()
        if request.method == "GET":
            start, end = schedule_window(request.query_params)
            rows = member.duties.filter(report_at__lt=end, release_at__gt=start).order_by("report_at")
            return Response(DutySerializer(rows, many=True).data)
        serializer = DutySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        duty = services.duty_record(member=member, actor=acting_user(request), **serializer.validated_data)
        return Response(DutySerializer(duty).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=WINDOW_PARAMS, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def schedule(self, request: Request, pk: str) -> Response:
        """Flights, duties, rest and days off between ``from`` and ``to``, with totals."""
        member = self.get_object()
        start, end = schedule_window(request.query_params)
        return Response(selectors.schedule(member, start, end))

    @extend_schema(request=LegalityRequestSerializer, responses={200: LegalityResponseSerializer})
    @action(detail=True, methods=["post"])
    def legality(self, request: Request, pk: str) -> Response:
        """What-if: would the crew member be legal on these flights in this role? Nothing is
        assigned. One result per rule evaluated."""
        member = self.get_object()
        serializer = LegalityRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(serializer.validated_data["flights"]))
        flights = list(
            restrict(
                Flight.objects.select_related("aircraft", "departure_airport", "arrival_airport"),
                request.user,
            ).filter(pk__in=ids)
        )
        missing = sorted(set(ids) - {f.pk for f in flights})
        if missing:
            raise ValidationError({"flights": [f"Unknown flights: {', '.join(map(str, missing))}."]})
        verdict = adapter.legality(member, flights, serializer.validated_data["role"])
        return Response(
            {"legal": verdict.legal, "results": [adapter.result_json(r) for r in verdict.results]}
        )

    @extend_schema(request=None, responses={200: CrewMemberSerializer})
    @action(detail=True, methods=["post"], url_path="calendar-token")
    def calendar_reset(self, request: Request, pk: str) -> Response:
        """Issue a new secret calendar URL (the old one stops working)."""
        member = services.calendar_token_reset(member=self.get_object(), actor=acting_user(request))
        return self._answer(member)


class CrewAvailabilityViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, JetOpsGenericViewSet
):
    """``/crew/availability``: days off, vacation, sickness and standby periods."""

    queryset = CrewAvailability.objects.select_related("crew_member").order_by("start", "id")
    serializer_class = AvailabilitySerializer
    filterset_fields = ["crew_member", "kind"]

    @extend_schema(parameters=WINDOW_PARAMS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        start, end = schedule_window(request.query_params)
        queryset = self.filter_queryset(self.get_queryset()).filter(start__lt=end, end__gt=start)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member = data.pop("crew_member")
        if not restrict(CrewMember.objects.filter(pk=member.pk), request.user).exists():
            raise ValidationError({"crew_member": ["Unknown crew member."]})
        if not user_can(request.user, perms.ADD_CREWAVAILABILITY, member):
            raise PermissionDenied()
        added = services.availability_add(member=member, actor=acting_user(request), **data)
        context = {**self.get_serializer_context(), "affected_flights": added.affected_flights}
        serializer = self.get_serializer_class()(added.period, context=context)
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: CrewAvailability) -> None:
        services.availability_remove(period=instance, actor=acting_user(self.request))


class CrewAssignmentViewSet(mixins.ListModelMixin, JetOpsGenericViewSet):
    """``/crew/assignments?from=&to=``: per crew member, the assignments in the window with
    flight and duty hour totals. A crew user gets their own line only."""

    # Name, position and base are all a line shows: no qualifications, no encrypted contact.
    queryset = CrewMember.objects.filter(is_active=True).defer("emergency_contact", "contact_info", "notes")
    serializer_class = AssignmentSerializer
    filterset_class = CrewFilterSet
    action_perms = {"list": perms.VIEW_CREWASSIGNMENT}

    def get_queryset(self) -> QuerySet[CrewMember]:
        return restrict(self.queryset, self.request.user, "view").order_by("name", "id")

    @extend_schema(parameters=WINDOW_PARAMS, responses={200: OpenApiTypes.OBJECT})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        start, end = schedule_window(request.query_params)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        members = list(page or [])
        ids = [m.pk for m in members]
        rosters = adapter.rosters(ids, start, end)
        assignments = (
            restrict(CrewAssignment.objects.all(), request.user)
            .filter(planned_during(start, end, "flight__"), crew_member_id__in=ids)
            .select_related("flight")
            .defer("flight__flight_plan", "flight__billing_info")
            .order_by("flight__departure_at", "id")
        )
        listed = {m.pk: m for m in members}
        found = list(assignments)
        for assignment in found:
            assignment.crew_member = listed[assignment.crew_member_id]
        # One serializer for the page's assignments (its fields are built once), then per member.
        by_member: dict[int, list[Any]] = {pk: [] for pk in ids}
        for assignment, data in zip(found, AssignmentSerializer(found, many=True).data, strict=True):
            by_member[assignment.crew_member_id].append(data)
        settings = adapter.duty_settings()
        rows = [
            {
                "crew_member": m.pk,
                "name": m.name,
                "position": m.position,
                "home_base": m.home_base_id,
                "assignments": by_member[m.pk],
                "totals": asdict(totals(rosters[m.pk], start, end, settings)),
            }
            for m in members
        ]
        return self.get_paginated_response(rows)


class FlightCrewViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, JetOpsGenericViewSet):
    """``/flights/{flight}/crew``: the flight's crew; assign (legality-checked), record an
    overrun after the flight (PATCH), remove, and suggestions for the open seats."""

    queryset = CrewAssignment.objects.select_related("flight", "crew_member").order_by("role", "id")
    serializer_class = AssignmentSerializer
    pagination_class = None
    action_perms = {"suggestions": perms.ADD_CREWASSIGNMENT, "pilot_flying": perms.SET_PILOT_FLYING}

    def flight(self) -> Flight:
        flights = restrict(
            Flight.objects.select_related("aircraft", "departure_airport", "arrival_airport", "trip"),
            self.request.user,
        )
        return get_object_or_404(flights, pk=self.kwargs["flight_pk"])

    def get_queryset(self) -> QuerySet[CrewAssignment]:
        return super().get_queryset().filter(flight_id=self.kwargs["flight_pk"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.flight()
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    @extend_schema(request=AssignRequestSerializer, responses={201: AssignmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        flight = self.flight()
        serializer = AssignRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = restrict(CrewMember.objects.all(), request.user).filter(pk=data["crew_member"]).first()
        if member is None:
            raise ValidationError({"crew_member": ["Unknown crew member."]})
        assignment = services.crew_assign(
            flight=flight,
            member=member,
            role=data["role"],
            actor=acting_user(request),
            override_reason=data["override_reason"],
            meta=self.meta,
        )
        return Response(self.get_serializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OverrunRequestSerializer, responses={200: AssignmentSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a 135.267(e) overrun on a flown flight's crew member (minutes and reason)."""
        self.flight()
        assignment = self.get_object()
        serializer = OverrunRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.overrun_record(
            assignment=assignment,
            minutes=serializer.validated_data["overrun_minutes"],
            reason=serializer.validated_data["reason"],
            actor=acting_user(request),
        )
        return Response(self.get_serializer(assignment).data)

    @extend_schema(request=None, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"], url_path="pilot-flying")
    def pilot_flying(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record this pilot as the one who flew the leg (its takeoffs and landings count
        toward their recency): operations for any pilot, crew for their own legs."""
        self.flight()
        assignment = services.pilot_flying_set(assignment=self.get_object(), actor=acting_user(request))
        return Response(self.get_serializer(assignment).data)

    @extend_schema(request=UnassignRequestSerializer, responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.flight()
        assignment = self.get_object()
        serializer = UnassignRequestSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        services.crew_unassign(
            assignment=assignment, actor=acting_user(request), reason=serializer.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[
            OpenApiParameter("role", OpenApiTypes.STR, description="Only this seat (PIC, SIC or FA)"),
            OpenApiParameter("limit", OpenApiTypes.INT, description="Candidates per seat (1–50, default 10)"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"])
    def suggestions(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        flight = self.flight()
        role = request.query_params.get("role")
        if role is not None and role not in CrewRole.values:
            raise ValidationError({"role": ["PIC, SIC or FA."]})
        limit = request.query_params.get("limit", "10")
        if not limit.isdigit() or not 1 <= int(limit) <= 50:
            raise ValidationError({"limit": ["A number from 1 to 50."]})
        roles = [role] if role else selectors.open_seats(flight)
        return Response({"flight": flight.pk, "seats": selectors.suggestions(flight, roles, int(limit))})


class CrewCalendarView(APIView):
    """``/crew/calendar/{token}.ics``: the crew member's schedule as an iCalendar feed. The
    secret token in the URL is the credential (calendar apps cannot send a bearer token);
    ``POST /crew/{id}/calendar-token`` replaces it. The feed ends (404) with the crew
    member's record or with its login: a deactivated login must not keep reading the
    schedule through a URL it saved."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.STR})
    def get(self, request: Request, token: str) -> HttpResponse:
        member = get_object_or_404(
            CrewMember.objects.filter(Q(user__isnull=True) | Q(user__is_active=True)),
            calendar_token=token,
            is_active=True,
        )
        now = timezone.now()
        data = selectors.schedule(member, now - timedelta(days=30), now + timedelta(days=90))
        calendar = Calendar()
        calendar.add("prodid", "-//JetOps//Crew schedule//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", f"JetOps — {member.name}")
        for item in data["items"]:
            if item["type"] == "rest":
                continue
            event = Event()
            kind = item["type"]
            start, end = item["start"], item["end"]
            uid_part = item.get("flight") or f"{kind}-{start}"
            event.add("uid", f"{uid_part}-{member.pk}@jetops")
            event.add("dtstamp", now)
            event.add("dtstart", datetime.fromisoformat(start))
            event.add("dtend", datetime.fromisoformat(end))
            if kind == "flight":
                event.add(
                    "summary",
                    f"{item['flight_number']} {item['departure_airport']}-{item['arrival_airport']}"
                    f" ({item['role']})",
                )
                event.add(
                    "description", f"{item['tail_number']} {item['aircraft_type']}, status {item['status']}"
                )
            elif kind == "duty":
                event.add("summary", f"Duty: {item['kind'].replace('_', ' ')}")
            else:
                event.add("summary", kind.replace("_", " ").capitalize())
            calendar.add_component(event)
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Cache-Control"] = "private, max-age=300"
        return response
