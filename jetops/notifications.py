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

Delivery guarantees. Each attempt is claimed on its row (*sending*, attempts + 1) and committed
before the message leaves, and its outcome is recorded after; a row *sent* is never sent again.
Only a worker dying between the two leaves a row *sending* with no way to tell whether the
message left. That case is decided per channel:

- e-mail is delivered **at most once**: the row becomes *unknown* and is not sent again.
  E-mails carry quotes and booking confirmations, where a second copy reads as a second quote
  or booking; whatever they say is also in the client portal.
- SMS is delivered **at least once**: the row is sent again (and counted again). SMS carries
  flight-status changes (delayed, diverted), where a lost message costs more than a repeat.

A *sending* row is taken for abandoned only after ``NOTIFICATION_STUCK_AFTER_MINUTES``, longer
than any sending task may run. ``deliveries_sweep`` (Celery beat) settles such rows and sends
*pending* rows no run reached; a redelivered task does the same for its own key.

This module knows channels and delivery rows, not clients: who is told what, and on which
channels, is decided by the app that owns the recipient (``clients.notifications`` for client
accounts), which calls ``notify`` with the addresses of the wanted channels and registers a
``hold`` (``register_hold``) that stops recorded deliveries to a recipient who may no longer
be written to (an erased client). See docs/architecture.md (dependency direction).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from jetops.models import NotificationChannel, NotificationDelivery, NotificationStatus

logger = logging.getLogger(__name__)

SMS_MAX_LENGTH = 300
ERROR_MAX_LENGTH = 300
SUBJECT_MAX_LENGTH = 200

#: Channels re-sent when their sender died mid-send; the others are delivered at most once.
AT_LEAST_ONCE_CHANNELS = frozenset({NotificationChannel.SMS})
SWEEP_BATCH = 500
#: Rows never attempted again.
FINAL_STATUSES = frozenset({NotificationStatus.SENT, NotificationStatus.SKIPPED, NotificationStatus.UNKNOWN})
INTERRUPTED_ERROR = (
    "Interrupted during the send (worker stopped); it may have been delivered, so it is not sent again."
)


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


def _send_email(
    to: str,
    rendered: _Rendered,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    cc: Sequence[str] = (),
) -> None:
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        cc=list(cc),
        reply_to=[settings.OPERATIONS_EMAIL],
    )
    if rendered.html is not None:
        message.attach_alternative(rendered.html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
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


@dataclass(frozen=True)
class _Message:
    """One message to send: what is stored on its delivery row, and how to send it."""

    channel: str
    recipient: str
    subject: str
    body: str
    send: Callable[[], None]


def _email_message(to: str, rendered: _Rendered) -> _Message:
    return _Message(
        channel=NotificationChannel.EMAIL,
        recipient=to,
        subject=rendered.subject,
        body=rendered.text,
        send=lambda: _send_email(to, rendered),
    )


def _sms_message(to: str, text: str) -> _Message:
    backend = sms_backend()
    return _Message(
        channel=NotificationChannel.SMS,
        recipient=to,
        subject="",
        body=text,
        send=lambda: backend.send(to, text),
    )


def _record(*, key: str, event: str, client_id: int, message: _Message) -> NotificationDelivery:
    row, _ = NotificationDelivery.objects.get_or_create(
        key=key,
        channel=message.channel,
        recipient=message.recipient,
        defaults={"event": event, "subject": message.subject, "body": message.body, "client_id": client_id},
    )
    return row


def _stored_message(row: NotificationDelivery) -> _Message:
    """The message a delivery row recorded (e-mail as plain text: the HTML part is not kept)."""
    if row.channel == NotificationChannel.SMS:
        return _sms_message(row.recipient, row.body)
    return _email_message(row.recipient, _Rendered(subject=row.subject, text=row.body, html=None))


def stuck_after() -> timedelta:
    """How long a delivery may stay pending or sending before it is taken for abandoned:
    longer than any task that sends may run (its hard time limit kills it before)."""
    return timedelta(minutes=settings.NOTIFICATION_STUCK_AFTER_MINUTES)


def _settle_interrupted(rows: QuerySet[NotificationDelivery]) -> int:
    """Those of ``rows`` sending for longer than ``stuck_after()`` on an at-most-once channel
    (their sender died mid-send) become *unknown*, never sent again; returns how many."""
    settled = (
        rows.filter(status=NotificationStatus.SENDING, attempted_at__lt=timezone.now() - stuck_after())
        .exclude(channel__in=AT_LEAST_ONCE_CHANNELS)
        .update(status=NotificationStatus.UNKNOWN, error=INTERRUPTED_ERROR)
    )
    if settled:
        logger.warning(
            "%d notification(s) interrupted during the send, not sent again (at most once).", settled
        )
    return settled


def _claimable(now: datetime) -> Q:
    """Rows no run is sending: *pending*, *failed*, and *sending* for longer than
    ``stuck_after()`` (its sender died). A fresh *sending* row is another run's."""
    return Q(status__in=(NotificationStatus.PENDING, NotificationStatus.FAILED)) | Q(
        status=NotificationStatus.SENDING, attempted_at__lt=now - stuck_after()
    )


def _claim(row: NotificationDelivery, message: _Message) -> datetime | None:
    """Take the row for one attempt: *sending*, ``attempts`` + 1, committed before the message
    leaves, so the record never undercounts what was sent; returns the attempt's time, None if
    not claimed. Atomic (a conditional UPDATE): of two runs of the same key, one claims and
    the other leaves the row alone.

    An interrupted row of an at-most-once channel is settled first, so what stays claimable
    is ``_claimable()``.
    """
    _settle_interrupted(NotificationDelivery.objects.filter(pk=row.pk))
    now = timezone.now()
    with transaction.atomic(durable=True):
        claimed = NotificationDelivery.objects.filter(_claimable(now), pk=row.pk).update(
            status=NotificationStatus.SENDING,
            attempts=F("attempts") + 1,
            attempted_at=now,
            error="",
            subject=message.subject,
            body=message.body,
        )
    return now if claimed else None


def _deliver(row: NotificationDelivery, message: _Message) -> tuple[NotificationDelivery, bool]:
    """Send ``message`` for ``row`` unless another run has it or had it; returns the row (as
    stored now) and whether its failure, if any, is worth retrying."""
    attempt = None if row.status in FINAL_STATUSES else _claim(row, message)
    if attempt is None:
        row.refresh_from_db()
        return row, False
    # The outcome is recorded only on this attempt's claim (a late answer never overwrites
    # a later attempt's).
    this_attempt = NotificationDelivery.objects.filter(
        pk=row.pk, status=NotificationStatus.SENDING, attempted_at=attempt
    )
    try:
        message.send()
    except Exception as exc:
        transient = _is_transient(exc)
        this_attempt.update(
            status=NotificationStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
        )
        row.refresh_from_db()
        logger.warning(
            "Notification %s via %s failed (attempt %d, %s): %s",
            row.key,
            row.channel,
            row.attempts,
            "will retry" if transient else "permanent",
            type(exc).__name__,
        )
        return row, transient
    this_attempt.update(status=NotificationStatus.SENT, sent_at=timezone.now())
    row.refresh_from_db()
    return row, False


#: Why a wanted channel is skipped when the recipient has no address for it.
NO_ADDRESS: dict[str, str] = {
    NotificationChannel.EMAIL: "No e-mail address on file.",
    NotificationChannel.SMS: "No valid mobile number on file.",
}
NO_BACKEND = "No push backend configured."

#: Checks asked before a recorded delivery is (re)sent: each returns why the row's recipient
#: may no longer be written to, or None. Registered at start-up by the apps that own the
#: recipients (``ClientsConfig.ready()``), so this module imports none of them.
_holds: list[Callable[[NotificationDelivery], str | None]] = []


def register_hold(check: Callable[[NotificationDelivery], str | None]) -> None:
    """Add ``check`` to the holds ``delivery_send`` asks before sending a recorded row
    (idempotent: registering the same check twice keeps one)."""
    if check not in _holds:
        _holds.append(check)


def notify(
    *,
    event: str,
    key: str,
    client_id: int,
    addresses: Mapping[str, str],
    subject: str,
    template: str,
    context: dict[str, Any],
) -> list[NotificationDelivery]:
    """Send the message for ``event`` on every channel in ``addresses`` (the wanted channels,
    in order, each with the recipient's address: an e-mail, an E.164 number, or "" when none
    is on file), recorded against ``client_id``.

    ``key`` names the business occurrence (``flight-status:42:departed``): calling again with
    the same key sends nothing already sent (or possibly sent) and retries only what failed.
    Per wanted channel one ``NotificationDelivery`` row is recorded, all of them before the
    first message leaves: *sent*, *failed* (with the error and the attempt count), *skipped*
    (no address on file; push, for which no backend exists yet) or, after a worker died
    mid-send, *sending* until settled (see ``AT_LEAST_ONCE_CHANNELS``). Must run outside a
    transaction: each attempt is committed before its message leaves.

    Templates receive ``context`` plus ``operations_email``.

    Raises ``TransientNotificationError`` after all channels were attempted if a failure is
    worth retrying (SMTP 4xx, connection lost, ``TransientDeliveryError``); permanent
    failures are recorded and not raised.
    """
    subject = _one_line(subject)
    full_context = {"operations_email": settings.OPERATIONS_EMAIL, **context}
    # Per wanted channel, in channel order: a skipped row, or the message to send.
    plan: list[NotificationDelivery | _Message] = []
    for channel, address in addresses.items():
        if channel == NotificationChannel.PUSH or not address:
            reason = NO_ADDRESS.get(channel, NO_BACKEND)
            plan.append(
                _skip(
                    key=key, channel=channel, event=event, client_id=client_id, subject=subject, reason=reason
                )
            )
        elif channel == NotificationChannel.EMAIL:
            plan.append(_email_message(address, _render_email(template, subject, full_context)))
        else:
            plan.append(_sms_message(address, _render_sms(template, full_context)))

    # Every wanted message is on record before the first one leaves, so the sweep finds what a
    # dead worker never reached.
    recorded = [
        (_record(key=key, event=event, client_id=client_id, message=item), item)
        if isinstance(item, _Message)
        else item
        for item in plan
    ]
    deliveries: list[NotificationDelivery] = []
    retry = False
    for item in recorded:
        if isinstance(item, tuple):
            row, transient = _deliver(*item)
            retry = retry or transient
        else:
            row = item
        deliveries.append(row)

    if retry:
        raise TransientNotificationError(f"Notification {key}: a channel failed; retry later.", deliveries)
    return deliveries


def email_once(
    *,
    key: str,
    event: str,
    client_id: int,
    to: str,
    subject: str,
    text: str,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    cc: Sequence[str] = (),
) -> NotificationDelivery:
    """Send one e-mail a client must receive whatever its channel preferences (an invoice, a
    payment reminder), with ``attachments`` (name, content, MIME type), once per ``key``:
    recorded and claimed like ``notify``'s deliveries before it leaves, so a retried task
    sends nothing already sent. The stored row keeps the text, not the attachments: a row
    the sweep resends is sent without them (the document is also in the client portal).
    Must run outside a transaction. Raises ``TransientNotificationError`` when worth retrying."""
    rendered = _Rendered(subject=_one_line(subject), text=text, html=None)
    message = _Message(
        channel=NotificationChannel.EMAIL,
        recipient=to,
        subject=rendered.subject,
        body=text,
        send=lambda: _send_email(to, rendered, attachments, cc),
    )
    row, transient = _deliver(_record(key=key, event=event, client_id=client_id, message=message), message)
    if transient:
        raise TransientNotificationError(f"E-mail {key}: retry later.", [row])
    return row


def delivery_send(*, delivery_id: int) -> NotificationDelivery | None:
    """(Re)send one recorded delivery from what its row stores: a *pending* row no run reached,
    or an at-least-once row whose sender died mid-send. Does nothing to rows another run holds
    or that are final; None if the row is gone. A row a registered hold stops (an erased
    client's) is marked failed with the hold's reason.

    Raises ``TransientNotificationError`` when the failure is worth retrying."""
    row = NotificationDelivery.objects.filter(pk=delivery_id).first()
    if row is None:
        return None
    reason = next((held for held in (check(row) for check in _holds) if held), None)
    if reason:
        NotificationDelivery.objects.filter(_claimable(timezone.now()), pk=row.pk).update(
            status=NotificationStatus.FAILED, error=reason
        )
        row.refresh_from_db()
        return row
    row, transient = _deliver(row, _stored_message(row))
    if transient:
        raise TransientNotificationError(f"Notification {row.key} via {row.channel}: retry later.", [row])
    return row


def deliveries_sweep() -> list[int]:
    """Settle deliveries stuck in *pending* or *sending* for longer than ``stuck_after()`` (their
    worker died, or the task was lost): at-most-once rows interrupted mid-send become *unknown*;
    rows with ``NOTIFICATION_MAX_ATTEMPTS`` attempts become *failed*; returns the ids of the
    others, to send again (``delivery_send``), at most ``SWEEP_BATCH`` per run."""
    cutoff = timezone.now() - stuck_after()
    stuck = NotificationDelivery.objects.filter(
        Q(status=NotificationStatus.PENDING) | Q(status=NotificationStatus.SENDING, attempted_at__lt=cutoff),
        created_at__lt=cutoff,
    )
    _settle_interrupted(stuck)
    limit = settings.NOTIFICATION_MAX_ATTEMPTS
    failed = stuck.filter(attempts__gte=limit).update(
        status=NotificationStatus.FAILED, error=f"Gave up after {limit} attempts (stuck while sending)."
    )
    resent = list(stuck.order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    if failed or resent:
        logger.warning("Notification sweep: %d given up, %d to send again.", failed, len(resent))
    return resent
