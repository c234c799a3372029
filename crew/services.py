"""Writes on crew: members and their qualifications, experience, duties, availability,
assignments to flights (with the legality check and its override) and expiry alerts.

Admin, API and Celery call these; each write is one transaction. An assignment locks the
crew member's row, so two concurrent assignments of one person are judged one after the
other (the second sees the first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from crew import adapter, experience, selectors
from crew.choices import (
    POSITION_ROLES,
    UNAVAILABLE_KINDS,
    AvailabilityKind,
    CrewRole,
    Position,
)
from crew.models import (
    CrewAssignment,
    CrewAvailability,
    CrewExpiryAlert,
    CrewMember,
    DutyPeriod,
    ExperienceRecord,
    License,
    MedicalCertificate,
    TrainingRecord,
    TypeRating,
    new_calendar_token,
)
from crew.permissions import OVERRIDE_LEGALITY, SET_PILOT_FLYING
from flights.choices import ACTIVE_FLIGHT_STATUSES, FLOWN_FLIGHT_STATUSES, FlightStatus, TripEventKind
from flights.models import Flight, TripEvent, planned_during
from flights.services.booking import SCHEDULE_FIELDS
from jetops.activity import RequestMeta, activity_record
from jetops.critical import critical_check
from jetops.errors import Conflict
from jetops.models import ActivityAction, ActivityOutcome, User
from jetops.permissions import user_can
from jetops.writes import apply_fields, delete_recorded, save_validated

MEMBER_FIELDS = (
    "employee_id",
    "name",
    "position",
    "user",
    "date_of_birth",
    "home_base",
    "contact_info",
    "emergency_contact",
    "is_active",
    "notes",
)
# What a person may write on an experience record and on a recorded duty (API and admin).
EXPERIENCE_FIELDS = (
    "date",
    "aircraft_type",
    "takeoffs",
    "landings",
    "night_takeoffs",
    "night_landings",
    "approaches",
    "holding",
    "intercepting_tracking",
    "source",
    "remarks",
)
DUTY_FIELDS = (
    "kind",
    "report_at",
    "release_at",
    "flights",
    "aircraft_type",
    "overrun_minutes",
    "remarks",
)
QUALIFICATION_KEYS = ("licenses", "ratings", "medical", "recurrent_training")


# ---------------------------------------------------------------- members


def _member_user_check(member: CrewMember) -> None:
    user = member.user
    if user is None:
        return
    if not selectors.crew_login_candidates().filter(pk=user.pk).exists():
        raise ValidationError({"user": ["The linked user must hold the Crew Member role."]})
    taken = CrewMember.objects.filter(user=user).exclude(pk=member.pk).exists()
    if taken:
        raise ValidationError({"user": ["This user is already linked to another crew member."]})


def _delete_all(rows: Any, actor: User | None) -> None:
    """Delete ``rows`` one by one, so each history record names who removed it."""
    for row in rows:
        delete_recorded(row, actor)


def _qualifications_set(member: CrewMember, data: dict[str, Any], actor: User | None) -> None:
    """Replace each qualification set given in ``data`` (keys of ``QUALIFICATION_KEYS``).

    ``medical`` adds (or corrects) the exam of that date and keeps earlier exams as history.
    """
    unknown = set(data) - set(QUALIFICATION_KEYS)
    if unknown:
        raise ValidationError({"qualifications": [f"Unknown keys: {', '.join(sorted(unknown))}."]})
    if "licenses" in data:
        _delete_all(member.licenses.all(), actor)
        for item in data["licenses"]:
            save_validated(License(crew_member=member, **item), actor)
    if "ratings" in data:
        _delete_all(member.ratings.all(), actor)
        types = [item["aircraft_type"] for item in data["ratings"]]
        if len(types) != len(set(types)):
            raise ValidationError({"qualifications": ["One rating per aircraft type."]})
        for item in data["ratings"]:
            save_validated(TypeRating(crew_member=member, **item), actor)
    if data.get("medical"):
        medical = data["medical"]
        exam = MedicalCertificate.objects.filter(crew_member=member, exam_date=medical["exam_date"]).first()
        exam = exam or MedicalCertificate(crew_member=member, exam_date=medical["exam_date"])
        exam.medical_class = medical["medical_class"]
        save_validated(exam, actor)
    if "recurrent_training" in data:
        _delete_all(member.training.all(), actor)
        seen = set()
        for item in data["recurrent_training"]:
            key = (item["kind"], item["completed_on"])
            if key not in seen:
                seen.add(key)
                save_validated(TrainingRecord(crew_member=member, **item), actor)
    # A rating's own check covers new ratings; this one a member who becomes an attendant.
    if member.position == Position.FLIGHT_ATTENDANT and member.ratings.exists():
        raise ValidationError({"qualifications": ["Flight attendants hold no type ratings."]})


@transaction.atomic
def crew_member_create(
    *, actor: User | None, qualifications: dict[str, Any] | None = None, **data: Any
) -> CrewMember:
    member = CrewMember()
    apply_fields(member, data, MEMBER_FIELDS)
    _member_user_check(member)
    save_validated(member, actor)
    _qualifications_set(member, qualifications or {}, actor)
    return member


@transaction.atomic
def crew_member_update(
    *, member: CrewMember, actor: User | None, qualifications: dict[str, Any] | None = None, **data: Any
) -> CrewMember:
    member = CrewMember.objects.select_for_update().get(pk=member.pk)
    apply_fields(member, data, MEMBER_FIELDS)
    _member_user_check(member)
    save_validated(member, actor)
    if qualifications:
        _qualifications_set(member, qualifications, actor)
    return member


@transaction.atomic
def calendar_token_reset(*, member: CrewMember, actor: User | None) -> CrewMember:
    """Issue a new secret calendar URL; the old one stops working at once."""
    member = CrewMember.objects.select_for_update().get(pk=member.pk)
    member.calendar_token = new_calendar_token()
    save_validated(member, actor, "Calendar URL replaced")
    return member


def experience_add(*, member: CrewMember, actor: User | None, **data: Any) -> ExperienceRecord:
    record = ExperienceRecord(crew_member=member, **data)
    save_validated(record, actor)
    return record


# ---------------------------------------------------------------- duties and availability


def _assigned_between(member: CrewMember, start: datetime, end: datetime) -> list[CrewAssignment]:
    """The member's assignments to open flights whose duty meets ``[start, end)``."""
    report = timedelta(minutes=settings.CREW_REPORT_MINUTES)
    release = timedelta(minutes=settings.CREW_RELEASE_MINUTES)
    return list(
        CrewAssignment.objects.filter(
            planned_during(start - release, end + report, "flight__"),
            crew_member=member,
            flight__status__in=ACTIVE_FLIGHT_STATUSES,
        )
        .select_related("flight__trip")
        .order_by("flight__departure_at")
    )


def _sick_reported(member: CrewMember, assignments: list[CrewAssignment], actor: User | None) -> None:
    """A crew member reported sick while assigned: each flight's timeline says so, and
    operations get one e-mail listing the flights to re-crew."""
    for assignment in assignments:
        _crew_event(
            assignment.flight,
            actor,
            action="unavailable",
            crew_member=member.pk,
            name=member.name,
            role=assignment.role,
            kind="sick",
        )
    numbers = ", ".join(a.flight.flight_number for a in assignments)
    subject = f"Re-crew needed: {member.name} reported sick ({numbers})"
    body = f"{member.name} ({member.employee_id}) reported sick and is assigned to: {numbers}."
    transaction.on_commit(
        lambda: send_mail(subject, body, None, [settings.OPERATIONS_EMAIL], fail_silently=True)
    )


@dataclass(frozen=True)
class AvailabilityAdded:
    """What ``availability_add`` did: the period, and the flights of an accepted sickness that
    need another crew member (operations are told)."""

    period: CrewAvailability
    affected_flights: list[str]


@transaction.atomic
def availability_add(
    *, member: CrewMember, kind: str, start: datetime, end: datetime, actor: User | None, remarks: str = ""
) -> AvailabilityAdded:
    """Record a day off, vacation, sickness or standby. Periods of one crew member never
    overlap (409 naming the clash); time off over an assigned flight is refused (409)
    unless it is sickness, which is recorded and reported so the flight can be re-crewed."""
    member = CrewMember.objects.select_for_update().get(pk=member.pk)
    period = CrewAvailability(crew_member=member, kind=kind, start=start, end=end, remarks=remarks)
    period.full_clean()
    clash = CrewAvailability.objects.filter(crew_member=member, start__lt=end, end__gt=start).first()
    if clash is not None:
        raise Conflict(
            f"Overlaps {clash.get_kind_display().lower()} from {clash.start.isoformat()} "
            f"to {clash.end.isoformat()}.",
            code="availability_overlap",
            conflicts=[{"id": clash.pk, "kind": clash.kind, "start": clash.start, "end": clash.end}],
        )
    assigned = _assigned_between(member, start, end) if kind in UNAVAILABLE_KINDS else []
    if assigned and kind != AvailabilityKind.SICK:
        raise Conflict(
            "The crew member is assigned to flights in this period.",
            code="crew_assigned",
            flights=[a.flight.flight_number for a in assigned],
        )
    save_validated(period, actor)
    if assigned:
        _sick_reported(member, assigned, actor)
    return AvailabilityAdded(period, [a.flight.flight_number for a in assigned])


@transaction.atomic
def availability_remove(*, period: CrewAvailability, actor: User | None) -> None:
    """Delete a period of availability (its history keeps who removed it)."""
    delete_recorded(period, actor)


def _block_time_json(value: Any) -> Any:
    """A block time as the duty stores it: ISO 8601 in UTC (other values are left for the
    model's validation to refuse)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    return value


@transaction.atomic
def duty_record(*, member: CrewMember, actor: User | None, **data: Any) -> DutyPeriod:
    """Record a duty that is not one of the operator's flights (e.g. flying reported by the
    crew member for another operator), with the block-out and block-in times of the flights
    flown in it (``flights``: ``{"block_out", "block_in"}`` pairs, date-times or ISO 8601).
    Recorded duties of one crew member never overlap (the member's row is locked, so two
    concurrent records are checked one after the other)."""
    member = CrewMember.objects.select_for_update().get(pk=member.pk)
    flights = data.pop("flights", None) or []
    if isinstance(flights, list):
        flights = [
            {key: _block_time_json(value) for key, value in dict(f).items()} if isinstance(f, dict) else f
            for f in flights
        ]
    duty = DutyPeriod(crew_member=member, flights=flights, **data)
    duty.full_clean()
    clash = DutyPeriod.objects.filter(
        crew_member=member, report_at__lt=duty.release_at, release_at__gt=duty.report_at
    ).first()
    if clash is not None:
        raise Conflict("Overlaps another recorded duty.", code="duty_overlap", conflicts=[clash.pk])
    save_validated(duty, actor)
    return duty


@transaction.atomic
def duty_remove(*, duty: DutyPeriod, actor: User | None) -> None:
    """Delete a recorded duty (its history keeps who removed it)."""
    delete_recorded(duty, actor)


# ---------------------------------------------------------------- assignments


def _crew_event(flight: Flight, actor: User | None, **detail: Any) -> None:
    save_validated(
        TripEvent(trip=flight.trip, flight=flight, kind=TripEventKind.CREW, actor=actor, detail=detail), actor
    )


def _assignment_mail(assignment: CrewAssignment) -> None:
    email = assignment.crew_member.email
    if not email:
        return
    flight = assignment.flight
    subject = f"Assigned: {flight.flight_number} {flight.departure_airport_id}-{flight.arrival_airport_id}"
    body = (
        f"You are assigned as {assignment.role} on {flight.flight_number}, "
        f"{flight.departure_airport_id} {flight.departure_at:%Y-%m-%d %H:%M}Z to "
        f"{flight.arrival_airport_id} {flight.arrival_at:%Y-%m-%d %H:%M}Z."
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, [email], fail_silently=True))


def crew_assign(
    *,
    flight: Flight,
    member: CrewMember,
    role: str,
    actor: User | None,
    override_reason: str = "",
    meta: RequestMeta | None = None,
) -> CrewAssignment:
    """Put ``member`` on ``flight`` in ``role`` if legal. Raises 409 ``crew_illegal`` with the
    violations otherwise, unless ``override_reason`` is given: asking to override is a
    critical operation (``crew.override_legality``, the IP allow-list and the step-up,
    ``jetops.critical``), and an illegal assignment is then made with its violations recorded
    and an activity row (with the address it came from)."""
    override_reason = override_reason.strip()
    if override_reason:
        critical_check(actor=actor, meta=meta, perm=OVERRIDE_LEGALITY, action="override crew legality")
    with transaction.atomic():
        return _crew_assign(flight, member, role, actor, override_reason, meta)


def _crew_assign(
    flight: Flight,
    member: CrewMember,
    role: str,
    actor: User | None,
    override_reason: str,
    meta: RequestMeta | None,
) -> CrewAssignment:
    member = CrewMember.objects.select_for_update().get(pk=member.pk)
    flight = (
        Flight.objects.select_for_update(of=("self",))
        .select_related("aircraft", "trip", "departure_airport", "arrival_airport")
        .get(pk=flight.pk)
    )
    if role not in POSITION_ROLES.get(member.position, ()):
        raise ValidationError({"role": [f"A {member.get_position_display().lower()} cannot sit as {role}."]})
    if flight.status not in (FlightStatus.SCHEDULED, FlightStatus.BOARDING):
        raise Conflict(f"The flight is {flight.get_status_display().lower()}.", code="flight_closed")
    if flight.crew_assignments.filter(crew_member=member).exists():
        raise Conflict("This crew member is already on the flight.", code="already_assigned")
    if role != CrewRole.FA and flight.crew_assignments.filter(role=role).exists():
        raise Conflict(f"The {role} seat is already taken.", code="seat_taken")
    verdict = adapter.legality(member, [flight], role)
    violations = [adapter.result_json(r) for r in verdict.violations]
    if violations and not override_reason:
        raise Conflict(
            " ".join(f"{v['rule']}: {v['detail']}" for v in violations),
            code="crew_illegal",
            violations=[{k: v[k] for k in ("rule", "detail", "values")} for v in violations],
        )
    assignment = CrewAssignment(
        flight=flight,
        crew_member=member,
        role=role,
        assigned_by=actor,
        overridden=bool(violations),
        override_reason=override_reason if violations else "",
        violations=violations,
        warnings=[adapter.result_json(r) for r in verdict.warnings],
    )
    try:
        with transaction.atomic():
            save_validated(assignment, actor, override_reason or None)
    except IntegrityError as exc:  # a concurrent assignment took the seat
        raise Conflict(f"The {role} seat is already taken.", code="seat_taken") from exc
    rules = [v["rule"] for v in violations]
    _crew_event(
        flight,
        actor,
        action="assigned",
        crew_member=member.pk,
        name=member.name,
        role=role,
        overridden=assignment.overridden,
        override_reason=assignment.override_reason,
        violations=rules,
    )
    if assignment.overridden:
        activity_record(
            action=ActivityAction.LEGALITY_OVERRIDE,
            outcome=ActivityOutcome.SUCCESS,
            user=actor,
            meta=meta,
            subject=assignment,
            detail={"flight": flight.pk, "crew_member": member.pk, "role": role, "violations": rules},
        )
    _assignment_mail(assignment)
    return assignment


CREW_RULE_FIELDS = SCHEDULE_FIELDS | {"ifr", "flight_attendants"}
"""Changes after which the flight's crew is judged again (135.297 and 61.57(c) follow IFR,
135.273(b)(4)-(6) the attendants carried)."""


def flight_changed(*, flight: Flight, actor: User | None, changed: frozenset[str]) -> None:
    """The flight-change hook crew registers with flights (``flights.hooks``, from
    ``CrewConfig.ready()``): a change of the fields the crew rules read judges the crew again;
    a status change (a leg flown, landed, diverted) makes its pilots' recency read again."""
    if changed & CREW_RULE_FIELDS:
        assignments_recheck(flight=flight, actor=actor)
    if "status" in changed:
        experience.forget_flight_crew(flight.pk)


def assignments_recheck(*, flight: Flight, actor: User | None) -> list[dict[str, Any]]:
    """Judge the flight's crew again after a schedule or aircraft change (inside the
    change's transaction). Each assignment keeps its current violations and warnings; crew
    now illegal stay assigned (operations decide) and are named in a crew event."""
    illegal = []
    flight = Flight.objects.select_related("aircraft", "trip", "departure_airport", "arrival_airport").get(
        pk=flight.pk
    )
    for assignment in flight.crew_assignments.select_related("crew_member").order_by("role", "id"):
        verdict = adapter.legality(assignment.crew_member, [flight], assignment.role)
        assignment.violations = [adapter.result_json(r) for r in verdict.violations]
        assignment.warnings = [adapter.result_json(r) for r in verdict.warnings]
        save_validated(assignment, actor, "Re-checked after a schedule change")
        if verdict.violations:
            illegal.append(
                {
                    "crew_member": assignment.crew_member_id,
                    "name": assignment.crew_member.name,
                    "role": assignment.role,
                    "violations": [r.rule for r in verdict.violations],
                }
            )
    if illegal:
        _crew_event(flight, actor, action="recheck", illegal=illegal)
    return illegal


@transaction.atomic
def overrun_record(
    *, assignment: CrewAssignment, minutes: int, reason: str, actor: User | None
) -> CrewAssignment:
    """Record after a flight by how much its duty exceeded the flight time limits for
    reasons beyond control (135.267(e)); the rest owed after it then follows from the rules.
    Only for flights that flew; 0 clears it."""
    assignment = (
        CrewAssignment.objects.select_for_update().select_related("flight__trip").get(pk=assignment.pk)
    )
    flight = assignment.flight
    if flight.status not in FLOWN_FLIGHT_STATUSES:
        raise Conflict("An overrun is recorded once the flight has flown.", code="flight_not_flown")
    if minutes and not reason.strip():
        raise ValidationError({"reason": ["Say what was beyond control."]})
    assignment.overrun_minutes = minutes
    assignment.overrun_reason = reason.strip() if minutes else ""
    save_validated(assignment, actor, "Overrun recorded")
    _crew_event(
        flight,
        actor,
        action="overrun",
        crew_member=assignment.crew_member_id,
        role=assignment.role,
        minutes=minutes,
        reason=assignment.overrun_reason,
    )
    return assignment


@transaction.atomic
def pilot_flying_set(*, assignment: CrewAssignment, actor: User | None) -> CrewAssignment:
    """Record that the pilot of ``assignment`` flew the leg (sole manipulator of the
    controls): its takeoffs and landings count toward their recency (61.57(a)) instead of
    the PIC's. Operations may record it for any pilot; a crew member for their own legs.
    Only for a pilot of a flight that flew; the flight's other pilot stops being recorded
    as flying it. The flight's row is locked, so two concurrent changes apply in turn."""
    if not user_can(actor, SET_PILOT_FLYING, assignment):
        raise PermissionDenied("You may not record who flew this leg.")
    flight = (
        Flight.objects.select_for_update(of=("self",)).select_related("trip").get(pk=assignment.flight_id)
    )
    assignment = CrewAssignment.objects.select_related("crew_member").get(pk=assignment.pk)
    if assignment.role not in (CrewRole.PIC, CrewRole.SIC):
        raise ValidationError({"role": ["Only a pilot can be the pilot flying."]})
    if flight.status not in FLOWN_FLIGHT_STATUSES:
        raise Conflict("The pilot flying is recorded once the flight has flown.", code="flight_not_flown")
    if assignment.pilot_flying:
        return assignment
    for other in flight.crew_assignments.filter(pilot_flying=True):
        other.pilot_flying = False
        save_validated(other, actor, "Another pilot recorded as pilot flying")
    assignment.pilot_flying = True
    save_validated(assignment, actor, "Recorded as pilot flying")
    experience.forget_flight_crew(flight.pk)
    member = assignment.crew_member
    _crew_event(
        flight, actor, action="pilot_flying", crew_member=member.pk, name=member.name, role=assignment.role
    )
    return assignment


@transaction.atomic
def crew_unassign(*, assignment: CrewAssignment, actor: User | None, reason: str = "") -> None:
    flight = assignment.flight
    if flight.status not in (FlightStatus.SCHEDULED, FlightStatus.BOARDING):
        raise Conflict(f"The flight is {flight.get_status_display().lower()}.", code="flight_closed")
    member = assignment.crew_member
    delete_recorded(assignment, actor)
    _crew_event(
        flight,
        actor,
        action="removed",
        crew_member=member.pk,
        name=member.name,
        role=assignment.role,
        reason=reason,
    )


# ---------------------------------------------------------------- expiry alerts


EXPIRED = -1
"""``CrewExpiryAlert.days_before`` of the one alert sent once an item has expired."""


def expiry_alerts_send(*, today: date | None = None) -> int:
    """E-mail each crew member and operations about items expiring in exactly one of the
    ``CREW_EXPIRY_ALERT_DAYS`` (60/30/7), and once about items that expired. Idempotent:
    one ``CrewExpiryAlert`` row per (member, item, expiry, days before)."""
    today = today or timezone.localdate()
    members = list(adapter.crew_queryset().filter(is_active=True))
    thresholds = set(settings.CREW_EXPIRY_ALERT_DAYS)
    sent = 0
    expiries = adapter.expiries_by_member(members, today)
    for member in members:
        for item in expiries[member.pk]:
            left = item.days_left(today)
            if left is None or item.valid_through is None:
                continue
            days_before = left if left in thresholds else (EXPIRED if left < 0 else None)
            if days_before is None:
                continue
            sent += _expiry_alert_send(member, item.key, item.label, item.valid_through, days_before)
    return sent


@transaction.atomic
def _expiry_alert_send(member: CrewMember, key: str, label: str, expires_on: date, days_before: int) -> int:
    if CrewExpiryAlert.objects.filter(
        crew_member=member, item=key, expires_on=expires_on, days_before=days_before
    ).exists():
        return 0
    recipients = [r for r in (member.email, settings.OPERATIONS_EMAIL) if r]
    alert = CrewExpiryAlert(
        crew_member=member,
        item=key,
        label=label,
        expires_on=expires_on,
        days_before=days_before,
        recipients=recipients,
    )
    save_validated(alert, None)
    when = "expired" if days_before == EXPIRED else f"expires in {days_before} days"
    subject = f"{member.name}: {label} {when} ({expires_on.isoformat()})"
    body = (
        f"{label} of {member.name} ({member.employee_id}) is valid through {expires_on.isoformat()}.\n"
        "An expired item blocks crew assignments until it is renewed."
    )
    send_mail(subject, body, None, recipients)  # an SMTP error rolls the alert row back
    return 1
