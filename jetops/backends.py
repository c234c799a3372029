"""Authentication backend whose permissions come from ``User.level``.

A user's model permissions are exactly the union of the permissions of the groups mapped to
its role bits (``RoleGroup``); direct user permissions and ad-hoc group membership are not
used, so the level is the single source of truth. Permissions of *scoped* roles (Client, Crew)
are kept apart: they allow an action only on the user's own objects (``jetops.permissions``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import transaction

from jetops.roles import roles_of

_CACHE = "_jetops_role_perms"
# Every role's permission names, in the shared cache: a request reads them in one cache round
# trip instead of a query over five tables. Forgotten whenever a role's group, its
# permissions or a permission changes (``forget_role_permissions``, connected in
# ``JetopsConfig.ready``).
ROLE_PERMISSIONS_KEY = "jetops:role-permissions"


def _permissions_by_role() -> dict[int, frozenset[str]]:
    found = cache.get(ROLE_PERMISSIONS_KEY)
    if found is None:
        by_bit: dict[int, set[str]] = defaultdict(set)
        rows = Permission.objects.filter(group__role__isnull=False).values_list(
            "content_type__app_label", "codename", "group__role__bit"
        )
        for app_label, codename, bit in rows:
            by_bit[bit].add(f"{app_label}.{codename}")
        found = {bit: frozenset(names) for bit, names in by_bit.items()}
        cache.set(ROLE_PERMISSIONS_KEY, found, None)
    return found


def forget_role_permissions(**kwargs: Any) -> None:
    """A role's permissions changed: every process reads them again (now, and once the
    transaction commits, so no read in between keeps the old set)."""
    cache.delete(ROLE_PERMISSIONS_KEY)
    transaction.on_commit(lambda: cache.delete(ROLE_PERMISSIONS_KEY), using=kwargs.get("using"))


def role_permissions(user: Any) -> tuple[frozenset[str], frozenset[str]]:
    """``(unscoped, scoped)`` permission names of the user's roles, cached on the instance."""
    cached = getattr(user, _CACHE, None)
    if cached is not None and cached[0] == user.level:
        return cached[1], cached[2]
    unscoped: set[str] = set()
    scoped: set[str] = set()
    roles = roles_of(user.level) if user.is_active else []
    if roles:
        by_bit = _permissions_by_role()
        for role in roles:
            (scoped if role.scoped else unscoped).update(by_bit.get(int(role.role), ()))
    result = (frozenset(unscoped), frozenset(scoped - unscoped))
    setattr(user, _CACHE, (user.level, *result))
    return result


class LevelBackend(ModelBackend):
    """ModelBackend whose group permissions are the unscoped permissions of the user's roles.

    Scoped-role permissions are deliberately *not* returned by ``has_perm``: a portal user's
    ``view_client`` must never read as "may view every client". ``jetops.permissions`` combines
    them with the user's scope.
    """

    def _get_user_permissions(self, user_obj: Any) -> Any:
        return Permission.objects.none()

    def _get_group_permissions(self, user_obj: Any) -> Any:
        return Permission.objects.none()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj)
        return set(role_permissions(user_obj)[0])

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return self.get_all_permissions(user_obj, obj)
