"""``manage.py rotate_field_keys``: every encrypted value of every model (history rows too)
is re-encrypted under the newest key; a second run changes nothing; a run stopped half-way
keeps the batches it finished and a re-run completes it."""

from __future__ import annotations

from datetime import date
from io import StringIO
from unittest import mock

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from clients import services as client_services
from clients.models import Client, Passenger
from jetops import key_rotation

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def raw(table: str, column: str) -> list[str]:
    """The stored tokens of a column, as the database holds them (non-null only)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY 1")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def rows_under(key: str) -> set[tuple[str, int]]:
    """The rows (table, primary key) holding a value encrypted under ``key``."""
    found = set()
    with connection.cursor() as cursor:
        for table, column in ENCRYPTED:
            pk = "history_id" if "_historical" in table else "id"
            cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NULL")  # noqa: S608
            found |= {(table, row[0]) for row in cursor.fetchall() if under(key, [row[1]])}
    return found


def under(key: str, tokens: list[str]) -> bool:
    try:
        for token in tokens:
            Fernet(key).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


ENCRYPTED = [
    ("clients_passenger", "passport_number"),
    ("clients_passenger", "date_of_birth"),
    ("clients_historicalpassenger", "passport_number"),
    ("clients_historicalpassenger", "date_of_birth"),
    ("clients_client", "special_instructions"),
    ("clients_client", "emergency_contacts"),
    ("clients_historicalclient", "special_instructions"),
    ("clients_historicalclient", "emergency_contacts"),
]


@pytest.fixture
def old_data():
    """Clients and passengers written under the old key, each with a change in its history."""
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        for n in range(3):
            client = client_services.client_create(
                actor=None,
                contact_person=f"Person {n}",
                email=f"p{n}@example.com",
                special_instructions=f"Gate code {n}",
                emergency_contacts=[{"name": f"Kin {n}", "phone": "+12125550100"}],
            )
            passenger = client_services.passenger_create(
                client=client,
                actor=None,
                first_name="Pat",
                last_name=f"Doe{n}",
                passport_number=f"X{n}00000",
                date_of_birth=date(1980, 1, 1 + n),
            )
            client_services.passenger_update(passenger=passenger, actor=None, passport_number=f"Y{n}00000")
    for table, column in ENCRYPTED:
        assert raw(table, column), (table, column)
        assert under(OLD, raw(table, column)), (table, column)


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


@override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD])
def test_rotation_reencrypts_every_encrypted_column_history_included(old_data):
    report = rotate("--batch-size", "2")

    for table, column in ENCRYPTED:
        assert under(NEW, raw(table, column)), (table, column)
        assert not any(under(OLD, [token]) for token in raw(table, column)), (table, column)
    assert "clients.Passenger.passport_number: 3 re-encrypted" in report
    assert "clients.HistoricalPassenger.passport_number: 6 re-encrypted" in report
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):  # the old key can now be dropped
        assert sorted(Passenger.objects.values_list("passport_number", flat=True)) == [
            "Y000000",
            "Y100000",
            "Y200000",
        ]
        passenger = Passenger.objects.get(last_name="Doe1")
        assert passenger.date_of_birth == date(1980, 1, 2)
        assert [h.passport_number for h in passenger.history.order_by("history_id")] == ["X100000", "Y100000"]
        assert Client.objects.get(email="p2@example.com").emergency_contacts == [
            {"name": "Kin 2", "phone": "+12125550100"}
        ]


@override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD])
def test_a_second_run_changes_nothing(old_data):
    rotate()
    before = {(t, c): raw(t, c) for t, c in ENCRYPTED}

    report = rotate()

    assert {(t, c): raw(t, c) for t, c in ENCRYPTED} == before
    assert "0 values re-encrypted" in report


@override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD])
def test_dry_run_counts_and_writes_nothing(old_data):
    before = {(t, c): raw(t, c) for t, c in ENCRYPTED}

    report = rotate("--dry-run")

    assert {(t, c): raw(t, c) for t, c in ENCRYPTED} == before
    assert "clients.Passenger.passport_number: 3 to re-encrypt" in report
    assert "dry run: nothing was written" in report


@override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD])
def test_an_interrupted_run_keeps_its_finished_batches_and_a_rerun_completes(old_data):
    real = key_rotation._batch_rotate
    calls = []

    def stop_at_second_batch(model, *args, **kwargs):
        # Batches of the clients' rows (the old data): other models' tables are empty here.
        if model._meta.app_label == "clients":
            calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(model, *args, **kwargs)

    with (
        mock.patch.object(key_rotation, "_batch_rotate", stop_at_second_batch),
        pytest.raises(KeyboardInterrupt),
    ):
        rotate("--batch-size", "1")
    assert len(rows_under(NEW)) == 1  # the first batch (one row) stayed done

    rotate("--batch-size", "1")

    for table, column in ENCRYPTED:
        assert under(NEW, raw(table, column)), (table, column)


def test_discovery_covers_every_model_with_an_encrypted_field_history_included():
    found = {
        f"{model._meta.label}.{field.name}"
        for model, fields in key_rotation.encrypted_models()
        for field in fields
    }

    assert {
        "clients.Client.special_instructions",
        "clients.Client.emergency_contacts",
        "clients.HistoricalClient.emergency_contacts",
        "clients.Passenger.passport_number",
        "clients.HistoricalPassenger.date_of_birth",
        "crew.CrewMember.emergency_contact",
        "crew.HistoricalCrewMember.emergency_contact",
        "jetops.EncryptedTOTPDevice.key",  # the authenticator apps' seeds
    } <= found
