"""Maintenance as an occupancy provider of the fleet (``fleet.occupancy``) and as a leg
check (``fleet.airworthiness``), registered by ``MaintenanceConfig.ready()``, so every screen
that asks fleet whether an aircraft is free (availability search, quoting, booking,
alternatives, the schedule) sees maintenance (docs/rules.md#maintenance):

- an open work order occupies its aircraft over its planned period (a blackout on the
  schedule);
- an overdue tracked item (task or directive), an open grounding squawk, or an expired MEL
  deferral grounds the aircraft from the moment it happened, open-ended, until a sign-off,
  a fix or a closure ends it;
- a planned leg that would take the aircraft past a due point (its scheduled flights before
  the leg included) is refused, naming the task.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from fleet.airworthiness import PlannedLeg, register_leg_check, register_overview_section
from fleet.models import Aircraft
from fleet.occupancy import OccupancyEntry, register_occupancy
from maintenance import selectors
from maintenance.choices import SquawkStatus

PROVIDER = "maintenance"


def busy_aircraft(start: datetime, end: datetime) -> QuerySet[Any]:
    """Ids of aircraft grounded by maintenance, or in a work order, at some time in ``[start, end)``."""
    return Aircraft.objects.filter(
        Q(pk__in=selectors.overdue_items(end).values("aircraft_id"))
        | Q(pk__in=selectors.grounding_squawks(end).values("aircraft_id"))
        | Q(pk__in=selectors.planned_work_orders(start, end).values("aircraft_id"))
    ).values("pk")


def _item_entries(aircraft_ids: Collection[int], end: datetime, now: datetime) -> Iterator[OccupancyEntry]:
    items = (
        selectors.overdue_items(end)
        .filter(aircraft_id__in=aircraft_ids)
        .select_related("aircraft", "task__directive")
    )
    for item in items:
        label = selectors.item_label(item)
        yield OccupancyEntry(
            aircraft_id=item.aircraft_id,
            kind="maintenance_due",
            start=selectors.item_blocked_from(item, now),
            end=None,
            title=f"{label} overdue",
            ref=f"item:{item.pk}",
            detail={
                "item": item.pk,
                "task": label,
                "due_hours": str(item.due_hours) if item.due_hours is not None else None,
                "due_cycles": item.due_cycles,
                "due_on": item.due_on.isoformat() if item.due_on else None,
            },
        )


def _squawk_entries(aircraft_ids: Collection[int], end: datetime) -> Iterator[OccupancyEntry]:
    for squawk in selectors.grounding_squawks(end).filter(aircraft_id__in=aircraft_ids):
        until = squawk.deferred_until if squawk.status == SquawkStatus.DEFERRED else None
        deferred = until is not None
        yield OccupancyEntry(
            aircraft_id=squawk.aircraft_id,
            kind="squawk",
            start=selectors.day_start(until + timedelta(days=1)) if until is not None else squawk.raised_at,
            end=None,
            title=("MEL deferral expired: " if deferred else "Grounding squawk: ") + squawk.description[:60],
            ref=f"squawk:{squawk.pk}",
            detail={"squawk": squawk.pk, "status": squawk.status, "mel_category": squawk.mel_category},
        )


def maintenance_entries(
    aircraft_ids: Collection[int], start: datetime, end: datetime, exclude: Collection[Any]
) -> Iterator[OccupancyEntry]:
    """Work orders overlapping ``[start, end)`` and what grounds the aircraft by ``end``."""
    now = timezone.now()
    orders = (
        selectors.planned_work_orders(start, end)
        .filter(aircraft_id__in=aircraft_ids)
        .exclude(pk__in=[ref for ref in exclude if isinstance(ref, int)])
    )
    for order in orders:
        yield OccupancyEntry(
            aircraft_id=order.aircraft_id,
            kind="work_order",
            start=order.planned_start,
            end=order.planned_end,
            title=f"Maintenance {order.number}: {order.title}",
            ref=order.pk,
            detail={"work_order": order.number, "status": order.status},
        )
    yield from _item_entries(aircraft_ids, end, now)
    yield from _squawk_entries(aircraft_ids, end)


def leg_check(aircraft: Aircraft, leg: PlannedLeg) -> list[dict[str, Any]]:
    return selectors.items_passed(aircraft, leg.departure_at, leg.arrival_at, exclude=leg.exclude)


def register() -> None:
    register_occupancy(PROVIDER, busy=busy_aircraft, entries=maintenance_entries)
    register_leg_check(PROVIDER, leg_check)
    register_overview_section(PROVIDER, selectors.maintenance_overview)
