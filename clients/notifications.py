"""Client notifications: which channels a client wants for an event, and where to reach them.

``client_notify`` is the single entry point (flights today, invoices next). The client's
preferences (``clients.preferences``) pick the channels; ``jetops.notifications.notify``
records and sends one delivery per channel and recipient (idempotent per ``key``). The hold
registered from ``ClientsConfig.ready()`` stops recorded deliveries to a client erased since.
"""

from __future__ import annotations

import logging
from typing import Any

from phonenumber_field.phonenumber import PhoneNumber

from clients.choices import NotificationEvent
from clients.models import Client
from clients.preferences import wants
from jetops.models import NotificationChannel, NotificationDelivery
from jetops.notifications import notify

logger = logging.getLogger(__name__)

ERASED_HOLD = "Client erased: not sent."


def _phone_e164(client: Client) -> str:
    phone: Any = client.phone
    if isinstance(phone, PhoneNumber) and phone.is_valid():
        return str(phone.as_e164)
    return ""


def client_notify(
    *, event: str, key: str, client: Client, subject: str, template: str, context: dict[str, Any]
) -> list[NotificationDelivery]:
    """Tell ``client`` about ``event`` on every channel its preferences want (see
    ``jetops.notifications.notify`` for the delivery guarantees and what is raised). Channels
    the client does not want get no row; a wanted channel with no address on file is recorded
    as *skipped*. An erased client gets nothing. Templates receive ``context`` plus ``client``
    and ``operations_email``."""
    if event not in NotificationEvent.values:
        raise ValueError(f"Unknown notification event {event!r}.")
    if client.is_erased:
        logger.info("Notification %s not sent: client %s was erased.", key, client.pk)
        return []
    preferences = client.preferences or {}
    reachable: dict[str, str] = {
        NotificationChannel.EMAIL: (client.email or "").strip(),
        NotificationChannel.SMS: _phone_e164(client),
        NotificationChannel.PUSH: "",
    }
    addresses = {
        channel: address for channel, address in reachable.items() if wants(preferences, channel, event)
    }
    return notify(
        event=event,
        key=key,
        client_id=client.pk,
        addresses=addresses,
        subject=subject,
        template=template,
        context={"client": client, **context},
    )


def erased_hold(row: NotificationDelivery) -> str | None:
    """The hold ``ClientsConfig.ready()`` registers: a delivery to a client erased since it was
    recorded is not sent."""
    if (
        row.client_id is not None
        and Client.objects.filter(pk=row.client_id, erased_at__isnull=False).exists()
    ):
        return ERASED_HOLD
    return None
