"""Operations and Client Services no longer delete bookings or their record
(``jetops.roles.HISTORICAL_DELETES``): new installs never grant those permissions; this takes
them back from the two groups of existing ones."""

from __future__ import annotations

from django.db import migrations

from jetops.role_migrations import role_permissions_revoked

CLIENT_SERVICES_BIT = 0x0200
OPERATIONS_MANAGER_BIT = 0x1000
# As of this migration (``jetops.roles.HISTORICAL_DELETES`` may change later).
REVOKED = (
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


class Migration(migrations.Migration):
    dependencies = [
        ("jetops", "0008_notificationdelivery_sending_claim"),
        ("flights", "0004_flight_ifr_and_attendants_planned"),
        ("clients", "0002_special_requests_as_a_list"),
    ]

    operations = [role_permissions_revoked({CLIENT_SERVICES_BIT: REVOKED, OPERATIONS_MANAGER_BIT: REVOKED})]
