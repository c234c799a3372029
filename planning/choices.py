from __future__ import annotations

from django.db import models


class StationKind(models.TextChoices):
    CREW = "crew", "Crew seats"
    SEAT = "seat", "Passenger seats"
    BAGGAGE = "baggage", "Baggage"
    FUEL = "fuel", "Fuel tank"


class FlightPlanStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    FILED = "filed", "Filed"
