"""Flight planning: the operator's planning settings, each aircraft's loading data (stations,
CG envelope, burn profile) and the flight plan stored on a flight (route, fuel, weight and
balance, the ICAO FPL text and its filing)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from fleet.models import AirportField
from jetops.models import BaseModel
from planning.choices import FlightPlanStatus, StationKind
from planning.fuel import BurnProfile


def decimal_pairs(value: Any, label: str) -> list[tuple[Decimal, Decimal]]:
    """``[[a, b], …]`` of numbers as Decimal pairs, or a ValidationError saying what ``label``
    should hold."""
    message = f"A list of [{label}] pairs of numbers."
    if not isinstance(value, list):
        raise ValidationError(message)
    pairs = []
    for item in value:
        if not (isinstance(item, list | tuple) and len(item) == 2):
            raise ValidationError(message)
        try:
            a, b = (Decimal(str(v)) for v in item if not isinstance(v, bool))
        except (InvalidOperation, ValueError, TypeError):
            raise ValidationError(message) from None
        if not (a.is_finite() and b.is_finite()):
            raise ValidationError(message)
        pairs.append((a, b))
    return pairs


class PlanningProfile(BaseModel):
    """The operator's planning settings; the newest row is in force
    (``planning.selectors.planning_profile``), and with none the field defaults below apply
    (US Part 135 and AC 120-27E standard weights; docs/rules.md#weight-and-balance)."""

    name = models.CharField(max_length=120)
    use_actual_weights = models.BooleanField(
        default=True,
        help_text="A passenger's recorded weight (manifest, else passenger record) replaces the "
        "standard weight.",
    )
    adult_weight_summer_lb = models.PositiveSmallIntegerField(
        default=190, help_text="Standard adult weight with carry-on, summer (AC 120-27E era)."
    )
    adult_weight_winter_lb = models.PositiveSmallIntegerField(default=195, help_text="Winter.")
    summer_first_month = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(12)], help_text="Summer runs May…"
    )
    summer_last_month = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(12)], help_text="…through October."
    )
    bag_weight_lb = models.PositiveSmallIntegerField(default=30, help_text="Per checked bag.")
    crew_weight_lb = models.PositiveSmallIntegerField(default=190, help_text="Per crew member, with bags.")
    contingency_percent = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=Decimal("5.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))],
        help_text="Of trip fuel.",
    )
    ifr_reserve_minutes = models.PositiveSmallIntegerField(
        default=45, help_text="IFR final reserve at normal cruise after the alternate (135.223)."
    )
    vfr_day_reserve_minutes = models.PositiveSmallIntegerField(
        default=30, help_text="VFR by day (135.209(a))."
    )
    vfr_night_reserve_minutes = models.PositiveSmallIntegerField(
        default=45, help_text="VFR at night (135.209(b))."
    )
    equipment = models.CharField(
        max_length=40,
        default="SDFGRWY/S",
        help_text="FPL item 10: equipment and capabilities / surveillance.",
    )
    operator_name = models.CharField(max_length=60, blank=True, help_text="FPL item 18 OPR/.")
    weather_alert_category = models.CharField(
        max_length=4,
        choices=[("MVFR", "MVFR"), ("IFR", "IFR"), ("LIFR", "LIFR")],
        default="IFR",
        help_text="Operations are alerted when a destination or alternate is forecast at this "
        "category or worse at the flight's arrival (checked for the next 48 hours).",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.summer_first_month
            and self.summer_last_month
            and self.summer_first_month > self.summer_last_month
        ):
            raise ValidationError({"summer_last_month": "Summer ends in or after the month it starts."})


class AircraftLoading(BaseModel):
    """An aircraft's loading data beside its weighing record (basic empty weight and arm on
    the aircraft): the CG envelope, the fuel burn profile, taxi fuel and the planned cruise.
    Its stations (``LoadingStation``) say where people, bags and fuel sit."""

    aircraft = models.OneToOneField("fleet.Aircraft", on_delete=models.CASCADE, related_name="loading")
    weighed_on = models.DateField(null=True, blank=True, help_text="Date of the weighing record.")
    envelope = models.JSONField(
        default=list,
        help_text="CG envelope polygon: [[arm in, weight lb], …], at least three vertices in order.",
    )
    burn_profile = models.JSONField(
        default=list,
        blank=True,
        help_text="[[from minute, lb per hour], …] starting at minute 0; the last step is normal "
        "cruise. Empty: the aircraft's fuel burn per hour throughout.",
    )
    taxi_fuel_lb = models.PositiveIntegerField(default=0, help_text="Taxi fuel per leg.")
    cruise_level_ft = models.PositiveIntegerField(
        default=41000, validators=[MinValueValidator(1000), MaxValueValidator(51000)]
    )

    class Meta:
        verbose_name_plural = "aircraft loading data"
        ordering = ["aircraft"]

    def __str__(self) -> str:
        return f"Loading data {self.aircraft_id}"

    def envelope_points(self) -> tuple[tuple[Decimal, Decimal], ...]:
        return tuple(decimal_pairs(self.envelope, "arm, weight"))

    def profile(self, fallback_flow: int | None) -> BurnProfile | None:
        steps = decimal_pairs(self.burn_profile, "minute, lb per hour") if self.burn_profile else []
        if steps:
            return BurnProfile(tuple((int(m), rate) for m, rate in steps))
        return BurnProfile(((0, Decimal(fallback_flow)),)) if fallback_flow else None

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            if len(self.envelope_points()) < 3:
                errors["envelope"] = "An envelope has at least three vertices."
        except ValidationError as exc:
            errors["envelope"] = exc.messages
        try:
            if self.burn_profile:
                steps = decimal_pairs(self.burn_profile, "minute, lb per hour")
                if any(m != int(m) for m, _ in steps):
                    raise ValidationError("Minutes are whole numbers.")
                BurnProfile(tuple((int(m), rate) for m, rate in steps))
        except ValidationError as exc:
            errors["burn_profile"] = exc.messages
        except ValueError as exc:
            errors["burn_profile"] = str(exc).capitalize() + "."
        if errors:
            raise ValidationError(errors)


class LoadingStation(BaseModel):
    """A place on the aircraft where weight goes, at an arm (inches aft of the datum): crew
    seats, passenger seats (by seat label), a baggage compartment, or a fuel tank whose arm
    moves with the quantity (``fuel_arms``)."""

    loading = models.ForeignKey(AircraftLoading, on_delete=models.CASCADE, related_name="stations")
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=StationKind.choices)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in which stations are filled.")
    arm = models.DecimalField(max_digits=7, decimal_places=2, help_text="Inches aft of datum.")
    seats = models.JSONField(
        default=list,
        blank=True,
        help_text='Seat labels at this station (crew and passenger seats), e.g. ["1A", "1B"].',
    )
    max_weight_lb = models.PositiveIntegerField(
        null=True, blank=True, help_text="Structural limit (baggage) or usable capacity (fuel), pounds."
    )
    fuel_arms = models.JSONField(
        default=list, blank=True, help_text="Fuel tanks: [[pounds, arm in], …], linear between points."
    )

    class Meta:
        ordering = ["loading", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["loading", "name"],
                name="planning_station_unique_name",
                violation_error_message="The aircraft already has a station of that name.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=StationKind.FUEL) | Q(max_weight_lb__isnull=False),
                name="planning_fuel_station_has_capacity",
                violation_error_message="A fuel tank needs its usable capacity.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def fuel_arm_table(self) -> list[tuple[Decimal, Decimal]]:
        table = decimal_pairs(self.fuel_arms, "pounds, arm") if self.fuel_arms else []
        return table or [(Decimal(0), self.arm)]

    def seat_labels(self) -> list[str]:
        return [str(s).strip().upper() for s in self.seats]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not isinstance(self.seats, list) or not all(
            isinstance(s, str) and 0 < len(s.strip()) <= 8 for s in self.seats
        ):
            errors["seats"] = "A list of seat labels of 1 to 8 characters."
        elif self.kind in (StationKind.CREW, StationKind.SEAT) and not self.seats:
            errors["seats"] = "Seat stations list their seats."
        elif self.kind not in (StationKind.CREW, StationKind.SEAT) and self.seats:
            errors["seats"] = "Only seat stations have seats."
        try:
            if self.fuel_arms and self.kind != StationKind.FUEL:
                raise ValidationError("Only fuel tanks have an arm table.")
            self.fuel_arm_table()
        except ValidationError as exc:
            errors["fuel_arms"] = exc.messages
        if errors:
            raise ValidationError(errors)


class FlightPlan(BaseModel):
    """The plan of one flight: route (direct great circle unless edited), cruise level and
    speed, ETE, alternates, the fuel plan and the weight-and-balance summary it was computed
    with, souls on board, and the ICAO FPL text with its filing. Written only by
    ``planning.services`` (compute, edit, file); each computation replaces the figures."""

    flight = models.OneToOneField("flights.Flight", on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(
        max_length=10, choices=FlightPlanStatus.choices, default=FlightPlanStatus.PLANNED
    )
    route = models.CharField(max_length=400, default="DCT", help_text="FPL item 15 route; DCT = direct.")
    cruise_level_ft = models.PositiveIntegerField(
        validators=[MinValueValidator(1000), MaxValueValidator(51000)]
    )
    true_airspeed_kt = models.PositiveIntegerField()
    distance_nm = models.PositiveIntegerField()
    ete_minutes = models.PositiveIntegerField()
    alternate = AirportField(null=True, blank=True)
    second_alternate = AirportField(null=True, blank=True)
    extra_fuel_lb = models.PositiveIntegerField(default=0, help_text="Discretionary fuel the planner adds.")
    block_fuel_lb = models.PositiveIntegerField()
    takeoff_weight_lb = models.PositiveIntegerField()
    landing_weight_lb = models.PositiveIntegerField()
    souls_on_board = models.PositiveSmallIntegerField()
    fuel = models.JSONField(default=dict, help_text="The fuel plan's figures (pounds, minutes).")
    weight_balance = models.JSONField(default=dict, help_text="The loading and its checks.")
    fpl_text = models.TextField()
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filing_method = models.CharField(max_length=40, blank=True)
    filing_reference = models.CharField(max_length=80, blank=True)

    crew_path = "flight__crew_assignments__crew_member"  # crew read the plans of their flights
    # The operator's operational record of a client's flight: load-sheet rows name seats, not
    # passengers, so nothing personal to erase, and it is not the client's data to export.
    gdpr_erasure = "keep"
    gdpr_export = False

    class Meta:
        ordering = ["flight"]
        permissions = [
            ("file_flightplan", "Can file a flight plan"),
            ("view_briefing", "Can read crew briefings"),
            ("view_weight_balance", "Can read weight and balance"),
            ("view_weather", "Can read airport weather and NOTAMs"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=FlightPlanStatus.PLANNED) | Q(filed_at__isnull=False),
                name="planning_filed_plan_has_time",
                violation_error_message="A filed plan records when it was filed.",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.flight}"


class WeatherAlert(BaseModel):
    """Operations were told that ``airport`` is forecast at ``category`` (or closed) for the
    arrival of ``flight``. One row per flight, airport and category: the hourly check sends
    each alert once (``planning.services.weather_alerts_send``)."""

    flight = models.ForeignKey("flights.Flight", on_delete=models.CASCADE, related_name="weather_alerts")
    airport = AirportField()
    category = models.CharField(max_length=16)
    forecast_for = models.DateTimeField()
    detail = models.TextField()
    recipients = models.JSONField(default=list)

    gdpr_erasure = "keep"  # airports and weather, no personal data
    gdpr_export = False

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["flight", "airport", "category"], name="planning_weather_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.flight} {self.airport_id} {self.category}"


class AirportRequirement(BaseModel):
    """What an airport asks of an operator, as data: slot coordination, prior permission (PPR),
    a curfew and customs opening hours (local wall-clock times at the airport). Planning and
    the briefing warn about a leg that meets them (``planning.requirements``)."""

    airport = models.OneToOneField("fleet.Airport", on_delete=models.CASCADE, related_name="requirement")
    slot_coordinated = models.BooleanField(default=False)
    ppr_required = models.BooleanField("PPR required", default=False)
    curfew_start = models.TimeField(null=True, blank=True, help_text="Local time; no movements from…")
    curfew_end = models.TimeField(null=True, blank=True, help_text="…until (may be after midnight).")
    customs_open = models.TimeField(null=True, blank=True, help_text="Local time customs open (blank: none).")
    customs_close = models.TimeField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["airport"]
        constraints = [
            models.CheckConstraint(
                condition=Q(curfew_start__isnull=True, curfew_end__isnull=True)
                | Q(curfew_start__isnull=False, curfew_end__isnull=False),
                name="planning_curfew_both_ends",
                violation_error_message="A curfew has a start and an end.",
            ),
            models.CheckConstraint(
                condition=Q(customs_open__isnull=True, customs_close__isnull=True)
                | Q(customs_open__isnull=False, customs_close__isnull=False),
                name="planning_customs_both_ends",
                violation_error_message="Customs hours have an opening and a closing time.",
            ),
        ]

    def __str__(self) -> str:
        return f"Requirements {self.airport_id}"
