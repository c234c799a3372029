"""Reports over quotes and flights."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, Q

from flights.choices import QuoteStatus
from flights.models import Feedback, Quote


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
