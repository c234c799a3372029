"""Human-facing record numbers: ``Q-2026-00042``, ``T-2026-00007``, ``JO2026-00123``."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from jetops.models import NumberSequence


def next_number(series: str, *, prefix: str, width: int = 5) -> str:
    """The next number of ``series`` this year, e.g. ``next_number("quote", prefix="Q-")``
    → ``Q-2026-00001``. Must run inside the transaction that saves the numbered record."""
    year = timezone.now().year
    with transaction.atomic():
        row = NumberSequence.objects.select_for_update().filter(series=series, year=year).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = NumberSequence.objects.create(series=series, year=year, value=0)
            except IntegrityError:
                row = NumberSequence.objects.select_for_update().get(series=series, year=year)
        row.value += 1
        row.save(update_fields=["value"])
    return f"{prefix}{year}-{row.value:0{width}d}"


def pending_number() -> str:
    """A unique stand-in number for a record whose real one is taken last (``number_last``)."""
    return f"~{secrets.token_hex(8)}"


def number_last(obj: models.Model, series: str, *, prefix: str, width: int = 5, field: str = "number") -> str:
    """Give ``obj``, saved with ``pending_number()``, the next number of ``series`` as the
    last write of its transaction (its history rows too): the series stays locked only for
    this and the commit, not while the rest of a large record is written, so concurrent
    writers do not queue. Gap-free like ``next_number``: a rolled-back record takes no number."""
    pending = getattr(obj, field)
    number = next_number(series, prefix=prefix, width=width)
    type(obj)._default_manager.filter(pk=obj.pk).update(**{field: number})
    history = getattr(obj, "history", None)
    if history is not None:
        history.filter(**{field: pending}).update(**{field: number})
    setattr(obj, field, number)
    return number
