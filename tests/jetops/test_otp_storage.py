"""Second-factor secrets at rest: the TOTP seed is encrypted with the field-encryption keys and
recovery codes are stored as hashes; sign-in, step-up, single use and replay refusal still work,
and the migrations convert what was stored in clear."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jetops.auth.otp import otp_verify
from jetops.fields import decrypt_text
from jetops.models import EncryptedTOTPDevice
from jetops.roles import SUPER_ADMIN_LEVEL
from tests.builders import PASSWORD, bearer, enrol_totp, make_user, totp_now

pytestmark = pytest.mark.django_db

SEED = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, hex


def column(table: str, name: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {name} FROM {table} ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def enrol_over_api(user) -> tuple[EncryptedTOTPDevice, list[str]]:
    api = bearer(user, otp=False)
    assert api.post("/api/v1/auth/2fa/enrol").status_code == 201
    device = EncryptedTOTPDevice.objects.get(user=user)
    confirmed = api.post("/api/v1/auth/2fa/confirm", {"otp": totp_now(device)}, format="json")
    assert confirmed.status_code == 200, confirmed.json()
    return device, confirmed.json()["recovery_codes"]


def issue_recovery_codes(user) -> tuple[StaticDevice, list[str]]:
    device = EncryptedTOTPDevice.objects.get(user=user)
    response = bearer(user).post("/api/v1/auth/2fa/recovery-codes", {"otp": totp_now(device)}, format="json")
    assert response.status_code == 200, response.json()
    return StaticDevice.objects.get(user=user), response.json()["recovery_codes"]


def test_the_seed_is_stored_encrypted(client_a_user):
    device, _ = enrol_over_api(client_a_user)
    [stored] = column("jetops_encryptedtotpdevice", "key")
    assert device.key not in stored
    assert decrypt_text(stored) == device.key
    assert not TOTPDevice.objects.exists()  # nothing in django-otp's clear-text table


def test_recovery_codes_are_stored_hashed_and_work_once(anon, client_a_user):
    _, codes = enrol_over_api(client_a_user)
    stored = column("otp_static_statictoken", "token")
    assert len(stored) == len(codes) == 10
    normalised = {code.replace("-", "") for code in codes}
    assert not normalised & set(stored)
    assert all(len(code.replace("-", "")) == 16 for code in codes)  # 80 bits each
    login = {"username": "client-a", "password": PASSWORD, "otp": codes[3].upper()}
    assert anon.post("/api/v1/auth/login", login, format="json").status_code == 200
    assert anon.post("/api/v1/auth/login", login, format="json").status_code == 401
    assert StaticToken.objects.count() == 9


def test_sign_in_step_up_and_replay_with_the_encrypted_seed(anon, client_a_user):
    device, _ = enrol_over_api(client_a_user)
    code = totp_now(device, steps_ahead=1)  # the confirmation spent the current step
    login = {"username": "client-a", "password": PASSWORD, "otp": code}
    assert anon.post("/api/v1/auth/login", login, format="json").status_code == 200
    assert anon.post("/api/v1/auth/login", login, format="json").status_code == 401  # replay
    api = bearer(client_a_user, otp=False)
    assert api.post("/api/v1/auth/step-up", {"otp": code}, format="json").status_code == 400  # spent
    fresh = totp_now(device, steps_ahead=2)
    assert api.post("/api/v1/auth/step-up", {"otp": fresh}, format="json").status_code == 200


def test_admin_sign_in_with_a_recovery_code(client):
    user = make_user("root", SUPER_ADMIN_LEVEL)
    enrol_totp(user)
    _, codes = issue_recovery_codes(user)
    recovery = StaticDevice.objects.get(user=user)
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "root",
            "password": PASSWORD,
            "otp_device": recovery.persistent_id,
            "otp_token": codes[0],
        },
    )
    assert response.status_code == 302
    assert StaticToken.objects.filter(device=recovery).count() == len(codes) - 1


def _migration(name: str):
    return importlib.import_module(f"jetops.migrations.{name}")


def test_migration_encrypts_existing_seeds(client_a_user):
    # given: an authenticator enrolled before, in django-otp's table, with its secret in clear
    TOTPDevice.objects.create(user=client_a_user, name="phone", key=SEED, confirmed=True, last_t=7)
    # when
    _migration("0006_encrypt_totp_seeds").encrypt(apps, None)
    # then: moved, encrypted, and still the same authenticator (replay state included)
    assert not TOTPDevice.objects.exists()
    device = EncryptedTOTPDevice.objects.get(user=client_a_user)
    assert (device.name, device.key, device.confirmed, device.last_t) == ("phone", SEED, True, 7)
    assert SEED not in column("jetops_encryptedtotpdevice", "key")[0]
    assert otp_verify(client_a_user, totp_now(device), allow_recovery=False)


def test_migration_hashes_existing_recovery_codes(client_a_user):
    # given: recovery codes issued before, in clear
    device = StaticDevice.objects.create(user=client_a_user, name="recovery", confirmed=True)
    StaticToken.objects.create(device=device, token="abcdefgh")
    # when
    _migration("0007_hash_recovery_codes").hash_codes(apps, None)
    # then: the code the user holds still works, once, and is no longer readable
    assert column("otp_static_statictoken", "token") != ["abcdefgh"]
    assert otp_verify(client_a_user, "abcdefgh")
    assert not otp_verify(client_a_user, "abcdefgh")
