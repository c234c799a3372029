"""Client Services no longer move flights through their statuses or cancel them (Operations
does, per the role table). New installs never grant it (``jetops.roles`` excludes it); this
takes it back from the Client Services group of existing ones. ``RoleGroup.granted`` keeps
remembering it was applied, so the role sync does not grant it again."""

from __future__ import annotations

from typing import Any

from django.db import migrations

CLIENT_SERVICES_BIT = 0x0200


def _group_and_permission(apps: Any) -> tuple[Any, Any] | None:
    link = apps.get_model("jetops", "RoleGroup").objects.filter(bit=CLIENT_SERVICES_BIT).first()
    status = (
        apps.get_model("auth", "Permission")
        .objects.filter(content_type__app_label="flights", codename="change_flight_status")
        .first()
    )
    return None if link is None or status is None else (link.group, status)


def revoke(apps: Any, schema_editor: Any) -> None:
    found = _group_and_permission(apps)
    if found is not None:
        found[0].permissions.remove(found[1])


def restore(apps: Any, schema_editor: Any) -> None:
    found = _group_and_permission(apps)
    if found is not None:
        found[0].permissions.add(found[1])


class Migration(migrations.Migration):
    dependencies = [
        ("flights", "0002_flight_no_overlap"),
        ("jetops", "0003_notificationdelivery_numbersequence"),
    ]

    operations = [migrations.RunPython(revoke, restore)]
