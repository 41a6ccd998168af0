"""Issue 11.4 — a tamper-evident audit log that records every read and every refusal.

Runs on SQLite and (with ``KAART_TEST_POSTGRES_URL``) PostgreSQL.
"""

from __future__ import annotations

import json
import os
import time
import uuid

import pytest
from api_testdata import PASSWORD, auth, form_token
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from api import audit
from api.audit_chain import verify_chain
from api.db.models import AuditRegel
from kaart.cli import app as cli

KAART = "GM0981-gelegenheid-totaal"
COLUMNS = ("id, tijd, gebruiker_id, gebruikersnaam, rol, organisatie, actie, kaart_id, "
           "sessie, aantal, details, adres, vorige_hash, hash")


def rows(app, **filters):
    with app.state.sessionmaker() as session:
        return [audit.as_dict(r) for r in audit.query(session, limit=1000, **filters)]


def report(app):
    with app.state.sessionmaker() as session:
        return verify_chain(session)


def _switch_off_protection(engine, sqlite_trigger: str, statement: str) -> None:
    """What the database owner can do: drop/disable the trigger, then change the table."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text(f"DROP TRIGGER {sqlite_trigger}"))
        else:
            connection.execute(text("ALTER TABLE audit DISABLE TRIGGER audit_alleen_toevoegen"))
        connection.execute(text(statement))


def _some_records(client, tokens):
    for path in ("/api/v1/kaarten", f"/api/v1/kaarten/{KAART}", "/api/v1/gemeenten"):
        assert client.get(path, headers=auth(tokens["analist_mh"])).status_code == 200


def test_insert_or_replace_cannot_rewrite_a_record(app, client, tokens):
    _some_records(client, tokens)
    engine = app.state.engine
    if engine.dialect.name == "sqlite":
        attack = (f"INSERT OR REPLACE INTO audit ({COLUMNS}) SELECT id, tijd, gebruiker_id, "
                  "gebruikersnaam, rol, organisatie, 'vervalst', kaart_id, sessie, aantal, "
                  "details, adres, vorige_hash, hash FROM audit WHERE id = 1")
    else:
        attack = (f"INSERT INTO audit ({COLUMNS}) SELECT id, tijd, gebruiker_id, "
                  "gebruikersnaam, rol, organisatie, 'vervalst', kaart_id, sessie, aantal, "
                  "details, adres, vorige_hash, hash FROM audit WHERE id = 1 "
                  "ON CONFLICT (id) DO UPDATE SET actie = EXCLUDED.actie")
    plain = (f"INSERT INTO audit ({COLUMNS}) SELECT id, tijd, gebruiker_id, gebruikersnaam, "
             "rol, organisatie, 'vervalst', kaart_id, sessie, aantal, details, adres, "
             "vorige_hash, hash FROM audit WHERE id = 1")
    for statement in (attack, plain):
        with pytest.raises(DBAPIError):
            with engine.begin() as connection:
                connection.execute(text(statement))
    assert rows(app)[-1]["actie"] != "vervalst"
    assert report(app).intact


def test_chain_verifies_and_names_the_first_changed_record(app, client, tokens):
    _some_records(client, tokens)
    before = report(app)
    assert before.intact and before.checked >= 3
    _switch_off_protection(app.state.engine, "audit_geen_update",
                           "UPDATE audit SET gebruikersnaam = 'iemand_anders' WHERE id = 2")
    after = report(app)
    assert not after.intact and after.broken_id == 2 and "gewijzigd" in after.reason


def test_removed_record_is_detected(app, client, tokens):
    _some_records(client, tokens)
    _switch_off_protection(app.state.engine, "audit_geen_delete",
                           "DELETE FROM audit WHERE id = 2")
    broken = report(app)
    assert broken.broken_id == 3 and "ontbreken" in broken.reason


def test_cli_controleer(app, client, tokens, tmp_path, monkeypatch, database_url):
    _some_records(client, tokens)
    monkeypatch.setenv("KAART_DATABASE_URL", database_url)
    runner = CliRunner()
    args = ["audit", "--controleer", "--werkmap", str(tmp_path), "--json"]
    good = runner.invoke(cli, args)
    body = json.loads(good.stdout.strip().splitlines()[-1])
    assert good.exit_code == 0 and body["intact"] and body["gecontroleerd"] >= 3
    anchor = body["anker"]
    _switch_off_protection(app.state.engine, "audit_geen_update",
                           "UPDATE audit SET actie = 'vervalst' WHERE id = 1")
    bad = runner.invoke(cli, ["audit", "--controleer", "--werkmap", str(tmp_path)])
    assert bad.exit_code == 10
    assert "regel 1" in bad.output and "gewijzigd" in bad.output
    # a rewrite of the whole chain (every hash recomputed) is caught by the anchor
    assert runner.invoke(cli, args[:-1] + ["--anker", anchor[:-1] + "0"]).exit_code != 0


def test_every_read_and_every_refusal_is_logged(app, client, tokens):
    analist, gemeente = auth(tokens["analist_mh"]), auth(tokens["gemeente_heerlen"])
    reads = ["/api/v1/kaarten", "/api/v1/gemeenten", f"/tiles/{KAART}/tilejson.json"]
    for path in reads:
        assert client.get(path, headers=analist).status_code == 200
    planner = auth(tokens["planner_mh"])
    for path in ("/api/v1/planning/plannen", "/api/v1/planning/uitkomsten/rapport"):
        assert client.get(path, headers=planner).status_code == 200
    assert client.get("/api/v1/planning/plannen/bestaat-niet", headers=planner).status_code == 404
    assert client.get(f"/api/v1/kaarten/{KAART}", headers=gemeente).status_code == 404
    assert client.get("/api/v1/kaarten").status_code == 401
    assert client.get("/api/v1/kaarten", headers=auth("kaart_vervalst")).status_code == 401
    assert client.get("/api/v1/beheer/gebruikers", headers=analist).status_code == 403
    found = rows(app)
    seen = {(r["gebruiker"], r["details"]["pad"]) for r in found
            if r["actie"] == "bekeken"}
    for path in reads:
        assert ("analist_mh", path) in seen, path
    assert ("planner_mh", "/api/v1/planning/plannen") in seen
    assert ("planner_mh", "/api/v1/planning/uitkomsten/rapport") in seen
    refused = {(r["gebruiker"], r["details"]["pad"], r["details"]["status"]) for r in found
               if r["actie"] == "geweigerd"}
    assert ("planner_mh", "/api/v1/planning/plannen/bestaat-niet", 404) in refused
    assert ("gemeente_heerlen", f"/api/v1/kaarten/{KAART}", 404) in refused
    assert ("(anoniem)", "/api/v1/kaarten", 401) in refused
    assert ("analist_mh", "/api/v1/beheer/gebruikers", 403) in refused
    assert all(r["adres"] for r in found)
    assert report(app).intact


def test_failed_login_is_logged(app, client, tokens):
    value = form_token(client)
    response = client.post("/inloggen", data={"gebruikersnaam": "analist_mh",
                                              "wachtwoord": "fout-wachtwoord-123",
                                              "csrf_token": value}, follow_redirects=False)
    assert response.status_code == 303 and "fout" in response.headers["location"]
    failed = rows(app, actie="inloggen_mislukt")
    assert [r["gebruiker"] for r in failed] == ["analist_mh"] and failed[0]["adres"]
    ok = client.post("/inloggen", data={"gebruikersnaam": "analist_mh", "wachtwoord": PASSWORD,
                                        "csrf_token": value}, follow_redirects=False)
    assert ok.status_code == 303 and rows(app, actie="inloggen")


def test_tile_views_are_written_within_the_period_without_new_requests(app, client, tokens):
    app.state.tile_audit.period_s = 0.4  # the setting's maximum is 10 s; tested short
    app.state.tile_audit.stop()
    app.state.tile_audit.start()
    headers = auth(tokens["gemeente_vaals"])
    for _ in range(3):
        assert client.get(f"/tiles/{KAART}/14/8565/5524.png", headers=headers).status_code \
            in (200, 204)
    deadline = time.monotonic() + 5
    while not rows(app, actie="tegels") and time.monotonic() < deadline:
        time.sleep(0.1)
    (record,) = rows(app, actie="tegels")
    assert record["aantal"] == 3 and record["details"]["van"] <= record["details"]["tot"]


def test_tile_views_are_written_at_shutdown(app, tokens):
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        client.get(f"/tiles/{KAART}/14/8565/5524.png", headers=auth(tokens["gemeente_vaals"]))
        assert rows(app, actie="tegels") == []
    (record,) = rows(app, actie="tegels")
    assert record["aantal"] == 1


def test_flush_period_is_at_most_ten_seconds():
    from pydantic import ValidationError

    from api.settings import Settings

    assert Settings().audit_tegels_flush_s <= 10
    with pytest.raises(ValidationError):
        Settings(audit_tegels_flush_s=60)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request, tmp_path):
    """An empty database (no tables): a SQLite file or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'oud.db'}"
        return
    url = os.environ.get("KAART_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("KAART_TEST_POSTGRES_URL is niet gezet")
    from sqlalchemy import create_engine

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_existing_database_upgrades_to_a_verified_chain(empty_database):
    from sqlalchemy.orm import Session

    from api.db.migrate import upgrade
    from api.db.session import make_engine

    engine = make_engine(empty_database)
    upgrade(engine, "0002_planning")
    with engine.begin() as connection:
        for number in (1, 2, 5):  # gaps as a PostgreSQL sequence leaves them
            connection.execute(text(
                "INSERT INTO audit (id, tijd, gebruikersnaam, rol, organisatie, actie, aantal) "
                f"VALUES ({number}, '2026-01-0{number} 10:00:00', 'oud', 'analist', "
                "'RIEC', 'kaart', 1)"))
    upgrade(engine)
    with Session(engine) as session:
        result = verify_chain(session)
        assert result.intact and result.checked == 3
        assert [r.id for r in session.query(AuditRegel).order_by(AuditRegel.id)] == [1, 2, 3]
        audit.record(session, None, "geweigerd", pad="/na-de-upgrade")
        assert verify_chain(session).checked == 4
    engine.dispose()


def _security_md_audit_revokes() -> list[str]:
    """The REVOKE statements on ``audit`` exactly as SECURITY.md tells operators to run."""
    from pathlib import Path

    text_ = (Path(__file__).resolve().parents[2] / "SECURITY.md").read_text(encoding="utf-8")
    return [line.strip().rstrip(";") for line in text_.splitlines()
            if line.startswith("REVOKE") and " ON audit " in line]


@pytest.mark.postgres
def test_postgres_role_without_update_delete_rights(app, client, tokens, database_url):
    """The documented REVOKE holds even with the triggers switched off (the role here is
    the test role itself: the test database user may not create roles)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("alleen PostgreSQL")
    _some_records(client, tokens)
    statements = _security_md_audit_revokes()
    assert statements, "SECURITY.md noemt geen REVOKE op audit"
    engine = app.state.engine
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement.replace("kaart_dienst", "CURRENT_USER")))
        connection.execute(text("ALTER TABLE audit DISABLE TRIGGER audit_alleen_toevoegen"))
    for attack in ("UPDATE audit SET actie = 'vervalst'", "DELETE FROM audit",
                   "TRUNCATE audit"):
        with pytest.raises(DBAPIError, match="permission denied|toegang geweigerd"):
            with engine.begin() as connection:
                connection.execute(text(attack))
    with app.state.sessionmaker() as session:  # appending still works
        audit.record(session, None, "geweigerd", pad="/na-revoke")
        assert verify_chain(session).intact
