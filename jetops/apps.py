from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


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
        # The roles' permission sets are cached (jetops.backends): any change to a role's group,
        # its permissions or a permission drops them, whichever path made it.
        from django.contrib.auth.models import Group, Permission

        from jetops.backends import forget_role_permissions
        from jetops.models import RoleGroup

        for model in (Group, Permission, RoleGroup):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_role_permissions, sender=model, dispatch_uid=f"role-perms-{model.__name__}"
                )
        m2m_changed.connect(
            forget_role_permissions, sender=Group.permissions.through, dispatch_uid="role-perms-group"
        )
        post_migrate.connect(forget_role_permissions, dispatch_uid="role-perms-migrate")


class JetOpsAdminConfig(admin_apps.AdminConfig):
    """The admin with OTP sign-in as the default site, so every app registers onto it."""

    default = False
    default_site = "jetops.admin_site.JetOpsAdminSite"
