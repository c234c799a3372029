"""Websocket consumers of the flights app."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from flights.live import MESSAGE_TYPE, STAFF_GROUP, client_group
from flights.permissions import VIEW_FLIGHT
from jetops.permissions import has_global, user_can, visible_client_ids

CLOSE_UNAUTHENTICATED = 4401
"""No valid access token, or it expired: get a fresh token and reconnect."""
CLOSE_FORBIDDEN = 4403
"""Signed in, but nothing this user may follow here: do not reconnect."""


def bearer_subprotocol(scope: dict[str, Any]) -> str | None:
    """The subprotocol to accept: a browser sending ``bearer, <token>`` fails the handshake
    unless one of them is echoed; echo "bearer", never the token."""
    protocols = scope.get("subprotocols") or []
    return "bearer" if protocols and protocols[0].lower() == "bearer" else None


@database_sync_to_async
def _groups_for(user: Any) -> list[str]:
    """Staff holding ``view_flight`` on every flight follow all of them; a portal user holding
    it over its own accounts follows each client account it may see; anyone else nothing."""
    if has_global(user, VIEW_FLIGHT):
        return [STAFF_GROUP]
    if not user_can(user, VIEW_FLIGHT):
        return []
    ids = visible_client_ids(user).values_list("pk", flat=True)
    return [client_group(client_id) for client_id in sorted(ids)]


class FlightStatusConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/flights/``: pushes ``{"type": "flight.status", "flight": {...}}`` (see
    ``flights.live.flight_status_payload``) for every flight the user may view.

    Refusals accept the handshake and close at once with an application code, because a
    close before the handshake reaches a browser as a bare HTTP 403 with no code:
    4401 no or expired token, 4403 nothing to follow. The socket is closed with 4401 when the
    access token expires, so a logout or revocation stops the stream within the token's
    lifetime; the client reconnects with a fresh token. The stream is one-way: client
    messages are ignored.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups_joined: list[str] = []
        self.expires_at: float | None = None
        self._expiry: asyncio.TimerHandle | None = None
        self._closing: asyncio.Future[None] | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        # jetops.ws.EXPIRY_SCOPE_KEY, set by its JWTAuthMiddleware (not imported: ws imports us).
        self.expires_at = self.scope.get("token_expires_at")
        if user is None or not user.is_authenticated or self._expired():
            await self._refuse(CLOSE_UNAUTHENTICATED)
            return
        groups = await _groups_for(user)
        if not groups:
            await self._refuse(CLOSE_FORBIDDEN)
            return
        # Join before accepting: once the client sees the socket open, no broadcast is missed.
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups
        await self.accept(subprotocol=bearer_subprotocol(self.scope))
        if self.expires_at is not None:
            delay = max(0.0, self.expires_at - time.time())
            self._expiry = asyncio.get_running_loop().call_later(delay, self._on_expiry)

    async def _refuse(self, code: int) -> None:
        await self.accept(subprotocol=bearer_subprotocol(self.scope))
        await self.close(code=code)

    def _expired(self) -> bool:
        return self.expires_at is not None and time.time() >= self.expires_at

    def _on_expiry(self) -> None:
        self._expiry = None
        # Keep a reference: the loop holds tasks only weakly.
        self._closing = asyncio.ensure_future(self.close(code=CLOSE_UNAUTHENTICATED))

    async def disconnect(self, code: int) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        """The stream is server → client only: whatever the client sends is ignored (not even
        parsed, so malformed JSON cannot break the connection)."""

    async def flight_status(self, event: dict[str, Any]) -> None:
        """Handler of ``flight.status`` group messages (``flights.live``)."""
        if self._expired():
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.send_json({"type": MESSAGE_TYPE, "flight": event["flight"]})
