"""Quotes, trips (bookings) and flights (legs), with their manifests, services, concierge
requests, feedback and the trip timeline."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from fleet.models import AirportField
from flights.choices import (
    ACTIVE_FLIGHT_STATUSES,
    ConciergeStatus,
    FlightStatus,
    LegType,
    QuoteStatus,
    ServiceKind,
    ServiceStatus,
    TripEventKind,
    TripStatus,
)
from jetops.models import BaseModel


class Quote(BaseModel):
    """A priced request for an itinerary: one option per candidate aircraft. ``legs`` is the
    request as the client made it; each option holds its planned legs and price lines."""

    number = models.CharField(max_length=20, unique=True)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="quotes")
    status = models.CharField(max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    legs = models.JSONField(
        help_text="The requested legs: departure/arrival ICAO, departure time, passengers."
    )
    category = models.CharField(max_length=20, blank=True)
    currency = models.CharField(max_length=3)
    valid_until = models.DateTimeField()
    pricing_profile = models.ForeignKey("finance.PricingProfile", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    tenant_path = "client"
    gdpr_erasure = "anonymise"  # a commercial record: only the free text goes

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("send_quote", "Can send a quote to the client"),
            ("accept_quote", "Can accept a quote (book it)"),
            ("override_quote", "Can override quote lines"),
        ]

    def __str__(self) -> str:
        return self.number

    def is_expired(self, now: Any = None) -> bool:
        return (now or timezone.now()) >= self.valid_until

    def anonymised_values(self, pseudonym: str) -> dict[str, Any]:
        return {"notes": ""}


class QuoteOption(BaseModel):
    """One candidate aircraft for a quote, with its planned legs and totals. ``warnings`` are
    the pricing engine's notes for staff (a tax amount not entered, a small-aircraft exemption,
    a leg leaving before the quote time): the option is still priced."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="options")
    aircraft = models.ForeignKey("fleet.Aircraft", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(default=0)
    planned_legs = models.JSONField()
    subtotal = models.DecimalField(max_digits=14, decimal_places=2)
    taxes = models.DecimalField(max_digits=14, decimal_places=2)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=60)
    inputs = models.JSONField(default=dict)
    warnings = models.JSONField(default=list, blank=True, help_text="The pricing engine's notes for staff.")

    tenant_path = "quote__client"
    gdpr_erasure = "keep"  # aircraft and prices

    class Meta:
        ordering = ["quote", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "aircraft"], name="quote_option_unique_aircraft")
        ]

    def __str__(self) -> str:
        return f"{self.quote.number} / {self.aircraft_id}"


class QuoteLine(BaseModel):
    """One line of an option's breakdown. An override keeps the computed amount and the
    reason; the history table keeps every change."""

    option = models.ForeignKey(QuoteOption, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30)
    description = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    computed_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    override_reason = models.CharField(max_length=300, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    tenant_path = "option__quote__client"
    gdpr_erasure = "keep"  # price lines

    class Meta:
        ordering = ["option", "position"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.amount}"


class Trip(BaseModel):
    """A booking: one client's itinerary of one or more flights (legs)."""

    number = models.CharField(max_length=20, unique=True)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="trips")
    quote = models.OneToOneField(Quote, null=True, blank=True, on_delete=models.PROTECT, related_name="trip")
    quote_option = models.ForeignKey(
        QuoteOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=TripStatus.choices, default=TripStatus.BOOKED)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, default="USD")
    notes = models.TextField(blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    tenant_path = "client"
    gdpr_erasure = "anonymise"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number

    def anonymised_values(self, pseudonym: str) -> dict[str, Any]:
        return {"notes": "", "cancel_reason": ""}


# The longest leg that may be planned (a database constraint holds every flight to it): a
# window's lower bound on ``departure_at``, so PostgreSQL reads the flights of a window through
# the departure index instead of every flight that arrives after its start.
FLIGHT_MAX_LEG = timedelta(hours=48)
# The longest an aircraft is occupied by one flight: the longest leg and the longest turnaround
# a pricing profile can hold (a positive small integer of minutes). The lower bound of
# ``overlapping``, for the same reason.
FLIGHT_MAX_OCCUPANCY = FLIGHT_MAX_LEG + timedelta(minutes=32767)


def planned_during(start: Any, end: Any, path: str = "") -> Q:
    """The flights (through ``path``, e.g. ``"flight__"``) planned in the air at some moment of
    ``(start, end)``: departing before ``end`` and arriving after ``start``."""
    return Q(
        **{
            f"{path}departure_at__lt": end,
            f"{path}departure_at__gt": start - FLIGHT_MAX_LEG,
            f"{path}arrival_at__gt": start,
        }
    )


class FlightQuerySet(models.QuerySet["Flight"]):
    def active(self) -> FlightQuerySet:
        return self.filter(status__in=ACTIVE_FLIGHT_STATUSES)

    def overlapping(self, start: Any, end: Any) -> FlightQuerySet:
        """Flights whose occupied period ``[departure_at, busy_until)`` meets ``[start, end)``."""
        return self.filter(
            departure_at__lt=end, departure_at__gt=start - FLIGHT_MAX_OCCUPANCY, busy_until__gt=start
        )


class Flight(BaseModel):
    """One leg. ``departure_at``/``arrival_at`` are the planned off- and on-block times (UTC);
    the aircraft is occupied until ``busy_until`` (arrival + turnaround). On PostgreSQL an
    exclusion constraint makes two active, overlapping flights of one aircraft impossible."""

    flight_number = models.CharField(max_length=20, unique=True)
    trip = models.ForeignKey(Trip, on_delete=models.PROTECT, related_name="flights")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="flights")
    aircraft = models.ForeignKey("fleet.Aircraft", on_delete=models.PROTECT, related_name="flights")
    sequence = models.PositiveSmallIntegerField(default=1)
    leg_type = models.CharField(max_length=12, choices=LegType.choices, default=LegType.REVENUE)
    ifr = models.BooleanField(
        "IFR",
        default=True,
        help_text="Flown under instrument flight rules: its PIC needs a 135.297 instrument proficiency "
        "check and its pilots 61.57(c) instrument currency.",
    )
    flight_attendants = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(9)],
        help_text="Flight attendants the flight is planned to carry (0: what the aircraft requires). "
        "Attendants above the minimum complement allow their duty over 14 h (135.273(b)(4)-(6)); "
        "seats not yet filled stay open for assignment.",
    )
    departure_airport = AirportField()
    arrival_airport = AirportField()
    departure_at = models.DateTimeField()
    arrival_at = models.DateTimeField()
    busy_until = models.DateTimeField()
    departure_fbo = models.CharField(max_length=120, blank=True)
    arrival_fbo = models.CharField(max_length=120, blank=True)
    distance_nm = models.PositiveIntegerField(default=0)
    estimated_block_minutes = models.PositiveIntegerField(default=0)
    passenger_count = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=FlightStatus.choices, default=FlightStatus.SCHEDULED)
    actual_off_block = models.DateTimeField(null=True, blank=True)
    actual_on_block = models.DateTimeField(null=True, blank=True)
    landings = models.PositiveSmallIntegerField(default=0)
    diverted_to = AirportField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    flight_plan = models.JSONField(default=dict, blank=True)
    billing_info = models.JSONField(default=dict, blank=True)

    objects = FlightQuerySet.as_manager()

    tenant_path = "client"
    crew_path = "crew_assignments__crew_member"  # a crew user reads the flights they are on
    # An operational record (passengers are anonymised on their own rows); only the free
    # text and the billing details go.
    gdpr_erasure = "anonymise"

    class Meta:
        ordering = ["departure_at", "id"]
        # The list's default order and its status filter (with a date range) read an index;
        # see tests/flights/test_query_plans.py.
        indexes = [
            models.Index(fields=["aircraft", "departure_at", "busy_until"]),
            models.Index(fields=["departure_at", "id"], name="flight_departure_order"),
            models.Index(fields=["status", "departure_at", "id"], name="flight_status_departure"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(arrival_at__gt=F("departure_at")),
                name="flight_arrives_after_departure",
                violation_error_message="A flight arrives after it departs.",
            ),
            models.CheckConstraint(
                condition=Q(arrival_at__lte=F("departure_at") + FLIGHT_MAX_LEG),
                name="flight_longest_leg",
                violation_error_message="A leg is planned to last at most 48 hours.",
            ),
            models.CheckConstraint(
                condition=Q(busy_until__lte=F("departure_at") + FLIGHT_MAX_OCCUPANCY),
                name="flight_longest_occupancy",
            ),
            models.CheckConstraint(
                condition=Q(busy_until__gte=F("arrival_at")),
                name="flight_busy_until_after_arrival",
            ),
            models.CheckConstraint(
                condition=~Q(departure_airport=F("arrival_airport")),
                name="flight_distinct_airports",
                violation_error_message="A flight departs from and arrives at different airports.",
            ),
        ]
        permissions = [
            ("change_flight_status", "Can move a flight through its statuses"),
            ("view_manifest", "Can see flight manifests with passport numbers"),
        ]

    def __str__(self) -> str:
        return self.flight_number

    def anonymised_values(self, pseudonym: str) -> dict[str, Any]:
        return {"billing_info": {}, "cancel_reason": ""}

    @property
    def block_minutes_actual(self) -> int | None:
        if self.actual_off_block and self.actual_on_block:
            return int((self.actual_on_block - self.actual_off_block).total_seconds() // 60)
        return None


class FlightPassenger(BaseModel):
    """A passenger on a flight's manifest."""

    flight = models.ForeignKey(Flight, on_delete=models.CASCADE, related_name="manifest")
    passenger = models.ForeignKey("clients.Passenger", on_delete=models.PROTECT, related_name="flights")
    seat = models.CharField(max_length=8, blank=True)
    weight_kg = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("400"))],
    )
    bags = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(20)])

    tenant_path = "flight__client"
    # Seat, weight and bags of a passenger who is anonymised on its own row: the load record
    # of a flown flight stays.
    gdpr_erasure = "keep"

    class Meta:
        ordering = ["flight", "id"]
        constraints = [
            models.UniqueConstraint(fields=["flight", "passenger"], name="manifest_unique_passenger")
        ]

    def __str__(self) -> str:
        return f"{self.passenger} on {self.flight}"


class SpecialService(BaseModel):
    """Catering, ground transport, customs, FBO… for a flight, with vendor, status and cost."""

    flight = models.ForeignKey(Flight, on_delete=models.CASCADE, related_name="special_services")
    kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    description = models.CharField(max_length=500, blank=True)
    vendor = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.REQUESTED)
    cost = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, default="USD")

    tenant_path = "flight__client"
    gdpr_erasure = "anonymise"  # the description may name people, places, diets

    class Meta:
        ordering = ["flight", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.flight}"

    def anonymised_values(self, pseudonym: str) -> dict[str, Any]:
        return {"description": ""}


class ConciergeRequest(BaseModel):
    """A client's request on a trip (any hour); staff work a queue with an SLA."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="concierge_requests")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=ConciergeStatus.choices, default=ConciergeStatus.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    tenant_path = "trip__client"
    gdpr_erasure = "anonymise"

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return self.subject

    def anonymised_values(self, pseudonym: str) -> dict[str, Any]:
        return {"subject": pseudonym, "detail": ""}


class Feedback(BaseModel):
    """The client's rating of a completed flight."""

    flight = models.OneToOneField(Flight, on_delete=models.CASCADE, related_name="feedback")
    requested_at = models.DateTimeField(default=timezone.now)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    tenant_path = "flight__client"
    gdpr_erasure = "anonymise"  # the rating stays, the words go

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="feedback_rating_1_5",
                violation_error_message="The rating is 1 to 5.",
            )
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.flight}"

    def anonymised_values(self, pseudonym: str) -> dict[str, Any]:
        return {"comment": ""}


class TripEvent(BaseModel):
    """The trip timeline: bookings, status changes, itinerary changes, crew changes."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="events")
    flight = models.ForeignKey(Flight, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=TripEventKind.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)

    tenant_path = "trip__client"
    gdpr_erasure = "anonymise"  # the timeline stays; a status change's typed reason goes

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.trip} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def anonymised_values(self, pseudonym: str) -> dict[str, Any]:
        return {"detail": {key: value for key, value in self.detail.items() if key != "reason"}}
