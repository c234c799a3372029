"""The gunicorn worker class of the production web server: uvicorn serving ``jetops.asgi``
(HTTP through Django, websockets through Channels)."""

from __future__ import annotations

from typing import Any

from uvicorn_worker import UvicornWorker


class AsgiWorker(UvicornWorker):
    """Uvicorn under gunicorn with three choices made for JetOps:

    - no ASGI lifespan: Django's handler has none;
    - the client address is the socket's: ``X-Forwarded-For`` is judged by the application
      alone (``TRUSTED_PROXY_COUNT``), so a proxy header is never applied twice;
    - on SIGTERM, open connections (websockets included, which uvicorn closes with code
      1012, "service restart") get gunicorn's graceful timeout less one second to finish,
      so the worker exits on its own before gunicorn would kill it.
    """

    CONFIG_KWARGS: dict[str, Any] = {
        "loop": "auto",
        "http": "auto",
        "lifespan": "off",
        "proxy_headers": False,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config.timeout_graceful_shutdown = max(1, int(self.cfg.graceful_timeout) - 1)
