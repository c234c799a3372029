"""Crew: members with their qualifications (stored as rows so they can be queried), flown
experience, recorded duties, availability, flight assignments, the dated legality rule
parameters and the expiry alerts sent.

Expiry dates are never stored: ``crew.qualifications`` computes them from exam and check
dates with ``crew.expiries``. Writes go through ``crew.services``.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from crew.choices import (
    AvailabilityKind,
    CrewRole,
    DutyKind,
    ExperienceSource,
    LicenseKind,
    Position,
    RatingRole,
    TrainingKind,
)
from crew.legality import Rules
from fleet.models import AirportField, type_designator_validator
from jetops.fields import EncryptedJSONField
from jetops.models import BaseModel


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CrewMember(BaseModel):
    """A pilot or flight attendant. ``user`` is the Crew-role login that may read this record
    (and only this one) in self-service; ``calendar_token`` is the secret of its iCal feed."""

    employee_id = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=150)
    position = models.CharField(max_length=20, choices=Position.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crew_member",
    )
    date_of_birth = models.DateField(help_text="Needed for medical certificate durations (61.23(d)).")
    home_base = AirportField()
    contact_info = models.JSONField(default=dict, blank=True, help_text='{"email", "phone", "address"}')
    emergency_contact = EncryptedJSONField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token, editable=False)
    notes = models.TextField(blank=True)

    crew_path = ""  # the record itself: its ``user`` reads it

    class Meta:
        ordering = ["name", "id"]
        permissions = [
            ("override_legality", "Can override crew legality violations (with a reason and step-up)"),
            ("reset_calendar", "Can issue a new secret calendar URL"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_id})"

    @property
    def email(self) -> str:
        return str((self.contact_info or {}).get("email") or (self.user.email if self.user else "") or "")

    @property
    def is_pilot(self) -> bool:
        return self.position != Position.FLIGHT_ATTENDANT


class License(BaseModel):
    crew_member = models.ForeignKey(CrewMember, on_delete=models.CASCADE, related_name="licenses")
    kind = models.CharField(max_length=20, choices=LicenseKind.choices)
    number = models.CharField(max_length=40)
    authority = models.CharField(max_length=40, default="FAA")
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True, help_text="Empty for licences that do not expire.")

    crew_path = "crew_member"

    class Meta:
        ordering = ["crew_member", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gt=F("issued_on")),
                name="crew_license_expires_after_issue",
                violation_error_message="A licence expires after it is issued.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class TypeRating(BaseModel):
    """The highest seat the crew member may take on an aircraft type (PIC also allows SIC)."""

    crew_member = models.ForeignKey(CrewMember, on_delete=models.CASCADE, related_name="ratings")
    aircraft_type = models.CharField(max_length=4, validators=[type_designator_validator])
    role = models.CharField(max_length=3, choices=RatingRole.choices)

    crew_path = "crew_member"

    class Meta:
        ordering = ["crew_member", "aircraft_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["crew_member", "aircraft_type"],
                name="crew_one_rating_per_type",
                violation_error_message="One rating per aircraft type.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.aircraft_type} {self.role}"

    def clean(self) -> None:
        super().clean()
        if self.crew_member_id and self.crew_member.position == Position.FLIGHT_ATTENDANT:
            raise ValidationError("Flight attendants hold no type ratings.")


class MedicalCertificate(BaseModel):
    """A medical exam; the most recent one is the crew member's medical."""

    crew_member = models.ForeignKey(CrewMember, on_delete=models.CASCADE, related_name="medicals")
    medical_class = models.PositiveSmallIntegerField(
        choices=[(1, "First class"), (2, "Second class"), (3, "Third class")]
    )
    exam_date = models.DateField()

    crew_path = "crew_member"

    class Meta:
        ordering = ["crew_member", "-exam_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["crew_member", "exam_date"],
                name="crew_one_medical_per_day",
                violation_error_message="One medical exam per day.",
            ),
            models.CheckConstraint(
                condition=Q(medical_class__in=[1, 2, 3]),
                name="crew_medical_class_1_3",
                violation_error_message="The medical class is 1, 2 or 3.",
            ),
        ]

    def __str__(self) -> str:
        return f"Class {self.medical_class} medical of {self.exam_date}"

    def clean(self) -> None:
        super().clean()
        if self.exam_date and self.exam_date > timezone.localdate():
            raise ValidationError({"exam_date": "An exam date cannot be in the future."})
        if self.exam_date and self.crew_member_id and self.exam_date < self.crew_member.date_of_birth:
            raise ValidationError({"exam_date": "The medical exam is before the date of birth."})


class TrainingRecord(BaseModel):
    """A completed check or training event; validity is computed from every completion."""

    crew_member = models.ForeignKey(CrewMember, on_delete=models.CASCADE, related_name="training")
    kind = models.CharField(max_length=30, choices=TrainingKind.choices)
    completed_on = models.DateField()

    crew_path = "crew_member"

    class Meta:
        ordering = ["crew_member", "kind", "-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["crew_member", "kind", "completed_on"],
                name="crew_training_once_per_day",
                violation_error_message="This check is already recorded on that day.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.completed_on}"

    def clean(self) -> None:
        super().clean()
        if self.completed_on and self.completed_on > timezone.localdate():
            raise ValidationError({"completed_on": "A completion cannot be in the future."})


def _count_field(help_text: str = "") -> Any:
    return models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(99)], help_text=help_text
    )


class ExperienceRecord(BaseModel):
    """Flying done outside JetOps' own completed flights (simulator, previous employer…),
    counted toward recency (61.57 / 135.247) and instrument currency (61.57(c))."""

    crew_member = models.ForeignKey(CrewMember, on_delete=models.CASCADE, related_name="experience")
    date = models.DateField()
    aircraft_type = models.CharField(max_length=4, validators=[type_designator_validator])
    takeoffs = _count_field("All takeoffs, night ones included.")
    landings = _count_field("All landings, night ones included.")
    night_takeoffs = _count_field("Takeoffs between 1 h after sunset and 1 h before sunrise (61.57(b)).")
    night_landings = _count_field(
        "Full-stop landings between 1 h after sunset and 1 h before sunrise (61.57(b)); they "
        "count for day recency too."
    )
    approaches = _count_field("Instrument approaches (61.57(c)).")
    holding = _count_field("Holding procedures and tasks (61.57(c)).")
    intercepting_tracking = _count_field(
        "Intercepting and tracking courses through the use of navigational electronic systems (61.57(c))."
    )
    source = models.CharField(max_length=20, choices=ExperienceSource.choices)
    remarks = models.CharField(max_length=300, blank=True)

    crew_path = "crew_member"

    class Meta:
        ordering = ["crew_member", "-date", "id"]

    def __str__(self) -> str:
        return f"{self.aircraft_type} on {self.date} ({self.get_source_display()})"

    def clean(self) -> None:
        super().clean()
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": "Experience cannot be recorded for a future date."})
        counts = (
            self.takeoffs,
            self.landings,
            self.night_takeoffs,
            self.night_landings,
            self.approaches,
            self.holding,
            self.intercepting_tracking,
        )
        if not any(counts):
            raise ValidationError("Record at least one takeoff, landing or instrument task.")


def _block_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


class DutyPeriod(BaseModel):
    """A duty that is not one of the operator's flights: positioning, standby, training,
    office, or commercial flying elsewhere. ``flights`` holds the flights flown in it
    (training or other commercial flying) with their block-out and block-in times, so the
    135.267 windows see them where they were flown; ``overrun_minutes`` how far limits were
    exceeded for reasons beyond control (135.267(e))."""

    crew_member = models.ForeignKey(CrewMember, on_delete=models.CASCADE, related_name="duties")
    kind = models.CharField(max_length=20, choices=DutyKind.choices)
    report_at = models.DateTimeField()
    release_at = models.DateTimeField()
    flights = models.JSONField(
        default=list,
        blank=True,
        help_text='Flights flown in the duty, block to block: [{"block_out": "2025-03-03T07:05:00+00:00", '
        '"block_in": "2025-03-03T09:40:00+00:00"}].',
    )
    aircraft_type = models.CharField(max_length=4, blank=True, validators=[type_designator_validator])
    overrun_minutes = models.PositiveIntegerField(default=0)
    remarks = models.CharField(max_length=300, blank=True)

    crew_path = "crew_member"

    class Meta:
        ordering = ["crew_member", "report_at"]
        indexes = [models.Index(fields=["crew_member", "report_at", "release_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(release_at__gt=F("report_at")),
                name="crew_duty_release_after_report",
                violation_error_message="A duty is released after it is reported.",
            ),
            models.CheckConstraint(
                condition=Q(flights=[]) | Q(kind__in=[DutyKind.TRAINING, DutyKind.OTHER_COMMERCIAL]),
                name="crew_duty_flights_only_when_flying",
                violation_error_message="Only training and other commercial flying duties hold flights.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.report_at:%Y-%m-%d %H:%M}"

    @property
    def flight_times(self) -> list[tuple[datetime, datetime]]:
        """The flights as (block-out, block-in), in order (``clean`` guarantees the shape)."""
        times = [
            (_block_time(f.get("block_out")), _block_time(f.get("block_in"))) for f in self.flights or []
        ]
        return sorted((off, on) for off, on in times if off is not None and on is not None)

    @property
    def flight_minutes(self) -> int:
        return int(sum((on - off).total_seconds() for off, on in self.flight_times) // 60)

    def clean(self) -> None:
        super().clean()
        flights = self.flights or []
        shape = isinstance(flights, list) and all(
            isinstance(f, dict) and set(f) == {"block_out", "block_in"} for f in flights
        )
        if not shape:
            raise ValidationError({"flights": 'A list of {"block_out", "block_in"} pairs.'})
        if any(_block_time(f["block_out"]) is None or _block_time(f["block_in"]) is None for f in flights):
            raise ValidationError({"flights": "Block times are ISO 8601 date-times with an offset."})
        times = self.flight_times
        if any(on <= off for off, on in times):
            raise ValidationError({"flights": "A flight's block-in is after its block-out."})
        if (
            self.report_at
            and self.release_at
            and times
            and (times[0][0] < self.report_at or times[-1][1] > self.release_at)
        ):
            raise ValidationError({"flights": "Every flight lies inside the duty, from report to release."})
        if any(later[0] < earlier[1] for earlier, later in zip(times, times[1:], strict=False)):
            raise ValidationError({"flights": "Flights of one duty do not overlap."})
        if times and not self.aircraft_type:
            raise ValidationError({"aircraft_type": "Name the aircraft type flown."})


class CrewAvailability(BaseModel):
    """Days off, vacation, sickness (unavailable) and standby (a duty) for a period."""

    crew_member = models.ForeignKey(CrewMember, on_delete=models.CASCADE, related_name="availability")
    kind = models.CharField(max_length=10, choices=AvailabilityKind.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    remarks = models.CharField(max_length=300, blank=True)

    crew_path = "crew_member"

    class Meta:
        ordering = ["crew_member", "start"]
        verbose_name_plural = "crew availability"
        indexes = [models.Index(fields=["crew_member", "start", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="crew_availability_end_after_start",
                violation_error_message="A period ends after it starts.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


class CrewAssignment(BaseModel):
    """A crew member on a flight in a seat. An assignment made against a violation records
    the violations and the override reason."""

    flight = models.ForeignKey("flights.Flight", on_delete=models.CASCADE, related_name="crew_assignments")
    crew_member = models.ForeignKey(CrewMember, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=3, choices=CrewRole.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden = models.BooleanField(default=False)
    override_reason = models.CharField(max_length=300, blank=True)
    violations = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    overrun_minutes = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(24 * 60)],
        help_text="By how much this duty exceeded the flight time limits for reasons beyond "
        "control (135.267(e)), recorded after the flight; it decides the rest owed after it.",
    )
    overrun_reason = models.CharField(max_length=300, blank=True)
    pilot_flying = models.BooleanField(
        default=False,
        help_text="This pilot flew the leg (sole manipulator of the controls): its takeoffs and "
        "landings count toward their recency (61.57(a)). With no pilot flying recorded, the PIC "
        "is taken to have flown it.",
    )

    crew_path = "crew_member"
    # The crew's record of a client's flight: no data of the client, and the crew's own
    # (legality results) is not the client's to export.
    gdpr_erasure = "keep"
    gdpr_export = False

    class Meta:
        ordering = ["flight", "role", "id"]
        permissions = [("set_pilot_flying", "Can record which pilot flew a leg")]
        constraints = [
            models.UniqueConstraint(
                fields=["flight"],
                condition=Q(pilot_flying=True),
                name="crew_one_pilot_flying_per_flight",
                violation_error_message="Another pilot is already recorded as flying this leg.",
            ),
            models.CheckConstraint(
                condition=Q(pilot_flying=False) | Q(role__in=[CrewRole.PIC, CrewRole.SIC]),
                name="crew_pilot_flying_is_a_pilot",
                violation_error_message="Only a pilot can be the pilot flying.",
            ),
            models.UniqueConstraint(
                fields=["flight", "crew_member"],
                name="crew_assignment_once_per_flight",
                violation_error_message="This crew member is already on the flight.",
            ),
            models.UniqueConstraint(
                fields=["flight", "role"],
                condition=Q(role__in=[CrewRole.PIC, CrewRole.SIC]),
                name="crew_one_pilot_per_seat",
                violation_error_message="That seat is already taken.",
            ),
            models.CheckConstraint(
                condition=Q(overridden=False) | ~Q(override_reason=""),
                name="crew_override_has_reason",
                violation_error_message="An override needs a reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.crew_member} as {self.role} on {self.flight}"


def rule_parameter_names() -> list[str]:
    """The ``Rules`` fields a rule set's ``parameters`` may give (the time zone has its own
    field), in the engine's order."""
    return [name for name in Rules.__dataclass_fields__ if name != "calendar_tz"]


def _rule_value(key: str, value: Any) -> Any:
    """A checked JSON parameter as the ``Rules`` field holds it."""
    if key == "recency_roles":
        return frozenset(value)
    return int(value) if _whole_number(key) else value


def _whole_number(key: str) -> bool:
    """Whether the ``Rules`` field is annotated ``int`` (counts, months, days)."""
    return Rules.__dataclass_fields__[key].type in ("int", int)


class LegalityRuleSet(BaseModel):
    """Rule parameters in force from ``effective_from`` (the ``Rules`` defaults for any key
    not given; docs/rules.md#where-the-parameters-live). Operators under another regime, or
    after a rule change, add a new dated set."""

    name = models.CharField(max_length=120)
    effective_from = models.DateField(unique=True)
    parameters = models.JSONField(
        default=dict,
        blank=True,
        help_text='Overrides of the legality engine\'s Rules, e.g. {"quarter_flight_hours": 500}.',
    )
    calendar_time_zone = models.CharField(
        max_length=64, default="UTC", help_text="Time zone of calendar quarters and years."
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from})"

    def clean(self) -> None:
        super().clean()
        self.as_rules()

    def as_rules(self) -> Rules:
        params: Any = self.parameters or {}
        if not isinstance(params, dict):
            raise ValidationError({"parameters": "A JSON object of rule parameters."})
        unknown = sorted(set(params) - set(rule_parameter_names()))
        if unknown:
            raise ValidationError({"parameters": f"Unknown parameters: {', '.join(unknown)}."})
        for key, value in params.items():
            default = Rules.__dataclass_fields__[key].default
            if key == "recency_roles":
                if not isinstance(value, list) or not set(value) <= {"PIC", "SIC"}:
                    raise ValidationError({"parameters": "recency_roles is a list of PIC and SIC."})
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise ValidationError({"parameters": f"{key} must be true or false."})
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise ValidationError({"parameters": f"{key} must be a number."})
            elif _whole_number(key) and not float(value).is_integer():
                raise ValidationError({"parameters": f"{key} must be a whole number."})
        try:
            tz = ZoneInfo(self.calendar_time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError({"calendar_time_zone": "Unknown time zone."}) from exc
        values: dict[str, Any] = {k: _rule_value(k, v) for k, v in params.items()}
        try:
            return Rules(**values, calendar_tz=tz)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"parameters": str(exc)}) from exc


class CrewExpiryAlert(BaseModel):
    """One expiry alert sent: the unique (crew member, item, expiry, days before) makes the
    daily task idempotent; a renewal (new expiry date) is alerted again at each threshold."""

    crew_member = models.ForeignKey(CrewMember, on_delete=models.CASCADE, related_name="expiry_alerts")
    item = models.CharField(max_length=60)
    label = models.CharField(max_length=120)
    expires_on = models.DateField()
    days_before = models.SmallIntegerField(
        validators=[MinValueValidator(-1)], help_text="Days before the expiry; -1 once expired."
    )
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list, blank=True)

    crew_path = "crew_member"

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["crew_member", "item", "expires_on", "days_before"],
                name="crew_expiry_alert_once",
                violation_error_message="This alert was already sent.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} of {self.crew_member}: {self.days_before} days before {self.expires_on}"
