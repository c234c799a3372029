"""Move the rows of the domestic segment-fee table into the dated tax table, as segment fees.

The amounts are the operator's own rows, copied as they are; no amount is added here.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    SegmentFeeRate = apps.get_model("finance", "SegmentFeeRate")
    TaxRate = apps.get_model("finance", "TaxRate")
    TaxRate.objects.bulk_create(
        TaxRate(
            tax="segment_fee",
            effective_from=row.effective_from,
            amount=row.amount,
            currency=row.currency,
            source=row.source,
        )
        for row in SegmentFeeRate.objects.all()
    )


def backwards(apps, schema_editor):
    SegmentFeeRate = apps.get_model("finance", "SegmentFeeRate")
    TaxRate = apps.get_model("finance", "TaxRate")
    SegmentFeeRate.objects.bulk_create(
        SegmentFeeRate(
            effective_from=row.effective_from,
            amount=row.amount,
            currency=row.currency,
            source=row.source,
        )
        for row in TaxRate.objects.filter(tax="segment_fee")
    )


class Migration(migrations.Migration):
    dependencies = [("finance", "0002_tax_rates_zone_and_small_aircraft")]

    operations = [migrations.RunPython(forwards, backwards)]
