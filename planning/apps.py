from __future__ import annotations

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Flight planning"
    default_auto_field = "django.db.models.BigAutoField"
