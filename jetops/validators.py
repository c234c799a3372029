"""Validators of codes every app stores: one definition each, so a currency or a country is
checked the same way in every model, serializer and form."""

from __future__ import annotations

from django.core.validators import RegexValidator

currency_validator = RegexValidator(r"^[A-Z]{3}$", "An ISO 4217 code, e.g. USD.")
country_validator = RegexValidator(r"^[A-Z]{2}$", "An ISO 3166 alpha-2 code, e.g. US.")
