"""Work orders, parts used, squawks and MEL deferrals, vendors and parts (docs/rules.md#maintenance)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fleet.models import Aircraft
from fleet.selectors import aircraft_occupancy
from jetops.errors import Conflict
from jetops.models import User
from jetops.numbering import next_number
from jetops.permissions import has_global, user_can
from jetops.writes import apply_fields, save_validated
from maintenance import due
from maintenance import permissions as perms
from maintenance.choices import (
    OPEN_WORK_ORDER_STATUSES,
    MelCategory,
    SquawkSeverity,
    SquawkStatus,
    WorkOrderStatus,
)
from maintenance.models import (
    Part,
    PartUsage,
    Squawk,
    TrackedItem,
    Vendor,
    WorkOrder,
)
from maintenance.services.common import require, save_fields
from maintenance.services.programs import item_sign_off

VENDOR_FIELDS = (
    "name",
    "certificate_number",
    "certificate_expires_on",
    "approvals",
    "contact_name",
    "email",
    "phone",
)
PART_FIELDS = (
    "part_number",
    "description",
    "serial_number",
    "location",
    "quantity",
    "minimum_quantity",
    "unit_cost",
    "currency",
    "aircraft",
    "life_limit_hours",
    "life_limit_cycles",
    "life_limit_on",
    "hours_used",
    "cycles_used",
)
WORK_ORDER_FIELDS = (
    "title",
    "vendor",
    "planned_start",
    "planned_end",
    "labour_hours",
    "labour_cost",
    "other_cost",
    "budget",
    "currency",
    "notes",
)
SQUAWK_CREW_FIELDS = ("description", "severity", "ata_chapter", "discovered_on")
SQUAWK_FIELDS = (
    *SQUAWK_CREW_FIELDS,
    "reportable",
    "part_name",
    "part_number",
    "part_condition",
    "stage_of_operation",
    "corrective_action",
)
CREW_SQUAWK_WINDOW = timedelta(days=7)
"""A crew member may raise a squawk on an aircraft they are assigned to fly within a week
before or after now (docs/rules.md#maintenance)."""


# ---------------------------------------------------------------- work orders


def _check_items(aircraft: Aircraft, items: Iterable[TrackedItem], squawks: Iterable[Squawk]) -> None:
    errors: dict[str, list[str]] = {}
    if any(i.aircraft_id != aircraft.pk for i in items):
        errors["items"] = ["Every item must be tracked on the work order's aircraft."]
    if any(s.aircraft_id != aircraft.pk for s in squawks):
        errors["squawks"] = ["Every squawk must be on the work order's aircraft."]
    if errors:
        raise ValidationError(errors)


def _check_period(order: WorkOrder) -> None:
    """A work order cannot be planned over a booked flight of its aircraft."""
    occupancy = aircraft_occupancy(
        [order.aircraft], order.planned_start, order.planned_end, exclude={"maintenance": {order.pk}}
    )
    flights = [
        c
        for c in occupancy.conflicts(order.aircraft_id, order.planned_start, order.planned_end)
        if c["type"] in ("flight", "positioning")
    ]
    if flights:
        raise Conflict(
            f"{order.aircraft.tail_number} is booked during this work order.",
            "work_order_overlaps_flight",
            conflicts=flights,
        )


@transaction.atomic
def work_order_create(
    *,
    aircraft: Aircraft,
    actor: User | None,
    items: Iterable[TrackedItem] = (),
    squawks: Iterable[Squawk] = (),
    **data: Any,
) -> WorkOrder:
    """Open a work order on ``aircraft`` for ``items`` and ``squawks``, planned over a period
    in which the aircraft has no booked flight; the period then blocks it (docs/rules.md
    #maintenance)."""
    require(actor, perms.ADD_WORKORDER)
    items, squawks = list(items), list(squawks)
    _check_items(aircraft, items, squawks)
    order = WorkOrder(aircraft=aircraft, number=next_number("work_order", prefix="WO-"))
    apply_fields(order, data, WORK_ORDER_FIELDS)
    order.full_clean(exclude=["number"])
    _check_period(order)
    save_validated(order, actor)
    order.items.set(items)
    for squawk in squawks:
        squawk.work_order = order
        save_validated(squawk, actor, reason=f"in work order {order.number}")
    return order


@transaction.atomic
def work_order_update(
    *,
    work_order: WorkOrder,
    actor: User | None,
    items: Iterable[TrackedItem] | None = None,
    squawks: Iterable[Squawk] | None = None,
    status: str | None = None,
    **data: Any,
) -> WorkOrder:
    """Change an open work order: its data, items, squawks, or status (planned → in progress,
    or cancelled). Closing is ``work_order_close``."""
    require(actor, perms.CHANGE_WORKORDER, work_order)
    order = WorkOrder.objects.select_for_update(of=("self",)).select_related("aircraft").get(pk=work_order.pk)
    if order.status not in OPEN_WORK_ORDER_STATUSES:
        raise Conflict(f"A {order.status} work order cannot be changed.", "work_order_closed")
    if status is not None and status not in (
        WorkOrderStatus.IN_PROGRESS,
        WorkOrderStatus.CANCELLED,
        order.status,
    ):
        raise ValidationError({"status": ["In progress or cancelled (close it with its sign-off)."]})
    moved = any(k in data for k in ("planned_start", "planned_end"))
    apply_fields(order, data, WORK_ORDER_FIELDS)
    if status is not None:
        order.status = status
    if moved:
        order.full_clean()
        _check_period(order)
    save_validated(order, actor)
    if items is not None or squawks is not None:
        new_items = list(items) if items is not None else list(order.items.all())
        new_squawks = list(squawks) if squawks is not None else []
        _check_items(order.aircraft, new_items, new_squawks)
        if items is not None:
            order.items.set(new_items)
        for squawk in new_squawks:
            squawk.work_order = order
            save_validated(squawk, actor, reason=f"in work order {order.number}")
    return order


@transaction.atomic
def work_order_close(
    *,
    work_order: WorkOrder,
    actor: User | None,
    signer_name: str,
    certificate_number: str,
    done_on: date | None = None,
    hours: Decimal | None = None,
    cycles: int | None = None,
    corrective_action: str = "",
) -> WorkOrder:
    """Close a work order: sign off each of its items (``item_sign_off``, at the aircraft's
    current times unless given), close its squawks with the corrective action, and end the
    planned period now if it ran past it. The due list is recomputed by the sign-offs."""
    require(actor, perms.SIGN_OFF)
    order = WorkOrder.objects.select_for_update(of=("self",)).select_related("aircraft").get(pk=work_order.pk)
    if order.status not in OPEN_WORK_ORDER_STATUSES:
        raise Conflict(f"A {order.status} work order cannot be closed.", "work_order_closed")
    squawks = list(order.squawks.exclude(status=SquawkStatus.CLOSED))
    if squawks and not corrective_action.strip():
        raise ValidationError({"corrective_action": ["What was done about the squawks."]})
    for item in order.items.filter(terminated=False):
        item_sign_off(
            item=item,
            actor=actor,
            signer_name=signer_name,
            certificate_number=certificate_number,
            done_on=done_on,
            hours=hours,
            cycles=cycles,
            work_order=order,
        )
    for squawk in squawks:
        _squawk_closed(squawk, corrective_action, actor)
    now = timezone.now()
    order.status = WorkOrderStatus.CLOSED
    order.closed_at, order.closed_by = now, actor
    if order.planned_end > now > order.planned_start:
        order.planned_end = now
    save_validated(order, actor, reason=f"closed, signed by {signer_name} ({certificate_number})")
    return order


@transaction.atomic
def part_use(*, work_order: WorkOrder, part: Part, quantity: int, actor: User | None) -> PartUsage:
    """Take ``quantity`` of ``part`` from stock for an open work order, at its unit cost."""
    require(actor, perms.CHANGE_WORKORDER, work_order)
    if work_order.status not in OPEN_WORK_ORDER_STATUSES:
        raise Conflict(f"A {work_order.status} work order takes no more parts.", "work_order_closed")
    if quantity < 1:
        raise ValidationError({"quantity": ["At least 1."]})
    part = Part.objects.select_for_update().get(pk=part.pk)
    if part.quantity < quantity:
        raise Conflict(
            f"Only {part.quantity} of P/N {part.part_number} at {part.location}.",
            "insufficient_stock",
            available=part.quantity,
        )
    part.quantity -= quantity
    save_validated(part, actor, reason=f"used by {work_order.number}")
    usage = PartUsage(work_order=work_order, part=part, quantity=quantity, unit_cost=part.unit_cost)
    save_validated(usage, actor)
    return usage


# ---------------------------------------------------------------- squawks and MEL deferrals


def _crew_assigned(actor: User, aircraft: Aircraft) -> bool:
    from crew.models import CrewAssignment  # crew builds on flights; only this check needs it
    from flights.choices import FlightStatus

    now = timezone.now()
    return (
        CrewAssignment.objects.filter(
            crew_member__user=actor,
            flight__aircraft=aircraft,
            flight__departure_at__gte=now - CREW_SQUAWK_WINDOW,
            flight__departure_at__lte=now + CREW_SQUAWK_WINDOW,
        )
        .exclude(flight__status=FlightStatus.CANCELLED)
        .exists()
    )


@transaction.atomic
def squawk_raise(*, aircraft: Aircraft, actor: User | None, **data: Any) -> Squawk:
    """Record a discrepancy on ``aircraft``. Staff holding the permission over every aircraft
    may set every field; a crew member (the scoped permission) only the description,
    severity, ATA chapter and discovery date, and only on an aircraft they are assigned to
    fly within a week either side of now. A grounding squawk grounds the aircraft at once."""
    if actor is not None and not has_global(actor, perms.ADD_SQUAWK):
        if not user_can(actor, perms.ADD_SQUAWK) or not _crew_assigned(actor, aircraft):
            raise PermissionDenied("You may raise squawks only on an aircraft you are assigned to.")
        allowed: tuple[str, ...] = SQUAWK_CREW_FIELDS
    else:
        allowed = SQUAWK_FIELDS
    squawk = Squawk(aircraft=aircraft, raised_by=actor)
    apply_fields(squawk, data, allowed)
    if squawk.discovered_on > timezone.localdate():
        raise ValidationError({"discovered_on": ["Cannot be in the future."]})
    save_validated(squawk, actor)
    return squawk


@transaction.atomic
def squawk_update(*, squawk: Squawk, actor: User | None, **data: Any) -> Squawk:
    """Change an open squawk's description, SDR fields or severity."""
    require(actor, perms.CHANGE_SQUAWK, squawk)
    squawk = Squawk.objects.select_for_update().get(pk=squawk.pk)
    if squawk.status == SquawkStatus.CLOSED:
        raise Conflict("A closed squawk cannot be changed.", "squawk_closed")
    if squawk.status == SquawkStatus.DEFERRED and data.get("severity") == SquawkSeverity.GROUNDING:
        raise Conflict("A deferred squawk is deferrable; close the deferral first.", "squawk_deferred")
    return save_fields(squawk, data, SQUAWK_FIELDS, actor)


@transaction.atomic
def squawk_defer(
    *,
    squawk: Squawk,
    actor: User | None,
    mel_item: str,
    mel_category: str,
    mel_interval_days: int | None = None,
    today: date | None = None,
) -> Squawk:
    """Defer a deferrable squawk under the MEL: its last day is the discovery day plus the
    category's days, the day of discovery excluded (docs/rules.md#maintenance). A deferral
    that would already have expired is refused (the aircraft is grounded until it is fixed)."""
    require(actor, perms.CHANGE_SQUAWK, squawk)
    squawk = Squawk.objects.select_for_update().get(pk=squawk.pk)
    if squawk.status != SquawkStatus.OPEN:
        raise Conflict(f"A {squawk.status} squawk cannot be deferred.", "squawk_not_open")
    if squawk.severity != SquawkSeverity.DEFERRABLE:
        raise Conflict("A grounding squawk cannot be deferred.", "squawk_grounding")
    errors: dict[str, list[str]] = {}
    if mel_category not in MelCategory.values:
        errors["mel_category"] = [f"One of {', '.join(MelCategory.values)}."]
    if not mel_item.strip():
        errors["mel_item"] = ["The MEL item number."]
    if mel_category == MelCategory.A and not mel_interval_days:
        errors["mel_interval_days"] = ["Category A: the interval in the MEL remarks (days)."]
    if errors:
        raise ValidationError(errors)
    until = due.mel_expiry(mel_category, squawk.discovered_on, mel_interval_days)
    if until < (today or timezone.localdate()):
        raise Conflict(
            f"A category {mel_category} deferral of an item found on {squawk.discovered_on} "
            f"ended on {until}.",
            "deferral_expired",
            deferred_until=until.isoformat(),
        )
    squawk.mel_item, squawk.mel_category = mel_item.strip(), mel_category
    squawk.mel_interval_days = mel_interval_days if mel_category == MelCategory.A else None
    squawk.deferred_until = until
    squawk.status = SquawkStatus.DEFERRED
    save_validated(squawk, actor, reason=f"deferred under MEL {mel_item} (category {mel_category})")
    return squawk


def _squawk_closed(squawk: Squawk, corrective_action: str, actor: User | None) -> None:
    squawk.status = SquawkStatus.CLOSED
    squawk.corrective_action = corrective_action.strip()
    squawk.closed_at, squawk.closed_by = timezone.now(), actor
    save_validated(squawk, actor, reason="closed")


@transaction.atomic
def squawk_close(*, squawk: Squawk, actor: User | None, corrective_action: str) -> Squawk:
    """Close a squawk with the corrective action taken: it grounds the aircraft no more."""
    require(actor, perms.CHANGE_SQUAWK, squawk)
    squawk = Squawk.objects.select_for_update().get(pk=squawk.pk)
    if squawk.status == SquawkStatus.CLOSED:
        raise Conflict("This squawk is already closed.", "squawk_closed")
    if not corrective_action.strip():
        raise ValidationError({"corrective_action": ["What was done to fix it."]})
    _squawk_closed(squawk, corrective_action, actor)
    return squawk


# ---------------------------------------------------------------- vendors and parts


@transaction.atomic
def vendor_save(*, actor: User | None, vendor: Vendor | None = None, **data: Any) -> Vendor:
    return save_fields(vendor or Vendor(), data, VENDOR_FIELDS, actor)


@transaction.atomic
def part_save(*, actor: User | None, part: Part | None = None, **data: Any) -> Part:
    return save_fields(part or Part(), data, PART_FIELDS, actor)
