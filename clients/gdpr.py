"""GDPR export and erasure over everything that hangs off a client account.

Both walk the client's data: ``Client``'s reverse relations, and theirs in turn (a trip's
concierge requests, a flight's feedback), so a model added later is exported without touching
this module and cannot be forgotten by erasure: each model reached declares ``gdpr_erasure``
— ``"anonymise"`` (its ``anonymised_values(pseudonym)`` gives the replacement of its personal
fields), ``"delete"`` or ``"keep"`` (no personal data) — and a model without it stops erasure
with an error instead of leaving personal data behind. ``gdpr_export = False`` keeps a model
holding other people's data (crew) out of the client's export.

History follows the rows: an anonymised row's history is rewritten with the replacement values
(who changed what and when stays, the old values and change reasons go); a deleted row's
history is purged after the deletion (which itself writes one), and so is the history of rows
deleted before the erasure, which only history still remembers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from clients.models import Client
from clients.personal import SENSITIVE_FIELDS, masked
from jetops.models import ActivityLog, EncryptedTOTPDevice, NotificationDelivery, User
from jetops.writes import delete_recorded, save_recorded

ERASURE_STRATEGIES = {"anonymise", "delete", "keep"}
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


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    history = getattr(model, "history", None)
    return getattr(history, "model", None)


@dataclass
class Branch:
    """The rows of one model that hang off a client: ``ids`` live, ``gone`` deleted earlier
    (only history remembers them)."""

    model: type[models.Model]
    ids: set[Any] = field(default_factory=set)
    gone: set[Any] = field(default_factory=set)

    def rows(self) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(pk__in=self.ids).order_by("pk")


def _children(model: type[models.Model]) -> list[models.ForeignObjectRel]:
    return [
        rel
        for rel in model._meta.related_objects
        if not _is_history(rel.related_model) and (rel.one_to_many or rel.one_to_one)
    ]


def client_data(client: Client) -> list[Branch]:
    """Every model holding rows that hang off ``client`` (directly or through other rows),
    parents before children."""
    branches: dict[type[models.Model], Branch] = {Client: Branch(Client, {client.pk})}
    remembered: dict[type[models.Model], set[Any]] = {}
    pending: list[type[models.Model]] = [Client]
    while pending:
        parent = branches[pending.pop(0)]
        parent_ids = parent.ids | remembered.get(parent.model, set())
        for rel in _children(parent.model):
            child = rel.related_model
            lookup = {f"{rel.field.attname}__in": parent_ids}
            live = set(child._default_manager.filter(**lookup).values_list("pk", flat=True))
            history = _history_model(child)
            past = (
                set(history._default_manager.filter(**lookup).values_list("id", flat=True))
                if history
                else set()
            )
            branch = branches.setdefault(child, Branch(child))
            before = (len(branch.ids), len(remembered.get(child, ())))
            branch.ids |= live
            remembered.setdefault(child, set()).update(past)
            if (len(branch.ids), len(remembered[child])) != before and child not in pending:
                pending.append(child)
    for branch in branches.values():
        rows = remembered.get(branch.model, set())
        branch.gone = rows - set(
            branch.model._default_manager.filter(pk__in=rows).values_list("pk", flat=True)
        )
    return [branch for model, branch in branches.items() if model is not Client]


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
        branch.model._meta.label_lower: [row(obj) for obj in branch.rows()]
        for branch in client_data(client)
        if getattr(branch.model, "gdpr_export", True)
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


def _scrub_history(obj: models.Model, values: dict[str, Any]) -> None:
    history = _history_model(type(obj))
    if history is not None:
        history._default_manager.filter(id=obj.pk).update(**values, history_change_reason=None)


def _purge_history(model: type[models.Model], ids: set[Any]) -> None:
    history = _history_model(model)
    if history is not None and ids:
        history._default_manager.filter(id__in=ids).delete()


def anonymise(obj: models.Model, values: dict[str, Any], actor: User | None) -> None:
    """Replace personal fields of ``obj`` by ``values``, in the row and in all its history."""
    _scrub_history(obj, values)
    for name, value in values.items():
        setattr(obj, name, value)
    save_recorded(obj, actor, "GDPR erasure")


def _erase_branch(branch: Branch, pseudonym: str, actor: User | None) -> None:
    strategy = getattr(branch.model, "gdpr_erasure", None)
    if strategy not in ERASURE_STRATEGIES:
        raise ImproperlyConfigured(f"{branch.model._meta.label} must declare gdpr_erasure.")
    if strategy == "keep":
        return
    for obj in branch.rows():
        if strategy == "delete":
            delete_recorded(obj, actor)
        else:
            anonymise(obj, obj.anonymised_values(pseudonym), actor)
    _purge_history(branch.model, branch.gone | (branch.ids if strategy == "delete" else set()))


def _user_erase(user: User, pseudonym: str, actor: User | None) -> None:
    """A portal login of the erased client: anonymised, deactivated, its tokens and second
    factors gone."""
    user.token_version += 1
    user.set_unusable_password()
    values = {
        "username": f"{pseudonym.lower()}-{user.pk}",
        "name": "",
        "email": "",
        "phone": "",
        "is_active": False,
    }
    anonymise(user, values, actor)
    EncryptedTOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _admin_log_scrub(branches: list[Branch], client: Client, users: list[User], pseudonym: str) -> None:
    """The admin's own log names the objects it changed (and, in change messages, the related
    ones it added): those entries keep who did what and when, under the pseudonym."""
    targets = [(Client, {client.pk}), (User, {u.pk for u in users})]
    targets += [(b.model, b.ids | b.gone) for b in branches]
    for model, ids in targets:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=[str(i) for i in ids]
        ).update(object_repr=pseudonym, change_message="")


def _activity_scrub(client: Client, users: list[User], pseudonym: str) -> None:
    """The security log keeps what happened and when, not who from where: the client's logins
    (failed ones included, found by the name typed) lose name, address and browser; rows
    about the client or its users lose what they carried."""
    typed = {u.username for u in users} | {u.email for u in users if u.email} | {client.email}
    ActivityLog.objects.filter(Q(user__in=users) | Q(username__in=typed)).update(
        username=pseudonym, ip=None, user_agent="", detail={}
    )
    ActivityLog.objects.filter(
        Q(subject_type="clients.client", subject_id=str(client.pk))
        | Q(subject_type="jetops.user", subject_id__in=[str(u.pk) for u in users])
    ).update(detail={})


def erase_client_data(client: Client, pseudonym: str, actor: User | None) -> None:
    """Replace or delete the personal data of ``client`` and of everything hanging off it,
    in the rows and in their history; anonymise its portal logins."""
    branches = client_data(client)
    users = _users(client)
    for branch in reversed(branches):  # children first: a deleted parent would cascade
        _erase_branch(branch, pseudonym, actor)
    # Before the names go: the security log is searched by the names a login was tried with.
    _activity_scrub(client, users, pseudonym)
    for user in users:
        _user_erase(user, pseudonym, actor)
    # The message log keeps what was sent and when, not to whom or what it said.
    NotificationDelivery.objects.filter(client_id=client.pk).update(recipient=pseudonym, subject="", body="")
    _admin_log_scrub(branches, client, users, pseudonym)
    anonymise(client, client.anonymised_values(pseudonym), actor)
