"""The fleet: airports (reference data), aircraft with their specs and rates, their documents
and expiry alerts, availability blackouts, and the status timeline."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from fleet.choices import (
    UNAVAILABLE_STATUSES,
    AircraftCategory,
    AircraftDocumentKind,
    AircraftMinCrew,
    AircraftStatus,
    BlackoutKind,
)
from jetops.models import BaseModel
from jetops.validators import country_validator, currency_validator

icao_validator = RegexValidator(r"^[A-Z0-9]{4}$", "A four-character ICAO airport code, e.g. KTEB.")
type_designator_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,3}$", "An ICAO aircraft type designator (2–4 characters), e.g. C25B or GLF6."
)

# US registrations: "N", a first digit 1-9, then up to four more characters — digits, then at
# most two letters (I and O are never issued). Elsewhere: a nationality prefix of one or two
# characters, a hyphen, and one to five characters (G-ABCD, VP-BZZ, 9H-VJA, C-GXYZ).
_US_TAIL = re.compile(r"^N[1-9](?:[0-9]{0,4}|[0-9]{0,3}[A-HJ-NP-Z]|[0-9]{0,2}[A-HJ-NP-Z]{2})$")
_OTHER_TAIL = re.compile(r"^[A-Z0-9]{1,2}-[A-Z0-9]{1,5}$")


def normalize_tail_number(value: str) -> str:
    """Upper case without surrounding or inner blanks: " n101ja " → "N101JA"."""
    return re.sub(r"\s+", "", value or "").upper()


def validate_tail_number(value: str) -> None:
    normalized = normalize_tail_number(value)
    if not (_US_TAIL.match(normalized) or _OTHER_TAIL.match(normalized)):
        raise ValidationError(
            "%(value)s is not a registration mark: a US N-number such as N101JA, or a "
            "nationality prefix, a hyphen and the mark, such as G-ABCD.",
            code="invalid_tail_number",
            params={"value": value},
        )


class TailNumberField(models.CharField):
    """A registration mark, stored normalised (upper case, no blanks) whichever way it is
    written: forms, ``full_clean`` and ``save`` all see the normalised value."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalize_tail_number(value) if isinstance(value, str) else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = normalize_tail_number(value)
            setattr(model_instance, self.attname, value)
        return value


def normalize_airport_code(value: object) -> str:
    """Upper case without surrounding blanks: " kteb " → "KTEB"."""
    return str(value if value is not None else "").strip().upper()


UNKNOWN_AIRPORT = "Unknown airport code %(value)r."
"""The one refusal of a code no airport answers to (API, forms, filters, services)."""


def unknown_airport_message(value: object) -> str:
    return UNKNOWN_AIRPORT % {"value": normalize_airport_code(value)}


class AirportQuerySet(models.QuerySet["Airport"]):
    def resolve(self, code: object) -> Airport | None:
        """The airport a person means by ``code``, in any case: its ICAO code; else its IATA
        code (3 letters); else, for a US ``K`` code the data does not have, the airport whose
        IATA code is the rest (FAA convention: KPBI is PBI, listed as KDJT since the 2025
        renaming). Every field and filter that takes an airport resolves codes here."""
        code = normalize_airport_code(code)
        if not code or len(code) > 4:
            return None
        airport = self.filter(icao=code).first()
        if airport is None and len(code) == 3:
            airport = self.filter(iata=code).order_by("icao").first()
        if airport is None and len(code) == 4 and code.startswith("K"):
            airport = self.filter(iata=code[1:], country="US").order_by("icao").first()
        return airport


class Airport(models.Model):
    """An airport from the ``airportsdata`` package (ICAO code, position, time zone).

    Reference data, not a domain record: it is loaded in bulk by a data migration and
    refreshed by ``manage.py load_airports``; nobody edits it by hand, so it carries no change
    history (bulk loading would skip history anyway). The ICAO code is the primary key, so a
    foreign key column holds the code itself and the API can show it without a join.
    """

    icao = models.CharField("ICAO code", max_length=4, primary_key=True, validators=[icao_validator])
    iata = models.CharField("IATA code", max_length=3, blank=True, db_index=True)
    name = models.CharField(max_length=120)
    city = models.CharField(max_length=80, blank=True)
    subdivision = models.CharField(max_length=80, blank=True)
    country = models.CharField(max_length=2, validators=[country_validator])
    latitude = models.FloatField(validators=[MinValueValidator(-90.0), MaxValueValidator(90.0)])
    longitude = models.FloatField(validators=[MinValueValidator(-180.0), MaxValueValidator(180.0)])
    elevation_ft = models.IntegerField(default=0)
    time_zone = models.CharField(max_length=40, help_text="IANA time zone, e.g. America/New_York.")

    objects = AirportQuerySet.as_manager()

    class Meta:
        ordering = ["icao"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="fleet_airport_lat_lon")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90) & Q(latitude__lte=90),
                name="fleet_airport_latitude_range",
                violation_error_message="The latitude is between -90 and 90 degrees.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180) & Q(longitude__lte=180),
                name="fleet_airport_longitude_range",
                violation_error_message="The longitude is between -180 and 180 degrees.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.icao} {self.name}"


class AirportField(models.ForeignKey):
    """A reference to an airport that takes any code a person means (``AirportQuerySet.resolve``:
    any case, IATA, K + IATA, former ICAO codes) and keeps the canonical ICAO code.

    ``full_clean`` (so every service's ``save_validated``) turns a code set on ``<name>_id``
    into the canonical one, or refuses it on the field; forms (the admin included) get an
    ``AirportChoiceField`` that does the same. In the database and in migrations it is a
    plain foreign key (``deconstruct`` says so): only validation differs, so declaring a field
    this way needs no migration.
    """

    default_error_messages = {"invalid": UNKNOWN_AIRPORT}

    def __init__(self, to: Any = "fleet.Airport", on_delete: Any = models.PROTECT, **kwargs: Any) -> None:
        kwargs.setdefault("related_name", "+")
        super().__init__(to, on_delete, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ForeignKey", args, kwargs

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        cached = self.get_cached_value(model_instance, None) if model_instance is not None else None
        if isinstance(value, str) and (cached is None or cached.pk != value):
            airport = Airport.objects.resolve(value)
            value = airport.pk if airport is not None else normalize_airport_code(value)
            if airport is not None and model_instance is not None:
                setattr(model_instance, self.name, airport)
        return super().clean(value, model_instance)

    def formfield(self, **kwargs: Any) -> Any:
        from fleet.forms import AirportChoiceField

        return super().formfield(**{"form_class": AirportChoiceField, **kwargs})


class AircraftQuerySet(models.QuerySet["Aircraft"]):
    def in_service(self) -> AircraftQuerySet:
        """On the certificate and not grounded (maintenance, AOG): ``Aircraft.in_service`` in SQL."""
        return self.filter(is_active=True).exclude(status__in=UNAVAILABLE_STATUSES)


class Aircraft(BaseModel):
    """An aircraft of the fleet: identity, performance and quoting parameters, rates,
    weights, certificates' expiry dates, times, and its current status and location.

    Invariants held by the database: positive seats, range and speed; non-negative rates,
    weights and times; effective cruise speed (cruise − wind allowance) above zero; a routing
    factor of at least 1; MZFW ≤ MLW ≤ MTOW when known; ``is_active`` is false exactly when
    the status is ``inactive``. Writes go through ``fleet.services`` (status changes leave an
    ``AircraftStatusChange`` row). Every portal and crew user holding ``fleet.view_aircraft``
    may read every aircraft (``scoped_sees_all``) — through the portal serializer only.
    """

    tail_number = TailNumberField(max_length=10, unique=True, validators=[validate_tail_number])
    aircraft_type = models.CharField(
        max_length=4,
        validators=[type_designator_validator],
        help_text="ICAO type designator, e.g. C25B (Citation CJ3), GLF6 (G650).",
    )
    manufacturer = models.CharField(max_length=80)
    model = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1950), MaxValueValidator(2100)], help_text="Year of manufacture."
    )
    category = models.CharField(max_length=20, choices=AircraftCategory.choices)
    seating_capacity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="Passenger seats."
    )
    range_nautical_miles = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Still-air range with typical load (NM)."
    )
    cruise_speed = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(800)],
        help_text="Normal cruise true airspeed (knots).",
    )
    current_location = AirportField()
    home_base = AirportField()
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    hourly_rate = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Per block hour, revenue legs.",
    )
    positioning_rate = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Per block hour, positioning (empty) legs.",
    )
    daily_minimum_hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Billed hours per flying day below which the day is topped up (0 = none).",
    )
    status = models.CharField(
        max_length=12, choices=AircraftStatus.choices, default=AircraftStatus.AVAILABLE, db_index=True
    )
    amenities = models.JSONField(default=list, blank=True, help_text="A list of short labels.")
    interior_config = models.JSONField(default=dict, blank=True)
    maintenance_schedule = models.JSONField(default=dict, blank=True)
    insurance_info = models.JSONField(default=dict, blank=True)
    photos = models.JSONField(default=list, blank=True, help_text="A list of image URLs.")
    taxi_minutes = models.PositiveSmallIntegerField(default=12, help_text="Taxi-out plus taxi-in per leg.")
    routing_factor = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=Decimal("1.050"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("2"))],
        help_text="Route length over great-circle distance (airways are never straight).",
    )
    wind_allowance_knots = models.SmallIntegerField(
        default=0, help_text="Subtracted from cruise speed when quoting; negative for a tailwind allowance."
    )
    fuel_burn_per_hour = models.PositiveIntegerField(null=True, blank=True, help_text="Pounds per hour.")
    mtow = models.PositiveIntegerField("MTOW", null=True, blank=True, help_text="Pounds.")
    mlw = models.PositiveIntegerField("MLW", null=True, blank=True, help_text="Pounds.")
    mzfw = models.PositiveIntegerField("MZFW", null=True, blank=True, help_text="Pounds.")
    basic_empty_weight = models.PositiveIntegerField(null=True, blank=True, help_text="Pounds.")
    basic_empty_arm = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, help_text="Inches aft of datum."
    )
    registration_country = models.CharField(max_length=2, default="US", validators=[country_validator])
    registration_expires_on = models.DateField(null=True, blank=True)
    insurance_policy = models.CharField(max_length=60, blank=True)
    insurance_expires_on = models.DateField(null=True, blank=True)
    airworthiness_expires_on = models.DateField(null=True, blank=True)
    total_hours = models.DecimalField(
        max_digits=9, decimal_places=1, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    total_cycles = models.PositiveIntegerField(default=0)
    min_crew = models.PositiveSmallIntegerField(
        choices=AircraftMinCrew.choices, default=AircraftMinCrew.TWO_PILOTS
    )
    is_active = models.BooleanField(default=True, help_text="On the operator's certificate (not inactive).")

    objects = AircraftQuerySet.as_manager()

    scoped_sees_all: ClassVar[bool] = True

    class Meta:
        verbose_name_plural = "aircraft"
        ordering = ["tail_number"]
        indexes = [models.Index(fields=["category", "status"], name="fleet_aircraft_cat_status")]
        permissions = [
            ("view_aircraft_operations", "Can view aircraft schedules, maintenance and documents"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(seating_capacity__gt=0),
                name="fleet_aircraft_seats_positive",
                violation_error_message="An aircraft has at least one passenger seat.",
            ),
            models.CheckConstraint(
                condition=Q(range_nautical_miles__gt=0),
                name="fleet_aircraft_range_positive",
                violation_error_message="The range must be above zero.",
            ),
            models.CheckConstraint(
                condition=Q(cruise_speed__gt=0) & Q(cruise_speed__gt=F("wind_allowance_knots")),
                name="fleet_aircraft_effective_speed_positive",
                violation_error_message="Cruise speed minus the wind allowance must be above zero.",
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate__gte=0) & Q(positioning_rate__gte=0),
                name="fleet_aircraft_rates_non_negative",
                violation_error_message="Rates cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(daily_minimum_hours__gte=0),
                name="fleet_aircraft_daily_minimum_non_negative",
                violation_error_message="The daily minimum cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(routing_factor__gte=1) & Q(routing_factor__lte=2),
                name="fleet_aircraft_routing_factor_1_2",
                violation_error_message="The routing factor is between 1 and 2.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1950) & Q(year__lte=2100),
                name="fleet_aircraft_year_range",
                violation_error_message="The year of manufacture is between 1950 and 2100.",
            ),
            models.CheckConstraint(
                condition=Q(total_hours__gte=0),
                name="fleet_aircraft_hours_non_negative",
                violation_error_message="Total hours cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(min_crew__in=[1, 2]),
                name="fleet_aircraft_min_crew_1_2",
                violation_error_message="The minimum crew is one or two pilots.",
            ),
            models.CheckConstraint(
                condition=Q(mzfw__isnull=True) | Q(mlw__isnull=True) | Q(mzfw__lte=F("mlw")),
                name="fleet_aircraft_mzfw_le_mlw",
                violation_error_message="MZFW cannot exceed MLW.",
            ),
            models.CheckConstraint(
                condition=Q(mlw__isnull=True) | Q(mtow__isnull=True) | Q(mlw__lte=F("mtow")),
                name="fleet_aircraft_mlw_le_mtow",
                violation_error_message="MLW cannot exceed MTOW.",
            ),
            models.CheckConstraint(
                condition=Q(basic_empty_weight__isnull=True)
                | Q(mzfw__isnull=True)
                | Q(basic_empty_weight__lt=F("mzfw")),
                name="fleet_aircraft_bew_lt_mzfw",
                violation_error_message="The basic empty weight must be below MZFW.",
            ),
            models.CheckConstraint(
                condition=(Q(is_active=True) & ~Q(status=AircraftStatus.INACTIVE))
                | (Q(is_active=False) & Q(status=AircraftStatus.INACTIVE)),
                name="fleet_aircraft_active_matches_status",
                violation_error_message="An aircraft is inactive exactly when its status is inactive.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tail_number} ({self.model})"

    @property
    def in_service(self) -> bool:
        """On the certificate and not grounded, whatever the window (``AircraftQuerySet.in_service``)."""
        return self.is_active and self.status not in UNAVAILABLE_STATUSES

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        next_year = timezone.now().year + 1
        if self.year and self.year > next_year:
            errors.setdefault("year", []).append(f"The year of manufacture cannot be after {next_year}.")
        if not _is_label_list(self.amenities):
            errors.setdefault("amenities", []).append("A list of distinct labels of 1 to 60 characters.")
        if not _is_url_list(self.photos):
            errors.setdefault("photos", []).append("A list of http(s) image URLs.")
        for name in ("interior_config", "maintenance_schedule", "insurance_info"):
            if not isinstance(getattr(self, name), dict):
                errors.setdefault(name, []).append("An object.")
        if errors:
            raise ValidationError(errors)


def _is_label_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and all(isinstance(v, str) and 0 < len(v.strip()) <= 60 for v in value)
        and len({v.strip().casefold() for v in value}) == len(value)
    )


def _is_url_list(value: Any) -> bool:
    if not isinstance(value, list):
        return False
    validate = URLValidator(schemes=["http", "https"])
    for item in value:
        if not isinstance(item, str):
            return False
        try:
            validate(item)
        except ValidationError:
            return False
    return True


class AircraftDocument(BaseModel):
    """A certificate or policy of an aircraft (registration, insurance, airworthiness…).

    The latest expiry of each kind is copied onto the aircraft's ``*_expires_on`` fields by
    ``fleet.services``; operations are e-mailed before it expires
    (``fleet.tasks.aircraft_document_expiry_alerts_task``).
    """

    aircraft = models.ForeignKey(Aircraft, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=16, choices=AircraftDocumentKind.choices)
    number = models.CharField(max_length=60, blank=True, help_text="Certificate or policy number.")
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True, db_index=True, help_text="Empty: does not expire.")
    file = models.FileField(upload_to="fleet/documents/%Y/", blank=True)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["aircraft", "kind", "-expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gt=F("issued_on")),
                name="fleet_document_expires_after_issue",
                violation_error_message="A document expires after it was issued.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aircraft.tail_number} {self.get_kind_display()} {self.number}".strip()

    def days_to_expiry(self, today: date | None = None) -> int | None:
        if self.expires_on is None:
            return None
        return (self.expires_on - (today or timezone.localdate())).days


class AircraftDocumentAlert(BaseModel):
    """One expiry alert sent for one document: the unique (document, expiry date, days
    before) makes the alert task idempotent. The expiry date is part of the key so that a
    renewed document (new ``expires_on``) is alerted again at each threshold."""

    document = models.ForeignKey(AircraftDocument, on_delete=models.CASCADE, related_name="alerts")
    expires_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "expires_on", "days_before"],
                name="fleet_document_alert_once",
                violation_error_message="This alert was already sent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} — {self.days_before} days before {self.expires_on}"


class Blackout(BaseModel):
    """A period in which an aircraft cannot be booked (maintenance, owner use, AOG…).

    ``fleet.services.blackout_add`` keeps blackouts of one aircraft from overlapping: a new
    one overlapping one of the same kind extends it (recorded in its history), one of another
    kind is refused. Times are UTC; ``end`` is exclusive and after ``start``.
    """

    aircraft = models.ForeignKey(Aircraft, on_delete=models.PROTECT, related_name="blackouts")
    start = models.DateTimeField()
    end = models.DateTimeField()
    kind = models.CharField(max_length=12, choices=BlackoutKind.choices)
    reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["aircraft", "start"]
        indexes = [models.Index(fields=["aircraft", "start", "end"], name="fleet_blackout_window")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="fleet_blackout_end_after_start",
                violation_error_message="A blackout ends after it starts.",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M}"
        return f"{self.aircraft.tail_number} {self.get_kind_display()} {period}"


class AircraftStatusChange(BaseModel):
    """An event on the aircraft's timeline: its status went from ``from_status`` to
    ``to_status`` at ``at``, by ``actor`` (None: the system), for ``reason``. Written only by
    ``fleet.services.aircraft_status_change`` (and ``aircraft_create`` for the first status)."""

    aircraft = models.ForeignKey(Aircraft, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=AircraftStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=AircraftStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["aircraft", "-at", "-id"]
        indexes = [models.Index(fields=["aircraft", "at"], name="fleet_status_change_at")]

    def __str__(self) -> str:
        return f"{self.aircraft.tail_number}: {self.from_status or '—'} → {self.to_status}"
