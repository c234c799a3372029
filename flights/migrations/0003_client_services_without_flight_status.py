"""Client Services no longer move flights through their statuses or cancel them (Operations
does, per the role table). New installs never grant it (``jetops.roles`` excludes it); this
takes it back from the Client Services group of existing ones. ``RoleGroup.granted`` keeps
remembering it was applied, so the role sync does not grant it again."""

from __future__ import annotations

from django.db import migrations

from jetops.role_migrations import role_permissions_revoked

CLIENT_SERVICES_BIT = 0x0200


class Migration(migrations.Migration):
    dependencies = [
        ("flights", "0002_flight_no_overlap"),
        ("jetops", "0003_notificationdelivery_numbersequence"),
    ]

    operations = [role_permissions_revoked({CLIENT_SERVICES_BIT: ("flights.change_flight_status",)})]
