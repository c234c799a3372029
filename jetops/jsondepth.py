"""Bounded JSON nesting: a body nested deeper than ``API_MAX_JSON_DEPTH`` is refused before
anything parses it.

Python's JSON decoder recurses once per level and so does every walker of the parsed data
(the card-data guard, serializers, ``JSONField`` validation): a body of a few kilobytes nested
thousands of levels deep raises ``RecursionError`` (a 500) or, worse, exhausts the stack.
``json_depth_exceeds`` measures the depth in one flat pass over the bytes, so it cannot itself
run out of stack whatever the input. ``DepthBoundJSONFormField`` does the same for the JSON
text boxes of the admin's forms.
"""

from __future__ import annotations

import io
import re
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

TOO_DEEP_CODE = "json_too_deep"

# A JSON string literal (RFC 8259: JSON travels as UTF-8, where '"' and '\' are single bytes
# that never occur inside a multi-byte character). Unrolled so it stays linear.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENERS = frozenset(b"[{")


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether the arrays and objects in ``body`` nest deeper than ``limit`` levels; brackets
    inside strings do not count. Malformed JSON is measured as far as it goes (the parser then
    refuses it)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for char in _STRING.sub(b"", body).translate(None, _NOT_BRACKETS):
        if char in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def too_deep_detail(what: str = "The JSON body") -> str:
    return f"{what} is nested deeper than {settings.API_MAX_JSON_DEPTH} levels."


class JSONDepthParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than ``API_MAX_JSON_DEPTH`` (400
    ``json_too_deep``) before decoding them."""

    def parse(self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None) -> Any:
        body = stream.read()
        if json_depth_exceeds(body, settings.API_MAX_JSON_DEPTH):
            raise ParseError(too_deep_detail(), code=TOO_DEEP_CODE)
        return super().parse(io.BytesIO(body), media_type, parser_context)


class DepthBoundJSONFormField(forms.JSONField):
    """Django's form ``JSONField``, refusing text nested deeper than ``API_MAX_JSON_DEPTH``
    with a form error before decoding it (Django's own would raise ``RecursionError``)."""

    def _too_deep(self, value: Any) -> bool:
        return isinstance(value, str) and json_depth_exceeds(value.encode(), settings.API_MAX_JSON_DEPTH)

    def to_python(self, value: Any) -> Any:
        if self._too_deep(value):
            raise ValidationError(too_deep_detail("This JSON"), code=TOO_DEEP_CODE)
        return super().to_python(value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        """The posted text shown again as typed (the form re-renders it after the error)."""
        if self._too_deep(data):
            return forms.fields.InvalidJSONInput(data)
        return super().bound_data(data, initial)
