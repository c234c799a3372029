"""Human-facing record numbers: ``Q-2026-00042``, ``T-2026-00007``, ``JO2026-00123``."""

from __future__ import annotations

from django.db import IntegrityError, transaction
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
