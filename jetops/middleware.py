from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


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
