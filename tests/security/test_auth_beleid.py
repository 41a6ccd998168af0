"""Issue 11.9 (auth parts) — password policy, throttling in the database, revocation,
deactivation, no silent widening of an organisation, trusted proxies, public base URL."""

from __future__ import annotations

import json
import secrets

import pytest
from api_testdata import PASSWORD, auth, form_token
from fastapi.testclient import TestClient
from starlette.requests import Request
from typer.testing import CliRunner

from api import audit
from api.app import create_app
from api.passwords import common_passwords
from api.settings import Settings
from api.urls import public_url
from api.users import add_user, ensure_organisation
from geo.errors import ConfigError, InvalidRequestError
from kaart.cli import app as cli

runner = CliRunner()


def run_json(*args, env=None) -> dict:
    result = runner.invoke(cli, [*args, "--json"], env=env or {})
    body = json.loads(result.stdout.strip().splitlines()[-1])
    body["_exit"] = result.exit_code
    return body


def login(client, name="analist_mh", password=PASSWORD):
    return client.post("/inloggen", data={"gebruikersnaam": name, "wachtwoord": password,
                                          "csrf_token": form_token(client)},
                       follow_redirects=False)


# --- password policy -----------------------------------------------------------------------

@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "abcabcabcabc", "password1234",
                                      "qwertyuiop12", "iloveyou1234", "kort-1A",
                                      "nieuwe_gebruiker1"])
def test_weak_passwords_are_refused(app, tokens, password):
    with app.state.sessionmaker() as session:
        org = ensure_organisation(session, "Gemeente Vaals", ["GM0981"])
        with pytest.raises(InvalidRequestError, match="Wachtwoord"):
            add_user(session, "nieuwe_gebruiker", password, "gemeente", org)


def test_beheer_route_applies_the_same_policy(client, tokens):
    body = {"gebruikersnaam": "nieuw1", "wachtwoord": "aaaaaaaaaaaaaaaa", "rol": "gemeente"}
    response = client.post("/api/v1/beheer/gebruikers", json=body,
                           headers=auth(tokens["beheerder_vaals"]))
    assert response.status_code == 400 and "Wachtwoord" in response.json()["detail"]


def test_common_password_list_is_a_real_list():
    common = common_passwords()
    assert len(common) > 19000 and {"123456", "password", "qwerty"} <= common


# --- throttling in the database --------------------------------------------------------------

def test_throttle_is_shared_between_workers_and_survives_a_restart(app, settings, tokens):
    worker_a = app
    worker_b = create_app(settings)  # a second worker process on the same database
    worker_a.state.throttle.max_attempts = worker_b.state.throttle.max_attempts = 3
    with TestClient(worker_a) as a, TestClient(worker_b) as b:
        for client in (a, b, a):
            assert "fout=1" in login(client, password="fout-wachtwoord-99").headers["location"]
        assert "fout=te_veel" in login(b).headers["location"]  # right password, blocked
    restarted = create_app(settings)
    restarted.state.throttle.max_attempts = 3
    with TestClient(restarted) as c:
        assert "fout=te_veel" in login(c).headers["location"]
        assert c.get("/api/v1/ik").status_code == 401


def test_throttle_per_address_across_accounts(app, tokens):
    app.state.throttle.max_attempts, app.state.throttle.max_per_address = 2, 3
    with TestClient(app, client=("192.0.2.7", 1234)) as attacker:
        for name in ("gemeente_vaals", "analist_parkstad", "planner_mh"):
            login(attacker, name=name, password="fout-wachtwoord-99")
        assert "fout=te_veel" in login(attacker, name="gemeente_heerlen").headers["location"]
    with TestClient(app, client=("192.0.2.8", 1234)) as other:
        assert login(other, name="gemeente_heerlen").headers["location"] == "/"


def test_forwarded_for_is_ignored_unless_from_a_trusted_proxy(app, tokens):
    with TestClient(app, client=("192.0.2.7", 1234)) as client:
        for n in range(3):  # spoofing a new address per attempt does not help
            client.headers["X-Forwarded-For"] = f"198.51.100.{n}"
            login(client, name="gemeente_vaals", password="fout-wachtwoord-99")
        with app.state.sessionmaker() as session:
            found = audit.query(session, actie="inloggen_mislukt")
        assert {r.adres for r in found} == {"192.0.2.7"}


def test_trusted_proxy_passes_the_client_address(app, tokens):
    app.state.settings.vertrouwde_proxies = "10.0.0.0/8"
    with TestClient(app, client=("10.0.0.5", 1234)) as client:
        client.headers["X-Forwarded-For"] = "198.51.100.9, 10.0.0.4"
        login(client, name="gemeente_vaals", password="fout-wachtwoord-99")
    with app.state.sessionmaker() as session:
        (row,) = audit.query(session, actie="inloggen_mislukt")
    assert row.adres == "198.51.100.9"


def test_bad_proxy_setting_is_refused():
    with pytest.raises(ConfigError, match="KAART_VERTROUWDE_PROXIES"):
        Settings(vertrouwde_proxies="proxy.example")


# --- public base URL ---------------------------------------------------------------------

def _request(app, host: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": b"",
                    "headers": [(b"host", host.encode())], "scheme": "http",
                    "server": (host, 80), "app": app})


def test_public_url_never_comes_from_the_host_header(app):
    app.state.settings.publieke_url = "https://kaart.voorbeeld.nl"
    url = public_url(_request(app, "aanvaller.example"), "/tiles/x/{z}/{x}/{y}.png")
    assert url == "https://kaart.voorbeeld.nl/tiles/x/{z}/{x}/{y}.png"
    with pytest.raises(ConfigError, match="KAART_PUBLIEKE_URL"):
        Settings(publieke_url="javascript:alert(1)")


# --- revocation, deactivation, widening, names -------------------------------------------

@pytest.fixture
def wm(tmp_path, monkeypatch):
    path = tmp_path / "wm"
    monkeypatch.setenv("KAART_WERKMAP", str(path))
    monkeypatch.setenv("KAART_WACHTWOORD", "een-heel-lang-wachtwoord")
    monkeypatch.delenv("KAART_DATABASE_URL", raising=False)
    monkeypatch.delenv("KAART_GEHEIME_SLEUTEL", raising=False)
    assert run_json("gebruiker", "toevoegen", "ana", "--rol", "analist", "--organisatie",
                    "RIEC", "--gemeente", "GM0981")["ok"]
    return path


def test_token_intrekken_is_immediate_in_a_running_server(wm):
    first = run_json("token", "ana", "--naam", "eerste")["token"]
    second = run_json("token", "maak", "ana", "--naam", "tweede")["token"]
    server = create_app(Settings(werkmap=wm))  # cache time 5 s: revocation must not wait
    with TestClient(server) as client:
        assert client.get("/api/v1/ik", headers=auth(first)).status_code == 200
        body = run_json("token", "intrekken", "ana", "--naam", "eerste")
        assert body["ingetrokken"] == ["eerste"]
        assert client.get("/api/v1/ik", headers=auth(first)).status_code == 401
        assert client.get("/api/v1/ik", headers=auth(second)).status_code == 200
    assert run_json("token", "intrekken", "ana", "--naam", "bestaat-niet")["_exit"] != 0


def test_gebruiker_deactiveer_ends_sessions_and_tokens_at_once(wm):
    token = run_json("token", "ana")["token"]
    server = create_app(Settings(werkmap=wm))
    with TestClient(server) as client:
        assert login(client, "ana", "een-heel-lang-wachtwoord").status_code == 303
        assert client.get("/api/v1/ik").status_code == 200
        assert client.get("/api/v1/ik", headers=auth(token)).status_code == 200
        assert run_json("gebruiker", "deactiveer", "ana")["actief"] is False
        assert client.get("/api/v1/ik").status_code == 401
        assert client.get("/api/v1/ik", headers=auth(token)).status_code == 401
        assert "fout=1" in login(client, "ana", "een-heel-lang-wachtwoord").headers["location"]
        run_json("gebruiker", "activeer", "ana")
        assert client.get("/api/v1/ik", headers=auth(token)).status_code == 200


def test_existing_organisation_is_not_widened_silently(wm):
    body = run_json("gebruiker", "toevoegen", "ben", "--rol", "analist", "--organisatie", "RIEC",
                    "--gemeente", "GM0917")
    assert body["_exit"] != 0 and "--breid-uit" in body["fout"]["melding"]
    assert "1 gebruiker" in body["fout"]["melding"]
    listing = run_json("gebruiker", "lijst")["gebruikers"]
    assert [u["gemeenten"] for u in listing] == [["GM0981"]]  # ana still sees only Vaals
    body = run_json("gebruiker", "toevoegen", "ben", "--rol", "analist", "--organisatie", "RIEC",
                    "--gemeente", "GM0917", "--breid-uit")
    assert body["ok"] and body["gemeenten"] == ["GM0917", "GM0981"]


def test_gemeente_by_name(wm):
    body = run_json("gebruiker", "toevoegen", "hee", "--rol", "gemeente", "--organisatie",
                    "Gemeente Heerlen", "--gemeente", "Heerlen")
    assert body["ok"] and body["gemeenten"] == ["GM0917"]
    wrong = run_json("gebruiker", "toevoegen", "xyz", "--rol", "gemeente", "--organisatie",
                     "Gemeente X", "--gemeente", "Heerlenn")
    assert wrong["_exit"] != 0 and "Heerlen" in wrong["fout"]["melding"]


def test_secret_is_generated_for_the_cli_server_werkmap(wm):
    server = create_app(Settings(werkmap=wm))
    assert (wm / ".geheime_sleutel").exists()
    assert server.state.settings.session_secret() == \
        (wm / ".geheime_sleutel").read_text().strip()
    assert secrets.compare_digest(server.state.settings.session_secret(),
                                  Settings(werkmap=wm).session_secret())
