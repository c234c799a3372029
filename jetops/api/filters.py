"""Filters and URL pieces shared by the API's apps: ids are positive integers that fit the
database's bigint, so an out-of-range value is a 400 naming the parameter (or a 404 in a
path), never a query the database refuses."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms

MAX_ID = 2**63 - 1
ID_PATTERN = "[0-9]{1,18}"


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (``NumberFilter`` takes decimals)."""

    field_class = forms.IntegerField


class IdFilter(IntegerFilter):
    """The id of a related row (``aircraft=12``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IdConverter:
    """``<id:pk>`` in a path: an id as an int, at most 18 digits."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(value)
