"""Users and roles: level bit mask ↔ groups, every creation path, role changes, history."""

from __future__ import annotations

import importlib
import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import override_settings

from jetops.activity import RequestMeta, StepUpProof
from jetops.critical import CriticalOperationRefused, operator_context
from jetops.models import ActivityAction, ActivityLog, RoleGroup, User
from jetops.roles import HISTORICAL_DELETES, ROLES, SUPER_ADMIN_LEVEL, Role
from jetops.services import role_groups_sync, user_create, user_update
from tests.builders import PASSWORD, bearer, enrol_totp, make_user, totp_now

pytestmark = pytest.mark.django_db


def group_perms(role: Role) -> set[str]:
    group = RoleGroup.objects.get(bit=int(role)).group
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_every_role_has_a_group():
    assert {rg.bit for rg in RoleGroup.objects.all()} == {int(r.role) for r in ROLES}
    assert Group.objects.filter(name="Operations Manager").exists()


def test_create_user_in_shell_gets_exactly_its_roles_permissions():
    user = User.objects.create_user(username="shell-ops", password=PASSWORD, level=0x1000)
    assert user.is_staff
    assert user.get_all_permissions() == group_perms(Role.OPERATIONS_MANAGER)
    assert user.role == "Operations Manager"


def test_several_roles_combine():
    user = make_user("combo", int(Role.FINANCE_MANAGER | Role.CLIENT_SERVICES))
    assert user.get_all_permissions() == group_perms(Role.FINANCE_MANAGER) | group_perms(Role.CLIENT_SERVICES)


def test_super_admin_level_covers_every_role():
    user = make_user("root2", SUPER_ADMIN_LEVEL)
    assert user.role_labels[0] == "Super Admin"
    assert user.has_perm("jetops.change_user")


def test_admin_edits_to_a_group_apply_and_survive_resync():
    user = make_user("ops2", int(Role.OPERATIONS_MANAGER))
    group = RoleGroup.objects.get(bit=int(Role.OPERATIONS_MANAGER)).group
    perm = Permission.objects.get(codename="view_activitylog")
    group.permissions.remove(perm)
    role_groups_sync()
    fresh = User.objects.get(pk=user.pk)
    assert not fresh.has_perm("jetops.view_activitylog")


def test_client_services_lose_the_flight_status_workflow_on_existing_installs():
    """An install migrated before the change had granted it: the migration takes it back and
    the role sync does not give it again; Operations keep it."""
    from django.apps import apps

    revoke = (
        importlib.import_module("flights.migrations.0003_client_services_without_flight_status")
        .Migration.operations[0]
        .code
    )
    group = RoleGroup.objects.get(bit=int(Role.CLIENT_SERVICES)).group
    status = Permission.objects.get(content_type__app_label="flights", codename="change_flight_status")
    assert "flights.change_flight_status" not in group_perms(Role.CLIENT_SERVICES)
    group.permissions.add(status)
    RoleGroup.objects.get(bit=int(Role.CLIENT_SERVICES)).granted.add(status)

    revoke(apps, None)
    role_groups_sync()

    assert "flights.change_flight_status" not in group_perms(Role.CLIENT_SERVICES)
    assert "flights.change_flight_status" in group_perms(Role.OPERATIONS_MANAGER)
    assert not make_user("cs-after", int(Role.CLIENT_SERVICES)).has_perm("flights.change_flight_status")


def test_invalid_level_refused():
    with pytest.raises(Exception, match="level"):
        user_create(username="bad", password=PASSWORD, level=0x3, actor=None)
    assert not User.objects.filter(username="bad").exists()


def test_scoped_roles_hold_no_global_permissions():
    client = make_user("portal", int(Role.CLIENT))
    assert client.get_all_permissions() == set()
    assert not client.is_staff


def test_history_records_the_acting_user(admin_user):
    target = make_user("target", int(Role.CLIENT))
    client = bearer(admin_user)
    response = client.patch(f"/api/v1/users/{target.pk}", {"name": "New Name"}, format="json")
    assert response.status_code == 200
    latest = target.history.latest()
    assert latest.name == "New Name"
    assert latest.history_user == admin_user


def test_level_change_needs_step_up(admin_user):
    target = make_user("target", int(Role.CLIENT))
    client = bearer(admin_user, otp=False)
    response = client.patch(f"/api/v1/users/{target.pk}", {"level": 0x1000}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"
    target.refresh_from_db()
    assert target.level == 0x80


def test_level_change_with_step_up_revokes_tokens_and_is_logged(admin_user):
    target = make_user("target", int(Role.CLIENT))
    target_client = bearer(target)
    device = enrol_totp(admin_user)
    client = bearer(admin_user, otp=False)
    step = client.post("/api/v1/auth/step-up", {"otp": totp_now(device)}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {step.json()['access']}")
    response = client.patch(f"/api/v1/users/{target.pk}", {"level": 0x1000}, format="json")
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.level == 0x1000
    assert target_client.get("/api/v1/auth/me").status_code == 401
    row = ActivityLog.objects.get(action=ActivityAction.ROLE_CHANGE, user=admin_user)
    assert (row.subject_id, row.ip) == (str(target.pk), "127.0.0.1")


@override_settings(CRITICAL_IP_NETWORKS=[__import__("ipaddress").ip_network("10.0.0.0/8")])
def test_critical_operation_refused_outside_allow_list(admin_user):
    target = make_user("target", int(Role.CLIENT))
    response = bearer(admin_user).patch(f"/api/v1/users/{target.pk}", {"level": 0x1000}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "ip_not_allowed"
    target.refresh_from_db()
    assert target.level == 0x80


def test_create_user_over_api(admin_user):
    client = bearer(admin_user)
    response = client.post(
        "/api/v1/users",
        {"username": "newcs", "password": "Another-Long-Passw0rd", "level": 0x200, "email": "cs@x.example"},
        format="json",
    )
    assert response.status_code == 201, response.content
    user = User.objects.get(username="newcs")
    assert user.get_all_permissions() == group_perms(Role.CLIENT_SERVICES)


def test_create_user_weak_password_refused(admin_user):
    response = bearer(admin_user).post(
        "/api/v1/users", {"username": "weak", "password": "short"}, format="json"
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="weak").exists()


def test_activity_log_is_read_only_over_api(admin_user):
    client = bearer(admin_user)
    make_user("someone", int(Role.CLIENT))
    assert client.get("/api/v1/activity").status_code == 200
    assert client.post("/api/v1/activity", {}, format="json").status_code == 405


@override_settings(CRITICAL_IP_NETWORKS=[__import__("ipaddress").ip_network("10.0.0.0/8")])
def test_role_change_from_the_allow_list_with_step_up(admin_user):
    target = make_user("target", int(Role.CLIENT))
    response = bearer(admin_user).patch(
        f"/api/v1/users/{target.pk}", {"level": 0x1000}, format="json", REMOTE_ADDR="10.20.30.40"
    )
    assert response.status_code == 200, response.json()
    target.refresh_from_db()
    assert target.level == 0x1000
    assert ActivityLog.objects.get(action=ActivityAction.ROLE_CHANGE, user=admin_user).ip == "10.20.30.40"


def test_creating_a_user_with_roles_needs_step_up(admin_user):
    response = bearer(admin_user, otp=False).post(
        "/api/v1/users",
        {"username": "newcs", "password": "Another-Long-Passw0rd", "level": 0x200},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"
    assert not User.objects.filter(username="newcs").exists()


def test_role_change_without_a_request_context_is_refused(admin_user):
    # given: a caller that forgot to say where the change comes from (e.g. a new admin screen)
    target = make_user("target", int(Role.CLIENT))
    # when / then: refused, fail closed
    with pytest.raises(CriticalOperationRefused) as refused:
        user_update(user=target, actor=admin_user, level=SUPER_ADMIN_LEVEL)
    assert refused.value.code == "context_required"
    target.refresh_from_db()
    assert target.level == int(Role.CLIENT)


def test_operator_command_changes_roles_and_is_recorded(admin_user):
    target = make_user("target", int(Role.CLIENT))
    user_update(
        user=target, actor=None, meta=operator_context("promote_user"), level=int(Role.CLIENT_SERVICES)
    )
    target.refresh_from_db()
    assert target.level == int(Role.CLIENT_SERVICES)
    row = ActivityLog.objects.filter(action=ActivityAction.ROLE_CHANGE, subject_id=str(target.pk)).first()
    assert (row.user, row.ip, row.method, row.path) == (None, None, "COMMAND", "promote_user")


def test_nobody_grants_a_role_they_do_not_hold(ops_user):
    # given: an operations manager who was allowed to edit users
    group = RoleGroup.objects.get(bit=int(Role.OPERATIONS_MANAGER)).group
    group.permissions.add(Permission.objects.get(codename="change_user"))
    target = make_user("target", int(Role.CLIENT))
    meta = RequestMeta(ip="127.0.0.1", step_up=StepUpProof(otp_at=int(time.time())))
    # when: it tries to make someone (itself included) a Super Admin
    for user in (target, ops_user):
        with pytest.raises(CriticalOperationRefused) as refused:
            user_update(user=user, actor=ops_user, meta=meta, level=SUPER_ADMIN_LEVEL)
        assert refused.value.code == "role_not_held"
    # then: nothing changed; a role it holds it may grant
    assert User.objects.get(pk=target.pk).level == int(Role.CLIENT)
    assert User.objects.get(pk=ops_user.pk).level == int(Role.OPERATIONS_MANAGER)
    user_update(user=target, actor=ops_user, meta=meta, level=int(Role.OPERATIONS_MANAGER))
    assert User.objects.get(pk=target.pk).level == int(Role.OPERATIONS_MANAGER)


def test_staff_roles_lose_the_deletion_of_bookings_on_existing_installs():
    """Operations and Client Services held every flights permission (and Client Services every
    clients one) before: the migration takes the deletions of bookings and their record back,
    the role sync does not give them again; the Super Admin keeps them."""
    from django.apps import apps

    migration = importlib.import_module("jetops.migrations.0009_roles_without_historical_deletes")
    revoke = migration.Migration.operations[0].code
    roles = (Role.CLIENT_SERVICES, Role.OPERATIONS_MANAGER)
    for role in roles:
        assert not group_perms(role) & set(HISTORICAL_DELETES)
        link = RoleGroup.objects.get(bit=int(role))
        perms = [
            Permission.objects.get(content_type__app_label=name.split(".")[0], codename=name.split(".")[1])
            for name in HISTORICAL_DELETES
        ]
        link.group.permissions.add(*perms)
        link.granted.add(*perms)

    revoke(apps, None)
    role_groups_sync()

    for role in roles:
        assert not group_perms(role) & set(HISTORICAL_DELETES)
    assert set(migration.REVOKED) == set(HISTORICAL_DELETES)
    assert group_perms(Role.SUPER_ADMIN) >= set(HISTORICAL_DELETES)
    services = bearer(make_user("cs-me", int(Role.CLIENT_SERVICES))).get("/api/v1/auth/me").json()
    assert "flights.delete_flight" not in services["permissions"]
    assert "clients.delete_passenger" in services["permissions"]


def test_role_permissions_are_cached_until_a_group_changes(ops_user, django_assert_max_num_queries):
    """A request reads the roles' permissions from the cache, not the database; removing a
    permission from the role's group (as the admin's group form does) applies to the next
    request, and so does giving it back (docs/architecture.md#caches)."""
    api = bearer(ops_user)
    assert api.get("/api/v1/activity").status_code == 200
    group = RoleGroup.objects.get(bit=int(Role.OPERATIONS_MANAGER)).group
    perm = Permission.objects.get(codename="view_activitylog")
    with django_assert_max_num_queries(0):
        assert (
            "jetops.view_activitylog" in User.objects.none().model(level=ops_user.level).get_all_permissions()
        )
    group.permissions.remove(perm)
    assert api.get("/api/v1/activity").status_code == 403
    group.permissions.add(perm)
    assert api.get("/api/v1/activity").status_code == 200
