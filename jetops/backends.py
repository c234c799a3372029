"""Authentication backend whose permissions come from ``User.level``.

A user's model permissions are exactly the union of the permissions of the groups mapped to
its role bits (``RoleGroup``); direct user permissions and ad-hoc group membership are not
used, so the level is the single source of truth. Permissions of *scoped* roles (Client, Crew)
are kept apart: they allow an action only on the user's own objects (``jetops.permissions``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from jetops.roles import roles_of

_CACHE = "_jetops_role_perms"


def role_permissions(user: Any) -> tuple[frozenset[str], frozenset[str]]:
    """``(unscoped, scoped)`` permission names of the user's roles, cached on the instance."""
    cached = getattr(user, _CACHE, None)
    if cached is not None and cached[0] == user.level:
        return cached[1], cached[2]
    unscoped: set[str] = set()
    scoped: set[str] = set()
    roles = roles_of(user.level) if user.is_active else []
    bits = [int(r.role) for r in roles]
    if bits:
        rows = Permission.objects.filter(group__role__bit__in=bits).values_list(
            "content_type__app_label", "codename", "group__role__bit"
        )
        scoped_bits = {int(r.role) for r in roles if r.scoped}
        for app_label, codename, bit in rows:
            (scoped if bit in scoped_bits else unscoped).add(f"{app_label}.{codename}")
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
