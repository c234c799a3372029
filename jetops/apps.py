from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, **kwargs: Any) -> None:
    from jetops.services import role_groups_sync

    role_groups_sync(using=kwargs.get("using", "default"))


class JetopsConfig(AppConfig):
    default = True
    name = "jetops"
    verbose_name = "JetOps core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # After every migrate (new models bring new permissions): make sure each role has its
        # group and the default permissions it has never been given.
        # Not limited to this app's signal: each app's permissions are created by its own
        # post_migrate, and the roles must pick up those of apps migrated after jetops.
        post_migrate.connect(_sync_roles, dispatch_uid="jetops-role-groups")


class JetOpsAdminConfig(admin_apps.AdminConfig):
    """The admin with OTP sign-in as the default site, so every app registers onto it."""

    default = False
    default_site = "jetops.admin_site.JetOpsAdminSite"
