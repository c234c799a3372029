from __future__ import annotations

from django.apps import AppConfig


class FlightsConfig(AppConfig):
    name = "flights"
    default_auto_field = "django.db.models.BigAutoField"
