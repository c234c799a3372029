"""Load the airport table from the installed ``airportsdata`` package (offline).

Reference data for tests and the quick start; ``manage.py load_airports`` refreshes it after
the package is upgraded. Reversing empties the table.
"""

from django.db import migrations


def load(apps, schema_editor):
    from fleet.airports import airports_load

    airports_load(apps.get_model("fleet", "Airport"), using=schema_editor.connection.alias)


def unload(apps, schema_editor):
    apps.get_model("fleet", "Airport").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("fleet", "0001_initial")]

    operations = [migrations.RunPython(load, unload, elidable=False)]
