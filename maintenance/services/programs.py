"""Programs, tasks, directives, tracked items, sign-off and time corrections (docs/rules.md#maintenance)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fleet.models import Aircraft
from jetops.errors import Conflict
from jetops.models import User
from jetops.writes import save_validated
from maintenance import due
from maintenance import permissions as perms
from maintenance.choices import (
    ProgramKind,
)
from maintenance.models import (
    ComplianceRecord,
    Directive,
    Program,
    Task,
    TimeCorrection,
    TrackedItem,
    WorkOrder,
)
from maintenance.services.common import require, save_fields

PROGRAM_FIELDS = ("name", "kind", "aircraft_type", "description")
TASK_FIELDS = (
    "code",
    "title",
    "interval_hours",
    "interval_cycles",
    "interval_days",
    "interval_months",
    "whichever_later",
    "tolerance_hours",
    "tolerance_cycles",
    "tolerance_days",
    "warn_hours",
    "warn_cycles",
    "warn_days",
    "requires_overhaul",
)
DIRECTIVE_FIELDS = (
    "number",
    "revision",
    "revision_date",
    "effective_on",
    "subject",
    "applicability",
    "method_of_compliance",
    "recurring",
    "terminating_action",
)


# ---------------------------------------------------------------- programs, tasks, directives


@transaction.atomic
def program_save(*, actor: User | None, program: Program | None = None, **data: Any) -> Program:
    """Create or change a program (its name, kind, type, description)."""
    return save_fields(program or Program(), data, PROGRAM_FIELDS, actor)


@transaction.atomic
def task_save(
    *, actor: User | None, program: Program | None = None, task: Task | None = None, **data: Any
) -> Task:
    """Create a program's task or change one. Changing a task's limits recomputes the due
    point of every aircraft tracking it from when each last did it."""
    if task is None:
        if program is None:
            raise ValidationError({"program": ["A task belongs to a program."]})
        task = Task(program=program)
    before = task.interval if task.pk else None
    save_fields(task, data, TASK_FIELDS, actor)
    if before is not None and before != task.interval:
        _recompute(TrackedItem.objects.filter(task=task).select_related("aircraft"), task, actor)
    return task


def _recompute(items: Iterable[TrackedItem], task: Task, actor: User | None) -> None:
    for item in items:
        if item.last_done_on is None or item.last_done_hours is None or item.last_done_cycles is None:
            continue
        done = due.Point(item.last_done_on, item.last_done_hours, item.last_done_cycles)
        _set_due(item, due.next_due(task.interval, done), task)
        save_validated(item, actor, reason="task limits changed")


def _set_due(item: TrackedItem, point: due.DuePoint, task: Task) -> None:
    item.due_hours, item.due_cycles, item.due_on = point.hours, point.cycles, point.on
    item.whichever_later = task.whichever_later


@transaction.atomic
def program_preset_91_409(*, actor: User | None, name: str = "91.409 annual + 100-hour") -> Program:
    """The 91.409 preset: an annual inspection (12 calendar months, 91.409(a)) and a 100-hour
    inspection (91.409(b): 10 hours of overfly to reach the place of inspection, counted
    toward the next interval). Returns the existing program of that name if there is one."""
    existing = Program.objects.filter(name=name).first()
    if existing is not None:
        return existing
    program = program_save(actor=actor, name=name, kind=ProgramKind.PRESET_91_409)
    task_save(
        actor=actor,
        program=program,
        code="91.409(a)",
        title="Annual inspection",
        interval_months=12,
        warn_days=30,
    )
    task_save(
        actor=actor,
        program=program,
        code="91.409(b)",
        title="100-hour inspection",
        interval_hours=Decimal("100"),
        tolerance_hours=Decimal("10"),
        warn_hours=Decimal("10"),
        warn_days=0,
    )
    return program


@dataclass(frozen=True)
class Done:
    """When a task was last done before JetOps tracked it (from the aircraft's records)."""

    on: date
    hours: Decimal
    cycles: int


def _baseline(aircraft: Aircraft, on: date | None = None) -> Done:
    return Done(on or timezone.localdate(), aircraft.total_hours, aircraft.total_cycles)


def _track(
    aircraft: Aircraft, tasks: Iterable[Task], done: Mapping[int, Done], default: Done, actor: User | None
) -> list[TrackedItem]:
    tracked = set(TrackedItem.objects.filter(aircraft=aircraft).values_list("task_id", flat=True))
    new = []
    for task in tasks:
        if task.pk in tracked:
            continue
        last = done.get(task.pk, default)
        point = due.next_due(task.interval, due.Point(last.on, last.hours, last.cycles))
        item = TrackedItem(
            aircraft=aircraft,
            task=task,
            last_done_on=last.on,
            last_done_hours=last.hours,
            last_done_cycles=last.cycles,
        )
        _set_due(item, point, task)
        new.append(item)
    return bulk_create_with_history(new, TrackedItem, default_user=actor, batch_size=500)


@transaction.atomic
def program_apply(
    *,
    program: Program,
    aircraft: Aircraft,
    actor: User | None,
    done: Mapping[int, Done] | None = None,
    baseline_on: date | None = None,
) -> int:
    """Track every task of ``program`` on ``aircraft`` not tracked yet. Each counts from when
    it was last done (``done``, by task id, from the aircraft's records), else from
    ``baseline_on`` (default today) at the aircraft's current times. Returns how many items
    were added. The program's type must be the aircraft's, when the program names one."""
    require(actor, perms.CHANGE_TRACKEDITEM)
    if program.aircraft_type and program.aircraft_type != aircraft.aircraft_type:
        raise Conflict(
            f"{program} is written for {program.aircraft_type}; "
            f"{aircraft.tail_number} is a {aircraft.aircraft_type}.",
            "program_type_mismatch",
        )
    default = _baseline(aircraft, baseline_on)
    return len(_track(aircraft, program.tasks.all(), done or {}, default, actor))


@transaction.atomic
def directive_save(
    *,
    actor: User | None,
    directive: Directive | None = None,
    limits: Mapping[str, Any] | None = None,
    **data: Any,
) -> Directive:
    """Create or change an airworthiness directive and its limits (``limits``: the task's
    interval fields — for a one-time AD the compliance time from its effective date, for a
    recurring one the repeat interval)."""
    directive = save_fields(directive or Directive(), data, DIRECTIVE_FIELDS, actor)
    if not isinstance(directive.applicability, list) or not all(
        isinstance(t, str) for t in directive.applicability
    ):
        raise ValidationError({"applicability": ["A list of ICAO type designators."]})
    task = Task.objects.filter(directive=directive).first()
    if limits is not None or task is None:
        fields = {"code": directive.number, "title": directive.subject, **(limits or {})}
        if task is None:
            task = Task(directive=directive)
        task_save(actor=actor, task=task, **fields)
    return directive


@transaction.atomic
def directive_apply(
    *, directive: Directive, aircraft: Aircraft, actor: User | None, done: Done | None = None
) -> TrackedItem:
    """Track ``directive`` on ``aircraft``: counted from its last compliance (``done``), else
    from the AD's effective date at the aircraft's current times."""
    require(actor, perms.CHANGE_TRACKEDITEM)
    if directive.applicability and aircraft.aircraft_type not in directive.applicability:
        raise Conflict(f"{directive} does not apply to {aircraft.aircraft_type}.", "directive_not_applicable")
    task = Task.objects.get(directive=directive)
    existing = TrackedItem.objects.filter(aircraft=aircraft, task=task).first()
    if existing is not None:
        return existing
    default = _baseline(aircraft, directive.effective_on)
    return _track(aircraft, [task], {task.pk: done} if done else {}, default, actor)[0]


# ---------------------------------------------------------------- sign-off and times


def _locked(aircraft: Aircraft) -> Aircraft:
    return Aircraft.objects.select_for_update().get(pk=aircraft.pk)


@transaction.atomic
def item_sign_off(
    *,
    item: TrackedItem,
    actor: User | None,
    signer_name: str,
    certificate_number: str,
    done_on: date | None = None,
    hours: Decimal | None = None,
    cycles: int | None = None,
    method: str = "",
    terminating: bool = False,
    notes: str = "",
    work_order: WorkOrder | None = None,
) -> ComplianceRecord:
    """Sign ``item`` off: a ``ComplianceRecord`` (who, certificate, date, the aircraft's hours
    and cycles — its current ones unless given) and the item's next due point, counted per
    the rules (docs/rules.md#maintenance: done within the tolerance after the due point, the
    next interval counts from the due point). A one-time directive, or a terminating action,
    ends the item."""
    require(actor, perms.SIGN_OFF, item)
    locked = TrackedItem.objects.select_for_update(of=("self",))
    item = locked.select_related("task__directive").get(pk=item.pk)
    aircraft = _locked(item.aircraft)
    if item.terminated:
        raise Conflict(f"{item.task} is no longer tracked on {aircraft.tail_number}.", "item_terminated")
    today = timezone.localdate()
    done_on = done_on or today
    hours = aircraft.total_hours if hours is None else hours
    cycles = aircraft.total_cycles if cycles is None else cycles
    errors: dict[str, list[str]] = {}
    if done_on > today:
        errors["done_on"] = ["Cannot be in the future."]
    if hours > aircraft.total_hours:
        errors["hours"] = [f"Above the aircraft's total time ({aircraft.total_hours} h)."]
    if cycles > aircraft.total_cycles:
        errors["cycles"] = [f"Above the aircraft's total cycles ({aircraft.total_cycles})."]
    if item.last_done_on and done_on < item.last_done_on:
        errors.setdefault("done_on", []).append(f"Before the last sign-off ({item.last_done_on}).")
    if not signer_name.strip():
        errors["signer_name"] = ["Who signs the return to service."]
    if not certificate_number.strip():
        errors["certificate_number"] = ["The signer's certificate number (43.9)."]
    if errors:
        raise ValidationError(errors)
    task = item.task
    record = ComplianceRecord(
        item=item,
        work_order=work_order,
        done_on=done_on,
        hours=hours,
        cycles=cycles,
        signed_by=actor,
        signer_name=signer_name.strip(),
        certificate_number=certificate_number.strip(),
        method=method or (task.directive.method_of_compliance if task.directive else ""),
        terminating=terminating,
        notes=notes,
    )
    save_validated(record, actor)
    _set_due(item, due.next_due(task.interval, due.Point(done_on, hours, cycles), item.due_point), task)
    item.last_done_on, item.last_done_hours, item.last_done_cycles = done_on, hours, cycles
    if terminating or (task.directive is not None and not task.directive.recurring):
        item.terminated = True
    save_validated(item, actor, reason=f"signed off by {record.signer_name} ({record.certificate_number})")
    return record


@transaction.atomic
def time_correct(
    *,
    aircraft: Aircraft,
    actor: User | None,
    reason: str,
    hours_delta: Decimal = Decimal("0"),
    cycles_delta: int = 0,
) -> TimeCorrection:
    """Correct the aircraft's total hours or cycles (a logbook error, a flight flown outside
    JetOps), with a reason: recorded as a ``TimeCorrection`` and in the aircraft's history."""
    require(actor, perms.CORRECT_TIMES)
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the times are corrected."]})
    if not hours_delta and not cycles_delta:
        raise ValidationError({"hours_delta": ["Nothing to correct."]})
    aircraft = _locked(aircraft)
    hours = aircraft.total_hours + hours_delta
    cycles = aircraft.total_cycles + cycles_delta
    if hours < 0 or cycles < 0:
        raise ValidationError({"hours_delta": ["The totals cannot become negative."]})
    aircraft.total_hours, aircraft.total_cycles = hours, cycles
    save_validated(aircraft, actor, reason=f"time correction: {reason.strip()}")
    correction = TimeCorrection(
        aircraft=aircraft,
        hours_delta=hours_delta,
        cycles_delta=cycles_delta,
        hours_after=hours,
        cycles_after=cycles,
        reason=reason.strip(),
        actor=actor,
    )
    save_validated(correction, actor)
    return correction
