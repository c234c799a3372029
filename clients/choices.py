from __future__ import annotations

from django.db import models


class ClientType(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    CORPORATE = "corporate", "Corporate"


class VipStatus(models.TextChoices):
    STANDARD = "standard", "Standard"
    VIP = "vip", "VIP"
    VVIP = "vvip", "VVIP"


class DataRequestKind(models.TextChoices):
    ACCESS = "access", "Access / export (Art. 15, 20)"
    RECTIFICATION = "rectification", "Rectification (Art. 16)"
    ERASURE = "erasure", "Erasure (Art. 17)"
    RESTRICTION = "restriction", "Restriction (Art. 18)"
    OBJECTION = "objection", "Objection (Art. 21)"


class DataRequestStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    REFUSED = "refused", "Refused"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    PUSH = "push", "Push"


class NotificationEvent(models.TextChoices):
    QUOTE_SENT = "quote_sent", "Quote sent"
    BOOKING_CONFIRMED = "booking_confirmed", "Booking confirmed"
    ITINERARY_CHANGED = "itinerary_changed", "Itinerary changed"
    FLIGHT_STATUS = "flight_status", "Flight status changes"
    INVOICE_ISSUED = "invoice_issued", "Invoice issued"
    FEEDBACK_REQUEST = "feedback_request", "Feedback request"
