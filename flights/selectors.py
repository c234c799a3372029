"""Reads over quotes and flights: reports, the passport warnings of a manifest and the planned
arrival of a flight (the pricing engine's block-time estimate)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, Q

from clients.models import Passenger
from fleet.models import Aircraft, Airport
from flights.choices import QuoteStatus
from flights.models import Feedback, Flight, Quote
from flights.pricing.itinerary import estimate_leg
from flights.quoting import active_profile, aircraft_spec, place, pricing_table


def quote_conversion_report(*, start: datetime | None = None, end: datetime | None = None) -> dict[str, Any]:
    """How many quotes became bookings: accepted / decided (accepted + declined + expired),
    and accepted / all quotes, over quotes created in ``[start, end)``."""
    quotes = Quote.objects.all()
    if start is not None:
        quotes = quotes.filter(created_at__gte=start)
    if end is not None:
        quotes = quotes.filter(created_at__lt=end)
    counts = quotes.aggregate(
        total=Count("id"),
        accepted=Count("id", filter=Q(status=QuoteStatus.ACCEPTED)),
        declined=Count("id", filter=Q(status=QuoteStatus.DECLINED)),
        expired=Count("id", filter=Q(status=QuoteStatus.EXPIRED)),
        open=Count("id", filter=Q(status__in=[QuoteStatus.DRAFT, QuoteStatus.SENT])),
    )
    decided = counts["accepted"] + counts["declined"] + counts["expired"]
    return {
        **counts,
        "conversion_rate": round(counts["accepted"] / counts["total"], 4) if counts["total"] else None,
        "decided_conversion_rate": round(counts["accepted"] / decided, 4) if decided else None,
    }


def feedback_report() -> dict[str, Any]:
    submitted = Feedback.objects.filter(submitted_at__isnull=False)
    summary = submitted.aggregate(count=Count("id"), average=Avg("rating"))
    distribution = {str(r): submitted.filter(rating=r).count() for r in range(1, 6)}
    return {
        "requested": Feedback.objects.count(),
        "submitted": summary["count"],
        "average_rating": round(float(summary["average"]), 2) if summary["average"] is not None else None,
        "distribution": distribution,
    }


def passport_warnings(flight: Flight, passengers: list[Passenger], months: int) -> list[dict[str, Any]]:
    """The passengers whose passport is not on file or expires within ``months`` of the
    flight (warnings for staff, not refusals)."""
    limit = (flight.departure_at + timedelta(days=round(months * 30.44))).date()
    warnings = []
    for passenger in passengers:
        if passenger.passport_expiry is None:
            warnings.append(
                {"passenger": passenger.pk, "detail": f"{passenger}: no passport expiry on file."}
            )
        elif passenger.passport_expiry < limit:
            warnings.append(
                {
                    "passenger": passenger.pk,
                    "detail": f"{passenger}: passport expires "
                    f"{passenger.passport_expiry.isoformat()}, within {months} months of the flight.",
                }
            )
    return warnings


def flight_arrival_estimate(
    aircraft: Aircraft, departure: Airport, arrival: Airport, at: datetime
) -> tuple[datetime, int, int]:
    """Planned on-block time, distance and block minutes from the pricing engine's method."""
    profile = active_profile()
    table = pricing_table(profile)
    spec = aircraft_spec(aircraft, departure)
    leg = estimate_leg(spec, table, "revenue", place(departure), place(arrival), passengers=1, at=at)
    return leg.arrival_datetime, round(leg.distance_nm), leg.block_minutes
