from __future__ import annotations

from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clients.notifications import erased_hold
        from jetops.notifications import register_hold

        # jetops sends deliveries but does not know clients: clients tells it whom to stop.
        register_hold(erased_hold)
