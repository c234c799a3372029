"""Writes on users and roles, shared by the admin, the API and management commands."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F

from jetops.activity import RequestMeta, activity_record
from jetops.models import ActivityAction, ActivityOutcome, RoleGroup, User
from jetops.roles import ROLES, roles_of


def _matches(pattern: str, app_label: str, codename: str) -> bool:
    pattern_app, _, pattern_code = pattern.partition(".")
    if pattern_app != app_label:
        return False
    if pattern_code == "*":
        return True
    if pattern_code.endswith("*"):
        return codename.startswith(pattern_code[:-1])
    return codename == pattern_code


def role_groups_sync(*, using: str = "default") -> None:
    """Ensure every role has its group, and grant each default permission once.

    A permission listed in ``jetops.roles`` is added the first time it exists; if an admin
    later removes it from the group, it is not added back (``RoleGroup.granted`` remembers).
    """
    permissions = list(Permission.objects.using(using).select_related("content_type").order_by("id"))
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role.group)
        link, _ = RoleGroup.objects.using(using).get_or_create(bit=int(role.role), defaults={"group": group})
        already = set(link.granted.values_list("id", flat=True))
        new = [
            p
            for p in permissions
            if p.id not in already
            and any(_matches(pat, p.content_type.app_label, p.codename) for pat in role.defaults)
            and not any(_matches(pat, p.content_type.app_label, p.codename) for pat in role.excludes)
        ]
        if new:
            link.group.permissions.add(*new)
            link.granted.add(*new)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    level: int = 0,
    actor: User | None,
    meta: RequestMeta | None = None,
    **fields: Any,
) -> User:
    """Create a user with a validated password (when given) and level."""
    user = User(username=username, level=level, **fields)
    user.full_clean(exclude=["password"])
    if password is not None:
        validate_password(password, user)
    user.set_password(password)
    user._history_user = actor  # type: ignore[attr-defined]
    user.save()
    if level:
        activity_record(
            action=ActivityAction.ROLE_CHANGE,
            outcome=ActivityOutcome.SUCCESS,
            user=actor,
            meta=meta,
            subject=user,
            detail={"old_level": 0, "new_level": level, "roles": user.role_labels},
        )
    return user


@transaction.atomic
def user_update(*, user: User, actor: User | None, meta: RequestMeta | None = None, **fields: Any) -> User:
    """Update profile fields and/or the level. Deactivation or a level change revokes every
    token the user holds, so a removed role stops working at once."""
    old_level, old_active = user.level, user.is_active
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    revoke = (user.level != old_level) or (old_active and not user.is_active)
    user._history_user = actor  # type: ignore[attr-defined]
    user.save()
    if revoke:
        User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
        user.refresh_from_db(fields=["token_version"])
    if user.level != old_level:
        activity_record(
            action=ActivityAction.ROLE_CHANGE,
            outcome=ActivityOutcome.SUCCESS,
            user=actor,
            meta=meta,
            subject=user,
            detail={
                "old_level": old_level,
                "new_level": user.level,
                "old_roles": [r.label for r in roles_of(old_level)],
                "roles": user.role_labels,
            },
        )
    return user
