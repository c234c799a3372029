"""The daily maintenance alerts, each sent once per threshold (docs/rules.md#maintenance)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from fleet.models import Aircraft
from maintenance import due
from maintenance.choices import (
    AlertKind,
    SquawkStatus,
)
from maintenance.models import (
    MaintenanceAlert,
    Part,
    Squawk,
    Vendor,
)

# ---------------------------------------------------------------- alerts


def _alert(key: str, kind: str, message: str, aircraft: Aircraft | None = None) -> bool:
    """Record and send one alert, once: the unique ``key`` guards against a second send (a
    retried or repeated task finds the row and sends nothing)."""
    recipients = [settings.OPERATIONS_EMAIL]
    if MaintenanceAlert.objects.filter(key=key).exists():
        return False
    try:
        with transaction.atomic():
            alert = MaintenanceAlert(
                key=key, kind=kind, message=message[:300], aircraft=aircraft, recipients=recipients
            )
            alert._history_user = None  # type: ignore[attr-defined]
            alert.save()
            send_mail(
                subject=f"JetOps maintenance: {message[:120]}",
                message=message,
                from_email=None,
                recipient_list=recipients,
            )
    except IntegrityError:
        return False
    return True


def maintenance_alerts_send(*, now: datetime | None = None) -> int:
    """The daily alerts: items due soon and overdue (once per item, due point and status),
    MEL deferrals ending within 2 days or expired, parts below their minimum stock, vendor
    certificates expiring within 30 days or expired. Returns how many were sent."""
    from maintenance import selectors

    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    aircraft = {a.pk: a for a in Aircraft.objects.filter(is_active=True)}
    for aircraft_id, rows in selectors.due_lists(list(aircraft), now=now).items():
        plane = aircraft[aircraft_id]
        for row in rows:
            status = row.evaluation.status
            if status == due.OK:
                continue
            point = f"{row.due.hours}/{row.due.cycles}/{row.due.on}"
            kind = AlertKind.OVERDUE if status == due.OVERDUE else AlertKind.DUE_SOON
            text = "overdue" if status == due.OVERDUE else f"due soon (forecast {row.evaluation.forecast})"
            sent += _alert(
                f"item:{row.item}:{point}:{status}", kind, f"{plane.tail_number}: {row.title} {text}.", plane
            )
    for squawk in Squawk.objects.filter(
        status=SquawkStatus.DEFERRED, deferred_until__lte=today + timedelta(days=2)
    ).select_related("aircraft"):
        assert squawk.deferred_until is not None  # noqa: S101  (a DB constraint)
        expired = squawk.deferred_until < today
        word = "expired" if expired else "expiring"
        sent += _alert(
            f"mel:{squawk.pk}:{squawk.deferred_until}:{word}",
            AlertKind.MEL_EXPIRY,
            f"{squawk.aircraft.tail_number}: MEL {squawk.mel_item} deferral {word} "
            f"({squawk.deferred_until}).",
            squawk.aircraft,
        )
    for part in Part.objects.filter(minimum_quantity__gt=0):
        if part.quantity < part.minimum_quantity:
            sent += _alert(
                f"stock:{part.pk}:{part.minimum_quantity}:{part.quantity}",
                AlertKind.LOW_STOCK,
                f"Reorder P/N {part.part_number} at {part.location}: {part.quantity} left, "
                f"minimum {part.minimum_quantity}.",
            )
    for vendor in Vendor.objects.filter(certificate_expires_on__lte=today + timedelta(days=30)):
        assert vendor.certificate_expires_on is not None  # noqa: S101  (filtered)
        word = "expired" if vendor.certificate_expires_on < today else "expiring"
        sent += _alert(
            f"vendor:{vendor.pk}:{vendor.certificate_expires_on}:{word}",
            AlertKind.VENDOR_CERTIFICATE,
            f"{vendor.name}: certificate {vendor.certificate_number} {word} "
            f"on {vendor.certificate_expires_on}.",
        )
    return sent
