"""Ship an active pricing profile with the model's defaults (``finance.defaults``), so a
fresh install quotes and books before the operator tunes prices. An install that already has
an active profile keeps it. The profile's history starts with this creation."""

from django.db import migrations
from django.utils import timezone


def ship(apps, schema_editor):
    from finance.defaults import pricing_profile_default_ensure

    alias = schema_editor.connection.alias
    profile = pricing_profile_default_ensure(apps.get_model("finance", "PricingProfile"), using=alias)
    if profile is None:
        return
    history = apps.get_model("finance", "HistoricalPricingProfile")
    values = {f.attname: getattr(profile, f.attname) for f in profile._meta.concrete_fields}
    history.objects.using(alias).create(
        **values,
        history_date=timezone.now(),
        history_type="+",
        history_change_reason="Shipped with the installation (the model's defaults)",
    )


class Migration(migrations.Migration):
    dependencies = [("finance", "0004_drop_segment_fee_table")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop, elidable=False)]
