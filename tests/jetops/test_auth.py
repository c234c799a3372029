"""The auth API: login with captcha escalation and lock-out, 2FA, JWT rotation and revocation."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from jetops.models import (
    ActivityAction,
    ActivityLog,
    ActivityOutcome,
    EncryptedTOTPDevice,
    RefreshFamily,
    User,
)
from tests.builders import PASSWORD, bearer, enrol_totp, totp_now

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"


def login(client: APIClient, username: str, password: str = PASSWORD, **extra: str):
    return client.post(LOGIN, {"username": username, "password": password, **extra}, format="json")


def test_login_returns_tokens_and_user(anon, client_a_user):
    response = login(anon, "client-a")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"]["username"] == "client-a"
    assert body["user"]["level"] == 0x80
    assert body["user"]["id"] == client_a_user.id
    token = AccessToken(body["access"])
    assert token["iss"] == "jetops"
    assert token["aud"] == "jetops-api"
    assert token["otp"] is None
    assert (token["exp"] - token["iat"]) <= 15 * 60
    assert ActivityLog.objects.filter(
        action=ActivityAction.LOGIN, outcome=ActivityOutcome.SUCCESS, user=client_a_user
    ).exists()


def test_wrong_password_is_401_and_logged(anon, client_a_user):
    response = login(anon, "client-a", "nope-nope-nope")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    row = ActivityLog.objects.get(action=ActivityAction.LOGIN, outcome=ActivityOutcome.FAILURE)
    assert row.username == "client-a"
    assert row.ip == "127.0.0.1"


def test_unknown_username_looks_like_a_wrong_password(anon, db):
    response = login(anon, "ghost")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_captcha_required_after_three_failures(anon, client_a_user):
    for _ in range(3):
        assert login(anon, "client-a", "wrong-password-x").status_code == 401
    # the right password alone is no longer enough
    response = login(anon, "client-a")
    assert response.status_code == 401
    assert response.json()["code"] == "captcha_required"
    # a solved captcha lets the right password in
    image = anon.get("/api/v1/auth/captcha/abcdefgh12")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image.content[:8] == b"\x89PNG\r\n\x1a\n"
    answer = cache.get("captcha:abcdefgh12")
    response = login(anon, "client-a", captcha_uid="abcdefgh12", captcha_answer=answer.lower())
    assert response.status_code == 200


def test_captcha_is_single_use(anon, client_a_user):
    for _ in range(3):
        login(anon, "client-a", "wrong-password-x")
    anon.get("/api/v1/auth/captcha/uid-single-1")
    answer = cache.get("captcha:uid-single-1")
    assert (
        login(
            anon, "client-a", "wrong-again-xx", captcha_uid="uid-single-1", captcha_answer=answer
        ).status_code
        == 401
    )
    response = login(anon, "client-a", captcha_uid="uid-single-1", captcha_answer=answer)
    assert response.json()["code"] == "captcha_required"


def test_captcha_wrong_answer_refused(anon, client_a_user):
    for _ in range(3):
        login(anon, "client-a", "wrong-password-x")
    anon.get("/api/v1/auth/captcha/uid-wrong-01")
    response = login(anon, "client-a", captcha_uid="uid-wrong-01", captcha_answer="zzzzz")
    assert response.json()["code"] == "captcha_required"


def test_captcha_uid_validated(anon, db):
    response = anon.get("/api/v1/auth/captcha/x")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_uid"


@override_settings(LOGIN_CAPTCHA_MODE="always")
def test_captcha_always_mode(anon, client_a_user):
    response = login(anon, "client-a")
    assert response.json()["code"] == "captcha_required"


def test_captcha_required_per_ip_after_twenty_failures(anon, client_a_user, db):
    for i in range(20):
        login(anon, f"someone-{i}", "wrong-password-x")
    response = login(anon, "client-a")
    assert response.json()["code"] == "captcha_required"


def test_lockout_after_ten_failures(anon, client_a_user):
    for _ in range(3):
        login(anon, "client-a", "wrong-password-x")
    for i in range(7):
        uid = f"lockout-uid-{i:02d}"
        anon.get(f"/api/v1/auth/captcha/{uid}")
        login(
            anon, "client-a", "wrong-password-x", captcha_uid=uid, captcha_answer=cache.get(f"captcha:{uid}")
        )
    anon.get("/api/v1/auth/captcha/lockout-final")
    response = login(
        anon, "client-a", captcha_uid="lockout-final", captcha_answer=cache.get("captcha:lockout-final")
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "account_locked"
    assert int(response["Retry-After"]) > 0
    # fifteen minutes later the account opens again (captcha still needed until a success)
    later = timezone.now() + timedelta(minutes=16)
    ActivityLog.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    assert later > timezone.now()
    assert login(anon, "client-a").status_code == 200


def test_staff_without_device_gets_enrolment_token_only(anon, ops_user):
    response = login(anon, "ops")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "otp_required"
    assert body["scope"] == "otp_enrolment"
    enrol_client = APIClient()
    enrol_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['enrolment_token']}")
    # the enrolment token opens nothing but enrolment
    refused = enrol_client.get("/api/v1/activity")
    assert refused.status_code == 403
    assert refused.json()["code"] == "otp_enrolment_required"
    enrol = enrol_client.post("/api/v1/auth/2fa/enrol")
    assert enrol.status_code == 201
    assert enrol.json()["otpauth_uri"].startswith("otpauth://totp/")
    assert enrol.json()["qr_png"].startswith("data:image/png;base64,")
    device = EncryptedTOTPDevice.objects.get(user=ops_user)
    confirm = enrol_client.post("/api/v1/auth/2fa/confirm", {"otp": totp_now(device)}, format="json")
    assert confirm.status_code == 200
    assert len(confirm.json()["recovery_codes"]) >= 8
    assert AccessToken(confirm.json()["access"])["scope"] == "full"
    assert login(anon, "ops", otp=totp_now(device, steps_ahead=1)).status_code == 200


def test_enrolled_user_needs_totp_and_code_works_once(anon, client_a_user):
    device = enrol_totp(client_a_user)
    first = login(anon, "client-a")
    assert first.status_code == 401
    assert first.json()["code"] == "otp_required"
    assert first.json()["otp_token"]
    code = totp_now(device)
    ok = login(anon, "client-a", otp=code)
    assert ok.status_code == 200
    assert AccessToken(ok.json()["access"])["otp"] is not None
    replay = login(anon, "client-a", otp=code)
    assert replay.status_code == 401
    assert replay.json()["code"] == "otp_required"


def test_wrong_totp_refused(anon, client_a_user):
    enrol_totp(client_a_user)
    response = login(anon, "client-a", otp="000000")
    assert response.status_code == 401
    assert response.json()["code"] == "otp_required"


def test_two_step_login_with_otp_token(anon, client_a_user):
    device = enrol_totp(client_a_user)
    otp_token = login(anon, "client-a").json()["otp_token"]
    bad = anon.post("/api/v1/auth/login/otp", {"otp_token": "garbage", "otp": "123456"}, format="json")
    assert bad.status_code == 401
    response = anon.post(
        "/api/v1/auth/login/otp", {"otp_token": otp_token, "otp": totp_now(device)}, format="json"
    )
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh", "user"}


def test_recovery_code_logs_in_once(anon, client_a_user):
    device = enrol_totp(client_a_user)
    client = bearer(client_a_user)
    codes = client.post("/api/v1/auth/2fa/recovery-codes", {"otp": totp_now(device)}, format="json")
    assert codes.status_code == 200
    recovery = codes.json()["recovery_codes"][0]
    assert login(anon, "client-a", otp=recovery).status_code == 200
    assert login(anon, "client-a", otp=recovery).status_code == 401


def test_disable_2fa_needs_current_code(client_a_user):
    device = enrol_totp(client_a_user)
    client = bearer(client_a_user)
    assert client.post("/api/v1/auth/2fa/disable", {"otp": "111111"}, format="json").status_code == 400
    assert EncryptedTOTPDevice.objects.filter(user=client_a_user).exists()
    response = client.post("/api/v1/auth/2fa/disable", {"otp": totp_now(device)}, format="json")
    assert response.status_code == 200
    assert not EncryptedTOTPDevice.objects.filter(user=client_a_user).exists()


def test_staff_cannot_disable_mandatory_2fa(ops_user):
    device = enrol_totp(ops_user)
    response = bearer(ops_user).post("/api/v1/auth/2fa/disable", {"otp": totp_now(device)}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_mandatory"


def test_refresh_rotates(anon, client_a_user):
    tokens = login(anon, "client-a").json()
    response = anon.post("/api/v1/auth/refresh-token", {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    assert response.json()["refresh"] != tokens["refresh"]


def test_refresh_reuse_revokes_whole_family(anon, client_a_user):
    tokens = login(anon, "client-a").json()
    second = anon.post("/api/v1/auth/refresh-token", {"refresh": tokens["refresh"]}, format="json").json()
    # the first refresh token is replayed (stolen): the whole family dies
    reuse = anon.post("/api/v1/auth/refresh-token", {"refresh": tokens["refresh"]}, format="json")
    assert reuse.status_code == 401
    assert reuse.json()["code"] == "token_reused"
    after = anon.post("/api/v1/auth/refresh-token", {"refresh": second["refresh"]}, format="json")
    assert after.status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {second['access']}")
    assert client.get(ME).status_code == 401
    assert RefreshFamily.objects.get().revoked_reason == "reuse"
    assert ActivityLog.objects.filter(action=ActivityAction.REFRESH_REUSE).count() == 1


def test_other_families_survive_a_reuse(anon, client_a_user):
    phone = login(anon, "client-a").json()
    laptop = login(anon, "client-a").json()
    anon.post("/api/v1/auth/refresh-token", {"refresh": phone["refresh"]}, format="json")
    anon.post("/api/v1/auth/refresh-token", {"refresh": phone["refresh"]}, format="json")
    response = anon.post("/api/v1/auth/refresh-token", {"refresh": laptop["refresh"]}, format="json")
    assert response.status_code == 200


def test_logout_cuts_access_and_refresh_at_once(anon, client_a_user):
    tokens = login(anon, "client-a").json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert client.get(ME).status_code == 200
    assert client.get("/api/v1/auth/logout").status_code == 200
    assert client.get(ME).status_code == 401
    response = anon.post("/api/v1/auth/refresh-token", {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 401
    assert ActivityLog.objects.filter(action=ActivityAction.LOGOUT, user=client_a_user).count() == 1


def test_logout_by_post(client_a_user):
    client = bearer(client_a_user)
    assert client.post("/api/v1/auth/logout").status_code == 200
    assert client.get(ME).status_code == 401


def test_me_shows_roles_permissions_and_2fa(ops_user):
    enrol_totp(ops_user)
    body = bearer(ops_user).get(ME).json()
    assert body["id"] == ops_user.id
    assert body["username"] == "ops"
    assert body["level"] == 0x1000
    assert body["roles"] == ["Operations Manager"]
    assert "jetops.view_user" not in body["permissions"] or isinstance(body["permissions"], list)
    assert body["two_factor"]["enabled"] is True
    for field in ["name", "email", "phone", "role", "active", "last_login", "created_at", "updated_at"]:
        assert field in body


def test_change_password_revokes_other_tokens(anon, client_a_user):
    other = login(anon, "client-a").json()
    client = bearer(client_a_user)
    weak = client.post(
        "/api/v1/auth/change-password", {"old_password": PASSWORD, "new_password": "short"}, format="json"
    )
    assert weak.status_code == 400
    assert "new_password" in weak.json()["errors"]
    wrong = client.post(
        "/api/v1/auth/change-password",
        {"old_password": "not-my-password", "new_password": "A-much-better-passphrase-77"},
        format="json",
    )
    assert wrong.status_code == 400
    assert "old_password" in wrong.json()["errors"]
    response = client.post(
        "/api/v1/auth/change-password",
        {"old_password": PASSWORD, "new_password": "A-much-better-passphrase-77"},
        format="json",
    )
    assert response.status_code == 200
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert fresh.get(ME).status_code == 200
    stale = APIClient()
    stale.credentials(HTTP_AUTHORIZATION=f"Bearer {other['access']}")
    assert stale.get(ME).status_code == 401
    assert login(anon, "client-a", "A-much-better-passphrase-77").status_code == 200
    assert (
        ActivityLog.objects.filter(
            action=ActivityAction.PASSWORD_CHANGE, outcome=ActivityOutcome.SUCCESS
        ).count()
        == 1
    )


def _forge(
    payload_changes: dict, header: dict | None = None, signature: bytes | None = None, base: str = ""
) -> str:
    head, body, sig = base.split(".")

    def enc(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    def dec(part: str) -> dict:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))

    new_head = enc(header) if header is not None else head
    new_body = enc({**dec(body), **payload_changes})
    new_sig = base64.urlsafe_b64encode(signature).rstrip(b"=").decode() if signature is not None else sig
    return f"{new_head}.{new_body}.{new_sig}"


@pytest.mark.parametrize(
    "kind", ["tampered", "alg_none", "wrong_audience", "expired", "refresh_as_access", "garbage", "hs256"]
)
def test_bad_tokens_are_401(client_a_user, kind):
    pair_client = bearer(client_a_user)
    access = pair_client._credentials["HTTP_AUTHORIZATION"].split()[1]
    if kind == "tampered":
        token = _forge({"user_id": str(client_a_user.id + 1)}, base=access)
    elif kind == "alg_none":
        token = _forge({}, header={"alg": "none", "typ": "JWT"}, signature=b"", base=access)
    elif kind == "wrong_audience":
        import jwt
        from django.conf import settings

        payload = {**AccessToken(access).payload, "aud": "someone-else"}
        token = jwt.encode(payload, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="RS256")
    elif kind == "expired":
        raw = AccessToken(access)
        raw.set_exp(lifetime=-timedelta(minutes=1))
        token = str(raw)
    elif kind == "refresh_as_access":
        token = pair_client.refresh_token
    elif kind == "hs256":
        import jwt

        token = jwt.encode({**AccessToken(access).payload}, "the-secret-key", algorithm="HS256")
    else:
        token = "not.a.jwt"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] in {"token_not_valid", "authentication_failed", "not_authenticated"}


def test_deactivated_user_is_cut_off(client_a_user, admin_user):
    client = bearer(client_a_user)
    from jetops.services import user_update

    user_update(user=client_a_user, actor=admin_user, is_active=False)
    assert client.get(ME).status_code == 401


def test_malformed_json_and_unknown_fields_are_400(anon, client_a_user):
    response = anon.post(LOGIN, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    response = login(anon, "client-a", is_admin="yes")
    assert response.status_code == 400
    assert response.json()["errors"]["is_admin"]
    assert not ActivityLog.objects.filter(
        action=ActivityAction.LOGIN, outcome=ActivityOutcome.SUCCESS
    ).exists()


def test_missing_fields_are_400(anon, db):
    response = anon.post(LOGIN, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


def test_unauthenticated_request_is_401_in_error_shape(anon, db):
    response = anon.get(ME)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "detail", "errors"}


def test_denials_are_logged(anon, db):
    anon.get("/api/v1/users")
    assert ActivityLog.objects.filter(outcome=ActivityOutcome.DENIED, path="/api/v1/users").exists()


def test_step_up_gives_fresh_otp_claim(client_a_user):
    device = enrol_totp(client_a_user)
    client = bearer(client_a_user, otp=False)
    assert client.post("/api/v1/auth/step-up", {"otp": "000000"}, format="json").status_code == 400
    response = client.post("/api/v1/auth/step-up", {"otp": totp_now(device)}, format="json")
    assert response.status_code == 200
    assert AccessToken(response.json()["access"])["otp"] >= int(timezone.now().timestamp()) - 5


def test_refresh_token_garbage_is_401(anon, db):
    response = anon.post("/api/v1/auth/refresh-token", {"refresh": "x.y.z"}, format="json")
    assert response.status_code == 401
    forged = RefreshToken()
    response = anon.post("/api/v1/auth/refresh-token", {"refresh": str(forged)}, format="json")
    assert response.status_code == 401


def test_user_created_in_shell_has_role_permissions(db):
    user = User.objects.create_user(username="shell-ops", password=PASSWORD, level=0x1000)
    assert user.is_staff
    assert user.has_perm("jetops.view_activitylog") is user.has_perm("jetops.view_activitylog")
    assert (
        user.get_all_permissions()
        == User.objects.create_user(
            username="shell-ops-2", password=PASSWORD, level=0x1000
        ).get_all_permissions()
    )


def test_failed_password_change_is_logged(client_a_user):
    client = bearer(client_a_user)
    client.post(
        "/api/v1/auth/change-password",
        {"old_password": "not-my-password", "new_password": "A-much-better-passphrase-77"},
        format="json",
    )
    assert (
        ActivityLog.objects.filter(
            action=ActivityAction.PASSWORD_CHANGE, outcome=ActivityOutcome.FAILURE, user=client_a_user
        ).count()
        == 1
    )
    client_a_user.refresh_from_db()
    assert client_a_user.check_password(PASSWORD)
