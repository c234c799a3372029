"""One error shape everywhere: ``{"code", "detail", "errors"}``; 401/403 are logged."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from jetops.activity import activity_record, request_meta
from jetops.errors import Conflict
from jetops.models import ActivityAction, ActivityOutcome

logger = logging.getLogger(__name__)


class ConflictResponse(exceptions.APIException):
    """A domain ``Conflict`` on its way out: 409, its code and detail, its details beside."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"

    def __init__(self, conflict: Conflict) -> None:
        super().__init__(conflict.detail, conflict.code)
        self.extra = conflict.details


def _first_code(codes: Any) -> str | None:
    if isinstance(codes, str):
        return codes
    if isinstance(codes, list) and codes:
        return _first_code(codes[0])
    if isinstance(codes, dict) and codes:
        return _first_code(next(iter(codes.values())))
    return None


def error_body(code: str, detail: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "detail": detail, "errors": errors or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Conflict):
        exc = ConflictResponse(exc)
    elif isinstance(exc, DjangoValidationError):
        django_errors: dict[str, Any] = dict(as_serializer_error(exc))
        if "__all__" in django_errors:  # Django's cross-field errors, in DRF's name for them
            django_errors["non_field_errors"] = django_errors.pop("__all__")
        exc = exceptions.ValidationError(django_errors)
    elif isinstance(exc, OverflowError | DataError):
        # A number (or text) the database cannot hold, from a parameter no validator bounded:
        # the request's fault, and nothing was written (DRF rolls the transaction back).
        logger.warning("Out-of-range value refused: %s", exc)
        exc = exceptions.ValidationError({"non_field_errors": ["A value is out of range."]})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        # A service's refusal may say why (``jetops.critical.CriticalOperationRefused``).
        exc = exceptions.PermissionDenied(getattr(exc, "detail", None), getattr(exc, "code", None))

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response

    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = error_body("invalid", "The request is invalid: see errors.", errors)
        # A single non-field error is the most useful detail for a person.
        non_field = errors.get("non_field_errors") if isinstance(errors, dict) else None
        if isinstance(non_field, list) and len(non_field) == 1 and len(errors) == 1:
            body["detail"] = str(non_field[0])
            body["code"] = _first_code(exc.get_codes()) or "invalid"
    else:
        detail = exc.detail
        code = _first_code(exc.get_codes()) or exc.default_code
        if isinstance(detail, dict):
            # simplejwt's InvalidToken carries {"detail", "code", "messages"}.
            message = str(detail.get("detail", exc.default_detail))
            code = str(detail.get("code", code))
        else:
            message = str(detail)
        body = error_body(code, message)
        body.update(getattr(exc, "extra", {}))

    response.data = body
    if response.status_code in (401, 403):
        request = context.get("request")
        if request is not None:
            user = getattr(request, "user", None)
            activity_record(
                action=ActivityAction.DENIED,
                outcome=ActivityOutcome.DENIED,
                user=user if getattr(user, "is_authenticated", False) else None,
                reason=f"{response.status_code}:{body['code']}",
                meta=request_meta(request),
            )
    return response
