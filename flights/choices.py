from __future__ import annotations

from django.db import models


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"


class TripStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class FlightStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    BOARDING = "boarding", "Boarding"
    DEPARTED = "departed", "Departed"
    ARRIVED = "arrived", "Arrived"
    DIVERTED = "diverted", "Diverted"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_FLIGHT_STATUSES = (
    FlightStatus.SCHEDULED,
    FlightStatus.BOARDING,
    FlightStatus.DEPARTED,
    FlightStatus.ARRIVED,
    FlightStatus.DIVERTED,
)

FLOWN_FLIGHT_STATUSES = (FlightStatus.ARRIVED, FlightStatus.DIVERTED, FlightStatus.COMPLETED)
"""Flights that flew: their actual times and landings are history (crew recency, totals)."""
"""Statuses in which a flight occupies its aircraft (cancelled and completed ones do not)."""


class LegType(models.TextChoices):
    REVENUE = "revenue", "Revenue"
    POSITIONING = "positioning", "Positioning"


class ServiceKind(models.TextChoices):
    CATERING = "catering", "Catering"
    GROUND_TRANSPORT = "ground_transport", "Ground transport"
    CUSTOMS = "customs", "Customs / immigration"
    FBO = "fbo", "FBO"
    OTHER = "other", "Other"


class ServiceStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class ConciergeStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class TripEventKind(models.TextChoices):
    QUOTE_SENT = "quote_sent", "Quote sent"
    BOOKED = "booked", "Booked"
    STATUS = "status", "Status change"
    ITINERARY_CHANGED = "itinerary_changed", "Itinerary changed"
    CANCELLED = "cancelled", "Cancelled"
    CREW = "crew", "Crew change"
    NOTE = "note", "Note"
