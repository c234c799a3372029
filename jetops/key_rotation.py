"""Re-encrypt every encrypted column under the newest field-encryption key
(``manage.py rotate_field_keys``), so the older keys can be dropped from
``FIELD_ENCRYPTION_KEYS``.

The models are discovered, not listed: every installed model with an encrypted field
(``jetops.fields.encrypted_fields``), history models included, since their rows hold the old
values too. Rows are taken in primary-key order, a batch at a time, each batch locked, read and
written in its own transaction: a run stopped half-way keeps the batches it finished, and a
re-run picks up the rest, because a value the newest key already decrypts is left as it is.
That also makes a second run change nothing. Values are written with ``QuerySet.update``: a
new encryption of the same value is not a change, so no history row and no ``updated_at``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast

from jetops.fields import encrypted_fields, rotate_token


@dataclass
class ColumnCount:
    """What a run found in one encrypted column."""

    label: str  # "app_label.Model.field"
    values: int = 0  # non-null values read
    rotated: int = 0  # re-encrypted (in a dry run: that would be)
    unreadable: int = 0  # no configured key decrypts them


def encrypted_models() -> list[tuple[type[models.Model], list[models.Field[Any, Any]]]]:
    """Every concrete model with encrypted fields, with those fields."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = encrypted_fields(model)
        if fields:
            found.append((model, fields))
    return found


def _is_current(token: str, newest: Fernet) -> bool:
    try:
        newest.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


@transaction.atomic
def _batch_rotate(
    model: type[models.Model],
    fields: list[models.Field[Any, Any]],
    *,
    after: Any,
    size: int,
    counts: dict[str, ColumnCount],
    dry_run: bool,
) -> Any:
    """Rotate the ``size`` rows after primary key ``after`` (None: from the first); return the
    last primary key seen, or None when there were no rows left."""
    newest = Fernet(settings.FIELD_ENCRYPTION_KEYS[0])
    stored = {f"stored_{f.attname}": Cast(f.attname, models.TextField()) for f in fields}
    rows = model._base_manager.order_by("pk").annotate(**stored)
    if after is not None:
        rows = rows.filter(pk__gt=after)
    batch = list(rows.select_for_update().values_list("pk", *stored)[:size])
    for pk, *tokens in batch:
        changes = {}
        for field, token in zip(fields, tokens, strict=True):
            if token is None:
                continue
            count = counts[field.name]
            count.values += 1
            if _is_current(token, newest):
                continue
            try:
                rotated = rotate_token(token)
            except InvalidToken:
                count.unreadable += 1
                continue
            count.rotated += 1
            changes[field.attname] = models.Value(rotated, output_field=models.TextField())
        if changes and not dry_run:
            model._base_manager.filter(pk=pk).update(**changes)
    return batch[-1][0] if batch else None


def field_keys_rotate(
    *, batch_size: int = 500, dry_run: bool = False, progress: Callable[[ColumnCount], None] | None = None
) -> list[ColumnCount]:
    """Re-encrypt, under the newest key, every value an older key encrypted, in every
    encrypted column of every model; return a count per column (``progress`` is called with
    each column's count once its model is done)."""
    results: list[ColumnCount] = []
    for model, fields in encrypted_models():
        counts = {f.name: ColumnCount(f"{model._meta.label}.{f.name}") for f in fields}
        last = _batch_rotate(model, fields, after=None, size=batch_size, counts=counts, dry_run=dry_run)
        while last is not None:
            last = _batch_rotate(model, fields, after=last, size=batch_size, counts=counts, dry_run=dry_run)
        for count in counts.values():
            results.append(count)
            if progress is not None:
                progress(count)
    return results
