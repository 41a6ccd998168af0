"""Security headers on every response, as one ASGI middleware.

* ``Content-Security-Policy``: HTML gets a strict policy whose only inline scripts are
  the ones carrying this response's nonce (:func:`csp_nonce`); scripts and styles come
  from our own origin only (Leaflet and plug-ins are vendored, see :mod:`maps.assets`);
  images may also come from the configured tile background's host (default PDOK), and
  from no outside host when none is configured. Other
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


def html_policy(nonce: str, image_hosts: tuple[str, ...] = ()) -> str:
    """The Content-Security-Policy of an HTML page with script nonce ``nonce``; images may
    also come from ``image_hosts`` (the configured tile background, none if not configured;
    :func:`maps.tile_background.image_hosts`)."""
    return "; ".join([
        "default-src 'none'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        " ".join(["img-src 'self' data: blob:", *image_hosts]),
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
    """The script nonce of this response, made on first use (a page asks for it while it
    renders; :class:`SecurityHeadersMiddleware` puts the same one in the policy). Tiles and
    JSON never ask, so they cost no random bytes."""
    state = request.scope.setdefault("state", {})
    nonce = state.get("csp_nonce")
    if not nonce:
        nonce = state["csp_nonce"] = secrets.token_urlsafe(18)
    return nonce


def add_nonce(html: str, nonce: str) -> str:
    """Give every ``<script`` tag of *our own generated* HTML (a Folium fragment) the
    nonce. Never apply this to HTML that holds unescaped user text."""
    return _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', html)


_DROP = frozenset({*COMMON_HEADERS, "content-security-policy"})
_COMMON_RAW = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in COMMON_HEADERS.items()]
_API_RAW = (b"content-security-policy", API_POLICY.encode("latin-1"))


def _with_headers(headers: list, scope: MutableMapping[str, Any],
                  image_hosts: tuple[str, ...] = ()) -> list:
    kept = [(k, v) for k, v in headers if k.decode("latin-1").lower() not in _DROP]
    content_type = next((v for k, v in kept if k.lower() == b"content-type"), b"")
    if content_type.startswith(b"text/html"):
        state = scope.setdefault("state", {})
        nonce = state.get("csp_nonce") or state.setdefault("csp_nonce",
                                                           secrets.token_urlsafe(18))
        kept.append((b"content-security-policy",
                     html_policy(nonce, image_hosts).encode("latin-1")))
    else:
        kept.append(_API_RAW)
    kept.extend(_COMMON_RAW)
    return kept


class SecurityHeadersMiddleware:
    """Adds the headers above to every HTTP response of the app."""

    def __init__(self, app: Callable[..., Awaitable[None]],
                 image_hosts: tuple[str, ...] = ()) -> None:
        self.app = app
        self.image_hosts = tuple(image_hosts)

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_headers(list(message.get("headers", [])), scope,
                                                   self.image_hosts)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def add_security_headers(app: Any, image_hosts: tuple[str, ...] = ()) -> None:
    """Wrap the whole middleware stack of ``app`` in :class:`SecurityHeadersMiddleware`.

    Outside Starlette's ``ServerErrorMiddleware``: ``app.add_middleware`` would put it inside,
    and the 500 answer of an unhandled exception would then go out without these headers.
    """
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeadersMiddleware(build(), image_hosts)
