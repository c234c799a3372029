"""The auth API under ``/api/v1/auth``: thin views over ``jetops.auth.services``."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jetops.activity import request_meta, token_claims
from jetops.api.exceptions import error_body
from jetops.api.throttling import LoginIPThrottle, LoginUsernameThrottle
from jetops.auth import services
from jetops.auth.captcha import captcha_issue
from jetops.auth.serializers import (
    ChangePasswordSerializer,
    LoginOTPSerializer,
    LoginSerializer,
    MeSerializer,
    OTPCodeSerializer,
    RefreshSerializer,
    TokenPairSerializer,
)
from jetops.auth.tokens import TokenPair

_ERROR = inline_serializer(
    "Error",
    {
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(),
    },
)


def _refused(exc: services.AuthRefused) -> Response:
    body = error_body(exc.code, exc.detail)
    body.update(exc.details)
    response = Response(body, status=exc.status)
    if "retry_after" in exc.details:
        response["Retry-After"] = str(exc.details["retry_after"])
    return response


def _pair(tokens: TokenPair) -> dict[str, str]:
    return {"access": tokens.access, "refresh": tokens.refresh}


def _login_response(result: services.LoginResult, request: Request) -> Response:
    user = MeSerializer(result.user, context={"request": request}).data
    if result.enrolment_token:
        # Still a 401 otp_required (no usable session yet), but carrying a token that can do
        # nothing except enrol a device and confirm it.
        body = error_body(
            "otp_required",
            "Two-factor authentication is mandatory for your role: enrol with "
            "POST /api/v1/auth/2fa/enrol (Bearer enrolment_token), then confirm with a code.",
        )
        body.update({"enrolment_token": result.enrolment_token, "scope": "otp_enrolment", "user": user})
        return Response(body, status=status.HTTP_401_UNAUTHORIZED)
    assert result.tokens is not None  # noqa: S101
    return Response({**_pair(result.tokens), "user": user})


class PublicAuthView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


class CaptchaView(PublicAuthView):
    @extend_schema(
        responses={(200, "image/png"): OpenApiTypes.BINARY, 400: _ERROR},
        summary="A captcha image for this uid (valid 5 minutes, single use).",
    )
    def get(self, request: Request, uid: str) -> Any:
        try:
            png = captcha_issue(uid)
        except ValueError as exc:
            return Response(error_body("invalid_uid", str(exc)), status=400)
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "no-store"
        return response


class LoginView(PublicAuthView):
    throttle_classes = [LoginIPThrottle, LoginUsernameThrottle]

    @extend_schema(
        request=LoginSerializer,
        responses={200: OpenApiTypes.OBJECT, 400: _ERROR, 401: _ERROR, 403: _ERROR},
        summary="Sign in; returns {access, refresh, user}.",
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = services.auth_login(
                username=data["username"],
                password=data["password"],
                captcha_uid=data.get("captcha_uid") or None,
                captcha_answer=data.get("captcha_answer") or None,
                otp=data.get("otp") or None,
                meta=request_meta(request),
            )
        except services.AuthRefused as exc:
            return _refused(exc)
        return _login_response(result, request)


class LoginOTPView(PublicAuthView):
    throttle_classes = [LoginIPThrottle]

    @extend_schema(
        request=LoginOTPSerializer,
        responses={200: OpenApiTypes.OBJECT, 400: _ERROR, 401: _ERROR},
        summary="Second login step: otp_token (from otp_required) and a TOTP code.",
    )
    def post(self, request: Request) -> Response:
        serializer = LoginOTPSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = services.auth_login_otp(
                otp_token=serializer.validated_data["otp_token"],
                otp=serializer.validated_data["otp"],
                meta=request_meta(request),
            )
        except services.AuthRefused as exc:
            return _refused(exc)
        return _login_response(result, request)


class RefreshView(PublicAuthView):
    throttle_classes = [LoginIPThrottle]

    @extend_schema(
        request=RefreshSerializer,
        responses={200: TokenPairSerializer, 400: _ERROR, 401: _ERROR},
        summary="Rotate a refresh token (reusing a rotated one revokes its family).",
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            tokens = services.auth_refresh(
                refresh=serializer.validated_data["refresh"], meta=request_meta(request)
            )
        except services.AuthRefused as exc:
            return _refused(exc)
        return Response(_pair(tokens))


class AuthenticatedView(APIView):
    """Any signed-in user; the permission class still checks token scope and revocation."""

    action_perms: dict[str, str | None] = {"get": None, "post": None}
    portal_fields: dict[str, tuple[str, ...]] = {}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.action = (request.method or "get").lower()
        super().initial(request, *args, **kwargs)


class LogoutView(AuthenticatedView):
    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 401: _ERROR})
    def get(self, request: Request) -> Response:
        services.auth_logout(user=request.user, meta=request_meta(request))  # type: ignore[arg-type]
        return Response({"detail": "Signed out: every token of this account is revoked."})

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 401: _ERROR})
    def post(self, request: Request) -> Response:
        return self.get(request)


class MeView(AuthenticatedView):
    allow_enrolment_token = True

    @extend_schema(responses={200: MeSerializer, 401: _ERROR})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user, context={"request": request}).data)


class ChangePasswordView(AuthenticatedView):
    portal_fields = {"post": ("old_password", "new_password")}

    @extend_schema(
        request=ChangePasswordSerializer,
        responses={200: TokenPairSerializer, 400: _ERROR, 401: _ERROR},
        summary="Change the password; every other token is revoked, a new pair is returned.",
    )
    def post(self, request: Request) -> Response:
        serializer = ChangePasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        otp_at = token_claims(request).get("otp")
        tokens = services.auth_change_password(
            user=request.user,  # type: ignore[arg-type]
            old_password=serializer.validated_data["old_password"],
            new_password=serializer.validated_data["new_password"],
            otp_at=otp_at if isinstance(otp_at, int) else None,
            meta=request_meta(request),
        )
        return Response(_pair(tokens))


class OTPStateView(AuthenticatedView):
    allow_enrolment_token = True

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data["two_factor"])


class OTPEnrolView(AuthenticatedView):
    allow_enrolment_token = True

    @extend_schema(
        request=None,
        responses={201: OpenApiTypes.OBJECT, 409: _ERROR},
        summary="Start TOTP enrolment: otpauth URI and QR code (PNG data URI).",
    )
    def post(self, request: Request) -> Response:
        try:
            data = services.otp_enrol(user=request.user, meta=request_meta(request))  # type: ignore[arg-type]
        except services.AuthRefused as exc:
            return _refused(exc)
        return Response(data, status=status.HTTP_201_CREATED)


class OTPConfirmView(AuthenticatedView):
    allow_enrolment_token = True
    portal_fields = {"post": ("otp",)}

    @extend_schema(
        request=OTPCodeSerializer,
        responses={200: OpenApiTypes.OBJECT, 400: _ERROR},
        summary="Confirm enrolment with a first code: recovery codes + a fresh token pair.",
    )
    def post(self, request: Request) -> Response:
        serializer = OTPCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            codes, tokens = services.otp_confirm(
                user=request.user,  # type: ignore[arg-type]
                code=serializer.validated_data["otp"],
                meta=request_meta(request),
            )
        except services.AuthRefused as exc:
            return _refused(exc)
        return Response({"recovery_codes": codes, **_pair(tokens)})


class OTPDisableView(AuthenticatedView):
    portal_fields = {"post": ("otp",)}

    @extend_schema(request=OTPCodeSerializer, responses={200: OpenApiTypes.OBJECT, 400: _ERROR})
    def post(self, request: Request) -> Response:
        serializer = OTPCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.otp_disable(
                user=request.user,  # type: ignore[arg-type]
                code=serializer.validated_data["otp"],
                meta=request_meta(request),
            )
        except services.AuthRefused as exc:
            return _refused(exc)
        return Response({"detail": "Two-factor authentication is off."})


class OTPRecoveryCodesView(AuthenticatedView):
    portal_fields = {"post": ("otp",)}

    @extend_schema(
        request=OTPCodeSerializer,
        responses={200: OpenApiTypes.OBJECT, 400: _ERROR},
        summary="Replace the recovery codes (needs a current TOTP code).",
    )
    def post(self, request: Request) -> Response:
        serializer = OTPCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            codes = services.otp_recovery_codes_regenerate(
                user=request.user,  # type: ignore[arg-type]
                code=serializer.validated_data["otp"],
                meta=request_meta(request),
            )
        except services.AuthRefused as exc:
            return _refused(exc)
        return Response({"recovery_codes": codes})


class StepUpView(AuthenticatedView):
    portal_fields = {"post": ("otp",)}

    @extend_schema(
        request=OTPCodeSerializer,
        responses={200: OpenApiTypes.OBJECT, 400: _ERROR, 403: _ERROR},
        summary="Verify a fresh TOTP code; returns an access token usable for sensitive steps.",
    )
    def post(self, request: Request) -> Response:
        serializer = OTPCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        family = token_claims(request).get("fam")
        try:
            access = services.auth_step_up(
                user=request.user,  # type: ignore[arg-type]
                code=serializer.validated_data["otp"],
                family_id=family if isinstance(family, str) else None,
                meta=request_meta(request),
            )
        except services.AuthRefused as exc:
            return _refused(exc)
        return Response({"access": access})
