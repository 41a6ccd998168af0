"""Issue 11.1 — forged sessions: no usable default secret in any mode.

A cookie signed as Starlette's SessionMiddleware signs (itsdangerous ``TimestampSigner``
over base64 JSON) with a public value must never be accepted.
"""

from __future__ import annotations

import base64
import json
import os
import stat

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner

import api.app
import api.secret
import api.settings
from api.app import SESSION_COOKIE, create_app
from api.secret import SECRET_FILE, stored_secret
from api.settings import Settings
from geo.errors import ConfigError

PUBLIC_VALUES = ["verander-mij", "verandermij", "changeme", "secret", "geheim", "kaart", "test",
                 "ontwikkeling", "", "test-sleutel-" + "x" * 32, "browsertest-" + "s" * 40,
                 "k" * 40, "a" * 64]
"""Values from the README, docs, old defaults and the test suites."""


def _module_constants() -> list[str]:
    """Every string constant of the modules that build the app (an old default lives here)."""
    values = []
    for module in (api.settings, api.app, api.secret):
        values += [v for k, v in vars(module).items() if k.isupper() and isinstance(v, str)]
        values += [x for k, v in vars(module).items() if k.isupper()
                   and isinstance(v, frozenset) for x in v if isinstance(x, str)]
    return values


def forge(secret: str, data: dict) -> str:
    payload = base64.b64encode(json.dumps(data).encode("utf-8"))
    return TimestampSigner(str(secret)).sign(payload).decode("utf-8")


@pytest.fixture
def default_app(tmp_path, sqlite_url, monkeypatch):
    """The app as the README starts it: no KAART_GEHEIME_SLEUTEL, no KAART_OMGEVING."""
    monkeypatch.delenv("KAART_GEHEIME_SLEUTEL", raising=False)
    monkeypatch.delenv("KAART_OMGEVING", raising=False)
    werkmap = tmp_path / "werkmap"
    return create_app(Settings(werkmap=werkmap, database_url=sqlite_url)), werkmap


@pytest.mark.parametrize("omgeving", ["ontwikkeling", "test", "productie"])
def test_forged_cookie_with_public_secret_is_refused(default_app, omgeving, monkeypatch):
    app, _ = default_app
    app.state.settings.omgeving = omgeving
    with TestClient(app) as client:
        for secret in sorted(set(PUBLIC_VALUES + _module_constants())):
            client.cookies.set(SESSION_COOKIE, forge(secret, {"uid": 2, "sid": "x"}))
            response = client.get("/api/v1/kaarten")
            assert response.status_code == 401, secret
            client.cookies.clear()


def test_generated_secret_is_private_random_and_reused(tmp_path):
    first = stored_secret(tmp_path / "a")
    path = tmp_path / "a" / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stored_secret(tmp_path / "a") == first  # reused after a restart
    assert stored_secret(tmp_path / "b") != first  # random per werkmap
    assert not [p for p in (tmp_path / "a").iterdir() if p.name != SECRET_FILE]  # no temp left
    assert api.secret.weak_secret_reason(first) is None


def test_session_survives_restart_with_generated_secret(default_app, sqlite_url):
    app, werkmap = default_app
    secret = app.state.settings.session_secret()
    again = create_app(Settings(werkmap=werkmap, database_url=sqlite_url))
    assert again.state.settings.session_secret() == secret
    with TestClient(again) as client:
        client.cookies.set(SESSION_COOKIE, forge(secret, {"uid": 2, "sid": "echt"}))
        assert client.get("/api/v1/kaarten").status_code == 200


def test_readable_secret_file_is_refused(tmp_path):
    stored_secret(tmp_path)
    os.chmod(tmp_path / SECRET_FILE, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        stored_secret(tmp_path)


@pytest.mark.parametrize("omgeving", ["ontwikkeling", "test", "productie"])
@pytest.mark.parametrize("secret", ["verander-mij", "kort-maar-random-Xq9", "a" * 64,
                                    "mijn-geheim-" + "Zq8Lw3" * 6, "ab" * 40])
def test_weak_secret_refused_in_every_mode(secret, omgeving, monkeypatch):
    monkeypatch.setenv("KAART_OMGEVING", omgeving)
    monkeypatch.setenv("KAART_GEHEIME_SLEUTEL", secret)
    with pytest.raises(ConfigError, match="KAART_GEHEIME_SLEUTEL"):
        Settings()
