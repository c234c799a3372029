"""Maintenance: inspection programs and their tasks, airworthiness directives, the items each
aircraft tracks (with their stored due points), compliance records (sign-offs), work orders,
squawks and MEL deferrals, vendors, parts, time corrections and the alert log.

Rules: docs/rules.md#maintenance. Writes go through ``maintenance.services``; the due points
stored on ``TrackedItem`` are computed by the pure ``maintenance.due`` and refreshed by the
writes that change them (sign-off, program applied, directive applied), so the due list never
reads an aircraft's history.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from fleet.models import Aircraft, currency_validator, type_designator_validator
from jetops.models import BaseModel
from maintenance.choices import (
    AlertKind,
    MelCategory,
    ProgramKind,
    SquawkSeverity,
    SquawkStatus,
    WorkOrderStatus,
)
from maintenance.due import DuePoint, Interval

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class Vendor(BaseModel):
    """A repair station or service provider, with its certificate (e.g. a Part 145 repair
    station certificate) and when it expires."""

    name = models.CharField(max_length=120, unique=True)
    certificate_number = models.CharField(max_length=60, blank=True)
    certificate_expires_on = models.DateField(null=True, blank=True)
    approvals = models.CharField(max_length=300, blank=True, help_text="Ratings and approvals held.")
    contact_name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Program(BaseModel):
    """A maintenance program: a set of tasks with intervals. The 91.409 annual + 100-hour pair
    is a preset (``maintenance.services.program_preset_91_409``); an approved inspection
    program (135.419) is just a program with its own tasks. Applied to aircraft by
    ``maintenance.services.program_apply`` (one ``TrackedItem`` per task and aircraft)."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=ProgramKind.choices, default=ProgramKind.APPROVED)
    aircraft_type = models.CharField(
        max_length=4,
        blank=True,
        validators=[type_designator_validator],
        help_text="ICAO type designator the program is written for (empty: any).",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Directive(BaseModel):
    """An airworthiness directive: number, revision, applicability, method of compliance,
    one-time or recurring (its limits are those of its ``Task``), terminating action. Each
    compliance is a ``ComplianceRecord`` (91.417(a)(2)(v))."""

    number = models.CharField("AD number", max_length=30, unique=True)
    revision = models.CharField(max_length=20, blank=True)
    revision_date = models.DateField()
    effective_on = models.DateField()
    subject = models.CharField(max_length=200)
    applicability = models.JSONField(
        default=list, blank=True, help_text="ICAO type designators the AD applies to (empty: by listing)."
    )
    method_of_compliance = models.TextField()
    recurring = models.BooleanField(default=False)
    terminating_action = models.TextField(blank=True, help_text="The action that ends the repeats, if any.")

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"AD {self.number}"


class Task(BaseModel):
    """A task with one or more limits, combined whichever first (or ``whichever_later``),
    with tolerances and warning margins (docs/rules.md#maintenance). It belongs to a program,
    or carries a directive's compliance limits (one-time: the time allowed from the AD's
    effective date; recurring: the repeat interval)."""

    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    directive = models.OneToOneField(
        Directive, null=True, blank=True, on_delete=models.PROTECT, related_name="task"
    )
    code = models.CharField(max_length=40, help_text="The program's reference, e.g. 05-20-01.")
    title = models.CharField(max_length=200)
    interval_hours = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(Decimal("0.1"))]
    )
    interval_cycles = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    interval_days = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    interval_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    whichever_later = models.BooleanField(default=False, help_text="Due when every limit is reached.")
    tolerance_hours = models.DecimalField(max_digits=6, decimal_places=1, default=0, validators=NON_NEGATIVE)
    tolerance_cycles = models.PositiveIntegerField(default=0)
    tolerance_days = models.PositiveIntegerField(default=0)
    warn_hours = models.DecimalField(max_digits=6, decimal_places=1, default=10, validators=NON_NEGATIVE)
    warn_cycles = models.PositiveIntegerField(default=10)
    warn_days = models.PositiveIntegerField(default=30)
    requires_overhaul = models.BooleanField(
        default=False, help_text="An overhaul: the 91.417 report shows the time since it."
    )

    class Meta:
        ordering = ["program", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_hours__isnull=False)
                | Q(interval_cycles__isnull=False)
                | Q(interval_days__isnull=False)
                | Q(interval_months__isnull=False),
                name="maintenance_task_has_a_limit",
                violation_error_message="A task has at least one limit: hours, cycles, days or months.",
            ),
            models.CheckConstraint(
                condition=Q(program__isnull=False) | Q(directive__isnull=False),
                name="maintenance_task_program_or_directive",
                violation_error_message="A task belongs to a program or carries a directive's limits.",
            ),
            models.UniqueConstraint(
                fields=["program", "code"],
                name="maintenance_task_code_unique",
                violation_error_message="The program already has a task with this code.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def interval(self) -> Interval:
        return Interval(
            hours=self.interval_hours,
            cycles=self.interval_cycles,
            days=self.interval_days,
            months=self.interval_months,
            tolerance_hours=self.tolerance_hours,
            tolerance_cycles=self.tolerance_cycles,
            tolerance_days=self.tolerance_days,
            warn_hours=self.warn_hours,
            warn_cycles=self.warn_cycles,
            warn_days=self.warn_days,
            whichever_later=self.whichever_later,
        )


class TrackedItemQuerySet(models.QuerySet["TrackedItem"]):
    def live(self) -> TrackedItemQuerySet:
        """Items still tracked (not ended by a directive's terminating action)."""
        return self.filter(terminated=False)


class TrackedItem(BaseModel):
    """One task tracked on one aircraft: when it was last done and its due point (the last
    hours, cycles and day it may be flown), stored by the writes that change them."""

    aircraft = models.ForeignKey(Aircraft, on_delete=models.PROTECT, related_name="tracked_items")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="tracked_items")
    last_done_on = models.DateField(null=True, blank=True)
    last_done_hours = models.DecimalField(max_digits=9, decimal_places=1, null=True, blank=True)
    last_done_cycles = models.PositiveIntegerField(null=True, blank=True)
    due_hours = models.DecimalField(max_digits=9, decimal_places=1, null=True, blank=True)
    due_cycles = models.PositiveIntegerField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    whichever_later = models.BooleanField(
        default=False, help_text="Copied from the task, so blocking stays one SQL condition."
    )
    terminated = models.BooleanField(default=False, help_text="Ended by a terminating action.")

    objects = TrackedItemQuerySet.as_manager()

    class Meta:
        ordering = ["aircraft", "due_on", "id"]
        permissions = [
            ("sign_off_trackeditem", "Can sign off maintenance (return to service)"),
            ("view_maintenance_reports", "Can view the 91.417 records report and the SDR export"),
        ]
        indexes = [
            models.Index(fields=["aircraft", "terminated"], name="maint_item_aircraft"),
            models.Index(fields=["due_on"], name="maint_item_due_on"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["aircraft", "task"],
                name="maintenance_item_once_per_aircraft",
                violation_error_message="This aircraft already tracks this task.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aircraft.tail_number} {self.task}"

    @property
    def due_point(self) -> DuePoint:
        return DuePoint(hours=self.due_hours, cycles=self.due_cycles, on=self.due_on)


class Squawk(BaseModel):
    """A discrepancy found on an aircraft, raised by crew (on an aircraft they are assigned
    to) or staff. Grounding until fixed, or deferred under the MEL until ``deferred_until``
    (the last day it may be flown, docs/rules.md#maintenance); reportable ones go into the
    Service Difficulty Report export (135.415)."""

    aircraft = models.ForeignKey(Aircraft, on_delete=models.PROTECT, related_name="squawks")
    description = models.TextField()
    severity = models.CharField(max_length=12, choices=SquawkSeverity.choices)
    status = models.CharField(
        max_length=10, choices=SquawkStatus.choices, default=SquawkStatus.OPEN, db_index=True
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    discovered_on = models.DateField(default=timezone.localdate)
    ata_chapter = models.CharField("ATA chapter", max_length=8, blank=True)
    mel_item = models.CharField("MEL item", max_length=30, blank=True)
    mel_category = models.CharField(max_length=1, choices=MelCategory.choices, blank=True)
    mel_interval_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Category A: the interval in the MEL remarks (days)."
    )
    deferred_until = models.DateField(null=True, blank=True, help_text="The last day it may be flown.")
    work_order = models.ForeignKey(
        "WorkOrder", null=True, blank=True, on_delete=models.SET_NULL, related_name="squawks"
    )
    corrective_action = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reportable = models.BooleanField(default=False, help_text="A Service Difficulty Report (135.415).")
    part_name = models.CharField(max_length=120, blank=True)
    part_number = models.CharField(max_length=60, blank=True)
    part_condition = models.CharField(max_length=120, blank=True)
    stage_of_operation = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["aircraft", "status"], name="maint_squawk_open")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=SquawkStatus.DEFERRED)
                | (Q(deferred_until__isnull=False) & ~Q(mel_category="")),
                name="maintenance_squawk_deferral_complete",
                violation_error_message="A deferred squawk has its MEL category and expiry.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aircraft.tail_number}: {self.description[:60]}"


class WorkOrder(BaseModel):
    """Maintenance work on one aircraft: tracked items to sign off and squawks to fix, with a
    vendor, planned start and end (the aircraft's schedule shows it as blocked, docs/rules.md
    #maintenance), labour, parts and costs. Closing it signs its items off
    (``maintenance.services.work_order_close``)."""

    number = models.CharField(max_length=20, unique=True)
    aircraft = models.ForeignKey(Aircraft, on_delete=models.PROTECT, related_name="work_orders")
    title = models.CharField(max_length=200)
    vendor = models.ForeignKey(Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    planned_start = models.DateTimeField()
    planned_end = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=WorkOrderStatus.choices, default=WorkOrderStatus.PLANNED, db_index=True
    )
    items = models.ManyToManyField(TrackedItem, blank=True, related_name="work_orders")
    labour_hours = models.DecimalField(max_digits=8, decimal_places=1, default=0, validators=NON_NEGATIVE)
    labour_cost = models.DecimalField(max_digits=12, decimal_places=2, default=0, validators=NON_NEGATIVE)
    other_cost = models.DecimalField(max_digits=12, decimal_places=2, default=0, validators=NON_NEGATIVE)
    budget = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-planned_start", "-id"]
        indexes = [models.Index(fields=["aircraft", "planned_start", "planned_end"], name="maint_wo_window")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=F("planned_start")),
                name="maintenance_work_order_end_after_start",
                violation_error_message="A work order ends after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.aircraft.tail_number}"


class ComplianceRecord(BaseModel):
    """A sign-off of a tracked item (91.417(a)(1)): what was done, when, at which aircraft
    hours and cycles, by whom and under which certificate; for a directive, the method of
    compliance used and whether it was the terminating action."""

    item = models.ForeignKey(TrackedItem, on_delete=models.PROTECT, related_name="compliance")
    work_order = models.ForeignKey(
        WorkOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="compliance"
    )
    done_on = models.DateField()
    hours = models.DecimalField(max_digits=9, decimal_places=1, validators=NON_NEGATIVE)
    cycles = models.PositiveIntegerField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField(max_length=120)
    certificate_number = models.CharField(max_length=40)
    method = models.TextField(blank=True, help_text="Method of compliance (directives).")
    terminating = models.BooleanField(default=False)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-done_on", "-id"]

    def __str__(self) -> str:
        return f"{self.item} signed {self.done_on}"


class Part(BaseModel):
    """A part in stock at a location: quantity, minimum stock (reorder below it), unit cost,
    and for a serialised life-limited part its limits and use so far."""

    part_number = models.CharField(max_length=60)
    description = models.CharField(max_length=200)
    serial_number = models.CharField(max_length=60, blank=True)
    location = models.CharField(max_length=60)
    quantity = models.PositiveIntegerField(default=0)
    minimum_quantity = models.PositiveIntegerField(default=0)
    unit_cost = models.DecimalField(max_digits=12, decimal_places=2, default=0, validators=NON_NEGATIVE)
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    aircraft = models.ForeignKey(
        Aircraft, null=True, blank=True, on_delete=models.PROTECT, related_name="installed_parts"
    )
    life_limit_hours = models.DecimalField(max_digits=9, decimal_places=1, null=True, blank=True)
    life_limit_cycles = models.PositiveIntegerField(null=True, blank=True)
    life_limit_on = models.DateField(null=True, blank=True)
    hours_used = models.DecimalField(max_digits=9, decimal_places=1, default=0, validators=NON_NEGATIVE)
    cycles_used = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["part_number", "location", "serial_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["part_number", "serial_number", "location"],
                name="maintenance_part_once_per_location",
                violation_error_message="This part is already stocked at this location.",
            ),
        ]

    def __str__(self) -> str:
        serial = f" S/N {self.serial_number}" if self.serial_number else ""
        return f"P/N {self.part_number}{serial} @ {self.location}"


class PartUsage(BaseModel):
    """Parts a work order consumed, at the unit cost when taken from stock."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="parts_used")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="usages")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_cost = models.DecimalField(max_digits=12, decimal_places=2, validators=NON_NEGATIVE)

    class Meta:
        ordering = ["work_order", "id"]

    def __str__(self) -> str:
        return f"{self.work_order.number}: {self.quantity} × {self.part.part_number}"


class TimeCorrection(BaseModel):
    """A correction of an aircraft's total hours or cycles, with its reason (the running
    totals otherwise grow only from completed flights' actual block times and landings)."""

    aircraft = models.ForeignKey(Aircraft, on_delete=models.PROTECT, related_name="time_corrections")
    hours_delta = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    cycles_delta = models.IntegerField(default=0)
    hours_after = models.DecimalField(max_digits=9, decimal_places=1)
    cycles_after = models.PositiveIntegerField()
    reason = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["aircraft", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.aircraft.tail_number} {self.hours_delta:+} h {self.cycles_delta:+} cycles"


class MaintenanceAlert(BaseModel):
    """One alert sent (due soon, overdue, MEL expiry, low stock, vendor certificate): the
    unique ``key`` names the thing and the threshold, so the daily task sends each once."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    aircraft = models.ForeignKey(Aircraft, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=300)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.message
