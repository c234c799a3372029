from __future__ import annotations

from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "maintenance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Fleet and flights cannot import maintenance (it builds on them): fleet learns from
        # these registrations which aircraft maintenance grounds or occupies, and booking
        # which legs would be flown past a limit.
        from maintenance.occupancy import register

        register()
