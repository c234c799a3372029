"""The pricing profile a fresh install starts with, so a new operator can quote and book
before tuning prices: the model's defaults, active, editable in the admin like any other."""

from __future__ import annotations

from typing import Any

DEFAULT_PROFILE_NAME = "Standard"


def pricing_profile_default_ensure(profile_model: Any, *, using: str = "default") -> Any | None:
    """Make a profile with the model's defaults active when no profile is active; return it,
    or None when one already was. ``profile_model`` is ``finance.PricingProfile`` or its
    migration-state twin (the data migration passes that one)."""
    profiles = profile_model.objects.using(using)
    if profiles.filter(is_active=True).exists():
        return None
    profile = profiles.filter(name=DEFAULT_PROFILE_NAME).first() or profile_model(name=DEFAULT_PROFILE_NAME)
    profile.is_active = True
    profile.save(using=using)
    return profile
