"""What comes with a trip besides its flights: special services (catering, ground
transport…), concierge requests and the client's feedback after a flight."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from flights.choices import (
    FlightStatus,
)
from flights.models import Flight, Trip
from jetops.errors import Conflict
from jetops.models import User
from jetops.writes import save_validated

SERVICE_FIELDS = ("kind", "description", "vendor", "status", "cost", "currency")


@transaction.atomic
def special_service_save(*, flight: Flight, actor: User | None, service: Any = None, **data: Any) -> Any:
    """Add (``service`` None) or change a special service of a flight."""
    from flights.models import SpecialService

    unknown = set(data) - set(SERVICE_FIELDS)
    if unknown:
        raise ValidationError({name: ["Unknown or read-only field."] for name in sorted(unknown)})
    if service is None:
        if "kind" not in data:
            raise ValidationError({"kind": ["This field is required."]})
        service = SpecialService(flight=flight, currency=flight.trip.currency)
        if data.get("kind") == "catering" and not data.get("description"):
            dietary = flight.client.preferences.get("dietary_restrictions") or []
            data["description"] = "Dietary: " + ", ".join(dietary) if dietary else ""
    for name, value in data.items():
        setattr(service, name, value)
    save_validated(service, actor)
    return service


@transaction.atomic
def concierge_request_create(*, trip: Trip, subject: str, detail: str, actor: User | None) -> Any:

    from flights.models import ConciergeRequest

    request = ConciergeRequest(
        trip=trip,
        raised_by=actor,
        subject=subject,
        detail=detail,
        due_at=timezone.now() + timedelta(minutes=settings.CONCIERGE_SLA_MINUTES),
    )
    save_validated(request, actor)
    return request


@transaction.atomic
def concierge_request_update(
    *, request: Any, actor: User | None, status: str | None = None, assignee: User | None | bool = False
) -> Any:
    from flights.choices import ConciergeStatus

    if status is not None:
        request.status = status
        if status in (ConciergeStatus.DONE, ConciergeStatus.CANCELLED) and request.resolved_at is None:
            request.resolved_at = timezone.now()
    if assignee is not False:
        request.assignee = assignee
    save_validated(request, actor)
    return request


@transaction.atomic
def feedback_submit(*, flight: Flight, rating: int, comment: str, actor: User | None) -> Any:
    from flights.models import Feedback

    if flight.status != FlightStatus.COMPLETED:
        raise Conflict("Feedback opens when the flight is completed.", "flight_not_completed")
    feedback, _ = Feedback.objects.select_for_update().get_or_create(flight=flight)
    if feedback.submitted_at is not None:
        raise Conflict("Feedback was already given for this flight.", "feedback_given")
    feedback.rating = rating
    feedback.comment = comment
    feedback.submitted_at = timezone.now()
    save_validated(feedback, actor)
    return feedback
