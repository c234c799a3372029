"""Client notifications: one business event → at most one message per channel and recipient.

``notify`` is the single entry point (flights today, invoices next). It asks the client's
preferences which channels want the event, records one ``NotificationDelivery`` row per
channel and recipient (the unique ``(key, channel, recipient)`` makes a retried task or a
double click harmless), renders the message from templates and sends it:

- e-mail through ``django.core.mail`` from ``DEFAULT_FROM_EMAIL`` (``templates/emails/<template>.txt``,
  plus ``.html`` as an alternative part when that template exists);
- SMS through the backend named by ``settings.SMS_BACKEND`` (``templates/sms/<template>.txt``,
  whitespace collapsed, at most ``SMS_MAX_LENGTH`` characters);
- push: there is no push backend yet, so a wanted push is recorded as *skipped*.

This module must not import ``clients`` at import time (``clients`` imports ``jetops``): the
few ``clients`` names it needs are imported inside functions.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string
from phonenumber_field.phonenumber import PhoneNumber

from jetops.models import NotificationChannel, NotificationDelivery, NotificationStatus

if TYPE_CHECKING:
    from clients.models import Client

logger = logging.getLogger(__name__)

SMS_MAX_LENGTH = 300
ERROR_MAX_LENGTH = 300
SUBJECT_MAX_LENGTH = 200


class SMSBackend(Protocol):
    """What ``settings.SMS_BACKEND`` must name: a class, built without arguments, whose
    ``send`` delivers ``body`` to ``to`` (E.164) or raises. Raise ``TransientDeliveryError``
    for failures worth retrying (provider busy, timeout); anything else is recorded as a
    permanent failure."""

    def send(self, to: str, body: str) -> None: ...


class TransientDeliveryError(Exception):
    """A channel backend's failure that a later attempt may not hit (raise it from SMS backends)."""


class TransientNotificationError(Exception):
    """Raised by ``notify`` after every channel was attempted when at least one failed in a
    way worth retrying. Tasks retry on it; rows already sent are not sent again."""

    def __init__(self, message: str, deliveries: list[NotificationDelivery] | None = None) -> None:
        # Only ``message`` goes into ``args``: Celery pickles the exception to record the
        # task's failure, and rebuilding it must not need the rows.
        super().__init__(message)
        self.deliveries = deliveries or []


def mask_phone(number: str) -> str:
    """``+12125550101`` → ``+*********01``: enough to tell numbers apart in a log, no more."""
    digits = number.lstrip("+")
    if len(digits) <= 4:
        return "+" + "*" * len(digits)
    return "+" + "*" * (len(digits) - 2) + digits[-2:]


class LoggingSMSBackend:
    """The default SMS backend: sends nothing, logs the masked number and the message length
    (never the text: it may carry personal data)."""

    def send(self, to: str, body: str) -> None:
        logger.info("SMS to %s (%d characters) not sent: logging backend.", mask_phone(to), len(body))


def sms_backend() -> SMSBackend:
    """An instance of the class named by ``settings.SMS_BACKEND``."""
    backend: SMSBackend = import_string(settings.SMS_BACKEND)()
    return backend


@dataclass(frozen=True)
class _Rendered:
    subject: str
    text: str
    html: str | None


def _render_email(template: str, subject: str, context: dict[str, Any]) -> _Rendered:
    text = render_to_string(f"emails/{template}.txt", context).strip() + "\n"
    try:
        html: str | None = get_template(f"emails/{template}.html").render(context)
    except TemplateDoesNotExist:
        html = None
    return _Rendered(subject=subject, text=text, html=html)


def _render_sms(template: str, context: dict[str, Any]) -> str:
    text = " ".join(render_to_string(f"sms/{template}.txt", context).split())
    if len(text) > SMS_MAX_LENGTH:
        text = text[: SMS_MAX_LENGTH - 1].rstrip() + "…"
    return text


def _one_line(subject: str) -> str:
    # A header with a line break is refused by Django (BadHeaderError): never let it through.
    return " ".join(subject.split())[:SUBJECT_MAX_LENGTH]


def _is_transient(exc: BaseException) -> bool:
    """Whether another attempt may succeed: SMTP 4xx replies, dropped connections, network
    errors and backends' ``TransientDeliveryError``. 5xx replies and bugs are permanent."""
    if isinstance(exc, TransientDeliveryError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False
    return isinstance(exc, OSError)


def _send_email(to: str, rendered: _Rendered) -> None:
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[settings.OPERATIONS_EMAIL],
    )
    if rendered.html is not None:
        message.attach_alternative(rendered.html, "text/html")
    message.send(fail_silently=False)


def _skip(
    *, key: str, channel: str, event: str, client_id: int, subject: str, reason: str
) -> NotificationDelivery:
    row, _ = NotificationDelivery.objects.get_or_create(
        key=key,
        channel=channel,
        recipient="",
        defaults={
            "event": event,
            "subject": subject,
            "status": NotificationStatus.SKIPPED,
            "error": reason,
            "client_id": client_id,
        },
    )
    return row


def _deliver(
    *,
    key: str,
    channel: str,
    recipient: str,
    event: str,
    client_id: int,
    subject: str,
    body: str,
    send: Callable[[], None],
) -> tuple[NotificationDelivery, bool]:
    """Send one message unless its row was already sent; returns the row and whether the
    failure (if any) is worth retrying.

    The row is locked while sending (``skip_locked``: a concurrent run of the same key leaves
    it to the run that holds it). A worker killed mid-send rolls back to the previous state,
    so the redelivered task sends again: delivery is at least once, and a row marked sent is
    never sent again.
    """
    row, _ = NotificationDelivery.objects.get_or_create(
        key=key,
        channel=channel,
        recipient=recipient,
        defaults={"event": event, "subject": subject, "body": body, "client_id": client_id},
    )
    if row.status in (NotificationStatus.SENT, NotificationStatus.SKIPPED):
        return row, False
    with transaction.atomic():
        locked = NotificationDelivery.objects.select_for_update(skip_locked=True).filter(pk=row.pk).first()
        if locked is None or locked.status in (NotificationStatus.SENT, NotificationStatus.SKIPPED):
            return locked or row, False
        locked.attempts += 1
        locked.subject, locked.body = subject, body
        transient = False
        try:
            send()
        except Exception as exc:
            transient = _is_transient(exc)
            locked.status = NotificationStatus.FAILED
            locked.error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
            logger.warning(
                "Notification %s via %s failed (attempt %d, %s): %s",
                key,
                channel,
                locked.attempts,
                "will retry" if transient else "permanent",
                type(exc).__name__,
            )
        else:
            locked.status = NotificationStatus.SENT
            locked.error = ""
            locked.sent_at = timezone.now()
        locked.save(update_fields=["attempts", "subject", "body", "status", "error", "sent_at"])
    return locked, transient


def _phone_e164(client: Client) -> str:
    phone: Any = client.phone
    if isinstance(phone, PhoneNumber) and phone.is_valid():
        return str(phone.as_e164)
    return ""


def notify(
    *, event: str, key: str, client: Client, subject: str, template: str, context: dict[str, Any]
) -> list[NotificationDelivery]:
    """Tell ``client`` about ``event`` on every channel its preferences want.

    ``key`` names the business occurrence (``flight-status:42:departed``): calling again with
    the same key sends nothing already sent and retries only what failed. Per wanted channel
    one ``NotificationDelivery`` row is recorded: *sent*, *failed* (with the error and the
    attempt count) or *skipped* (no address on file; push, for which no backend exists yet).
    Channels the client does not want get no row. An erased client gets nothing.

    Templates receive ``context`` plus ``client`` and ``operations_email``.

    Raises ``TransientNotificationError`` after all channels were attempted if a failure is
    worth retrying (SMTP 4xx, connection lost, ``TransientDeliveryError``); permanent
    failures are recorded and not raised.
    """
    from clients.choices import NotificationEvent
    from clients.preferences import wants

    if event not in NotificationEvent.values:
        raise ValueError(f"Unknown notification event {event!r}.")
    if client.is_erased:
        logger.info("Notification %s not sent: client %s was erased.", key, client.pk)
        return []
    preferences = client.preferences or {}
    subject = _one_line(subject)
    full_context = {"client": client, "operations_email": settings.OPERATIONS_EMAIL, **context}
    deliveries: list[NotificationDelivery] = []
    retry = False

    if wants(preferences, NotificationChannel.EMAIL, event):
        email = (client.email or "").strip()
        if not email:
            deliveries.append(
                _skip(
                    key=key,
                    channel=NotificationChannel.EMAIL,
                    event=event,
                    client_id=client.pk,
                    subject=subject,
                    reason="No e-mail address on file.",
                )
            )
        else:
            rendered = _render_email(template, subject, full_context)
            row, transient = _deliver(
                key=key,
                channel=NotificationChannel.EMAIL,
                recipient=email,
                event=event,
                client_id=client.pk,
                subject=subject,
                body=rendered.text,
                send=lambda: _send_email(email, rendered),
            )
            deliveries.append(row)
            retry = retry or transient

    if wants(preferences, NotificationChannel.SMS, event):
        phone = _phone_e164(client)
        if not phone:
            deliveries.append(
                _skip(
                    key=key,
                    channel=NotificationChannel.SMS,
                    event=event,
                    client_id=client.pk,
                    subject=subject,
                    reason="No valid mobile number on file.",
                )
            )
        else:
            text = _render_sms(template, full_context)
            backend = sms_backend()
            row, transient = _deliver(
                key=key,
                channel=NotificationChannel.SMS,
                recipient=phone,
                event=event,
                client_id=client.pk,
                subject="",
                body=text,
                send=lambda: backend.send(phone, text),
            )
            deliveries.append(row)
            retry = retry or transient

    if wants(preferences, NotificationChannel.PUSH, event):
        deliveries.append(
            _skip(
                key=key,
                channel=NotificationChannel.PUSH,
                event=event,
                client_id=client.pk,
                subject=subject,
                reason="No push backend configured.",
            )
        )

    if retry:
        raise TransientNotificationError(f"Notification {key}: a channel failed; retry later.", deliveries)
    return deliveries
