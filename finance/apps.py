from __future__ import annotations

from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "finance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Bookings check the client's credit without flights importing finance.
        from finance.services import booking_credit_check
        from flights.hooks import register_booking_check

        register_booking_check("finance.credit", booking_credit_check)
