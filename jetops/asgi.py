"""ASGI entry point: HTTP through Django, websockets through Channels (JWT-authenticated)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jetops.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from jetops.ws import JWTAuthMiddleware, origin_checked, websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": origin_checked(JWTAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
