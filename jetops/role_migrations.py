"""Data migrations that take default permissions back from role groups on existing installs.

New installs never grant a permission ``jetops.roles`` excludes; an install migrated before the
exclusion was added still holds it in the role's group. ``RoleGroup.granted`` keeps remembering
it was granted, so the role sync (``jetops.services.role_groups_sync``) does not give it again.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _pairs(apps: Any, revoked: dict[int, tuple[str, ...]]) -> list[tuple[Any, list[Any]]]:
    """Each role group (by bit) with the permissions ("app_label.codename") it should lose that
    exist; roles or permissions not created yet (a fresh install) are skipped."""
    role_group = apps.get_model("jetops", "RoleGroup")
    permission = apps.get_model("auth", "Permission")
    found = []
    for bit, names in revoked.items():
        link = role_group.objects.filter(bit=bit).first()
        if link is None:
            continue
        perms = [
            p
            for name in names
            for p in permission.objects.filter(
                content_type__app_label=name.split(".")[0], codename=name.split(".")[1]
            )
        ]
        found.append((link.group, perms))
    return found


def role_permissions_revoked(revoked: dict[int, tuple[str, ...]]) -> migrations.RunPython:
    """A ``RunPython`` taking ``revoked`` (role bit → "app_label.codename" permissions) from
    the role groups; reversed, it gives them back."""

    def revoke(apps: Any, schema_editor: Any) -> None:
        for group, perms in _pairs(apps, revoked):
            group.permissions.remove(*perms)

    def restore(apps: Any, schema_editor: Any) -> None:
        for group, perms in _pairs(apps, revoked):
            group.permissions.add(*perms)

    return migrations.RunPython(revoke, restore)
