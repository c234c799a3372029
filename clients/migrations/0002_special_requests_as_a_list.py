"""``preferences.special_requests`` becomes a list of short texts (the seed's ``[String]``):
a stored text becomes a one-item list, an empty one an empty list. A text longer than an item
may be (200 characters; at most 50 items: ``clients.preferences`` when this was written) is cut
at its line breaks, then at word boundaries, so nothing written is lost and every item is
valid. Going back joins the items with line breaks."""

import textwrap

from django.db import migrations

ITEM_LENGTH = 200
MAX_ITEMS = 50
KEY = "special_requests"


def text_to_items(text):
    text = text.strip()
    if not text:
        return []
    if len(text) <= ITEM_LENGTH and "\n" not in text:
        return [text]
    items = [piece for line in text.splitlines() for piece in textwrap.wrap(line, ITEM_LENGTH)]
    if len(items) > MAX_ITEMS:  # many short lines: one paragraph, cut at word boundaries
        items = textwrap.wrap(" ".join(text.split()), ITEM_LENGTH)
    return items


def forwards(apps, schema_editor):
    client_model = apps.get_model("clients", "Client")
    for client in client_model.objects.using(schema_editor.connection.alias).only("preferences").iterator():
        preferences = client.preferences
        if not isinstance(preferences, dict) or not isinstance(preferences.get(KEY), str):
            continue
        preferences[KEY] = text_to_items(preferences[KEY])
        client.save(update_fields=["preferences"])


def backwards(apps, schema_editor):
    client_model = apps.get_model("clients", "Client")
    for client in client_model.objects.using(schema_editor.connection.alias).only("preferences").iterator():
        preferences = client.preferences
        if not isinstance(preferences, dict) or not isinstance(preferences.get(KEY), list):
            continue
        preferences[KEY] = "\n".join(preferences[KEY])
        client.save(update_fields=["preferences"])


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
