"""Writes on users and roles, shared by the admin, the API and management commands."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F

from jetops.activity import RequestMeta, activity_record
from jetops.critical import CriticalOperationRefused, critical_check
from jetops.models import ActivityAction, ActivityOutcome, RoleGroup, User
from jetops.roles import ROLES, Role, roles_of
from jetops.writes import save_recorded


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


ROLE_CHANGE = "change a user's roles"


def _role_change_check(
    *, actor: User | None, meta: RequestMeta | None, old_level: int, new_level: int, perm: str, user: User
) -> None:
    """A level change is a critical operation (``jetops.critical``); besides, nobody grants
    a role they do not hold themselves (a Super Admin holds every role)."""
    if actor is not None:
        # The actor's authority as stored: when users edit their own level, the object being
        # changed is the actor, and already carries the level asked for.
        actor = User.objects.get(pk=actor.pk)
    critical_check(actor=actor, meta=meta, perm=perm, action=ROLE_CHANGE, obj=user if user.pk else None)
    granted = new_level & ~old_level
    if actor is not None and not (meta is not None and meta.trusted) and granted & ~actor.level:
        raise CriticalOperationRefused("role_not_held", "You may grant only roles you hold yourself.")


def _user_new(username: str, password: str | None, level: int, fields: dict[str, Any]) -> User:
    user = User(username=username, level=level, **fields)
    user.full_clean(exclude=["password"])
    if password is not None:
        validate_password(password, user)
    user.set_password(password)
    return user


@transaction.atomic
def _user_insert(user: User, actor: User | None, meta: RequestMeta | None) -> User:
    save_recorded(user, actor)
    if user.level:
        activity_record(
            action=ActivityAction.ROLE_CHANGE,
            outcome=ActivityOutcome.SUCCESS,
            user=actor,
            meta=meta,
            subject=user,
            detail={"old_level": 0, "new_level": user.level, "roles": user.role_labels},
        )
    return user


def user_create(
    *,
    username: str,
    password: str | None,
    level: int = 0,
    actor: User | None,
    meta: RequestMeta | None = None,
    **fields: Any,
) -> User:
    """Create a user with a validated password (when given) and level. Giving it roles is a
    critical operation: ``jetops.add_user``, the IP allow-list and the step-up, checked once
    the input is valid (a typo does not spend the authenticator code)."""
    user = _user_new(username, password, level, fields)
    if level:
        _role_change_check(
            actor=actor, meta=meta, old_level=0, new_level=level, perm="jetops.add_user", user=user
        )
    return _user_insert(user, actor, meta)


def client_login_create(
    *, username: str, password: str, actor: User | None, meta: RequestMeta | None = None, **fields: Any
) -> User:
    """A new user with the Client role only, for ``clients.services.portal_user_create``, which
    links it to one client account and is guarded by ``clients.manage_client_users``. Not a
    role change in the sense of ``jetops.critical``: the login reaches nothing but that
    account, and no existing user gains a role."""
    return _user_insert(_user_new(username, password, int(Role.CLIENT), fields), actor, meta)


def user_update(*, user: User, actor: User | None, meta: RequestMeta | None = None, **fields: Any) -> User:
    """Update profile fields and/or the level. A level change is a critical operation
    (``jetops.change_user``, the IP allow-list and the step-up) and revokes every token the
    user holds, so a removed role stops working at once; so does a deactivation."""
    old_level, old_active = user.level, user.is_active
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    if user.level != old_level:
        _role_change_check(
            actor=actor,
            meta=meta,
            old_level=old_level,
            new_level=user.level,
            perm="jetops.change_user",
            user=user,
        )
    with transaction.atomic():
        revoke = (user.level != old_level) or (old_active and not user.is_active)
        save_recorded(user, actor)
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
