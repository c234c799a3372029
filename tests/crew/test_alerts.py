"""Crew expiry alerts: exactly at 60/30/7 days and once when expired, to the crew member and
operations, idempotent; the daily task and its beat entry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail

from crew import services
from crew.models import CrewExpiryAlert, CrewMember
from crew.tasks import crew_expiry_alerts_task
from tests.builders import ALL_CHECKS, make_crew

pytestmark = pytest.mark.django_db

# A captain of 49 with a first-class exam on 10 July 2029: first-class privileges (6 months
# at 40 or over, 61.23(d)) run through 31 January 2030.
EXAM = date(2029, 7, 10)
MEDICAL_UNTIL = date(2030, 1, 31)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    """The records below lie in the past, 30 days before the medical ends at 06:10 UTC."""
    time_machine.move_to("2030-01-01T06:10:00Z")


def captain(employee_id: str = "E1") -> CrewMember:
    """Only the medical comes near a threshold: checks are fresh (valid to mid-2030 or later),
    no recency experience (never recorded: not alerted), the licence does not expire."""
    checks_on = date(2029, 12, 1)
    return make_crew(
        employee_id,
        date_of_birth=date(1980, 6, 1),
        recent_landings=None,
        qualifications={
            "licenses": [{"kind": "atp", "number": f"ATP-{employee_id}", "authority": "FAA"}],
            "ratings": [{"aircraft_type": "C25B", "role": "PIC"}],
            "medical": {"medical_class": 1, "exam_date": EXAM},
            "recurrent_training": [{"kind": k, "completed_on": checks_on} for k in ALL_CHECKS],
        },
    )


def test_medical_expiring_in_exactly_30_days_is_alerted_once():
    # given
    member = captain()
    today = MEDICAL_UNTIL - timedelta(days=30)
    # when
    sent = services.expiry_alerts_send(today=today)
    # then
    assert sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["e1@crew.example", settings.OPERATIONS_EMAIL]
    assert "Class 1 medical privileges" in message.subject
    assert "expires in 30 days" in message.subject
    alert = CrewExpiryAlert.objects.get()
    assert (alert.crew_member, alert.item, alert.expires_on, alert.days_before) == (
        member,
        "medical",
        MEDICAL_UNTIL,
        30,
    )
    assert alert.recipients == ["e1@crew.example", settings.OPERATIONS_EMAIL]
    # running again the same day sends nothing more
    assert services.expiry_alerts_send(today=today) == 0
    assert len(mail.outbox) == 1
    assert CrewExpiryAlert.objects.count() == 1


@pytest.mark.parametrize("days", [61, 59, 31, 29, 8, 6, 0])
def test_no_alert_off_threshold(days):
    captain()
    assert services.expiry_alerts_send(today=MEDICAL_UNTIL - timedelta(days=days)) == 0
    assert mail.outbox == []


def test_each_threshold_alerts_once():
    captain()
    for days in (60, 30, 7):
        for _run in range(2):
            services.expiry_alerts_send(today=MEDICAL_UNTIL - timedelta(days=days))
    assert sorted(CrewExpiryAlert.objects.values_list("days_before", flat=True)) == [7, 30, 60]
    assert len(mail.outbox) == 3


def test_expired_item_is_alerted_once():
    member = captain()
    assert services.expiry_alerts_send(today=MEDICAL_UNTIL + timedelta(days=1)) == 1
    assert services.expiry_alerts_send(today=MEDICAL_UNTIL + timedelta(days=2)) == 0
    assert services.expiry_alerts_send(today=MEDICAL_UNTIL + timedelta(days=40)) == 0
    assert len(mail.outbox) == 1
    assert "expired" in mail.outbox[0].subject
    alert = CrewExpiryAlert.objects.get()
    assert (alert.crew_member, alert.days_before, alert.expires_on) == (
        member,
        services.EXPIRED,
        MEDICAL_UNTIL,
    )


def test_inactive_crew_is_not_alerted():
    member = captain()
    services.crew_member_update(member=member, actor=None, is_active=False)
    assert services.expiry_alerts_send(today=MEDICAL_UNTIL - timedelta(days=30)) == 0
    assert mail.outbox == []


def test_alert_task_runs_twice_and_sends_once():
    captain()
    assert crew_expiry_alerts_task.delay().get() == 1
    assert crew_expiry_alerts_task.delay().get() == 0
    assert len(mail.outbox) == 1


def test_alert_task_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["crew-expiry-alerts"]
    assert entry["task"] == "crew.tasks.crew_expiry_alerts_task"
    assert crew_expiry_alerts_task.name == entry["task"]
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute) == ({6}, {10})  # type: ignore[attr-defined]
