"""Reads of maintenance shared by the API, the admin, the occupancy provider and the tasks:
the due list of one aircraft or many (stored due points + the pure ``maintenance.due``),
what grounds an aircraft, open items, and the projection used to refuse a booking that
would be flown past a limit (docs/rules.md#maintenance)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from fleet.models import Aircraft
from flights.choices import FLOWN_FLIGHT_STATUSES, FlightStatus
from flights.models import Flight
from maintenance import due
from maintenance.choices import OPEN_WORK_ORDER_STATUSES, SquawkSeverity, SquawkStatus, WorkOrderStatus
from maintenance.models import (
    ComplianceRecord,
    PartUsage,
    Squawk,
    Task,
    TrackedItem,
    WorkOrder,
)

UTILISATION_DAYS = 90
"""The average daily utilisation behind the forecast covers the last 90 days."""

NOT_YET_COUNTED = (FlightStatus.SCHEDULED, FlightStatus.BOARDING, FlightStatus.DEPARTED)
"""Flights whose block time and landings are not in the aircraft's totals yet (added on arrival)."""


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def last_day_before(instant: datetime) -> date:
    """The last day that starts before ``instant``: a due date before it is passed by then."""
    return (instant - timedelta(microseconds=1)).astimezone(UTC).date()


# ---------------------------------------------------------------- what grounds an aircraft


def overdue_items(end: datetime) -> QuerySet[TrackedItem]:
    """Tracked items past their due point by ``end``: hours or cycles above the aircraft's
    totals now, or a due day ending before ``end`` (whichever first; with whichever later,
    every limit the item has)."""
    day = last_day_before(end)
    hours = Q(due_hours__lt=F("aircraft__total_hours"))
    cycles = Q(due_cycles__lt=F("aircraft__total_cycles"))
    on = Q(due_on__lt=day)
    first = Q(whichever_later=False) & (hours | cycles | on)
    later = (
        Q(whichever_later=True)
        & (hours | Q(due_hours__isnull=True))
        & (cycles | Q(due_cycles__isnull=True))
        & (on | Q(due_on__isnull=True))
    )
    return TrackedItem.objects.live().filter(first | later)


def grounding_squawks(end: datetime) -> QuerySet[Squawk]:
    """Open grounding squawks raised before ``end``, and deferrals whose last day ends before it."""
    day = last_day_before(end)
    return Squawk.objects.filter(
        Q(status=SquawkStatus.OPEN, severity=SquawkSeverity.GROUNDING, raised_at__lt=end)
        | Q(status=SquawkStatus.DEFERRED, deferred_until__lt=day)
    )


def planned_work_orders(start: datetime, end: datetime) -> QuerySet[WorkOrder]:
    """Open work orders whose planned period overlaps ``[start, end)``."""
    return WorkOrder.objects.filter(
        status__in=OPEN_WORK_ORDER_STATUSES, planned_start__lt=end, planned_end__gt=start
    )


def item_blocked_from(item: TrackedItem, now: datetime) -> datetime:
    """When an overdue item started to ground its aircraft: the day after its due day; an
    item past its hours or cycles grounds it from now (its totals passed the due point)."""
    aircraft = item.aircraft
    dates = []
    if item.due_on is not None:
        dates.append(day_start(item.due_on + timedelta(days=1)))
    past_use = (item.due_hours is not None and aircraft.total_hours > item.due_hours) or (
        item.due_cycles is not None and aircraft.total_cycles > item.due_cycles
    )
    if past_use:
        dates.append(now)
    if item.whichever_later:
        return max(dates) if dates else now
    return min(dates) if dates else now


def item_label(item: TrackedItem) -> str:
    task = item.task
    return str(task.directive) if task.directive_id else task.title


# ---------------------------------------------------------------- outlook and due list


class DueRow(NamedTuple):
    """One line of a due list (a named tuple: thousands per aircraft)."""

    item: int
    aircraft: int
    task: int
    code: str
    title: str
    directive: str | None
    last_done_on: date | None
    last_done_hours: Decimal | None
    last_done_cycles: int | None
    due: due.DuePoint
    evaluation: due.Evaluation

    def as_dict(self) -> dict[str, Any]:
        ev = self.evaluation
        return {
            "item": self.item,
            "task": self.task,
            "code": self.code,
            "title": self.title,
            "directive": self.directive,
            "last_done": {
                "on": _iso(self.last_done_on),
                "hours": _num(self.last_done_hours),
                "cycles": self.last_done_cycles,
            },
            "next_due": {"hours": _num(self.due.hours), "cycles": self.due.cycles, "on": _iso(self.due.on)},
            "remaining": {
                "hours": _num(ev.remaining_hours),
                "cycles": ev.remaining_cycles,
                "days": ev.remaining_days,
            },
            "status": ev.status,
            "forecast": _iso(ev.forecast),
        }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _num(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def outlooks(aircraft_ids: Collection[int], *, now: datetime | None = None) -> dict[int, due.Outlook]:
    """Each aircraft's ``Outlook``: its totals, its average daily use over the last 90 days
    (flown flights' block time and landings), and its scheduled flights as running totals.
    Three queries, whatever the number of aircraft."""
    now = now or timezone.now()
    today = now.astimezone(UTC).date()
    since = now - timedelta(days=UTILISATION_DAYS)
    totals = dict(
        (pk, (hours, cycles))
        for pk, hours, cycles in Aircraft.objects.filter(pk__in=aircraft_ids).values_list(
            "pk", "total_hours", "total_cycles"
        )
    )
    used: dict[int, tuple[float, float]] = {}
    for row in (
        Flight.objects.filter(
            aircraft_id__in=aircraft_ids,
            status__in=FLOWN_FLIGHT_STATUSES,
            actual_on_block__gte=since,
            actual_off_block__isnull=False,
        )
        .values("aircraft_id")
        .annotate(seconds=Sum(F("actual_on_block") - F("actual_off_block")), landings=Sum("landings"))
    ):
        seconds = row["seconds"].total_seconds() if row["seconds"] is not None else 0.0
        used[row["aircraft_id"]] = (
            seconds / 3600 / UTILISATION_DAYS,
            (row["landings"] or 0) / UTILISATION_DAYS,
        )
    scheduled: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for aircraft_id, departure_at, minutes in (
        Flight.objects.filter(
            aircraft_id__in=aircraft_ids,
            status__in=NOT_YET_COUNTED,
            departure_at__gte=now - timedelta(days=2),
        )
        .order_by("aircraft_id", "departure_at")
        .values_list("aircraft_id", "departure_at", "estimated_block_minutes")
    ):
        scheduled[aircraft_id].append((departure_at.astimezone(UTC).date(), minutes / 60))
    found = {}
    for pk, (hours, cycles) in totals.items():
        flights = scheduled.get(pk, [])
        cumulative_hours: list[float] = []
        running = 0.0
        for _, flight_hours in flights:
            running += flight_hours
            cumulative_hours.append(running)
        rate_hours, rate_cycles = used.get(pk, (0.0, 0.0))
        found[pk] = due.Outlook(
            today=today,
            hours=hours,
            cycles=cycles,
            hours_per_day=rate_hours,
            cycles_per_day=rate_cycles,
            flight_days=[day for day, _ in flights],
            cumulative_hours=cumulative_hours,
            cumulative_cycles=[float(n) for n in range(1, len(flights) + 1)],
        )
    return found


MARGIN_FIELDS = ("warn_hours", "warn_cycles", "warn_days", "whichever_later")
"""All ``due.evaluate`` reads of a task: its warning margins and how its limits combine."""


@lru_cache(maxsize=1024)
def _margins(warn_hours: Decimal, warn_cycles: int, warn_days: int, whichever_later: bool) -> due.Interval:
    """Shared between tasks with the same margins (a program of thousands has a handful)."""
    return due.Interval(
        warn_hours=warn_hours, warn_cycles=warn_cycles, warn_days=warn_days, whichever_later=whichever_later
    )


ITEM_COLUMNS = (
    "pk",
    "aircraft_id",
    "task_id",
    "last_done_on",
    "last_done_hours",
    "last_done_cycles",
    "due_hours",
    "due_cycles",
    "due_on",
)


def due_lists(
    aircraft_ids: Collection[int], *, now: datetime | None = None, status: str | None = None
) -> dict[int, list[DueRow]]:
    """The due list of each aircraft: every live tracked item with its last done, next due per
    limit, remaining, status and forecast, soonest forecast first. Four queries whatever the
    number of aircraft and items (``status`` keeps only items in that status)."""
    found: dict[int, list[DueRow]] = {pk: [] for pk in aircraft_ids}
    looks = outlooks(aircraft_ids, now=now)
    rows = list(TrackedItem.objects.live().filter(aircraft_id__in=aircraft_ids).values_list(*ITEM_COLUMNS))
    tasks = {
        pk: (code, title, number, _margins(*margins))
        for pk, code, title, number, *margins in Task.objects.filter(
            pk__in={row[2] for row in rows}
        ).values_list("pk", "code", "title", "directive__number", *MARGIN_FIELDS)
    }
    for pk, aircraft_id, task_id, done_on, done_hours, done_cycles, d_hours, d_cycles, d_on in rows:
        code, title, number, interval = tasks[task_id]
        point = due.DuePoint(d_hours, d_cycles, d_on)
        evaluation = due.evaluate(interval, point, looks[aircraft_id])
        if status is not None and evaluation.status != status:
            continue
        found[aircraft_id].append(
            DueRow(
                pk,
                aircraft_id,
                task_id,
                code,
                title,
                f"AD {number}" if number else None,
                done_on,
                done_hours,
                done_cycles,
                point,
                evaluation,
            )
        )
    far = date.max
    for items in found.values():
        items.sort(key=lambda r: (r.evaluation.forecast or far, r.code))
    return found


def due_list(aircraft: Aircraft, *, now: datetime | None = None) -> list[DueRow]:
    """One aircraft's due list (``due_lists``)."""
    return due_lists([aircraft.pk], now=now)[aircraft.pk]


def due_within(
    aircraft_ids: Collection[int], *, days: int, hours: Decimal, now: datetime | None = None
) -> list[tuple[int, DueRow]]:
    """Fleet-wide: items overdue, or due within ``days`` days or ``hours`` flight hours."""
    found = []
    for aircraft_id, rows in due_lists(aircraft_ids, now=now).items():
        for row in rows:
            ev = row.evaluation
            if (
                ev.status == due.OVERDUE
                or (ev.remaining_days is not None and ev.remaining_days <= days)
                or (ev.remaining_hours is not None and ev.remaining_hours <= hours)
            ):
                found.append((aircraft_id, row))
    return found


def open_items(aircraft: Aircraft) -> dict[str, Any]:
    """Open squawks (with deferrals) and open work orders of the aircraft."""
    squawks = Squawk.objects.filter(aircraft=aircraft).exclude(status=SquawkStatus.CLOSED)
    orders = WorkOrder.objects.filter(aircraft=aircraft, status__in=OPEN_WORK_ORDER_STATUSES).annotate(
        item_count=Count("items")
    )
    return {
        "squawks": [
            {
                "id": s.pk,
                "description": s.description,
                "severity": s.severity,
                "status": s.status,
                "mel_category": s.mel_category,
                "deferred_until": _iso(s.deferred_until),
                "raised_at": s.raised_at.isoformat(),
            }
            for s in squawks.order_by("raised_at", "id")
        ],
        "work_orders": [
            {
                "id": w.pk,
                "number": w.number,
                "title": w.title,
                "status": w.status,
                "planned_start": w.planned_start.isoformat(),
                "planned_end": w.planned_end.isoformat(),
                "items": w.item_count,
            }
            for w in orders.order_by("planned_start", "id")
        ],
    }


def grounded_by(aircraft: Aircraft, *, now: datetime | None = None) -> list[str]:
    """Why maintenance grounds the aircraft now (empty: it does not)."""
    now = now or timezone.now()
    reasons = [
        f"{item_label(item)} is overdue."
        for item in overdue_items(now).filter(aircraft=aircraft).select_related("task__directive", "aircraft")
    ]
    for squawk in grounding_squawks(now).filter(aircraft=aircraft):
        if squawk.status == SquawkStatus.DEFERRED:
            reasons.append(
                f"The MEL deferral of “{squawk.description[:60]}” expired on {squawk.deferred_until}."
            )
        else:
            reasons.append(f"Open grounding squawk: “{squawk.description[:60]}”.")
    return reasons


def maintenance_overview(aircraft: Aircraft) -> dict[str, Any]:
    """The maintenance app's part of ``GET /aircraft/{id}/maintenance``: due list, open
    items, what grounds the aircraft, and the latest sign-offs (a bounded history)."""
    history = (
        ComplianceRecord.objects.filter(item__aircraft=aircraft)
        .select_related("item__task__directive", "work_order")
        .order_by("-done_on", "-id")[:50]
    )
    return {
        "due_list": [row.as_dict() for row in due_list(aircraft)],
        "grounded_by": grounded_by(aircraft),
        "open_items": open_items(aircraft),
        "compliance_history": [
            {
                "id": r.pk,
                "item": r.item_id,
                "title": item_label(r.item),
                "done_on": r.done_on.isoformat(),
                "hours": str(r.hours),
                "cycles": r.cycles,
                "signer": r.signer_name,
                "certificate_number": r.certificate_number,
                "work_order": r.work_order.number if r.work_order else None,
            }
            for r in history
        ],
    }


# ---------------------------------------------------------------- projection for bookings


def projected_totals(
    aircraft: Aircraft, *, before: datetime, exclude: Iterable[int] = ()
) -> tuple[Decimal, int]:
    """The aircraft's hours and cycles once every flight not yet counted in its totals and
    departing before ``before`` has flown (scheduled block time, one landing each)."""
    flights = (
        Flight.objects.filter(aircraft=aircraft, status__in=NOT_YET_COUNTED, departure_at__lt=before)
        .exclude(pk__in=list(exclude))
        .aggregate(minutes=Sum("estimated_block_minutes"), count=Count("pk"))
    )
    hours = aircraft.total_hours + (Decimal(flights["minutes"] or 0) / 60).quantize(Decimal("0.1"))
    return hours, aircraft.total_cycles + flights["count"]


def items_passed(
    aircraft: Aircraft, departure_at: datetime, arrival_at: datetime, *, exclude: Iterable[int] = ()
) -> list[dict[str, Any]]:
    """The conflicts of flying ``aircraft`` from ``departure_at`` to ``arrival_at``: each
    tracked item whose due point the aircraft would pass by the end of the leg, the flights
    scheduled before it included. An item in an open work order planned to end before the
    leg departs is left out (it will have been signed off)."""
    hours, cycles = projected_totals(aircraft, before=departure_at, exclude=exclude)
    minutes = int((arrival_at - departure_at).total_seconds() // 60)
    hours += (Decimal(minutes) / 60).quantize(Decimal("0.1"))
    cycles += 1
    day = arrival_at.astimezone(UTC).date()
    in_work = WorkOrder.objects.filter(
        aircraft=aircraft, status__in=OPEN_WORK_ORDER_STATUSES, planned_end__lte=departure_at
    ).values("items")
    candidates = (
        TrackedItem.objects.live()
        .filter(aircraft=aircraft)
        .filter(Q(due_hours__lt=hours) | Q(due_cycles__lt=cycles) | Q(due_on__lt=day))
        .exclude(pk__in=in_work)
        .select_related("task__directive", "aircraft")
    )
    conflicts = []
    for item in candidates:
        if not due.exceeded_by(item.task.interval, item.due_point, hours, cycles, day):
            continue
        limits = ", ".join(
            text
            for text in (
                f"{item.due_hours} h" if item.due_hours is not None else "",
                f"{item.due_cycles} cycles" if item.due_cycles is not None else "",
                f"{item.due_on}" if item.due_on is not None else "",
            )
            if text
        )
        conflicts.append(
            {
                "type": "maintenance_limit",
                "detail": f"{aircraft.tail_number} would pass the limit of {item_label(item)} "
                f"({limits}): {hours} h and {cycles} cycles by the end of this flight.",
                "item": item.pk,
                "task": item_label(item),
                "due_hours": _num(item.due_hours),
                "due_cycles": item.due_cycles,
                "due_on": _iso(item.due_on),
                "projected_hours": str(hours),
                "projected_cycles": cycles,
            }
        )
    return conflicts


# ---------------------------------------------------------------- costs


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def maintenance_costs(start: date, end: date) -> list[dict[str, Any]]:
    """Per aircraft and currency, the work orders closed from ``start`` to ``end`` (days,
    inclusive): labour, parts used, other costs, total, and the budgets they had. Two queries."""
    closed = WorkOrder.objects.filter(
        status=WorkOrderStatus.CLOSED, closed_at__date__gte=start, closed_at__date__lte=end
    )
    totals: dict[tuple[int, str], dict[str, Any]] = {}
    for row in closed.values("aircraft_id", "aircraft__tail_number", "currency").annotate(
        orders=Count("pk"), labour=Sum("labour_cost"), other=Sum("other_cost"), budget=Sum("budget")
    ):
        totals[(row["aircraft_id"], row["currency"])] = {
            "aircraft": row["aircraft_id"],
            "tail_number": row["aircraft__tail_number"],
            "currency": row["currency"],
            "work_orders": row["orders"],
            "labour": row["labour"] or Decimal("0"),
            "parts": Decimal("0"),
            "other": row["other"] or Decimal("0"),
            "budget": row["budget"] or Decimal("0"),
        }
    for used in (
        PartUsage.objects.filter(work_order__in=closed)
        .values("work_order__aircraft_id", "work_order__currency")
        .annotate(parts=Sum(F("quantity") * F("unit_cost")))
    ):
        key = (used["work_order__aircraft_id"], used["work_order__currency"])
        totals[key]["parts"] = used["parts"] or Decimal("0")
    found = []
    for entry in sorted(totals.values(), key=lambda e: (e["tail_number"], e["currency"])):
        actual = entry["labour"] + entry["parts"] + entry["other"]
        found.append(
            {
                **{k: _money(v) if isinstance(v, Decimal) else v for k, v in entry.items()},
                "actual": _money(actual),
                "over_budget": _money(actual - entry["budget"]) if entry["budget"] else None,
            }
        )
    return found
