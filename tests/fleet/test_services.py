"""``fleet.services``: validation, history, blackout merging, documents and expiry alerts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fleet import services
from fleet.models import (
    Aircraft,
    AircraftDocumentAlert,
    AircraftStatusChange,
    Blackout,
    normalize_tail_number,
)
from fleet.tasks import aircraft_document_expiry_alerts_task
from jetops.errors import Conflict
from tests.builders import make_aircraft, utc

pytestmark = pytest.mark.django_db


# --- aircraft -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (" n101ja ", "N101JA"),
        ("N 350 JA", "N350JA"),
        ("g-abcd", "G-ABCD"),
        ("9h-vja", "9H-VJA"),
        ("n1", "N1"),
    ],
)
def test_tail_numbers_are_normalised(raw, stored):
    assert make_aircraft(tail_number=raw).tail_number == stored


@pytest.mark.parametrize("tail", ["N0123", "N123456", "NI23", "N12IO", "ABCDEFG", "G-", "-ABC", "N12ABC", ""])
def test_invalid_tail_numbers_are_refused(tail):
    with pytest.raises(ValidationError) as info:
        make_aircraft(tail_number=tail)
    assert "tail_number" in info.value.message_dict
    assert not Aircraft.objects.exists()


def test_tail_number_normalised_even_on_a_raw_save(aircraft):
    aircraft.tail_number = "n555ja"
    aircraft.save()
    assert Aircraft.objects.filter(tail_number="N555JA").exists()
    assert normalize_tail_number("\tn 5\n") == "N5"


def test_unknown_airport_is_a_validation_error_on_the_field():
    with pytest.raises(ValidationError) as info:
        make_aircraft(current_location="QQQQ")
    assert info.value.message_dict == {"current_location": ["Unknown airport code 'QQQQ'."]}


def test_database_constraints_hold_without_validation(aircraft):
    aircraft.seating_capacity = 0
    with pytest.raises(IntegrityError), transaction.atomic():
        aircraft.save()


def test_effective_speed_must_be_positive():
    with pytest.raises(ValidationError, match="Cruise speed minus the wind allowance"):
        make_aircraft(cruise_speed=100, wind_allowance_knots=100)


def test_update_refuses_status_and_unknown_fields(aircraft):
    with pytest.raises(ValidationError):
        services.aircraft_update(aircraft=aircraft, actor=None, status="aog")
    with pytest.raises(ValidationError):
        services.aircraft_update(aircraft=aircraft, actor=None, is_active=False)


def test_grounding_needs_a_reason(aircraft):
    with pytest.raises(ValidationError) as info:
        services.aircraft_status_change(aircraft=aircraft, status="aog", actor=None)
    assert "reason" in info.value.message_dict
    aircraft.refresh_from_db()
    assert aircraft.status == "available"
    assert AircraftStatusChange.objects.filter(aircraft=aircraft).count() == 1


def test_system_status_change_has_no_actor(aircraft):
    services.aircraft_status_change(aircraft=aircraft, status="in_flight", actor=None)
    event = AircraftStatusChange.objects.filter(aircraft=aircraft).first()
    assert (event.to_status, event.actor) == ("in_flight", None)
    assert aircraft.status == "in_flight"


# --- blackouts ------------------------------------------------------------------------------


def add(aircraft, start, end, kind="maintenance", reason="", actor=None):
    return services.blackout_add(
        aircraft=aircraft, start=start, end=end, kind=kind, reason=reason, actor=actor
    )


def test_merge_absorbs_every_same_kind_overlap(aircraft, ops_user):
    first = add(aircraft, utc(2030, 1, 1), utc(2030, 1, 3), reason="A").blackout
    second = add(aircraft, utc(2030, 1, 5), utc(2030, 1, 7), reason="B").blackout
    add(aircraft, utc(2030, 2, 1), utc(2030, 2, 2), kind="owner_use")

    result = add(aircraft, utc(2030, 1, 2), utc(2030, 1, 6), reason="C", actor=ops_user)

    assert result.merged is True
    assert result.blackout.pk == first.pk
    assert (result.blackout.start, result.blackout.end) == (utc(2030, 1, 1), utc(2030, 1, 7))
    assert result.blackout.reason == "A; B; C"
    assert list(Blackout.objects.filter(kind="maintenance").values_list("pk", flat=True)) == [first.pk]
    deleted = Blackout.history.filter(id=second.pk, history_type="-").get()
    assert deleted.history_user == ops_user
    assert deleted.history_change_reason == f"Merged into blackout #{first.pk}"


def test_touching_same_kind_blackouts_merge(aircraft):
    add(aircraft, utc(2030, 1, 1), utc(2030, 1, 2))
    result = add(aircraft, utc(2030, 1, 2), utc(2030, 1, 3))
    assert result.merged is True
    assert Blackout.objects.get().end == utc(2030, 1, 3)


def test_touching_different_kinds_are_allowed(aircraft):
    add(aircraft, utc(2030, 1, 1), utc(2030, 1, 2))
    result = add(aircraft, utc(2030, 1, 2), utc(2030, 1, 3), kind="owner_use")
    assert result.merged is False
    assert Blackout.objects.count() == 2


def test_different_kind_overlap_refused_even_if_same_kind_also_overlaps(aircraft):
    add(aircraft, utc(2030, 1, 1), utc(2030, 1, 3))
    add(aircraft, utc(2030, 1, 4), utc(2030, 1, 6), kind="aog")
    with pytest.raises(Conflict) as info:
        add(aircraft, utc(2030, 1, 2), utc(2030, 1, 5))
    assert [o["kind"] for o in info.value.details["overlapping"]] == ["aog"]
    assert Blackout.objects.get(kind="maintenance").end == utc(2030, 1, 3)


def test_other_aircraft_do_not_interfere(aircraft):
    other = make_aircraft()
    add(aircraft, utc(2030, 1, 1), utc(2030, 1, 3))
    assert add(other, utc(2030, 1, 1), utc(2030, 1, 3), kind="owner_use").merged is False


@pytest.mark.parametrize(
    ("start", "end"),
    [(utc(2030, 1, 2), utc(2030, 1, 1)), (utc(2030, 1, 1), utc(2030, 1, 1))],
)
def test_blackout_must_end_after_start(aircraft, start, end):
    with pytest.raises(ValidationError):
        add(aircraft, start, end)


def test_blackout_needs_aware_times(aircraft):
    with pytest.raises(ValidationError):
        add(aircraft, utc(2030, 1, 1).replace(tzinfo=None), utc(2030, 1, 2))


def test_blackout_update_follows_the_same_rules(aircraft):
    moving = add(aircraft, utc(2030, 1, 1), utc(2030, 1, 2)).blackout
    add(aircraft, utc(2030, 1, 5), utc(2030, 1, 6), kind="owner_use")
    later = add(aircraft, utc(2030, 1, 8), utc(2030, 1, 9)).blackout
    with pytest.raises(Conflict):
        services.blackout_update(blackout=moving, actor=None, end=utc(2030, 1, 5, 12))
    moving.refresh_from_db()
    result = services.blackout_update(
        blackout=moving, actor=None, start=utc(2030, 1, 7), end=utc(2030, 1, 8, 12)
    )
    assert result.merged is True
    assert not Blackout.objects.filter(pk=later.pk).exists()
    assert (result.blackout.start, result.blackout.end) == (utc(2030, 1, 7), utc(2030, 1, 9))


def test_blackout_remove_keeps_history(aircraft, ops_user):
    blackout = add(aircraft, utc(2030, 1, 1), utc(2030, 1, 2)).blackout
    services.blackout_remove(blackout=blackout, actor=ops_user)
    assert not Blackout.objects.exists()
    assert Blackout.history.filter(history_type="-").get().history_user == ops_user


# --- documents and alerts -------------------------------------------------------------------


def test_documents_set_the_aircraft_expiry_dates(aircraft):
    old = services.document_add(
        aircraft=aircraft, actor=None, kind="insurance", number="P-2029", expires_on=date(2029, 6, 1)
    )
    services.document_add(
        aircraft=aircraft, actor=None, kind="insurance", number="P-2030", expires_on=date(2030, 6, 1)
    )
    aircraft.refresh_from_db()
    assert (aircraft.insurance_expires_on, aircraft.insurance_policy) == (date(2030, 6, 1), "P-2030")
    services.document_update(document=old, actor=None, kind="airworthiness")
    aircraft.refresh_from_db()
    assert aircraft.airworthiness_expires_on == date(2029, 6, 1)
    assert aircraft.insurance_expires_on == date(2030, 6, 1)
    services.document_remove(document=old, actor=None)
    aircraft.refresh_from_db()
    assert aircraft.airworthiness_expires_on is None


def test_document_sync_does_not_write_back_a_stale_aircraft(aircraft):
    stale = Aircraft.objects.get(pk=aircraft.pk)
    services.aircraft_status_change(aircraft=aircraft, status="aog", reason="Leak", actor=None)
    services.document_add(aircraft=stale, actor=None, kind="registration", expires_on=date(2031, 1, 1))
    aircraft.refresh_from_db()
    assert aircraft.status == "aog"
    assert aircraft.registration_expires_on == date(2031, 1, 1)


TODAY = date(2030, 1, 1)


@pytest.mark.parametrize("days", [60, 30, 7])
def test_expiry_alert_sent_once_per_threshold(aircraft, days, settings):
    settings.OPERATIONS_EMAIL = "ops-desk@jetops.example"
    document = services.document_add(
        aircraft=aircraft, actor=None, kind="insurance", number="P-9", expires_on=TODAY + timedelta(days=days)
    )
    assert services.document_expiry_alerts_send(today=TODAY) == 1
    assert services.document_expiry_alerts_send(today=TODAY) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops-desk@jetops.example"]
    assert aircraft.tail_number in message.subject
    assert f"in {days} days" in message.subject
    assert "P-9" in message.body
    alert = AircraftDocumentAlert.objects.get()
    assert (alert.document, alert.days_before, alert.expires_on) == (document, days, document.expires_on)


@pytest.mark.parametrize("days", [59, 61, 31, 8, 6, 0, -1])
def test_no_alert_off_threshold(aircraft, days):
    services.document_add(
        aircraft=aircraft, actor=None, kind="insurance", expires_on=TODAY + timedelta(days=days)
    )
    assert services.document_expiry_alerts_send(today=TODAY) == 0
    assert mail.outbox == []


def test_alert_task_runs_twice_and_sends_once(aircraft, time_machine):
    time_machine.move_to("2030-01-01T09:00:00Z")
    services.document_add(aircraft=aircraft, actor=None, kind="airworthiness", expires_on=date(2030, 1, 31))
    assert aircraft_document_expiry_alerts_task.delay().get() == 1
    assert aircraft_document_expiry_alerts_task.delay().get() == 0
    assert len(mail.outbox) == 1


def test_thresholds_come_from_settings(aircraft, settings):
    settings.FLEET_DOCUMENT_ALERT_DAYS = (90, 14)
    services.document_add(aircraft=aircraft, actor=None, kind="other", expires_on=TODAY + timedelta(days=14))
    services.document_add(aircraft=aircraft, actor=None, kind="other", expires_on=TODAY + timedelta(days=30))
    assert services.document_expiry_alerts_send(today=TODAY) == 1
    assert AircraftDocumentAlert.objects.get().days_before == 14


def test_renewed_document_is_alerted_again_and_superseded_one_is_not(aircraft):
    document = services.document_add(
        aircraft=aircraft, actor=None, kind="insurance", expires_on=TODAY + timedelta(days=30)
    )
    assert services.document_expiry_alerts_send(today=TODAY) == 1
    # renewed in place: a new expiry date, alerted again when its thresholds come
    services.document_update(document=document, actor=None, expires_on=TODAY + timedelta(days=37))
    assert services.document_expiry_alerts_send(today=TODAY + timedelta(days=7)) == 1
    # renewed as a new document: the old one is superseded and stays quiet
    services.document_add(
        aircraft=aircraft, actor=None, kind="insurance", expires_on=TODAY + timedelta(days=400)
    )
    assert services.document_expiry_alerts_send(today=TODAY + timedelta(days=30)) == 0
    assert len(mail.outbox) == 2


def test_failed_email_leaves_no_alert_row_so_the_retry_sends_it(aircraft, monkeypatch):
    services.document_add(
        aircraft=aircraft, actor=None, kind="insurance", expires_on=TODAY + timedelta(days=7)
    )

    def smtp_down(**kwargs):
        raise ConnectionRefusedError("SMTP server unreachable")

    monkeypatch.setattr(services, "send_mail", smtp_down)
    with pytest.raises(ConnectionRefusedError):
        services.document_expiry_alerts_send(today=TODAY)
    assert not AircraftDocumentAlert.objects.exists()
    monkeypatch.undo()
    assert services.document_expiry_alerts_send(today=TODAY) == 1
    assert len(mail.outbox) == 1
