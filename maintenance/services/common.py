"""What every maintenance service shares: saving a row's allowed fields, the actor's permission."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied

from jetops.models import User
from jetops.permissions import user_can
from jetops.writes import apply_fields, save_validated


def save_fields(obj: Any, data: Mapping[str, Any], allowed: tuple[str, ...], actor: User | None) -> Any:
    apply_fields(obj, dict(data), allowed)
    save_validated(obj, actor)
    return obj


def require(actor: User | None, perm: str, obj: Any = None) -> None:
    """Services are called by the API, the admin, Celery and commands: ``actor`` None is the
    system (a command or a task), a user must hold ``perm``."""
    if actor is not None and not user_can(actor, perm, obj):
        raise PermissionDenied("You may not do this.")
