"""Unhandled errors (500) carry the same security headers as every other response.

Starlette answers an unhandled exception in its outermost ``ServerErrorMiddleware``; a
middleware added with ``app.add_middleware`` sits inside it, so before the fix the 500 went
out without Content-Security-Policy, X-Content-Type-Options, X-Frame-Options and
Referrer-Policy (issue 11 item 7).
"""

from __future__ import annotations

import secrets

import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send


@pytest.fixture
def app(tmp_path):
    from api.app import create_app
    from api.settings import Settings

    settings = Settings(omgeving="test", werkmap=tmp_path / "werkmap",
                        database_url=f"sqlite:///{tmp_path / 'kaart.db'}",
                        geheime_sleutel=secrets.token_hex(32))
    app = create_app(settings)

    @app.get("/kapot-route")
    def broken_route():
        raise RuntimeError("/geheim/pad/op/de/server kapot")

    return app


def _assert_headers(response) -> None:
    assert response.status_code == 500
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("x-frame-options") == "DENY"
    assert response.headers.get("referrer-policy") == "same-origin"
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "/geheim/pad" not in response.text and "Traceback" not in response.text


def test_unhandled_error_in_a_route_has_security_headers(app):
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/kapot-route")
    _assert_headers(response)
    assert response.json()["code"] == "interne_fout"


def test_unhandled_error_in_a_middleware_has_security_headers(app):
    class Broken:
        def __init__(self, inner) -> None:
            self.inner = inner

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and scope["path"] == "/kapot-middleware":
                raise RuntimeError("/geheim/pad in middleware")
            await self.inner(scope, receive, send)

    app.add_middleware(Broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/kapot-middleware")
        _assert_headers(response)
        assert client.get("/api/v1/gezond").headers.get("x-frame-options") == "DENY"
