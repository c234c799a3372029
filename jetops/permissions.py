"""Every permission decision in JetOps goes through this module.

- Staff roles hold *unscoped* model permissions (``jetops.backends.LevelBackend``).
- Scoped roles hold permissions only over their own objects: a Client-role user over the
  client accounts it was granted (guardian object permission ``clients.view_client`` on the
  ``Client``, the tenant root) and everything hanging off them (``Model.tenant_path``); a
  Crew-role user over its own ``CrewMember`` and what hangs off it (``Model.crew_path``).
- Direct guardian object permissions on any object are honoured too.

``restrict`` makes invisible rows disappear (404); ``user_can`` answers for visible rows (403).

Field level: a portal user (``is_portal_user``) may send only the fields an endpoint offers the
portal (the view's ``portal_fields``); prices, discounts, statuses and every other staff input
are refused with a 400 naming them. A read hides a field the user may not see on an object
(``user_can_memo``, one decision per object for a whole response).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db.models import Model, Q, QuerySet
from guardian.shortcuts import get_objects_for_user
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission

from jetops.activity import token_claims
from jetops.auth.tokens import SCOPE_FULL
from jetops.backends import role_permissions
from jetops.roles import Role

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

#: A key of a view's ``action_perms`` or ``step_up_actions``: an action, or (action, method).
ActionKey = str | tuple[str, str]

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def perm_name(model: type[Model] | Model, action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def _authenticated(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_global(user: Any, perm: str) -> bool:
    """The user holds ``perm`` over every object (a staff role, or a superuser)."""
    return _authenticated(user) and user.has_perm(perm)


def has_scoped(user: Any, perm: str) -> bool:
    """The user holds ``perm`` through a scoped role (over its own objects only)."""
    return _authenticated(user) and perm in role_permissions(user)[1]


def visible_client_ids(user: Any) -> QuerySet[Any]:
    """Ids of the client accounts a Client-role user is linked to (guardian grant)."""
    client_model = apps.get_model("clients", "Client")
    if not (_authenticated(user) and user.level & Role.CLIENT):
        return client_model.objects.none().values("pk")
    return get_objects_for_user(
        user,
        "clients.view_client",
        client_model.objects.all(),
        accept_global_perms=False,
        with_superuser=False,
    ).values("pk")


def scope_q(model: type[Model], user: Any) -> Q | None:
    """The rows of ``model`` that belong to the user's own scope, or None if it has none."""
    if getattr(model, "scoped_sees_all", False):
        # Reference data every portal and crew user may read (the fleet's portal view).
        return Q()
    clauses: list[Q] = []
    tenant_path = getattr(model, "tenant_path", None)
    if tenant_path is not None and user.level & Role.CLIENT:
        lookup = f"{tenant_path}__in" if tenant_path else "pk__in"
        clauses.append(Q(**{lookup: visible_client_ids(user)}))
    crew_path = getattr(model, "crew_path", None)
    if crew_path is not None and user.level & Role.CREW:
        clauses.append(Q(**{f"{crew_path}__user" if crew_path else "user": user}))
    if not clauses:
        return None
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


def restrict(queryset: QuerySet[Any], user: Any, action: str = "view") -> QuerySet[Any]:
    """``queryset`` limited to the rows ``user`` may ``action`` (NetBox's ``restrict``)."""
    if not _authenticated(user):
        return queryset.none()
    perm = perm_name(queryset.model, action)
    if has_global(user, perm):
        return queryset
    q = scope_q(queryset.model, user) if has_scoped(user, perm) else None
    if q is not None and not q:
        return queryset  # scoped_sees_all: every row
    direct = get_objects_for_user(
        user, perm, queryset.model.objects.all(), accept_global_perms=False, with_superuser=False
    ).values("pk")
    condition = Q(pk__in=direct)
    if q is not None:
        condition |= q
    return queryset.filter(condition).distinct() if q is not None else queryset.filter(condition)


def in_scope(user: Any, obj: Model) -> bool:
    q = scope_q(type(obj), user)
    return q is not None and type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def user_can(user: Any, perm: str, obj: Model | None = None) -> bool:
    """May ``user`` exercise ``perm`` (``app.codename``), globally or on ``obj``?

    Without ``obj``: whether the user may attempt the action at all (staff role, scoped role,
    or some object grant). With ``obj``: global permission, or a scoped permission with ``obj``
    in the user's scope, or a guardian object permission on ``obj``.
    """
    if not _authenticated(user):
        return False
    if has_global(user, perm):
        return True
    if obj is None:
        return has_scoped(user, perm)
    if has_scoped(user, perm) and in_scope(user, obj):
        return True
    return bool(user.has_perm(perm, obj))


def user_can_memo(user: Any, perm: str, obj: Model, memo: dict[tuple[str, str, Any], bool]) -> bool:
    """``user_can`` for a field shown on many rows of one response: decided once per
    (permission, object) and remembered in ``memo`` (kept by the caller for that response)."""
    key = (perm, obj._meta.label, obj.pk)
    if key not in memo:
        memo[key] = user_can(user, perm, obj)
    return memo[key]


def is_portal_user(user: Any) -> bool:
    """A client portal login: the Client role and no staff role. It writes only the fields an
    endpoint offers the portal, and accepts only quotes staff sent."""
    return _authenticated(user) and bool(user.level & Role.CLIENT) and not user.is_staff


PORTAL_REFUSAL = "Only staff may set this field."


def portal_field_errors(data: Any, allowed: Iterable[str], prefix: str = "") -> dict[str, Any]:
    """The keys of ``data`` a portal user may not send, as errors in the API's nested shape.

    ``allowed`` holds dotted paths (``legs.passengers``); the items of a list share the list's
    path. A listed path whose value is an object or list allows all of it unless longer listed
    paths name what it may hold; an empty result means the body is acceptable.
    """
    allowed = frozenset(allowed)
    errors: dict[str, Any] = {}
    if isinstance(data, list):
        for index, item in enumerate(data):
            nested = portal_field_errors(item, allowed, prefix)
            if nested:
                errors[str(index)] = nested
        return errors
    if not isinstance(data, dict):
        return errors
    for key, value in data.items():
        path = f"{prefix}{key}"
        inner = f"{path}."
        if any(name.startswith(inner) for name in allowed):
            nested = portal_field_errors(value, allowed, inner)
            if nested:
                errors[str(key)] = nested
        elif path not in allowed:
            errors[str(key)] = [PORTAL_REFUSAL]
    return errors


def portal_fields_check(request: Request, view: APIView) -> None:
    """Refuse (400, nothing done) a portal user's write carrying a field the view does not
    offer the portal for this action (``view.portal_fields[action]``; none declared: none)."""
    if request.method in SAFE_METHODS or not is_portal_user(request.user):
        return
    declared: dict[str, tuple[str, ...]] = getattr(view, "portal_fields", {})
    errors = portal_field_errors(request.data, declared.get(getattr(view, "action", None) or "", ()))
    if errors:
        raise ValidationError(errors)


def step_up_fresh(otp_at: int | None) -> bool:
    """Was the TOTP verification at epoch ``otp_at`` recent enough for a sensitive step?"""
    return otp_at is not None and time.time() - otp_at <= settings.STEP_UP_MAX_AGE_MINUTES * 60


class JetOpsPermission(BasePermission):
    """The API's permission class.

    - Authenticated with a full-scope token (enrolment-only tokens reach only views that set
      ``allow_enrolment_token``).
    - Model permission from the method (GET → view_<model>, POST → add_, PUT/PATCH → change_,
      DELETE → delete_) or from the view's ``action_perms``: keyed by ``(action, method)`` for
      one method of an action (a write inside an action that reads on GET), else by
      ``action``; ``None`` there means "any authenticated user" (e.g. /auth/me).
    - Object checks through ``user_can`` (visible but not allowed → 403).
    - ``step_up_actions`` (``action`` or ``(action, method)``): the token's OTP verification
      must be recent (``otp_required``).
    - ``fleet_wide_actions``: reports across every client need the permission over every
      object (a staff role); a scoped role's permission over its own objects is not enough.
    - A portal user's write may carry only the view's ``portal_fields`` for the action.

    Critical operations (role changes, erasure, overrides) are guarded by their services
    (``jetops.critical``), not here, so the admin and commands meet the same check.
    """

    def _required(self, request: Request, view: APIView) -> str | None:
        action = getattr(view, "action", None)
        action_perms: dict[ActionKey, str | None] = getattr(view, "action_perms", {})
        for key in _action_keys(request, action):
            if key in action_perms:
                return action_perms[key]
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            return None
        return perm_name(model, METHOD_ACTIONS.get(request.method or "GET", "view"))

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not _authenticated(user):
            return False
        scope = token_claims(request).get("scope", SCOPE_FULL)
        if scope != SCOPE_FULL and not getattr(view, "allow_enrolment_token", False):
            raise PermissionDenied(
                "Enrol two-factor authentication first (POST /api/v1/auth/2fa/enrol).",
                code="otp_enrolment_required",
            )
        action = getattr(view, "action", None)
        perm = self._required(request, view)
        if perm is not None and not user_can(user, perm):
            return False
        if action in getattr(view, "fleet_wide_actions", ()) and not (perm and has_global(user, perm)):
            return False
        step_up: tuple[ActionKey, ...] = getattr(view, "step_up_actions", ())
        if any(key in step_up for key in _action_keys(request, action)):
            step_up_check(request)
        portal_fields_check(request, view)
        return True

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        perm = self._required(request, view)
        return perm is None or user_can(request.user, perm, obj)


def _action_keys(request: Request, action: str | None) -> tuple[ActionKey, ...]:
    """The keys that name this request in a view's ``action_perms`` / ``step_up_actions``,
    the most specific first: ``(action, method)`` (HEAD reads like GET), then ``action``."""
    if action is None:
        return ()
    method = request.method or "GET"
    return ((action, "GET" if method == "HEAD" else method), action)


def step_up_check(request: Request) -> None:
    """Raise 403 ``otp_required`` unless the token's OTP verification is recent enough."""
    otp_at = token_claims(request).get("otp")
    if not step_up_fresh(otp_at if isinstance(otp_at, int) else None):
        raise PermissionDenied(
            f"This operation needs a two-factor verification from the last "
            f"{settings.STEP_UP_MAX_AGE_MINUTES} minutes (POST /api/v1/auth/step-up).",
            code="otp_required",
        )
