"""The base viewset every API viewset inherits: the queryset is restricted to what the user
may see (so an invisible object is a 404), permissions go through ``jetops.permissions``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets

from jetops.activity import RequestMeta, request_meta
from jetops.permissions import restrict


class JetOpsViewSetMixin:
    """Restricts ``get_queryset`` by *view* visibility for every action.

    Writes on a visible object the user may not change get a 403 from the permission class;
    objects the user cannot see are 404 whatever the method, never leaking existence.
    """

    request: Any
    action_perms: dict[str, str | None] = {}
    step_up_actions: tuple[str, ...] = ()
    critical_actions: tuple[str, ...] = ()

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()  # type: ignore[misc]
        return restrict(queryset, self.request.user, "view")

    @property
    def meta(self) -> RequestMeta:
        return request_meta(self.request)


class JetOpsGenericViewSet(JetOpsViewSetMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    pass


class JetOpsModelViewSet(JetOpsViewSetMixin, viewsets.ModelViewSet):  # type: ignore[type-arg]
    pass
