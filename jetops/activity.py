"""The security activity log: one writer (``activity_record``) and the failure counters the
login defence reads."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest

    from jetops.models import User


@dataclass(frozen=True)
class RequestMeta:
    """Where a request came from, captured once at the edge and passed to services."""

    ip: str | None = None
    user_agent: str = ""
    method: str = ""
    path: str = ""


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


def request_meta(request: HttpRequest) -> RequestMeta:
    return RequestMeta(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:400],
        method=request.method or "",
        path=request.path[:400],
    )


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
    return user if user is not None and user.is_authenticated else None  # type: ignore[return-value]
