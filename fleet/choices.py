"""Choices of the fleet models (``<Model><Field>`` TextChoices)."""

from __future__ import annotations

from django.db import models


class AircraftStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    MAINTENANCE = "maintenance", "In maintenance"
    IN_FLIGHT = "in_flight", "In flight"
    AOG = "aog", "Aircraft on ground (AOG)"
    INACTIVE = "inactive", "Inactive"


# Statuses that take an aircraft out of every availability search, whatever the window.
UNAVAILABLE_STATUSES: tuple[str, ...] = (
    AircraftStatus.MAINTENANCE,
    AircraftStatus.AOG,
    AircraftStatus.INACTIVE,
)

# Manual changes into these statuses must say why (the reason is on the timeline).
STATUSES_NEEDING_REASON: tuple[str, ...] = (
    AircraftStatus.MAINTENANCE,
    AircraftStatus.AOG,
    AircraftStatus.INACTIVE,
)


class AircraftCategory(models.TextChoices):
    LIGHT = "light", "Light jet"
    MIDSIZE = "midsize", "Midsize jet"
    SUPER_MIDSIZE = "super_midsize", "Super-midsize jet"
    HEAVY = "heavy", "Heavy jet"
    ULTRA_LONG_RANGE = "ultra_long_range", "Ultra-long-range jet"


class AircraftMinCrew(models.IntegerChoices):
    SINGLE_PILOT = 1, "Single pilot"
    TWO_PILOTS = 2, "Two pilots"


class AircraftDocumentKind(models.TextChoices):
    REGISTRATION = "registration", "Registration certificate"
    INSURANCE = "insurance", "Insurance"
    AIRWORTHINESS = "airworthiness", "Airworthiness certificate"
    OTHER = "other", "Other"


class BlackoutKind(models.TextChoices):
    MAINTENANCE = "maintenance", "Maintenance"
    OWNER_USE = "owner_use", "Owner use"
    AOG = "aog", "Aircraft on ground (AOG)"
    OTHER = "other", "Other"


# Blackout kinds the maintenance view lists.
MAINTENANCE_BLACKOUT_KINDS: tuple[str, ...] = (BlackoutKind.MAINTENANCE, BlackoutKind.AOG)
