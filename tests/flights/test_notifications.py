"""Client notifications: preferences per channel and event, idempotency per key, the pluggable
SMS backend, failure recording and retry, and the per-event messages of the Celery task."""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.utils import timezone

from clients import services as client_services
from clients.models import Client
from clients.notifications import client_notify
from finance.models import PricingProfile
from fleet import services as fleet_services
from fleet.models import Aircraft, Airport
from flights.choices import FlightStatus, QuoteStatus
from flights.models import Flight, Quote, QuoteOption, Trip
from flights.services.status import flight_status_change
from flights.tasks import client_notify_task, quotes_expire_task
from jetops.models import NotificationDelivery, NotificationStatus
from jetops.notifications import (
    SMS_MAX_LENGTH,
    LoggingSMSBackend,
    TransientDeliveryError,
    TransientNotificationError,
)
from jetops.tasks import deliveries_sweep_task

pytestmark = pytest.mark.django_db

MODULE = "tests.flights.test_notifications"


# ---------------------------------------------------------------- test doubles (leave the process)


class RecordingSMSBackend:
    """Keeps what would have been sent."""

    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, to: str, body: str) -> None:
        self.sent.append((to, body))


class RejectingSMSBackend:
    def send(self, to: str, body: str) -> None:
        raise RuntimeError("provider rejected the number")


class FlakySMSBackend:
    """Busy once, then fine."""

    calls: ClassVar[int] = 0

    def send(self, to: str, body: str) -> None:
        type(self).calls += 1
        if type(self).calls == 1:
            raise TransientDeliveryError("provider busy")


class FailingEmailBackend(BaseEmailBackend):
    """Raises ``error`` (set by the test) instead of sending."""

    error: ClassVar[Exception] = smtplib.SMTPServerDisconnected("gone")

    def send_messages(self, email_messages: Any) -> int:
        raise self.error


class FlakyEmailBackend(LocmemEmailBackend):
    """Loses the SMTP connection ``failures`` times, then delivers to the locmem outbox."""

    failures: ClassVar[int] = 0

    def send_messages(self, messages: Any) -> int:
        if type(self).failures > 0:
            type(self).failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def _reset_doubles() -> None:
    RecordingSMSBackend.sent = []
    FlakySMSBackend.calls = 0
    FlakyEmailBackend.failures = 0


@pytest.fixture
def eager_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Eager tasks re-run their retries in place, but only when eager errors are not
    propagated at once (tests/settings.py propagates them)."""
    monkeypatch.setitem(client_notify_task.app.conf, "task_eager_propagates", False)


@pytest.fixture
def recording_sms(settings: Any) -> list[tuple[str, str]]:
    settings.SMS_BACKEND = f"{MODULE}.RecordingSMSBackend"
    return RecordingSMSBackend.sent


# ---------------------------------------------------------------- data


def make_aircraft(tail: str = "N301JA") -> Aircraft:
    return fleet_services.aircraft_create(
        actor=None,
        tail_number=tail,
        aircraft_type="C25B",
        manufacturer="Cessna",
        model="Citation CJ3+",
        year=2019,
        category="light",
        seating_capacity=7,
        range_nautical_miles=2040,
        cruise_speed=416,
        current_location="KTEB",
        hourly_rate=Decimal("4200.00"),
    )


def make_flight(
    client: Client, aircraft: Aircraft, *, number: str = "JO90001", trip_number: str = "T-TEST-1"
) -> Flight:
    """KTEB → KMIA on 15 June 2026, 13:30–16:15 UTC (09:30–12:15 EDT)."""
    trip = Trip.objects.create(number=trip_number, client=client, total=Decimal("25000.00"), currency="USD")
    departure = datetime(2026, 6, 15, 13, 30, tzinfo=UTC)
    return Flight.objects.create(
        flight_number=number,
        trip=trip,
        client=client,
        aircraft=aircraft,
        departure_airport=Airport.objects.get(pk="KTEB"),
        arrival_airport=Airport.objects.get(pk="KMIA"),
        departure_at=departure,
        arrival_at=departure + timedelta(hours=2, minutes=45),
        busy_until=departure + timedelta(hours=3, minutes=30),
        departure_fbo="Signature TEB",
        passenger_count=2,
    )


def make_quote(client: Client, aircraft: Aircraft) -> Quote:
    profile, _ = PricingProfile.objects.get_or_create(name="Test profile")
    quote = Quote.objects.create(
        number="Q-TEST-1",
        client=client,
        status=QuoteStatus.SENT,
        legs=[
            {
                "departure_airport": "KTEB",
                "arrival_airport": "KMIA",
                "departure_datetime": "2026-06-15T13:30:00+00:00",
                "passengers": 2,
            }
        ],
        currency="USD",
        valid_until=timezone.now() + timedelta(days=3),
        pricing_profile=profile,
        sent_at=timezone.now(),
    )
    QuoteOption.objects.create(
        quote=quote,
        aircraft=aircraft,
        rank=0,
        planned_legs=[],
        subtotal=Decimal("28837.21"),
        taxes=Decimal("2162.79"),
        total=Decimal("31000.00"),
        currency="USD",
        method="test",
    )
    return quote


def set_notifications(client: Client, table: dict[str, dict[str, bool]]) -> Client:
    return client_services.client_preferences_update(
        client=client, preferences={"notification_preferences": table}, actor=None
    )


def flight_status_notify(client: Client, key: str = "flight-status:1:departed") -> list[NotificationDelivery]:
    return client_notify(
        event="flight_status",
        key=key,
        client=client,
        subject="Flight JO90001 KTEB → KMIA: departed",
        template="flight_status",
        context={
            "trip_number": "T-TEST-1",
            "leg": {
                "flight_number": "JO90001",
                "route": "KTEB → KMIA",
                "arrival_local": "Mon 15 Jun 2026 12:15 EDT",
                "arrival_airport": "KMIA Miami International Airport",
            },
            "status": "departed",
            "status_label": "Departed",
            "off_block_local": "Mon 15 Jun 2026 09:34 EDT",
        },
    )


def by_channel(rows: list[NotificationDelivery]) -> dict[str, NotificationDelivery]:
    return {row.channel: row for row in rows}


# ---------------------------------------------------------------- notify: preferences


def test_defaults_send_flight_status_by_email_and_sms(client_a: Client, recording_sms: list[Any]) -> None:
    # when
    rows = by_channel(flight_status_notify(client_a))

    # then
    assert set(rows) == {"email", "sms"}
    assert rows["email"].status == NotificationStatus.SENT
    assert rows["email"].recipient == "alice@a.example"
    assert rows["email"].client_id == client_a.pk
    assert rows["sms"].status == NotificationStatus.SENT
    assert rows["sms"].recipient == "+12125550101"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Flight JO90001 KTEB → KMIA: departed"
    assert message.to == ["alice@a.example"]
    assert message.reply_to == ["operations@jetops.example"]
    assert "Departed Mon 15 Jun 2026 09:34 EDT" in message.body
    assert recording_sms == [
        (
            "+12125550101",
            "JetOps: flight JO90001 KTEB → KMIA departed Mon 15 Jun 2026 09:34 EDT.",
        )
    ]


def test_preferences_decide_per_channel_and_event(client_a: Client, recording_sms: list[Any]) -> None:
    # given: no e-mail for flight status, SMS for it; nothing at all for quotes
    set_notifications(
        client_a,
        {
            "email": {"flight_status": False, "quote_sent": False},
            "sms": {"flight_status": True, "quote_sent": False},
        },
    )
    client_a.refresh_from_db()

    # when
    status_rows = flight_status_notify(client_a)
    quote_rows = client_notify(
        event="quote_sent",
        key="quote-sent:1:1",
        client=client_a,
        subject="Your charter quote Q-1",
        template="quote_sent",
        context={"quote_number": "Q-1", "legs": [], "options": [], "valid_until": "18 Jun 2026 12:00 UTC"},
    )

    # then
    assert [row.channel for row in status_rows] == ["sms"]
    assert quote_rows == []
    assert mail.outbox == []
    assert len(recording_sms) == 1
    assert NotificationDelivery.objects.count() == 1


def test_wanted_push_is_recorded_as_skipped(client_a: Client, recording_sms: list[Any]) -> None:
    set_notifications(client_a, {"push": {"flight_status": True}})
    client_a.refresh_from_db()

    rows = by_channel(flight_status_notify(client_a))

    assert rows["push"].status == NotificationStatus.SKIPPED
    assert rows["push"].recipient == ""
    assert rows["push"].error == "No push backend configured."
    assert rows["email"].status == rows["sms"].status == NotificationStatus.SENT


def test_channel_without_address_is_recorded_as_skipped(db: Any, recording_sms: list[Any]) -> None:
    client = client_services.client_create(
        actor=None, client_type="individual", contact_person="Noel Nophone", email="noel@n.example"
    )

    rows = by_channel(flight_status_notify(client))

    assert rows["sms"].status == NotificationStatus.SKIPPED
    assert rows["sms"].error == "No valid mobile number on file."
    assert rows["email"].status == NotificationStatus.SENT
    assert recording_sms == []


def test_erased_client_gets_nothing(client_a: Client, recording_sms: list[Any]) -> None:
    Client.objects.filter(pk=client_a.pk).update(erased_at=timezone.now())
    client_a.refresh_from_db()

    assert flight_status_notify(client_a) == []
    assert mail.outbox == []
    assert recording_sms == []
    assert not NotificationDelivery.objects.exists()


def test_unknown_event_is_refused(client_a: Client) -> None:
    with pytest.raises(ValueError, match="Unknown notification event"):
        client_notify(
            event="birthday", key="x", client=client_a, subject="s", template="flight_status", context={}
        )
    assert not NotificationDelivery.objects.exists()


# ---------------------------------------------------------------- notify: idempotency


def test_same_key_twice_sends_once(client_a: Client, recording_sms: list[Any]) -> None:
    first = flight_status_notify(client_a, key="flight-status:7:departed")

    second = flight_status_notify(client_a, key="flight-status:7:departed")

    assert [r.pk for r in first] == [r.pk for r in second]
    assert NotificationDelivery.objects.count() == 2
    assert len(mail.outbox) == 1
    assert len(recording_sms) == 1
    assert all(row.attempts == 1 for row in NotificationDelivery.objects.all())


def test_another_key_sends_again(client_a: Client, recording_sms: list[Any]) -> None:
    flight_status_notify(client_a, key="flight-status:7:departed")

    flight_status_notify(client_a, key="flight-status:7:arrived")

    assert NotificationDelivery.objects.count() == 4
    assert len(mail.outbox) == 2
    assert len(recording_sms) == 2


# ---------------------------------------------------------------- notify: SMS backend


def test_sms_backend_comes_from_settings(client_a: Client, settings: Any) -> None:
    settings.SMS_BACKEND = f"{MODULE}.RecordingSMSBackend"

    flight_status_notify(client_a)

    assert [to for to, _ in RecordingSMSBackend.sent] == ["+12125550101"]


def test_logging_sms_backend_logs_masked_number_and_length_only(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="jetops.notifications"):
        LoggingSMSBackend().send("+12125550101", "Flight JO90001 departed")

    assert caplog.messages == ["SMS to +*********01 (23 characters) not sent: logging backend."]


def test_default_logging_backend_records_sms_as_sent(client_a: Client) -> None:
    rows = by_channel(flight_status_notify(client_a))

    assert rows["sms"].status == NotificationStatus.SENT


def test_sms_text_is_cut_to_300_characters(client_a: Client, recording_sms: list[Any]) -> None:
    set_notifications(client_a, {"sms": {"booking_confirmed": True}, "email": {"booking_confirmed": False}})
    client_a.refresh_from_db()
    legs = [
        {
            "flight_number": f"JO{n:05d}",
            "route": "KTEB → KMIA",
            "departure_local": "Mon 15 Jun 2026 09:30 EDT",
        }
        for n in range(20)
    ]

    client_notify(
        event="booking_confirmed",
        key="booking-confirmed:1",
        client=client_a,
        subject="Booking confirmed: trip T-1",
        template="booking_confirmed",
        context={"trip_number": "T-1", "legs": legs, "total": ""},
    )

    (_, body), *_ = recording_sms
    assert len(body) == SMS_MAX_LENGTH
    assert body.startswith("JetOps: trip T-1 confirmed. JO00000 KTEB → KMIA dep Mon 15 Jun 2026 09:30 EDT.")
    assert body.endswith("…")


# ---------------------------------------------------------------- notify: failures


def test_permanent_failure_is_recorded_and_other_channels_still_sent(client_a: Client, settings: Any) -> None:
    settings.SMS_BACKEND = f"{MODULE}.RejectingSMSBackend"

    rows = by_channel(flight_status_notify(client_a))

    assert rows["sms"].status == NotificationStatus.FAILED
    assert rows["sms"].error == "RuntimeError: provider rejected the number"
    assert rows["sms"].attempts == 1
    assert rows["sms"].sent_at is None
    assert rows["email"].status == NotificationStatus.SENT
    assert len(mail.outbox) == 1


def test_transient_failure_raises_and_a_retry_sends_only_what_failed(client_a: Client, settings: Any) -> None:
    settings.SMS_BACKEND = f"{MODULE}.FlakySMSBackend"

    # when: the provider is busy
    with pytest.raises(TransientNotificationError) as raised:
        flight_status_notify(client_a)

    # then: failure recorded, e-mail sent anyway
    rows = by_channel(raised.value.deliveries)
    assert rows["sms"].status == NotificationStatus.FAILED
    assert rows["sms"].error == "TransientDeliveryError: provider busy"
    assert rows["email"].status == NotificationStatus.SENT

    # when: retried
    retried = by_channel(flight_status_notify(client_a))

    # then
    assert retried["sms"].status == NotificationStatus.SENT
    assert retried["sms"].attempts == 2
    assert retried["sms"].error == ""
    assert retried["email"].attempts == 1
    assert len(mail.outbox) == 1
    assert FlakySMSBackend.calls == 2


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
        (smtplib.SMTPDataError(451, b"Try again later"), True),
        (smtplib.SMTPRecipientsRefused({"alice@a.example": (450, b"Mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"alice@a.example": (550, b"No such user")}), False),
        (smtplib.SMTPDataError(554, b"Rejected"), False),
        (TimeoutError("timed out"), True),
    ],
)
def test_smtp_errors_classified_transient_or_permanent(
    client_a: Client, settings: Any, recording_sms: list[Any], error: Exception, transient: bool
) -> None:
    settings.EMAIL_BACKEND = f"{MODULE}.FailingEmailBackend"
    FailingEmailBackend.error = error

    if transient:
        with pytest.raises(TransientNotificationError):
            flight_status_notify(client_a)
    else:
        flight_status_notify(client_a)

    row = NotificationDelivery.objects.get(channel="email")
    assert row.status == NotificationStatus.FAILED
    assert row.error.startswith(type(error).__name__ + ": ")
    assert row.attempts == 1


def test_email_carries_html_alternative_when_template_exists(
    client_a: Client, recording_sms: list[Any]
) -> None:
    aircraft = make_aircraft()
    flight = make_flight(client_a, aircraft)

    client_notify_task.delay(event="booking_confirmed", key="booking-confirmed:x", trip_id=flight.trip_id)

    (message,) = mail.outbox
    ((html, mimetype),) = message.alternatives  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert "<strong>JO90001</strong>" in html
    assert "Mon 15 Jun 2026 09:30 EDT" in html


# ---------------------------------------------------------------- the task, per event


def test_task_quote_sent(client_a: Client, recording_sms: list[Any]) -> None:
    quote = make_quote(client_a, make_aircraft())

    sent = client_notify_task.delay(
        event="quote_sent", key=f"quote-sent:{quote.pk}:1", quote_id=quote.pk
    ).get()

    assert sent == 1  # e-mail only by default
    (message,) = mail.outbox
    assert message.subject == "Your charter quote Q-TEST-1"
    assert "1. KTEB → KMIA, departing Mon 15 Jun 2026 09:30 EDT, 2 passengers" in message.body
    assert "1. Cessna Citation CJ3+ (Light jet, 7 seats), N301JA: 31,000.00 USD" in message.body
    assert f"valid until {quote.valid_until.astimezone(UTC):%d %b %Y %H:%M} UTC" in message.body
    assert "Dear Alice Anders," in message.body


def test_task_booking_confirmed(client_a: Client, recording_sms: list[Any]) -> None:
    flight = make_flight(client_a, make_aircraft())

    client_notify_task.delay(event="booking_confirmed", key="booking-confirmed:1", trip_id=flight.trip_id)

    (message,) = mail.outbox
    assert message.subject == "Booking confirmed: trip T-TEST-1"
    assert "Flight JO90001: KTEB → KMIA" in message.body
    assert "Departs  Mon 15 Jun 2026 09:30 EDT, KTEB" in message.body
    assert "(Signature TEB)" in message.body
    assert "Arrives  Mon 15 Jun 2026 12:15 EDT, KMIA" in message.body
    assert "Total: 25,000.00 USD" in message.body


def test_task_itinerary_changed(client_a: Client, recording_sms: list[Any]) -> None:
    flight = make_flight(client_a, make_aircraft())

    client_notify_task.delay(event="itinerary_changed", key="itinerary:1:1", flight_id=flight.pk)

    (message,) = mail.outbox
    assert message.subject == "Itinerary change: flight JO90001 KTEB → KMIA"
    assert "Departs  Mon 15 Jun 2026 09:30 EDT, Signature TEB" in message.body


def test_task_flight_status(client_a: Client, recording_sms: list[Any]) -> None:
    flight = make_flight(client_a, make_aircraft())
    Flight.objects.filter(pk=flight.pk).update(
        status=FlightStatus.DEPARTED, actual_off_block=datetime(2026, 6, 15, 13, 34, tzinfo=UTC)
    )

    sent = client_notify_task.delay(
        event="flight_status", key=f"flight-status:{flight.pk}:departed", flight_id=flight.pk
    ).get()

    assert sent == 2
    (message,) = mail.outbox
    assert message.subject == "Flight JO90001 KTEB → KMIA: departed"
    assert "is now: Departed." in message.body
    assert "Departed Mon 15 Jun 2026 09:34 EDT. Scheduled arrival: Mon 15 Jun 2026 12:15 EDT" in message.body
    assert recording_sms == [
        ("+12125550101", "JetOps: flight JO90001 KTEB → KMIA departed Mon 15 Jun 2026 09:34 EDT.")
    ]


def test_task_announces_the_status_it_was_queued_for(client_a: Client, recording_sms: list[Any]) -> None:
    """A worker reaching the "boarding" message after the flight departed still says boarding."""
    flight = make_flight(client_a, make_aircraft())
    Flight.objects.filter(pk=flight.pk).update(
        status=FlightStatus.DEPARTED, actual_off_block=datetime(2026, 6, 15, 13, 34, tzinfo=UTC)
    )

    client_notify_task.delay(
        event="flight_status",
        key=f"flight-status:{flight.pk}:boarding",
        flight_id=flight.pk,
        status="boarding",
    ).get()

    (message,) = mail.outbox
    assert message.subject == "Flight JO90001 KTEB → KMIA: boarding"
    assert "is now: Boarding." in message.body
    assert "Departed Mon 15 Jun" not in message.body


def test_task_feedback_request(client_a: Client, recording_sms: list[Any]) -> None:
    flight = make_flight(client_a, make_aircraft())

    client_notify_task.delay(event="feedback_request", key=f"feedback:{flight.pk}", flight_id=flight.pk)

    (message,) = mail.outbox
    assert message.subject == "How was your flight JO90001?"
    assert "open trip T-TEST-1 and choose “Rate flight JO90001”" in message.body


def test_service_status_change_notifies_after_commit(
    client_a: Client, ops_user: Any, recording_sms: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    flight = make_flight(client_a, make_aircraft())

    with django_capture_on_commit_callbacks(execute=True):
        flight_status_change(flight=flight, status=FlightStatus.BOARDING, actor=ops_user)

    (message,) = mail.outbox
    assert message.subject == "Flight JO90001 KTEB → KMIA: boarding"
    row = NotificationDelivery.objects.get(channel="email")
    assert row.key == f"flight-status:{flight.pk}:boarding"
    assert row.event == "flight_status"
    assert len(recording_sms) == 1


def test_task_retries_transient_smtp_failure(
    client_a: Client, settings: Any, recording_sms: list[Any], eager_retries: None
) -> None:
    settings.EMAIL_BACKEND = f"{MODULE}.FlakyEmailBackend"
    FlakyEmailBackend.failures = 2
    flight = make_flight(client_a, make_aircraft())

    result = client_notify_task.delay(event="itinerary_changed", key="itinerary:retry", flight_id=flight.pk)

    assert result.get() == 1
    assert len(mail.outbox) == 1
    row = NotificationDelivery.objects.get(channel="email")
    assert row.status == NotificationStatus.SENT
    assert row.attempts == 3


def test_task_gives_up_after_max_retries(
    client_a: Client, settings: Any, recording_sms: list[Any], eager_retries: None
) -> None:
    settings.EMAIL_BACKEND = f"{MODULE}.FlakyEmailBackend"
    FlakyEmailBackend.failures = 100
    flight = make_flight(client_a, make_aircraft())

    result = client_notify_task.delay(event="itinerary_changed", key="itinerary:down", flight_id=flight.pk)

    with pytest.raises(TransientNotificationError):
        result.get()
    row = NotificationDelivery.objects.get(channel="email")
    assert row.status == NotificationStatus.FAILED
    assert row.attempts == 6  # the first run and 5 retries
    assert mail.outbox == []


def test_task_for_vanished_object_sends_nothing(db: Any) -> None:
    assert (
        client_notify_task.delay(event="flight_status", key="flight-status:0:x", flight_id=999_999).get() == 0
    )
    assert not NotificationDelivery.objects.exists()


def test_task_needs_the_event_id(db: Any) -> None:
    with pytest.raises(ValueError, match="needs flight_id"):
        client_notify_task.delay(event="flight_status", key="k", trip_id=1)


def test_quotes_expire_task(client_a: Client) -> None:
    quote = make_quote(client_a, make_aircraft())
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.now() - timedelta(minutes=1))

    assert quotes_expire_task.delay().get() == 1

    quote.refresh_from_db()
    assert quote.status == QuoteStatus.EXPIRED


# ---------------------------------------------------------------- a worker dying mid-send


class DyingAfterSendEmailBackend(LocmemEmailBackend):
    """Delivers, then the worker dies before anything else happens (SystemExit, as a killed
    worker leaves no chance to record the outcome)."""

    def send_messages(self, messages: Any) -> int:
        super().send_messages(messages)
        raise SystemExit("worker killed after the send")


class DyingBeforeSendEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise SystemExit("worker killed before the send")


class DyingAfterSendSMSBackend(RecordingSMSBackend):
    def send(self, to: str, body: str) -> None:
        super().send(to, body)
        raise SystemExit("worker killed after the send")


def later(minutes: int) -> datetime:
    return timezone.now() + timedelta(minutes=minutes)


def itinerary_task(flight: Flight) -> Any:
    """The task as the broker would deliver it (again)."""
    return client_notify_task.delay(
        event="itinerary_changed", key=f"itinerary:{flight.pk}:x", flight_id=flight.pk
    )


def test_worker_dying_after_the_email_send_and_redelivery_send_one_mail(
    client_a: Client, settings: Any
) -> None:
    # given: the worker dies right after the SMTP server took the e-mail
    flight = make_flight(client_a, make_aircraft())
    settings.EMAIL_BACKEND = f"{MODULE}.DyingAfterSendEmailBackend"
    with pytest.raises(SystemExit):
        itinerary_task(flight)
    row = NotificationDelivery.objects.get(channel="email")
    assert (row.status, row.attempts, len(mail.outbox)) == (NotificationStatus.SENDING, 1, 1)

    # when: the broker redelivers the task at once (acks_late + reject_on_worker_lost)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert itinerary_task(flight).get() == 0

    # then: the row another run may still hold is left alone
    row.refresh_from_db()
    assert (row.status, row.attempts, len(mail.outbox)) == (NotificationStatus.SENDING, 1, 1)

    # when: the sweep finds it still sending once no run can be alive
    with time_machine.travel(later(11)):
        assert deliveries_sweep_task.delay().get() == 0

    # then: e-mail is delivered at most once: settled as unknown, not sent again
    row.refresh_from_db()
    assert (row.status, row.attempts, len(mail.outbox)) == (NotificationStatus.UNKNOWN, 1, 1)
    assert row.error.startswith("Interrupted during the send")
    assert row.sent_at is None


def test_whole_worker_killed_and_task_back_after_the_visibility_timeout_sends_one_mail(
    client_a: Client, settings: Any
) -> None:
    flight = make_flight(client_a, make_aircraft())
    settings.EMAIL_BACKEND = f"{MODULE}.DyingAfterSendEmailBackend"
    with pytest.raises(SystemExit):
        itinerary_task(flight)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    # when: Redis hands the unacknowledged message to another worker
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.BROKER_VISIBILITY_TIMEOUT)):
        assert itinerary_task(flight).get() == 0

    # then
    row = NotificationDelivery.objects.get(channel="email")
    assert (row.status, row.attempts, len(mail.outbox)) == (NotificationStatus.UNKNOWN, 1, 1)


def test_sms_interrupted_mid_send_is_sent_again_at_least_once(client_a: Client, settings: Any) -> None:
    # given: e-mail sent, then the worker dies right after the SMS provider took the SMS
    flight = make_flight(client_a, make_aircraft())
    settings.SMS_BACKEND = f"{MODULE}.DyingAfterSendSMSBackend"
    key = f"flight-status:{flight.pk}:boarding"

    def deliver() -> Any:
        return client_notify_task.delay(
            event="flight_status", key=key, flight_id=flight.pk, status="boarding"
        )

    with pytest.raises(SystemExit):
        deliver()
    settings.SMS_BACKEND = f"{MODULE}.RecordingSMSBackend"

    # when: redelivered at once, then again after the visibility timeout
    assert deliver().get() == 1
    assert len(RecordingSMSBackend.sent) == 1
    with time_machine.travel(later(15)):
        assert deliver().get() == 2

    # then: the SMS went twice and both attempts are counted; the e-mail went once
    rows = {row.channel: row for row in NotificationDelivery.objects.all()}
    assert (rows["sms"].status, rows["sms"].attempts) == (NotificationStatus.SENT, 2)
    assert (rows["email"].status, rows["email"].attempts) == (NotificationStatus.SENT, 1)
    assert len(RecordingSMSBackend.sent) == 2
    assert len(mail.outbox) == 1


def test_messages_a_dead_worker_never_reached_are_sent_by_the_sweep(
    client_a: Client, settings: Any, recording_sms: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    # given: the worker died in the e-mail send, before the SMS (both recorded up front)
    flight = make_flight(client_a, make_aircraft())
    settings.EMAIL_BACKEND = f"{MODULE}.DyingBeforeSendEmailBackend"
    with pytest.raises(SystemExit):
        client_notify_task.delay(
            event="flight_status",
            key=f"flight-status:{flight.pk}:boarding",
            flight_id=flight.pk,
            status="boarding",
        )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert NotificationDelivery.objects.get(channel="sms").status == NotificationStatus.PENDING

    # when
    with time_machine.travel(later(11)), django_capture_on_commit_callbacks(execute=True):
        queued = deliveries_sweep_task.delay().get()

    # then: the SMS is sent from its stored text; the e-mail may have left, so it is not re-sent
    assert queued == 1
    rows = {row.channel: row for row in NotificationDelivery.objects.all()}
    assert (rows["sms"].status, rows["sms"].attempts) == (NotificationStatus.SENT, 1)
    assert recording_sms == [("+12125550101", rows["sms"].body)]
    assert (rows["email"].status, rows["email"].attempts) == (NotificationStatus.UNKNOWN, 1)
    assert mail.outbox == []


def stuck_row(client: Client, **fields: Any) -> NotificationDelivery:
    long_ago = timezone.now() - timedelta(hours=1)
    values: dict[str, Any] = {
        "key": "itinerary:1:stuck",
        "channel": "email",
        "recipient": "alice@a.example",
        "event": "itinerary_changed",
        "subject": "Itinerary change: flight JO90001 KTEB → KMIA",
        "body": "Dear Alice Anders,\nYour flight changed.\n",
        "client_id": client.pk,
        "created_at": long_ago,
        **fields,
    }
    return NotificationDelivery.objects.create(**values)


def test_sweep_sends_a_stuck_pending_email_from_its_stored_text(
    client_a: Client, django_capture_on_commit_callbacks: Any
) -> None:
    row = stuck_row(client_a)

    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_sweep_task.delay().get() == 1

    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 1)
    (message,) = mail.outbox
    assert (message.subject, message.body, message.to) == (row.subject, row.body, ["alice@a.example"])


def test_sweep_gives_up_after_the_maximum_attempts(client_a: Client, recording_sms: list[Any]) -> None:
    old = timezone.now() - timedelta(minutes=30)
    row = stuck_row(
        client_a, channel="sms", recipient="+12125550101", status="sending", attempts=6, attempted_at=old
    )

    assert deliveries_sweep_task.delay().get() == 0

    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 6)
    assert row.error == "Gave up after 6 attempts (stuck while sending)."
    assert recording_sms == []


def test_sweep_leaves_deliveries_that_may_still_be_in_progress(
    client_a: Client, recording_sms: list[Any]
) -> None:
    recent = timezone.now() - timedelta(minutes=2)
    pending = stuck_row(client_a, created_at=recent)
    sending = stuck_row(
        client_a,
        key="k2",
        channel="sms",
        recipient="+12125550101",
        status="sending",
        attempts=1,
        attempted_at=recent,
    )

    assert deliveries_sweep_task.delay().get() == 0

    assert [
        r.status for r in NotificationDelivery.objects.filter(pk__in=[pending.pk, sending.pk]).order_by("pk")
    ] == [
        NotificationStatus.PENDING,
        NotificationStatus.SENDING,
    ]
    assert mail.outbox == []
    assert recording_sms == []


def test_sweep_sends_nothing_to_an_erased_client(
    client_a: Client, django_capture_on_commit_callbacks: Any
) -> None:
    row = stuck_row(client_a)
    Client.objects.filter(pk=client_a.pk).update(erased_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        deliveries_sweep_task.delay().get()

    row.refresh_from_db()
    assert (row.status, row.error) == (NotificationStatus.FAILED, "Client erased: not sent.")
    assert mail.outbox == []


def test_sweep_is_on_the_beat_schedule(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["notification-deliveries-sweep"]
    assert entry["task"] == deliveries_sweep_task.name
