"""The security activity log: one writer (``activity_record``) and the failure counters the
login defence reads."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest

    from jetops.models import User


@dataclass
class StepUpProof:
    """How the person behind a request proved a recent second factor, for the step-up of
    critical operations (``jetops.critical``): the time of a TOTP verification (the API
    token's ``otp`` claim), or an authenticator code typed with the request (admin forms),
    which ``jetops.critical`` verifies once and then replaces by the time it did."""

    otp_at: int | None = None
    code: str = field(default="", repr=False)


@dataclass(frozen=True)
class RequestMeta:
    """Where a request came from, captured once at the edge and passed to services.

    ``trusted`` marks an operator's command on the server (``jetops.critical.operator_context``),
    which no request can produce."""

    ip: str | None = None
    user_agent: str = ""
    method: str = ""
    path: str = ""
    step_up: StepUpProof = field(default_factory=StepUpProof, compare=False)
    trusted: bool = False


def client_ip(request: HttpRequest) -> str | None:
    """The client address: REMOTE_ADDR, or the address the trusted proxies saw
    (``TRUSTED_PROXY_COUNT`` hops of X-Forwarded-For); never a spoofable header otherwise."""
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            remote = chain[-hops]
    try:
        return str(ipaddress.ip_address(remote)) if remote else None
    except ValueError:
        return None


def token_claims(request: HttpRequest) -> dict[str, Any]:
    """The claims of the API request's verified JWT (``{}`` for a session or no token)."""
    payload = getattr(getattr(request, "auth", None), "payload", None)
    return payload if isinstance(payload, dict) else {}


def request_meta(request: HttpRequest) -> RequestMeta:
    otp_at = token_claims(request).get("otp")
    return RequestMeta(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:400],
        method=request.method or "",
        path=request.path[:400],
        step_up=StepUpProof(otp_at=otp_at if isinstance(otp_at, int) else None),
    )


def request_meta_with_code(request: HttpRequest, code: str) -> RequestMeta:
    """The request's meta carrying the authenticator code typed in an admin form."""
    return replace(request_meta(request), step_up=StepUpProof(code=code))


def activity_record(
    *,
    action: str,
    outcome: str,
    user: User | None = None,
    username: str = "",
    reason: str = "",
    meta: RequestMeta | None = None,
    subject: Any = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one activity row. Never raises on odd input: the log must not break a request."""
    from jetops.models import ActivityLog

    meta = meta or RequestMeta()
    subject_type = subject_id = ""
    if subject is not None:
        subject_type = subject._meta.label_lower
        subject_id = str(subject.pk)
    ActivityLog.objects.create(
        user=user if (user is not None and user.pk) else None,
        username=(username or (user.username if user is not None and user.pk else ""))[:150],
        action=action,
        outcome=outcome,
        reason=reason[:64],
        ip=meta.ip,
        user_agent=meta.user_agent[:400],
        method=meta.method[:10],
        path=meta.path[:400],
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail or {},
    )


def acting_user(request: HttpRequest) -> User | None:
    """The authenticated user behind a request, as services take it (``actor``)."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None
