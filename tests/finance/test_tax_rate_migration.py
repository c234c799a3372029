"""The segment-fee table moves into the dated tax table with the operator's own rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("finance", "0002_tax_rates_zone_and_small_aircraft")]
AFTER = [("finance", "0003_segment_fees_into_tax_rates")]


@pytest.mark.django_db(transaction=True)
def test_segment_fee_rows_become_segment_fee_tax_rates():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("finance", "SegmentFeeRate").objects.create(
        effective_from=date(2026, 1, 1), amount=Decimal("5.50"), currency="USD", source="Rev. Proc."
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = list(
        new.get_model("finance", "TaxRate").objects.values_list("tax", "effective_from", "amount", "source")
    )

    assert rows == [("segment_fee", date(2026, 1, 1), Decimal("5.50"), "Rev. Proc.")]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
