"""GDPR export and erasure over everything that hangs off a client account.

Both walk ``Client``'s reverse relations, so a model added later (trips, flights, invoices) is
exported without touching this module, and cannot be forgotten by erasure: each model pointing
at ``Client`` declares ``gdpr_erasure`` — ``"anonymise"`` (it has an ``anonymise(pseudonym)``
method), ``"delete"`` or ``"keep"`` (no personal data) — and a model without it stops erasure
with an error instead of leaving personal data behind.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clients.models import Client
from clients.personal import SENSITIVE_FIELDS, masked
from clients.preferences import default_preferences
from jetops.models import ActivityLog, NotificationDelivery, User

EXPORT_FORMAT = "jetops-gdpr-export/1"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _row(obj: models.Model) -> dict[str, Any]:
    excluded = set(getattr(obj, "gdpr_export_exclude", ()))
    return {
        field.attname: _plain(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if field.name not in excluded
    }


def _is_history(model: type[models.Model]) -> bool:
    return hasattr(model, "instance_type")  # simple-history's historical models


def client_relations() -> list[models.ForeignObjectRel]:
    """The reverse relations of ``Client`` that hold client data (history tables aside)."""
    return [
        rel
        for rel in Client._meta.related_objects
        if not _is_history(rel.related_model) and (rel.one_to_many or rel.one_to_one)
    ]


def _related_rows(client: Client, rel: models.ForeignObjectRel) -> models.QuerySet[Any]:
    model = rel.related_model
    return model._default_manager.filter(**{rel.field.name: client}).order_by("pk")


def _users(client: Client) -> list[User]:
    return list(User.objects.filter(client_memberships__client=client).order_by("pk"))


def client_export(client: Client, *, complete: bool) -> dict[str, Any]:
    """Everything JetOps holds about the client, as JSON-ready data. Unless ``complete``, the
    sensitive fields (``clients.personal``) are masked as the reads mask them, and ``masked``
    names them."""

    def row(obj: models.Model) -> dict[str, Any]:
        data = _row(obj)
        return data if complete else masked(obj, data)

    users = _users(client)
    related = {
        rel.related_model._meta.label_lower: [row(obj) for obj in _related_rows(client, rel)]
        for rel in client_relations()
    }
    notifications = NotificationDelivery.objects.filter(client_id=client.pk).order_by("created_at")
    activity = ActivityLog.objects.filter(
        Q(user__in=users) | Q(subject_type="clients.client", subject_id=str(client.pk))
    ).order_by("created_at")
    hidden = (
        []
        if complete
        else [f"{label}.{name}" for label, fields in SENSITIVE_FIELDS.items() for name in fields]
    )
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now().isoformat(),
        "complete": complete,
        "masked": hidden,
        "client": row(client),
        "related": related,
        "portal_users": [
            {
                "id": u.pk,
                "username": u.username,
                "name": u.name,
                "email": u.email,
                "phone": str(u.phone or ""),
                "active": u.is_active,
                "created_at": u.created_at.isoformat(),
                "last_login": u.last_login.isoformat() if u.last_login else None,
            }
            for u in users
        ],
        "notifications": [
            {
                "at": row.created_at.isoformat(),
                "event": row.event,
                "channel": row.channel,
                "recipient": row.recipient,
                "subject": row.subject,
                "body": row.body,
                "status": row.status,
            }
            for row in notifications
        ],
        "activity": [
            {
                "at": row.created_at.isoformat(),
                "action": row.action,
                "outcome": row.outcome,
                "username": row.username,
                "ip": row.ip,
                "user_agent": row.user_agent,
                "path": row.path,
            }
            for row in activity
        ],
    }


def _purge_history(obj: models.Model) -> None:
    history = getattr(obj, "history", None)
    if history is not None:
        history.all().delete()


def _save_erased(obj: models.Model, actor: User | None) -> None:
    _purge_history(obj)
    obj._history_user = actor  # type: ignore[attr-defined]
    obj._change_reason = "GDPR erasure"  # type: ignore[attr-defined]
    obj.save()


def user_anonymise(user: User, pseudonym: str, actor: User | None) -> None:
    user.username = f"{pseudonym.lower()}-{user.pk}"
    user.name = ""
    user.email = ""
    user.phone = ""
    user.is_active = False
    user.token_version += 1
    user.set_unusable_password()
    _save_erased(user, actor)


def anonymise_client(client: Client, pseudonym: str, actor: User | None) -> None:
    """Replace the personal data of ``client`` and everything pointing at it."""
    for rel in client_relations():
        model = rel.related_model
        strategy = getattr(model, "gdpr_erasure", None)
        if strategy not in {"anonymise", "delete", "keep"}:
            raise ImproperlyConfigured(f"{model._meta.label} must declare gdpr_erasure.")
        for obj in _related_rows(client, rel):
            if strategy == "delete":
                _purge_history(obj)
                obj._history_user = actor  # type: ignore[attr-defined]
                obj.delete()
            elif strategy == "anonymise":
                obj.anonymise(pseudonym)  # type: ignore[attr-defined]
                _save_erased(obj, actor)
    for user in _users(client):
        user_anonymise(user, pseudonym, actor)
    # The message log keeps what was sent and when, not to whom or what it said.
    NotificationDelivery.objects.filter(client_id=client.pk).update(recipient=pseudonym, subject="", body="")
    client.contact_person = pseudonym
    if client.client_type != "corporate":
        client.company_name = ""
    client.email = f"{pseudonym.lower()}@erased.invalid"
    client.phone = ""
    client.billing_address = {}
    client.preferences = default_preferences()
    client.emergency_contacts = None
    client.special_instructions = None
    client.pseudonym = pseudonym
    client.erased_at = timezone.now()
    _save_erased(client, actor)
