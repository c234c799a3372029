from __future__ import annotations

from django.apps import AppConfig


class CrewConfig(AppConfig):
    name = "crew"
    default_auto_field = "django.db.models.BigAutoField"
