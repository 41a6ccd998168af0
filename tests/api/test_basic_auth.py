"""HTTP Basic with user name + API token (QGIS's built-in authentication, issue 14 item 9):
same authorisation and audit as Bearer, reading only, HTTPS in productie, throttled like
logins. The last test starts a real ``kaart server`` and sends real HTTP requests."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import time

import httpx
import pytest
from api_testdata import VISIBLE, auth, cell_center, read_png
from pyproj import Transformer

from api import audit
from api.tiles import TMS
from api.urls import api_path

KAART = "GM0981-gelegenheid-totaal"
RISICO = "GM0981-risico-totaal"
TO_WGS = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


@pytest.fixture
def database_url(sqlite_url):
    """These tests do not depend on the database kind: SQLite only."""
    return sqlite_url


def basic(user: str, password: str) -> dict[str, str]:
    pair = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def tile_url(kaart: str = KAART, z: int = 15) -> str:
    lon, lat = TO_WGS.transform(*cell_center(40, 40))
    tile = TMS.tile(lon, lat, z)
    return f"/tiles/{kaart}/{z}/{tile.x}/{tile.y}.png"


def rows(app, **filters):
    with app.state.sessionmaker() as session:
        return [audit.as_dict(r) for r in audit.query(session, **filters)]


def test_basic_gives_the_same_answers_as_bearer(client, tokens):
    for name in ("gemeente_vaals", "analist_mh"):
        by_basic = client.get(api_path("/kaarten"), headers=basic(name, tokens[name]))
        by_bearer = client.get(api_path("/kaarten"), headers=auth(tokens[name]))
        assert by_basic.status_code == by_bearer.status_code == 200
        assert by_basic.json() == by_bearer.json()
    response = client.get(tile_url(), headers=basic("gemeente_vaals", tokens["gemeente_vaals"]))
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert read_png(response.content)[3].max() > 0  # real pixels, not an empty tile


def test_basic_keeps_the_authorisation(client, tokens):
    assert "vaals_risico" not in VISIBLE["gemeente_vaals"]
    refused = client.get(tile_url(RISICO), headers=basic("gemeente_vaals",
                                                         tokens["gemeente_vaals"]))
    assert refused.status_code == 404  # confidential map: as with Bearer, no existence leak
    allowed = client.get(tile_url(RISICO), headers=basic("gemeente_vaals_vertr",
                                                         tokens["gemeente_vaals_vertr"]))
    assert allowed.status_code == 200


@pytest.mark.parametrize("user, password", [
    ("analist_mh", "gemeente_vaals"),  # someone else's token (filled in below)
    ("gemeente_vaals", "kaart_verzonnen-token"),
    ("gemeente_vaals", "wachtwoord-in-plaats-van-token"),
])
def test_wrong_user_token_or_password_is_refused_and_audited(client, tokens, app, user,
                                                             password):
    password = tokens.get(password, password)
    response = client.get(tile_url(), headers=basic(user, password))
    assert response.status_code == 401
    assert response.json()["code"] == "niet_ingelogd"
    (record,) = rows(app, actie="inloggen_mislukt")
    assert record["gebruiker"] == user and record["details"]["via"] == "basic"
    assert password not in str(record)  # the secret is never in the audit log


@pytest.mark.parametrize("header", ["Basic", "Basic !!!", "Basic " + base64.b64encode(
    b"zonder-dubbele-punt").decode(), "Basic " + base64.b64encode(b":kaart_x").decode()])
def test_malformed_basic_header_is_a_dutch_401(client, header):
    response = client.get(api_path("/kaarten"), headers={"Authorization": header})
    assert response.status_code == 401
    assert "Basic-authenticatie" in response.json()["detail"]


def test_basic_is_throttled_like_logins(client, tokens, app):
    app.state.throttle.max_attempts = 3
    for _ in range(3):
        assert client.get(api_path("/kaarten"), headers=basic("gemeente_vaals", "kaart_fout")
                          ).status_code == 401
    blocked = client.get(api_path("/kaarten"),
                         headers=basic("gemeente_vaals", tokens["gemeente_vaals"]))
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert rows(app, actie="inloggen_geremd")[0]["gebruiker"] == "gemeente_vaals"
    # Bearer with the same token is not a guess at the account: unaffected
    assert client.get(api_path("/kaarten"),
                      headers=auth(tokens["gemeente_vaals"])).status_code == 200


def test_basic_only_for_reading(client, tokens):
    body = {"gebruikersnaam": "nieuw1", "wachtwoord": "Nieuw-wachtwoord-7319", "rol": "gemeente"}
    headers = basic("beheerder_vaals", tokens["beheerder_vaals"])
    refused = client.post(api_path("/beheer/gebruikers"), json=body, headers=headers)
    assert refused.status_code in (401, 403)  # no CSRF exemption, no Basic for changes
    accepted = client.post(api_path("/beheer/gebruikers"), json=body,
                           headers=auth(tokens["beheerder_vaals"]))
    assert accepted.status_code == 201


def test_tile_views_by_basic_are_audited_per_token(client, tokens, app):
    headers = basic("gemeente_vaals", tokens["gemeente_vaals"])
    for z in (14, 15):
        assert client.get(tile_url(z=z), headers=headers).status_code == 200
    assert client.get(api_path(f"/kaarten/{KAART}"), headers=headers).status_code == 200
    assert app.state.tile_audit.flush() == 1
    (record,) = rows(app, actie="tegels")
    assert record["gebruiker"] == "gemeente_vaals" and record["sessie"].startswith("token-")
    assert record["aantal"] == 2
    assert rows(app, actie="kaart")[0]["gebruiker"] == "gemeente_vaals"


def test_basic_refused_over_plain_http_in_productie(outputs, database_url, tokens):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    settings = Settings(omgeving="productie", werkmap=outputs.root, database_url=database_url,
                        geheime_sleutel=secrets.token_urlsafe(48))
    with TestClient(create_app(settings), base_url="http://kaart.test") as plain:
        response = plain.get(api_path("/kaarten"), headers=basic("gemeente_vaals",
                                                       tokens["gemeente_vaals"]))
        assert response.status_code == 401
        assert "alleen via HTTPS" in response.json()["detail"]
        # a client saying "https" itself is not believed (no trusted proxy configured)
        spoofed = plain.get(api_path("/kaarten"), headers={
            **basic("gemeente_vaals", tokens["gemeente_vaals"]), "X-Forwarded-Proto": "https"})
        assert spoofed.status_code == 401
    with TestClient(create_app(settings), base_url="https://kaart.test") as tls:
        assert tls.get(api_path("/kaarten"), headers=basic(
            "gemeente_vaals", tokens["gemeente_vaals"])).status_code == 200


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from kaart.cli import main; main()", "server", "--host",
         "127.0.0.1", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240  # a loaded 2-core machine starts slowly
    while True:
        try:
            httpx.get(f"{base}/gezond", timeout=2)
            return process, base
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError(process.stderr.read().decode()[-2000:]) from None
            time.sleep(0.3)


def test_real_server_in_productie_behind_a_trusted_https_proxy(outputs, database_url, tokens):
    """A real ``kaart server`` (uvicorn, real HTTP): in productie Basic over plain HTTP is
    refused; via the trusted proxy (127.0.0.1 here) that says ``X-Forwarded-Proto: https``
    the tile arrives."""
    env = {**os.environ, "KAART_WERKMAP": str(outputs.root), "KAART_DATABASE_URL": database_url,
           "KAART_OMGEVING": "productie", "KAART_GEHEIME_SLEUTEL": secrets.token_urlsafe(48),
           "KAART_VERTROUWDE_PROXIES": "127.0.0.1", "KAART_GEEN_VOORTGANG": "1"}
    process, base = _start_server(env)
    try:
        credentials = ("gemeente_vaals", tokens["gemeente_vaals"])
        plain = httpx.get(base + tile_url(), auth=credentials, timeout=30)
        assert plain.status_code == 401 and "HTTPS" in plain.json()["detail"]
        proxied = httpx.get(base + tile_url(), auth=credentials, timeout=30,
                            headers={"X-Forwarded-Proto": "https"})
        assert proxied.status_code == 200 and proxied.headers["content-type"] == "image/png"
        wrong = httpx.get(base + tile_url(), auth=("gemeente_vaals", "kaart_fout"), timeout=30,
                          headers={"X-Forwarded-Proto": "https"})
        assert wrong.status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=20)
