"""Downloads next to JSON on one endpoint: ``?format=csv`` / ``?format=pdf`` (DRF's format
override) or an ``Accept`` header choose the renderer; the view builds the document.

An error is still the API's JSON error shape, whatever format was asked for, and an unknown
format is a 400 naming ``format`` (DRF alone answers a bare 404).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer


class DocumentRenderer(BaseRenderer):
    """Sends the document the view returned (text or bytes) as is."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None and response.exception:
            response["Content-Type"] = JSONRenderer.media_type
            return JSONRenderer().render(data, JSONRenderer.media_type, renderer_context)
        return data


class CSVRenderer(DocumentRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class PDFRenderer(DocumentRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None


class FormatNegotiation(DefaultContentNegotiation):
    """An unknown ``?format=`` is the client's mistake: a 400 listing the formats offered."""

    def filter_renderers(self, renderers: Iterable[BaseRenderer], format: str) -> list[BaseRenderer]:
        renderers = list(renderers)
        offered = [r for r in renderers if r.format == format]
        if not offered:
            raise ValidationError({"format": [f"One of {', '.join(str(r.format) for r in renderers)}."]})
        return offered
