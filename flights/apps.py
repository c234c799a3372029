from __future__ import annotations

from django.apps import AppConfig


class FlightsConfig(AppConfig):
    name = "flights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Fleet cannot import flights (flights depends on fleet): it learns from this provider
        # which aircraft are booked, when, and where each booking takes them.
        from flights.occupancy import register

        register()
