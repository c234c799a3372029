"""Which personal fields a user sees in clear, and how they read otherwise: one table for the
API's reads, the admin and the GDPR export, so no screen shows what another one masks.

Passport numbers and dates of birth are for operations and for the owning client
(``clients.view_passport``, decided on the client account the row belongs to: a portal user
holds it over its own account only). A user without it sees the last four characters of a
passport number and no date of birth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model

from clients.permissions import VIEW_PASSPORT
from jetops.permissions import user_can

VIEW_SENSITIVE = VIEW_PASSPORT


MASK_MARK = "•"
"""What a masked value is made of; no real passport number contains it."""


def _last4(value: Any) -> str | None:
    return f"{MASK_MARK * 5}{str(value)[-4:]}" if value else None


def _hidden(value: Any) -> None:
    return None


# model label → field name → what a user without ``VIEW_SENSITIVE`` sees instead.
SENSITIVE_FIELDS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "clients.passenger": {"passport_number": _last4, "date_of_birth": _hidden},
}


def sensitive_fields(model: type[Model] | Model) -> tuple[str, ...]:
    return tuple(SENSITIVE_FIELDS.get(model._meta.label_lower, {}))


def sees_sensitive(user: Any, client: Model | None) -> bool:
    """May ``user`` see the sensitive fields of ``client``'s rows in clear (``client`` None:
    of any account, e.g. on a blank admin form)?"""
    return user_can(user, VIEW_SENSITIVE, client)


def masked_value(model: type[Model] | Model, name: str, value: Any) -> Any:
    """``value`` of the field ``name`` as a user who may not see it in clear reads it."""
    mask = SENSITIVE_FIELDS.get(model._meta.label_lower, {}).get(name)
    return value if mask is None else mask(value)


def masked(model: type[Model] | Model, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (one row of ``model``, field name → value) with its sensitive fields masked."""
    return {name: masked_value(model, name, value) for name, value in data.items()}


def without_masks_read_back(instance: Model | None, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` written over ``instance`` by a user who reads its sensitive fields masked,
    without the sensitive values that are exactly what that user read: a form or a PUT sends back
    what it was shown, and "•••••1234" (or a hidden date of birth's null) must leave the real
    value as it is, not replace it."""
    if instance is None:
        return data
    hidden = sensitive_fields(instance)
    return {
        name: value
        for name, value in data.items()
        if name not in hidden or value != masked_value(instance, name, getattr(instance, name))
    }
