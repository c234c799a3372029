"""The admin: OTP sign-in, idle timeout, role checkboxes, read-only activity log."""

from __future__ import annotations

import ipaddress

import pytest
from django.conf import settings
from django.test import Client, override_settings

from jetops.models import ActivityAction, ActivityLog, ActivityOutcome, EncryptedTOTPDevice, User
from jetops.roles import SUPER_ADMIN_LEVEL, Role
from tests.builders import PASSWORD, admin_login, enrol_totp, make_user, next_code, totp_now

pytestmark = pytest.mark.django_db


def test_admin_login_needs_otp(client):
    make_user("root", SUPER_ADMIN_LEVEL)
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 200  # the form again, asking for the code
    assert client.get("/admin/").status_code == 302
    assert ActivityLog.objects.filter(outcome=ActivityOutcome.FAILURE, username="root").exists()


def test_admin_login_with_otp(client):
    user = make_user("root", SUPER_ADMIN_LEVEL)
    admin_login(client, user)
    assert client.get("/admin/").status_code == 200
    assert ActivityLog.objects.filter(
        action=ActivityAction.LOGIN, outcome=ActivityOutcome.SUCCESS, user=user
    ).exists()


def test_single_authenticator_signs_in_without_choosing_a_device(client):
    user = make_user("root", SUPER_ADMIN_LEVEL)
    device = enrol_totp(user)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "root", "password": PASSWORD, "otp_token": totp_now(device)},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_wrong_code_is_refused_without_a_device_choice(client):
    user = make_user("root", SUPER_ADMIN_LEVEL)
    enrol_totp(user)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD, "otp_token": "000000"}
    )
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_client_role_cannot_use_admin(client):
    user = make_user("portal", int(Role.CLIENT))
    device = enrol_totp(user)
    client.post(
        "/admin/login/",
        {
            "username": "portal",
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": totp_now(device),
        },
    )
    assert client.get("/admin/").status_code == 302


def test_idle_timeout_is_a_setting():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_user_admin_role_checkboxes_create_user(client):
    root = make_user("root", SUPER_ADMIN_LEVEL)
    admin_login(client, root)
    page = client.get("/admin/jetops/user/add/")
    assert page.status_code == 200
    assert b'name="roles"' in page.content
    response = client.post(
        "/admin/jetops/user/add/",
        {
            "username": "newops",
            "new_password": "Brand-New-Passphrase-1",
            "name": "New Ops",
            "email": "newops@example.com",
            "phone": "",
            "is_active": "on",
            "roles": [str(int(Role.OPERATIONS_MANAGER)), str(int(Role.FINANCE_MANAGER))],
            "otp_code": next_code(root),
        },
    )
    assert response.status_code == 302, response.content[:3000]
    user = User.objects.get(username="newops")
    assert user.level == int(Role.OPERATIONS_MANAGER | Role.FINANCE_MANAGER)
    assert user.check_password("Brand-New-Passphrase-1")
    assert user.history.latest().history_user == root


# ---------------------------------------------------------------- role changes (critical)

ALLOW_10_8 = override_settings(CRITICAL_IP_NETWORKS=[ipaddress.ip_network("10.0.0.0/8")])


def change_roles(client: Client, user: User, roles: list[Role], otp_code: str = "", **extra: str):
    return client.post(
        f"/admin/jetops/user/{user.pk}/change/",
        {
            "username": user.username,
            "name": user.name,
            "email": user.email,
            "phone": "",
            "is_active": "on",
            "roles": [str(int(r)) for r in roles],
            "otp_code": otp_code,
        },
        **extra,
    )


@pytest.fixture
def root_client(client):
    return admin_login(client, make_user("root", SUPER_ADMIN_LEVEL))


@pytest.mark.parametrize("code", ["", "wrong"])
def test_admin_role_change_without_a_valid_code_is_refused(root_client, code):
    root = User.objects.get(username="root")
    target = make_user("target", int(Role.CLIENT))
    otp_code = {"": "", "wrong": f"{(int(next_code(root)) + 1) % 10**6:06d}"}[code]

    response = change_roles(root_client, target, [Role.SUPER_ADMIN], otp_code)

    assert response.status_code == 200  # the form again, with the refusal
    page = response.content.decode()
    expected = "The code is wrong or was already used." if code else "needs a two-factor verification"
    assert expected in page
    target.refresh_from_db()
    assert target.level == int(Role.CLIENT)
    assert not ActivityLog.objects.filter(action=ActivityAction.ROLE_CHANGE, user=root).exists()
    assert ActivityLog.objects.filter(action=ActivityAction.DENIED, reason__startswith="admin:otp_").exists()


def test_a_wrong_code_in_a_refused_admin_form_counts_against_the_device(root_client):
    # The admin rolls a refused attempt back whole; the wrong code must still count (throttle
    # and log), or the form would let anyone signed in guess codes without limit.
    root = User.objects.get(username="root")
    target = make_user("target", int(Role.CLIENT))
    wrong = f"{(int(next_code(root)) + 1) % 10**6:06d}"

    change_roles(root_client, target, [Role.SUPER_ADMIN], wrong)

    assert EncryptedTOTPDevice.objects.get(user=root).throttling_failure_count == 1
    failure = ActivityLog.objects.get(action=ActivityAction.STEP_UP)
    assert (failure.user, failure.outcome) == (root, ActivityOutcome.FAILURE)


@ALLOW_10_8
def test_admin_role_change_from_outside_the_allow_list_is_refused(root_client):
    root = User.objects.get(username="root")
    target = make_user("target", int(Role.CLIENT))

    response = change_roles(root_client, target, [Role.SUPER_ADMIN], next_code(root), REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 200
    assert "from your network" in response.content.decode()
    target.refresh_from_db()
    assert target.level == int(Role.CLIENT)
    assert not ActivityLog.objects.filter(action=ActivityAction.STEP_UP).exists()  # code not spent
    denied = ActivityLog.objects.get(action=ActivityAction.DENIED, reason="admin:ip_not_allowed")
    assert denied.ip == "192.0.2.7"


@ALLOW_10_8
def test_admin_role_change_with_code_from_the_allow_list(root_client):
    root = User.objects.get(username="root")
    target = make_user("target", int(Role.CLIENT))

    response = change_roles(
        root_client, target, [Role.OPERATIONS_MANAGER], next_code(root), REMOTE_ADDR="10.9.8.7"
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert target.level == int(Role.OPERATIONS_MANAGER)
    assert target.token_version == 1  # the old role's tokens are revoked
    row = ActivityLog.objects.get(action=ActivityAction.ROLE_CHANGE, user=root)
    assert (row.user, row.ip, row.detail["new_level"]) == (root, "10.9.8.7", int(Role.OPERATIONS_MANAGER))


def test_admin_profile_edit_needs_no_code(root_client):
    target = make_user("target", int(Role.CLIENT), name="Old Name")
    response = root_client.post(
        f"/admin/jetops/user/{target.pk}/change/",
        {
            "username": "target",
            "name": "New Name",
            "email": "",
            "phone": "",
            "is_active": "on",
            "roles": [str(int(Role.CLIENT))],
            "otp_code": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert (target.name, target.level) == ("New Name", int(Role.CLIENT))


def test_activity_log_admin_is_read_only(client):
    root = make_user("root", SUPER_ADMIN_LEVEL)
    admin_login(client, root)
    row = ActivityLog.objects.first()
    assert client.get("/admin/jetops/activitylog/").status_code == 200
    assert client.get("/admin/jetops/activitylog/?q=root").status_code == 200
    assert client.get("/admin/jetops/activitylog/add/").status_code == 403
    assert client.post(f"/admin/jetops/activitylog/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ActivityLog.objects.filter(pk=row.pk).exists()
