"""The base viewset every API viewset inherits: the queryset is restricted to what the user
may see (so an invisible object is a 404), permissions go through ``jetops.permissions``."""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import viewsets

from jetops.activity import RequestMeta, request_meta
from jetops.api.filters import ID_PATTERN
from jetops.permissions import ActionKey, restrict


class JetOpsViewSetMixin:
    """Restricts ``get_queryset`` by *view* visibility for every action.

    Writes on a visible object the user may not change get a 403 from the permission class;
    objects the user cannot see are 404 whatever the method, never leaking existence.
    """

    request: Any
    # Ids are positive integers that fit a bigint: anything else in the URL is a plain 404,
    # never a query with a value the database cannot hold.
    lookup_value_regex = ID_PATTERN
    # Keyed by action, or by (action, method) for one method of an action (jetops.permissions).
    action_perms: dict[ActionKey, str | None] = {}
    step_up_actions: tuple[ActionKey, ...] = ()
    fleet_wide_actions: tuple[str, ...] = ()
    # What a portal user may send, per action (dotted paths; ``jetops.permissions``): anything
    # else in a portal user's body is refused with a 400, so staff-only inputs stay staff-only.
    portal_fields: dict[str, tuple[str, ...]] = {}

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()  # type: ignore[misc]
        return restrict(queryset, self.request.user, "view")

    def permission_denied(self, request: Any, message: Any = None, code: Any = None) -> NoReturn:
        # A refusal must not reveal that an object the user cannot see exists: on a detail
        # route, an invisible object is a 404 whatever the method and the user's permissions.
        lookup = getattr(self, "lookup_url_kwarg", None) or getattr(self, "lookup_field", "pk")
        field = getattr(self, "lookup_field", "pk")
        kwargs = getattr(self, "kwargs", {})
        if request.user and request.user.is_authenticated and lookup in kwargs:
            try:
                visible = self.get_queryset().filter(**{field: kwargs[lookup]}).exists()
            except (ValueError, TypeError, DjangoValidationError):
                visible = False
            if not visible:
                raise Http404
        super().permission_denied(request, message=message, code=code)  # type: ignore[misc]
        raise AssertionError("unreachable: permission_denied always raises")

    @property
    def meta(self) -> RequestMeta:
        return request_meta(self.request)


class JetOpsGenericViewSet(JetOpsViewSetMixin, viewsets.GenericViewSet):
    pass


class JetOpsModelViewSet(JetOpsViewSetMixin, viewsets.ModelViewSet):
    pass
