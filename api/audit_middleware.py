"""One mechanism that logs every request of a known user and every refused request.

A route that writes its own record (:func:`api.audit.record`, tile counting) is not logged
twice. Everything else is: plan lists and details, the outcome report, TileJSON, /kaarten,
/gemeenten, pages (action ``bekeken``), and every 401/403/404/429 answer, with or without
a user (action ``geweigerd``), with the client address from :func:`api.urls.client_address`.
The record is written after the response, in a worker thread, so the event loop never
waits for the database.
"""

from __future__ import annotations

import logging

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.audit import record, start_request
from api.db.guard import DatabaseLostError
from api.urls import client_address

REFUSED = frozenset({401, 403, 404, 405, 429})
_LOG = logging.getLogger("kaart.audit")


def _needed(request: Request, status: int, marks: list[str]) -> bool:
    """Whether the request gets a record here (tiles, own records: no)."""
    principal = getattr(request.state, "principal", None)
    return status in REFUSED or (principal is not None and not marks)


def _write(request: Request, status: int, marks: list[str]) -> None:
    principal = getattr(request.state, "principal", None)
    refused = status in REFUSED
    if not _needed(request, status, marks):
        return
    path = request.url.path[:300]
    if request.url.query:
        path = f"{path}?{request.url.query[:300]}"
    try:
        with request.app.state.sessionmaker() as session:
            record(session, principal, "geweigerd" if refused else "bekeken",
                   adres=client_address(request), methode=request.method, pad=path,
                   status=status)
    except DatabaseLostError:
        pass  # api.db.guard logged it once, loudly; the answer was 503 where it mattered
    except Exception:  # noqa: BLE001 - the answer is sent; say loudly what was not logged
        _LOG.exception("Auditregel niet geschreven: %s %s (status %s).",
                       request.method, path, status)


class AuditMiddleware:
    """ASGI middleware around every route (added by ``create_app``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        marks = start_request()
        status = 500

        async def send_and_remember(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_remember)
        finally:
            request = Request(scope)
            if _needed(request, status, marks):  # no thread hop for tiles (sec-tiles)
                with anyio.CancelScope(shield=True):  # also when the client went away
                    await anyio.to_thread.run_sync(_write, request, status, marks)
