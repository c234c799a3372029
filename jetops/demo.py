"""Demo data for the quick start: one user per role (staff with a TOTP device already
enrolled), created idempotently. Apps add their own seeders to ``SEEDERS``."""

from __future__ import annotations

import base64
import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from jetops.critical import operator_context
from jetops.models import EncryptedTOTPDevice, User
from jetops.roles import SUPER_ADMIN_LEVEL, Role
from jetops.services import user_create

DEMO_PASSWORD = "JetOps-demo-2026"  # noqa: S105  (printed by make run; demo data only)


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    level: int


DEMO_USERS = (
    DemoUser("admin", "Ada Admin", SUPER_ADMIN_LEVEL),
    DemoUser("ops", "Olivia Operations", int(Role.OPERATIONS_MANAGER)),
    DemoUser("finance", "Frank Finance", int(Role.FINANCE_MANAGER)),
    DemoUser("maintenance", "Max Maintenance", int(Role.MAINTENANCE_MANAGER)),
    DemoUser("services", "Cleo Client-Services", int(Role.CLIENT_SERVICES)),
    DemoUser("crew", "Chris Captain", int(Role.CREW)),
    DemoUser("client", "Alice Client", int(Role.CLIENT)),
)


def demo_totp_key(username: str) -> str:
    """A stable TOTP key per demo user, so the printed secret keeps working across resets."""
    return hashlib.sha256(f"jetops-demo-totp:{username}".encode()).hexdigest()[:40]


def demo_totp_secret(username: str) -> str:
    """The base32 secret an authenticator app takes."""
    return base64.b32encode(bytes.fromhex(demo_totp_key(username))).decode()


@transaction.atomic
def seed_users() -> list[str]:
    lines = []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = user_create(
                username=demo.username,
                password=DEMO_PASSWORD,
                level=demo.level,
                actor=None,
                meta=operator_context("seed_demo"),
                name=demo.name,
                email=f"{demo.username}@demo.jetops.example",
            )
        totp = ""
        if user.is_staff:
            EncryptedTOTPDevice.objects.update_or_create(
                user=user,
                name="demo authenticator",
                defaults={"key": demo_totp_key(demo.username), "confirmed": True},
            )
            totp = f"  TOTP secret {demo_totp_secret(demo.username)}"
        lines.append(f"  {demo.username:<12} {user.role:<22}{totp}")
    return lines


# Each app's seeder, in dependency order: "module.function" returning lines to print.
SEEDERS: tuple[str, ...] = (
    "jetops.demo.seed_users",
    "fleet.demo.seed_fleet",
    "finance.demo.seed_market",
    "clients.demo.seed_clients",
    "flights.demo.seed_flights",
    "crew.demo.seed_crew",
    "maintenance.demo.seed_maintenance",
    "planning.demo.seed_planning",
    "finance.demo.seed_invoices",
)


def seeders() -> list[Callable[[], list[str]]]:
    found = []
    for dotted in SEEDERS:
        module_name, _, function = dotted.rpartition(".")
        found.append(getattr(importlib.import_module(module_name), function))
    return found
