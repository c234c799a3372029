"""Roles as bits of ``User.level`` (docs/architecture.md#roles), and what each role may do by default.

Each role maps to a Django group whose permissions admins edit; the defaults below are applied
once per permission (``RoleGrant``), so a permission an admin removed stays removed.
*Scoped* roles (Client, Crew) hold permissions only over their own objects: the client account
they are linked to, or their own crew record (see ``jetops.permissions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag


class Role(IntFlag):
    CLIENT = 0x0080
    CREW = 0x0100
    CLIENT_SERVICES = 0x0200
    MAINTENANCE_MANAGER = 0x0400
    FINANCE_MANAGER = 0x0800
    OPERATIONS_MANAGER = 0x1000
    SUPER_ADMIN = 0x10000


SUPER_ADMIN_LEVEL = 0x1FFF0
ALL_ROLE_BITS = sum(int(r) for r in Role)


@dataclass(frozen=True)
class RoleDef:
    role: Role
    label: str
    group: str
    scoped: bool
    staff: bool
    # Model permissions as "app_label.codename"; "app_label.*" = every permission of that app,
    # "app_label.view_*" = every view permission of that app. ``excludes`` takes the same
    # patterns out again.
    defaults: tuple[str, ...]
    excludes: tuple[str, ...] = ()


# Bookings and their record are never deleted by staff roles: flights and trips are cancelled
# through the status workflow, quotes expire or are declined, client accounts are erased under
# GDPR (``erase_client``), and what happened (events, feedback, concierge requests, data
# requests) stays. Only the Super Admin holds these, and the admin refuses to delete a booked
# flight or a trip with flights even to it.
HISTORICAL_DELETES: tuple[str, ...] = (
    "flights.delete_flight",
    "flights.delete_trip",
    "flights.delete_tripevent",
    "flights.delete_quote",
    "flights.delete_quoteoption",
    "flights.delete_quoteline",
    "flights.delete_feedback",
    "flights.delete_conciergerequest",
    "clients.delete_client",
    "clients.delete_clientmembership",
    "clients.delete_datarequest",
)

FINANCE_RECORD_DELETES: tuple[str, ...] = (
    "finance.delete_payment",
    "finance.delete_prepaidentry",
    "finance.delete_prepaidaccount",
    "finance.delete_gatewayevent",
    "finance.delete_dunningreminder",
    "finance.delete_invoicecounter",
)

ROLES: tuple[RoleDef, ...] = (
    RoleDef(
        Role.SUPER_ADMIN,
        "Super Admin",
        "Super Admin",
        scoped=False,
        staff=True,
        defaults=(
            "jetops.*",
            "auth.*",
            "clients.*",
            "fleet.*",
            "flights.*",
            "crew.*",
            "planning.*",
            "maintenance.*",
            "finance.*",
            "django_otp.*",
            "otp_totp.*",
            "otp_static.*",
        ),
    ),
    RoleDef(
        Role.OPERATIONS_MANAGER,
        "Operations Manager",
        "Operations Manager",
        scoped=False,
        staff=True,
        defaults=(
            "fleet.*",
            "flights.*",
            "crew.*",
            "planning.*",
            "clients.view_*",
            "maintenance.view_*",
            "jetops.view_activitylog",
        ),
        excludes=HISTORICAL_DELETES,
    ),
    RoleDef(
        Role.FINANCE_MANAGER,
        "Finance Manager",
        "Finance Manager",
        scoped=False,
        staff=True,
        defaults=(
            "finance.*",
            "clients.view_client",
            "clients.view_passenger",
            "clients.view_paymentmethod",
            "clients.view_datarequest",
            "flights.view_*",
            "fleet.view_*",
            "jetops.view_activitylog",
        ),
        # Payments, refunds and prepaid entries are the books: corrected by a refund or a new
        # entry, never deleted (issued invoices are refused deletion by their model too).
        excludes=FINANCE_RECORD_DELETES,
    ),
    RoleDef(
        Role.MAINTENANCE_MANAGER,
        "Maintenance Manager",
        "Maintenance Manager",
        scoped=False,
        staff=True,
        defaults=("maintenance.*", "fleet.*", "flights.view_*"),
    ),
    RoleDef(
        Role.CLIENT_SERVICES,
        "Client Services",
        "Client Services",
        scoped=False,
        staff=True,
        defaults=(
            "clients.*",
            "flights.*",
            "fleet.view_*",
            "finance.view_*",
            "jetops.view_activitylog",
        ),
        # Passport numbers are for operations and the owning client only; the flight status
        # workflow, cancelling included, is Operations' (flights, scheduling).
        excludes=("clients.view_passport", "flights.change_flight_status", *HISTORICAL_DELETES),
    ),
    RoleDef(
        Role.CREW,
        "Crew Member",
        "Crew Member",
        scoped=True,
        staff=False,
        defaults=(
            "crew.view_*",
            # self-service: flying done elsewhere and duties for other operators
            "crew.add_experiencerecord",
            "crew.add_dutyperiod",
            "crew.reset_calendar",
            # who flew their own legs (61.57(a) recency)
            "crew.set_pilot_flying",
            "flights.view_flight",
            "fleet.view_aircraft",
            # discrepancies found on an aircraft they fly (the service checks the assignment)
            "maintenance.add_squawk",
            # their own flights' plan, briefing and weight and balance; airport weather
            "planning.view_flightplan",
            "planning.view_briefing",
            "planning.view_weight_balance",
            "planning.view_weather",
        ),
    ),
    RoleDef(
        Role.CLIENT,
        "Client",
        "Client",
        scoped=True,
        staff=False,
        defaults=(
            "clients.view_client",
            "clients.change_client_preferences",
            "clients.view_passenger",
            "clients.add_passenger",
            "clients.change_passenger",
            "clients.delete_passenger",
            "clients.view_passport",
            "clients.view_paymentmethod",
            "clients.add_paymentmethod",
            "clients.delete_paymentmethod",
            "clients.view_datarequest",
            "clients.add_datarequest",
            "clients.export_client",
            "fleet.view_aircraft",
            "flights.view_quote",
            "flights.add_quote",
            "flights.accept_quote",
            "flights.view_quoteoption",
            "flights.view_quoteline",
            "flights.view_trip",
            "flights.view_tripevent",
            "flights.view_flight",
            "flights.view_manifest",
            "flights.view_flightpassenger",
            "flights.change_flightpassenger",
            "flights.view_specialservice",
            "flights.view_conciergerequest",
            "flights.add_conciergerequest",
            "flights.view_feedback",
            "flights.change_feedback",
            "finance.view_invoice",
            "finance.view_payment",
        ),
    ),
)

ROLE_BY_BIT: dict[int, RoleDef] = {int(r.role): r for r in ROLES}


def roles_of(level: int) -> list[RoleDef]:
    """The roles whose bit is set in ``level``, most senior first."""
    return [r for r in ROLES if level & int(r.role)]


def level_of(roles: list[Role] | list[int]) -> int:
    level = 0
    for role in roles:
        level |= int(role)
    return level


def is_valid_level(level: int) -> bool:
    """A level is a combination of role bits, or the Super Admin mask (docs/architecture.md#roles)."""
    return level >= 0 and (level == SUPER_ADMIN_LEVEL or level & ~ALL_ROLE_BITS == 0)
