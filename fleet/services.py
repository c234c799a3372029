"""Writes on the fleet. The admin, the API, Celery and the demo seeder all go through these
functions, so validation, history (with the acting user) and timeline events happen once.

``actor`` is the user behind the change, or None for the system (Celery, management
commands); it becomes the history row's user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from fleet.choices import STATUSES_NEEDING_REASON, AircraftDocumentKind, AircraftStatus, BlackoutKind
from fleet.models import (
    Aircraft,
    AircraftDocument,
    AircraftDocumentAlert,
    AircraftStatusChange,
    Airport,
    Blackout,
)
from fleet.selectors import airport_get, blackout_overlaps
from jetops.errors import Conflict
from jetops.models import User
from jetops.writes import apply_fields, delete_recorded, save_validated

AIRCRAFT_FIELDS = (
    "tail_number",
    "aircraft_type",
    "manufacturer",
    "model",
    "year",
    "category",
    "seating_capacity",
    "range_nautical_miles",
    "cruise_speed",
    "current_location",
    "home_base",
    "currency",
    "hourly_rate",
    "positioning_rate",
    "daily_minimum_hours",
    "amenities",
    "interior_config",
    "maintenance_schedule",
    "insurance_info",
    "photos",
    "taxi_minutes",
    "routing_factor",
    "wind_allowance_knots",
    "fuel_burn_per_hour",
    "mtow",
    "mlw",
    "mzfw",
    "basic_empty_weight",
    "basic_empty_arm",
    "registration_country",
    "total_hours",
    "total_cycles",
    "min_crew",
)
"""Fields ``aircraft_create`` / ``aircraft_update`` set. Status goes through
``aircraft_status_change`` (it leaves a timeline event); ``is_active`` follows the status; the
certificates' expiry dates and insurance policy follow the documents."""

DOCUMENT_FIELDS = ("kind", "number", "issued_on", "expires_on", "file", "notes")
BLACKOUT_FIELDS = ("start", "end", "kind", "reason")

# Document kind → the aircraft's field carrying the current expiry date.
EXPIRY_FIELD_BY_KIND = {
    AircraftDocumentKind.REGISTRATION: "registration_expires_on",
    AircraftDocumentKind.INSURANCE: "insurance_expires_on",
    AircraftDocumentKind.AIRWORTHINESS: "airworthiness_expires_on",
}


def _airport(value: Any, field: str) -> Airport:
    return value if isinstance(value, Airport) else airport_get(value, field=field)


def _apply(obj: models.Model, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    airports = {
        name: _airport(value, name)
        for name, value in data.items()
        if name in ("current_location", "home_base")
    }
    apply_fields(obj, {**data, **airports}, allowed)


def _locked(aircraft: Aircraft) -> Aircraft:
    """The aircraft row locked for this transaction (PostgreSQL), so concurrent status changes
    and blackout additions on one aircraft are serialised."""
    return Aircraft.objects.select_for_update().get(pk=aircraft.pk)


@transaction.atomic
def aircraft_create(
    *,
    actor: User | None,
    status: str = AircraftStatus.AVAILABLE,
    status_reason: str = "",
    **data: Any,
) -> Aircraft:
    """Add an aircraft to the fleet and open its timeline with its first status.

    ``home_base`` defaults to ``current_location``, ``positioning_rate`` to ``hourly_rate``.
    Raises ``ValidationError`` (field → messages) for invalid data or a duplicate tail number.
    """
    aircraft = Aircraft()
    _apply(aircraft, data, AIRCRAFT_FIELDS)
    if "home_base" not in data and "current_location" in data:
        aircraft.home_base = aircraft.current_location
    if "positioning_rate" not in data and "hourly_rate" in data:
        aircraft.positioning_rate = aircraft.hourly_rate
    if status not in AircraftStatus.values:
        raise ValidationError({"status": [f"{status!r} is not a valid status."]})
    aircraft.status = status
    aircraft.is_active = status != AircraftStatus.INACTIVE
    save_validated(aircraft, actor, "Added to the fleet")
    event = AircraftStatusChange(
        aircraft=aircraft,
        from_status="",
        to_status=status,
        reason=status_reason or "Added to the fleet",
        actor=actor,
    )
    save_validated(event, actor)
    return aircraft


@transaction.atomic
def aircraft_update(*, aircraft: Aircraft, actor: User | None, reason: str = "", **data: Any) -> Aircraft:
    """Change an aircraft's specs, rates, location… (not its status: ``aircraft_status_change``)."""
    if "status" in data:
        raise ValidationError(
            {
                "status": [
                    "Change the status through the availability endpoint (it is recorded on the timeline)."
                ]
            }
        )
    _apply(aircraft, data, AIRCRAFT_FIELDS)
    save_validated(aircraft, actor, reason or None)
    return aircraft


@transaction.atomic
def aircraft_status_change(
    *,
    aircraft: Aircraft,
    status: str,
    reason: str = "",
    actor: User | None,
    at: datetime | None = None,
) -> Aircraft:
    """Move the aircraft to ``status`` and record an ``AircraftStatusChange`` event.

    Grounding statuses (maintenance, AOG, inactive) need a reason. ``is_active`` follows
    (false exactly when inactive). Setting the current status again changes nothing and
    records no event, so retries are harmless. Other apps (flights: ``in_flight``) call this
    with ``actor=None`` for system changes.
    """
    if status not in AircraftStatus.values:
        raise ValidationError({"status": [f"{status!r} is not a valid status."]})
    reason = (reason or "").strip()
    if status in STATUSES_NEEDING_REASON and not reason:
        raise ValidationError({"reason": [f"Say why the aircraft goes to {AircraftStatus(status).label}."]})
    locked = _locked(aircraft)
    if locked.status == status:
        aircraft.refresh_from_db()
        return aircraft
    previous = locked.status
    locked.status = status
    locked.is_active = status != AircraftStatus.INACTIVE
    save_validated(
        locked,
        actor,
        f"Status {previous} → {status}: {reason}" if reason else f"Status {previous} → {status}",
    )
    event = AircraftStatusChange(
        aircraft=locked,
        from_status=previous,
        to_status=status,
        reason=reason,
        actor=actor,
        at=at or timezone.now(),
    )
    save_validated(event, actor)
    aircraft.refresh_from_db()
    return aircraft


@dataclass(frozen=True)
class BlackoutResult:
    """What ``blackout_add`` did: ``merged`` is True when an existing blackout was extended
    (``blackout`` is then that one) rather than a new one created."""

    blackout: Blackout
    merged: bool


def _overlap_conflict(others: list[Blackout]) -> Conflict:
    return Conflict(
        "The period overlaps blackouts of another kind: change or remove them first.",
        "blackout_overlap",
        overlapping=[
            {
                "id": b.pk,
                "kind": b.kind,
                "start": b.start.isoformat(),
                "end": b.end.isoformat(),
                "reason": b.reason,
            }
            for b in others
        ],
    )


def _check_period(start: Any, end: Any) -> None:
    errors: dict[str, list[str]] = {}
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            errors[name] = ["A date and time with a UTC offset."]
    if errors:
        raise ValidationError(errors)
    if end <= start:
        raise ValidationError({"end": ["The end must be after the start."]})


def _merge_into(
    target: Blackout,
    start: datetime,
    end: datetime,
    reason: str,
    same_kind: list[Blackout],
    actor: User | None,
) -> Blackout:
    """Extend ``target`` over [start, end) and every blackout in ``same_kind``, deleting
    those (their history keeps them, with a reason naming the survivor)."""
    reasons = [target.reason, *(b.reason for b in same_kind), reason]
    merged_reason = "; ".join(dict.fromkeys(r.strip() for r in reasons if r and r.strip()))[:500]
    absorbed = [b for b in same_kind if b.pk != target.pk]
    target.start = min([start, target.start, *(b.start for b in absorbed)])
    target.end = max([end, target.end, *(b.end for b in absorbed)])
    target.reason = merged_reason
    for other in absorbed:
        delete_recorded(other, actor, f"Merged into blackout #{target.pk}")
    ids = ", ".join(f"#{b.pk}" for b in absorbed)
    note = f"Extended by an overlapping {target.kind} blackout" + (f" (absorbed {ids})" if ids else "")
    save_validated(target, actor, note)
    return target


@transaction.atomic
def blackout_add(
    *,
    aircraft: Aircraft,
    start: datetime,
    end: datetime,
    kind: str,
    reason: str = "",
    actor: User | None,
) -> BlackoutResult:
    """Block ``aircraft`` over ``[start, end)`` — never leaving two overlapping blackouts.

    - Overlapping (or touching) blackouts of the same kind are merged: the earliest is
      extended over the union, the others are absorbed; the change is in the history.
    - Overlapping a blackout of another kind raises ``Conflict`` (409) listing them; nothing
      is written.
    """
    _check_period(start, end)
    if kind not in BlackoutKind.values:
        raise ValidationError({"kind": [f"{kind!r} is not a valid blackout kind."]})
    _locked(aircraft)
    others = blackout_overlaps(aircraft=aircraft, start=start, end=end, exclude_kind=kind)
    if others:
        raise _overlap_conflict(others)
    same_kind = blackout_overlaps(aircraft=aircraft, start=start, end=end, kind=kind, touching=True)
    if same_kind:
        return BlackoutResult(_merge_into(same_kind[0], start, end, reason, same_kind, actor), merged=True)
    blackout = Blackout(
        aircraft=aircraft, start=start, end=end, kind=kind, reason=reason or "", created_by=actor
    )
    save_validated(blackout, actor)
    return BlackoutResult(blackout, merged=False)


@transaction.atomic
def blackout_update(*, blackout: Blackout, actor: User | None, **data: Any) -> BlackoutResult:
    """Move, resize or re-kind a blackout, under the same rules as ``blackout_add``: a
    same-kind overlap is absorbed into it, another kind's overlap is a ``Conflict``."""
    _apply(blackout, data, BLACKOUT_FIELDS)
    _check_period(blackout.start, blackout.end)
    _locked(blackout.aircraft)
    others = blackout_overlaps(
        aircraft=blackout.aircraft,
        start=blackout.start,
        end=blackout.end,
        exclude_kind=blackout.kind,
        exclude_pk=blackout.pk,
    )
    if others:
        raise _overlap_conflict(others)
    same_kind = blackout_overlaps(
        aircraft=blackout.aircraft,
        start=blackout.start,
        end=blackout.end,
        kind=blackout.kind,
        touching=True,
        exclude_pk=blackout.pk,
    )
    if same_kind:
        merged = _merge_into(blackout, blackout.start, blackout.end, "", same_kind, actor)
        return BlackoutResult(merged, merged=True)
    save_validated(blackout, actor)
    return BlackoutResult(blackout, merged=False)


@transaction.atomic
def blackout_remove(*, blackout: Blackout, actor: User | None, reason: str = "") -> None:
    """Delete a blackout (the history keeps it, with the actor)."""
    delete_recorded(blackout, actor, reason)


def _sync_document_expiry(aircraft: Aircraft, kind: str, actor: User | None) -> None:
    """Copy the latest expiry of the kind's documents onto the aircraft (and, for insurance,
    that document's policy number) so lists and quoting read it without a join."""
    field = (
        EXPIRY_FIELD_BY_KIND.get(AircraftDocumentKind(kind)) if kind in AircraftDocumentKind.values else None
    )
    if field is None:
        return
    aircraft.refresh_from_db()  # the caller's copy may be stale: never write old values back
    latest = (
        AircraftDocument.objects.filter(aircraft=aircraft, kind=kind, expires_on__isnull=False)
        .order_by("-expires_on", "-id")
        .first()
    )
    changes: dict[str, Any] = {field: latest.expires_on if latest else None}
    if kind == AircraftDocumentKind.INSURANCE and latest is not None and latest.number:
        changes["insurance_policy"] = latest.number
    if all(getattr(aircraft, name) == value for name, value in changes.items()):
        return
    for name, value in changes.items():
        setattr(aircraft, name, value)
    save_validated(aircraft, actor, f"{AircraftDocumentKind(kind).label} document changed")


@transaction.atomic
def document_add(*, aircraft: Aircraft, actor: User | None, **data: Any) -> AircraftDocument:
    """Attach a certificate or policy to the aircraft; the aircraft's expiry date of that
    kind follows the latest document."""
    document = AircraftDocument(aircraft=aircraft)
    _apply(document, data, DOCUMENT_FIELDS)
    save_validated(document, actor)
    _sync_document_expiry(aircraft, document.kind, actor)
    return document


@transaction.atomic
def document_update(*, document: AircraftDocument, actor: User | None, **data: Any) -> AircraftDocument:
    """Edit a document (a renewal: new number and expiry); re-syncs the aircraft's dates."""
    previous_kind = document.kind
    _apply(document, data, DOCUMENT_FIELDS)
    save_validated(document, actor)
    for kind in {previous_kind, document.kind}:
        _sync_document_expiry(document.aircraft, kind, actor)
    return document


@transaction.atomic
def document_remove(*, document: AircraftDocument, actor: User | None) -> None:
    """Delete a document; the aircraft's expiry date of that kind follows the remaining ones."""
    aircraft, kind = document.aircraft, document.kind
    delete_recorded(document, actor)
    _sync_document_expiry(aircraft, kind, actor)


def document_alert_days() -> tuple[int, ...]:
    """Days before expiry at which operations is alerted (``FLEET_DOCUMENT_ALERT_DAYS``)."""
    days = getattr(settings, "FLEET_DOCUMENT_ALERT_DAYS", (60, 30, 7))
    return tuple(sorted({int(d) for d in days}, reverse=True))


def document_expiry_alert_send(*, document: AircraftDocument, days_before: int) -> bool:
    """E-mail operations that ``document`` expires in ``days_before`` days — once: the
    ``AircraftDocumentAlert`` row (unique per document, expiry date and threshold) is written
    in the same transaction as the e-mail is sent. Returns False if already sent."""
    if document.expires_on is None:
        return False
    recipients = [settings.OPERATIONS_EMAIL]
    key = {"document": document, "expires_on": document.expires_on, "days_before": days_before}
    if AircraftDocumentAlert.objects.filter(**key).exists():
        return False
    try:
        with transaction.atomic():
            alert = AircraftDocumentAlert(
                document=document,
                expires_on=document.expires_on,
                days_before=days_before,
                recipients=recipients,
            )
            alert._history_user = None  # type: ignore[attr-defined]
            alert.save()
            context = {"document": document, "aircraft": document.aircraft, "days_before": days_before}
            send_mail(
                subject=render_to_string("fleet/email/document_expiry_subject.txt", context).strip(),
                message=render_to_string("fleet/email/document_expiry.txt", context),
                from_email=None,
                recipient_list=recipients,
            )
    except IntegrityError:
        return False
    return True


def document_expiry_alerts_send(*, today: date | None = None) -> int:
    """Send every alert due ``today``: documents expiring in exactly one of the configured
    numbers of days. Safe to run any number of times a day; returns how many were sent.

    A document first recorded after a threshold passed is alerted at the next one only; a
    document superseded by a later one of the same kind is not alerted.
    """
    today = today or timezone.localdate()
    # A renewal recorded as a new document makes the old one moot: alert the current one only.
    superseded = Exists(
        AircraftDocument.objects.filter(
            aircraft=OuterRef("aircraft"), kind=OuterRef("kind"), expires_on__gt=OuterRef("expires_on")
        )
    )
    sent = 0
    for days in document_alert_days():
        due = (
            AircraftDocument.objects.filter(expires_on=today + timedelta(days=days))
            .exclude(Q(superseded) & ~Q(kind=AircraftDocumentKind.OTHER))
            .select_related("aircraft")
            .order_by("id")
        )
        for document in due:
            sent += document_expiry_alert_send(document=document, days_before=days)
    return sent
