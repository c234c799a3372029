"""Form fields of the fleet that other apps' forms and filters reuse."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from fleet.models import UNKNOWN_AIRPORT, Airport, AirportQuerySet, normalize_airport_code


class AirportChoiceField(forms.ModelChoiceField):
    """An airport typed as any code a person means (``AirportQuerySet.resolve``): ICAO or
    IATA, any case, K + IATA, a former ICAO code. The model's ``AirportField`` gives it to every
    model form (the admin's included); filters and plain forms declare it. Typed in a text
    box (a list of 28,000 airports is no help), or picked with the admin's autocomplete."""

    widget = forms.TextInput

    def __init__(self, queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(queryset=Airport.objects.all() if queryset is None else queryset, **kwargs)

    def to_python(self, value: Any) -> Airport | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Airport):
            value = value.pk
        airport = cast("AirportQuerySet", self.queryset).resolve(value)
        if airport is None:
            # The code goes in as a parameter: django-filter %-formats the message, so a ``%``
            # typed into the text itself would break it.
            raise ValidationError(
                UNKNOWN_AIRPORT, code="invalid_choice", params={"value": normalize_airport_code(value)}
            )
        return airport
