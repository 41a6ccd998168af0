"""Browser login with a session cookie, CSRF, throttling, tokens and settings."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from api_testdata import PASSWORD, auth, form_token

from api.auth import hash_password, token_hash, verify_password
from api.db.models import Token
from api.settings import Settings
from geo.errors import ConfigError


@pytest.fixture
def database_url(sqlite_url):
    """These tests do not depend on the database kind: SQLite only."""
    return sqlite_url


def login(client, name="gemeente_vaals", password=PASSWORD, token=None):
    token = token if token is not None else form_token(client)
    return client.post("/inloggen", data={"gebruikersnaam": name, "wachtwoord": password,
                                          "csrf_token": token, "volgende": "/api/v1/kaarten"},
                       follow_redirects=False)


def test_login_sets_secure_session_cookie_and_works(client, tokens):
    response = login(client)
    assert response.status_code == 303 and response.headers["location"] == "/api/v1/kaarten"
    cookie = response.headers["set-cookie"].lower()
    assert "kaart_sessie=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    me = client.get("/api/v1/ik").json()
    assert me["gebruikersnaam"] == "gemeente_vaals" and me["gemeenten"] == ["GM0981"]
    kaarten = client.get("/api/v1/kaarten").json()
    assert [k["kaart_id"] for k in kaarten] == ["GM0981-gelegenheid-totaal"]


def test_wrong_password_and_missing_csrf_are_refused(client, tokens):
    response = login(client, password="fout-wachtwoord-123")
    assert response.status_code == 303 and "fout=1" in response.headers["location"]
    assert client.get("/api/v1/ik").status_code == 401
    response = login(client, token="vervalst")
    assert response.status_code == 403
    assert response.json()["code"] == "geen_toegang"


def test_unsafe_requests_on_a_session_need_the_csrf_token(client, tokens):
    login(client, name="beheerder_vaals")
    body = {"gebruikersnaam": "nieuw1", "wachtwoord": "Nieuw-wachtwoord-7319", "rol": "gemeente"}
    refused = client.post("/api/v1/beheer/gebruikers", json=body)
    assert refused.status_code == 403
    token = client.get("/api/v1/ik").json()["csrf_token"]
    accepted = client.post("/api/v1/beheer/gebruikers", json=body, headers={"X-CSRF-Token": token})
    assert accepted.status_code == 201
    assert client.post("/uitloggen", follow_redirects=False).status_code == 403
    stolen = client.cookies.get("kaart_sessie")
    out = client.post("/uitloggen", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/v1/ik").status_code == 401
    client.cookies.set("kaart_sessie", stolen)  # replaying the old cookie does not work
    assert client.get("/api/v1/ik").status_code == 401


def test_login_is_throttled(client, tokens, app):
    app.state.throttle.max_attempts = 3
    for _ in range(3):
        assert "fout=1" in login(client, password="fout-wachtwoord-123").headers["location"]
    response = login(client)  # right password, but blocked
    assert "fout=te_veel" in response.headers["location"]
    assert client.get("/api/v1/ik").status_code == 401


def test_open_redirect_is_refused(client, tokens):
    token = form_token(client)
    response = client.post("/inloggen", data={
        "gebruikersnaam": "gemeente_vaals", "wachtwoord": PASSWORD, "csrf_token": token,
        "volgende": "//evil.example/"}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_expired_token_is_refused(client, tokens, app):
    with app.state.sessionmaker() as session:
        row = session.query(Token).filter_by(token_hash=token_hash(tokens["analist_mh"])).one()
        row.verloopt = datetime.now(UTC) - timedelta(days=1)
        session.commit()
    assert client.get("/api/v1/kaarten", headers=auth(tokens["analist_mh"])).status_code == 401
    parkstad = auth(tokens["analist_parkstad"])
    assert client.get("/api/v1/kaarten", headers=parkstad).status_code == 200


def test_passwords_are_argon2_hashes():
    stored = hash_password("een-lang-wachtwoord")
    assert stored.startswith("$argon2id$") and "een-lang" not in stored
    assert verify_password(stored, "een-lang-wachtwoord")
    assert not verify_password(stored, "een-ander-wachtwoord")


def test_placeholder_secret_refused_in_productie(monkeypatch):
    monkeypatch.setenv("KAART_OMGEVING", "productie")
    monkeypatch.setenv("KAART_GEHEIME_SLEUTEL", "verander-mij")
    with pytest.raises(ConfigError, match="KAART_GEHEIME_SLEUTEL"):
        Settings()
    monkeypatch.setenv("KAART_GEHEIME_SLEUTEL", secrets.token_urlsafe(48))
    settings = Settings()
    assert settings.secure_cookie and settings.omgeving == "productie"
    monkeypatch.setenv("KAART_OMGEVING", "ontwikkeling")
    monkeypatch.delenv("KAART_GEHEIME_SLEUTEL")
    assert not Settings().secure_cookie


def test_health_and_docs_need_no_login(client):
    assert client.get("/api/v1/gezond").json()["status"] == "ok"
    assert client.get("/docs").status_code == 200
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/objecten/{kaart_id}" in paths and "/gezond" in paths  # relative to /api/v1
