"""Security headers on every response, as one ASGI middleware.

* ``Content-Security-Policy``: HTML gets a strict policy whose only inline scripts are
  the ones carrying this response's nonce (:func:`csp_nonce`); scripts and styles come
  from our own origin only (Leaflet and plug-ins are vendored, see :mod:`maps.assets`);
  images may also come from the OpenStreetMap tile servers (the base map). Other
  responses (JSON, tiles, downloads) get ``default-src 'none'``.
* ``X-Content-Type-Options: nosniff`` (a JSON or uploaded file is never run as script),
  ``X-Frame-Options: DENY`` + ``frame-ancestors 'none'`` (no clickjacking),
  ``Referrer-Policy: same-origin`` (kaart ids in URLs never leak to other sites).

Styles allow ``'unsafe-inline'``: Leaflet, Folium and our popups set ``style`` attributes
and ``<style>`` blocks; CSS cannot run script in current browsers.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request

from maps.assets import BASE_MAP_HOSTS

OSM_TILES = " ".join(BASE_MAP_HOSTS)


def html_policy(nonce: str) -> str:
    """The Content-Security-Policy of an HTML page with script nonce ``nonce``."""
    return "; ".join([
        "default-src 'none'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob: {OSM_TILES}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ])


API_POLICY = "default-src 'none'; frame-ancestors 'none'"
COMMON_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
_SCRIPT_TAG = re.compile(r"<script(?=[\s>])", re.IGNORECASE)


def csp_nonce(request: Request) -> str:
    """The script nonce of this response (set by :class:`SecurityHeadersMiddleware`)."""
    nonce = request.scope.get("state", {}).get("csp_nonce")
    if not nonce:
        nonce = secrets.token_urlsafe(18)
        request.scope.setdefault("state", {})["csp_nonce"] = nonce
    return nonce


def add_nonce(html: str, nonce: str) -> str:
    """Give every ``<script`` tag of *our own generated* HTML (a Folium fragment) the
    nonce. Never apply this to HTML that holds unescaped user text."""
    return _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', html)


class SecurityHeadersMiddleware:
    """Adds the headers above to every HTTP response of the app."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})["csp_nonce"] = nonce

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode("latin-1").lower() not in COMMON_HEADERS
                           and k.decode("latin-1").lower() != "content-security-policy"]
                content_type = next((v.decode("latin-1") for k, v in headers
                                     if k.lower() == b"content-type"), "")
                policy = html_policy(nonce) if content_type.startswith("text/html") \
                    else API_POLICY
                headers.append((b"content-security-policy", policy.encode("latin-1")))
                headers.extend((k.encode("latin-1"), v.encode("latin-1"))
                               for k, v in COMMON_HEADERS.items())
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def add_security_headers(app: Any) -> None:
    """Install :class:`SecurityHeadersMiddleware` (outermost, so error pages get it too)."""
    app.add_middleware(SecurityHeadersMiddleware)
