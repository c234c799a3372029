"""Enumerations of the maintenance app."""

from __future__ import annotations

from django.db import models


class ProgramKind(models.TextChoices):
    PRESET_91_409 = "91.409", "91.409 annual + 100-hour"
    APPROVED = "approved", "Approved inspection program (135.419)"
    MANUFACTURER = "manufacturer", "Manufacturer's program"


class DueStatus(models.TextChoices):
    OK = "ok", "OK"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


class WorkOrderStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_WORK_ORDER_STATUSES = (WorkOrderStatus.PLANNED, WorkOrderStatus.IN_PROGRESS)


class SquawkSeverity(models.TextChoices):
    GROUNDING = "grounding", "Grounding"
    DEFERRABLE = "deferrable", "Deferrable (MEL)"


class SquawkStatus(models.TextChoices):
    OPEN = "open", "Open"
    DEFERRED = "deferred", "Deferred (MEL)"
    CLOSED = "closed", "Closed"


class MelCategory(models.TextChoices):
    A = "A", "A (interval in the MEL remarks)"
    B = "B", "B (3 days)"
    C = "C", "C (10 days)"
    D = "D", "D (120 days)"


class AlertKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    MEL_EXPIRY = "mel_expiry", "MEL deferral expiry"
    LOW_STOCK = "low_stock", "Low stock"
    VENDOR_CERTIFICATE = "vendor_certificate", "Vendor certificate expiry"
