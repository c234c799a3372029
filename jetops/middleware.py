"""Request guards that run before any view reads the body."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from jetops.carddata import card_data_paths
from jetops.jsondepth import TOO_DEEP_CODE, json_depth_exceeds, too_deep_detail


class RequestSizeLimitMiddleware:
    """Refuse API bodies over ``API_MAX_REQUEST_BYTES`` before anything reads them (413)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            limit = settings.API_MAX_REQUEST_BYTES
            if length < 0 or length > limit:
                return JsonResponse(
                    {
                        "code": "request_too_large",
                        "detail": f"The request body is larger than {limit} bytes.",
                        "errors": {},
                    },
                    status=413,
                )
        return self.get_response(request)


class CardDataGuardMiddleware:
    """Refuse any API request whose JSON body carries a card number or security code (400
    ``card_data_refused``), before a view, a serializer, a log line or the database sees it.

    The body is parsed here only to look; unparseable bodies are left to the API's parser. A
    body nested deeper than ``API_MAX_JSON_DEPTH`` is refused first (400 ``json_too_deep``):
    decoding or walking it would exhaust the stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith("/api/")
            and request.method in {"POST", "PUT", "PATCH"}
            and "json" in (request.content_type or "")
        ):
            refusal = self._refusal(request.body)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def _refusal(body: bytes) -> JsonResponse | None:
        if json_depth_exceeds(body, settings.API_MAX_JSON_DEPTH):
            return JsonResponse(
                {"code": TOO_DEEP_CODE, "detail": too_deep_detail(), "errors": {}}, status=400
            )
        try:
            data = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError):
            return None
        paths = card_data_paths(data)
        if not paths:
            return None
        return JsonResponse(
            {
                "code": "card_data_refused",
                "detail": "Card numbers and security codes are never accepted: tokenise "
                "the card with the payment provider and send the token.",
                "errors": {path: ["Card data is not accepted."] for path in paths},
            },
            status=400,
        )
