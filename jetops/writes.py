"""The steps every service's write shares: validate and save with history attribution, delete
with history attribution, and apply a request's fields to a model while refusing the ones it
may not set."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


def save_validated(
    obj: models.Model, actor: Any, reason: str | None = None, *, validate_constraints: bool = True
) -> None:
    """``full_clean`` then save, recording ``actor`` (and ``reason``) in the change history.
    ``validate_constraints=False`` leaves the model's constraints to the database, for a
    service that has checked what they guard itself and writes in bulk (each constraint
    check is a query)."""
    obj.full_clean(validate_constraints=validate_constraints)
    _attribute(obj, actor, reason)
    obj.save()


def save_recorded(obj: models.Model, actor: Any, reason: str | None = None) -> None:
    """Save ``obj`` without ``full_clean``, recording ``actor`` (and ``reason``) on its history:
    for a row the code itself changes under a lock (running totals, an anonymised row, a user
    whose password was just set) where validation has nothing to check."""
    _attribute(obj, actor, reason)
    obj.save()


def delete_recorded(obj: models.Model, actor: Any, reason: str | None = None) -> None:
    """Delete ``obj``, recording ``actor`` (and ``reason``) on its history's deletion record."""
    _attribute(obj, actor, reason)
    obj.delete()


def _attribute(obj: models.Model, actor: Any, reason: str | None) -> None:
    # simple-history reads these from the instance when it writes the history row.
    obj._history_user = actor  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason  # type: ignore[attr-defined]


def apply_fields(obj: models.Model, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Set ``data`` on ``obj``; a field outside ``allowed`` is a validation error (nothing set)."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({name: ["Unknown or read-only field."] for name in sorted(unknown)})
    for name, value in data.items():
        setattr(obj, name, value)
