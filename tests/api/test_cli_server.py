"""``kaart gebruiker``, ``kaart token``, ``kaart audit`` and a real ``kaart server`` process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from api import audit
from api.app import create_app
from api.auth import principal_of
from api.db.models import Gebruiker
from api.settings import Settings
from kaart.cli import app

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None):
    result = runner.invoke(app, list(args), env=env or {}, catch_exceptions=False)
    return result.exit_code, result.stdout


def run_json(*args: str, env=None) -> dict:
    code, out = run(*args, "--json", env=env)
    body = json.loads(out.strip().splitlines()[-1])
    body["_exit"] = code
    return body


@pytest.fixture
def wm(tmp_path, monkeypatch):
    path = tmp_path / "wm"
    monkeypatch.setenv("KAART_WERKMAP", str(path))
    monkeypatch.setenv("KAART_WACHTWOORD", "een-heel-lang-wachtwoord")
    monkeypatch.delenv("KAART_DATABASE_URL", raising=False)
    return path


def test_gebruiker_toevoegen_lijst_verwijder(wm):
    body = run_json("gebruiker", "toevoegen", "ana", "--rol", "analist", "--organisatie",
                    "RIEC Parkstad", "--regio", "Parkstad")
    assert body["ok"] and body["gemeenten"][:2] == ["GM0882", "GM0899"]
    assert len(body["gemeenten"]) == 7
    body = run_json("gebruiker", "toevoegen", "gem", "--rol", "gemeente", "--organisatie",
                    "Gemeente Vaals", "--gemeente", "GM0981", "--vertrouwelijk")
    assert body["vertrouwelijk"] is True
    listing = run_json("gebruiker", "lijst")
    assert [(u["gebruiker"], u["rol"]) for u in listing["gebruikers"]] == [
        ("ana", "analist"), ("gem", "gemeente")]
    assert "wachtwoord" not in json.dumps(listing)
    assert run_json("gebruiker", "verwijder", "gem")["ok"]
    assert [u["gebruiker"] for u in run_json("gebruiker", "lijst")["gebruikers"]] == ["ana"]
    assert (wm / "kaart.db").exists()


@pytest.mark.parametrize("args, code, fragment", [
    (["--rol", "baas", "--organisatie", "X", "--gemeente", "GM0981"], "ongeldig_verzoek", "rol"),
    (["--rol", "gemeente", "--organisatie", "X", "--gemeente", "Atlantisstad"],
     "gebied_onbekend", "Atlantisstad"),  # names and codes both go through select_area
    (["--rol", "gemeente", "--organisatie", "X"], "ongeldig_verzoek", "geen gemeenten"),
    (["--rol", "analist", "--organisatie", "X", "--regio", "Atlantis"], "gebied_onbekend",
     "Atlantis"),
    (["--rol", "analist", "--organisatie", "X", "--gemeente", "GM0981", "--vertrouwelijk"],
     "ongeldig_verzoek", "vertrouwelijk"),
])
def test_gebruiker_toevoegen_errors(wm, args, code, fragment):
    body = run_json("gebruiker", "toevoegen", "iemand", *args)
    assert body["_exit"] != 0 and body["fout"]["code"] == code
    assert fragment.lower() in body["fout"]["melding"].lower()


def test_weak_password_and_unknown_user(wm, monkeypatch):
    monkeypatch.setenv("KAART_WACHTWOORD", "kort")
    body = run_json("gebruiker", "toevoegen", "x1x", "--rol", "gemeente", "--organisatie", "X",
                    "--gemeente", "GM0981")
    assert "12 tekens" in body["fout"]["melding"]
    assert run_json("token", "niemand")["fout"]["code"] == "niet_gevonden"


def test_token_and_audit(wm, tmp_path):
    run_json("gebruiker", "toevoegen", "ana", "--rol", "analist", "--organisatie", "RIEC",
             "--gemeente", "GM0981")
    token = run_json("token", "ana", "--dagen", "7")["token"]
    assert token.startswith("kaart_")

    app_ = create_app(Settings(werkmap=wm))
    with TestClient(app_) as client:
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/ik", headers=headers).json()["gebruikersnaam"] == "ana"
        assert client.get("/api/v1/kaarten/bestaat-niet", headers=headers).status_code == 404
    assert [(r["actie"], r["details"]["pad"]) for r in run_json(
        "audit", "--gebruiker", "ana")["regels"]] == [  # the read and the refusal
        ("geweigerd", "/api/v1/kaarten/bestaat-niet"), ("bekeken", "/api/v1/ik")]
    with app_.state.sessionmaker() as session:
        user = principal_of(session.scalar(select(Gebruiker)), "s1", "sessie")
        audit.record(session, user, "download", "GM0981-gelegenheid-totaal", bestand="cog")
        audit.record(session, user, "punt", "GM0981-gelegenheid-totaal")
    body = run_json("audit", "--gebruiker", "ana")
    assert [(r["actie"], r["organisatie"]) for r in body["regels"]][:2] == [
        ("punt", "RIEC"), ("download", "RIEC")]
    assert run_json("audit", "--actie", "download")["regels"][0]["details"] == {"bestand": "cog"}
    code, out = run("audit", "--kaart", "GM0981-gelegenheid-totaal")
    assert code == 0 and "download" in out and "2 auditregel(s)" in out
    code, out = run("audit", "--sinds", "gisteren")
    assert code != 0
    assert run_json("audit", "--sinds", "2999-01-01")["regels"] == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_kaart_server_serves_health_and_docs(wm):
    port = _free_port()
    env = {**os.environ, "KAART_WERKMAP": str(wm), "KAART_GEEN_VOORTGANG": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from kaart.cli import main; main()", "server", "--host",
         "127.0.0.1", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v1/gezond", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(process.stderr.read().decode()[-2000:]) from None
                time.sleep(0.3)
        assert response.json()["status"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/docs").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/kaarten").status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_server_refuses_placeholder_secret_in_productie(wm, monkeypatch):
    monkeypatch.setenv("KAART_OMGEVING", "productie")
    monkeypatch.setenv("KAART_GEHEIME_SLEUTEL", "verander-mij")
    body = run_json("server", "--port", "1")
    assert body["_exit"] != 0 and body["fout"]["code"] == "configuratie_fout"


def test_gebruiker_toevoegen_takes_a_gemeente_name(wm):
    """Issue 14 item 10: ``--gemeente Vaals`` was refused while every other command takes
    names; it gives the same user as ``--gemeente GM0981``."""
    body = run_json("gebruiker", "toevoegen", "gem", "--rol", "gemeente", "--organisatie",
                    "Gemeente Vaals", "--gemeente", "Vaals")
    assert body["ok"] and body["gemeenten"] == ["GM0981"]
