"""Issue 11.5 — deleting the database while the server runs is detected, loudly.

/gezond and logins answer 503, nothing is written to the deleted file, and a restart
refuses to create an empty database where one existed.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil

import pytest
from api_testdata import PASSWORD, form_token
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from api.app import create_app
from api.db.guard import DatabaseLostError
from api.settings import Settings
from kaart.cli import app as cli


@pytest.fixture
def werkmap_app(tmp_path, sqlite_template, monkeypatch):
    """An app on the werkmap's own kaart.db (as ``kaart server`` runs it), users included."""
    monkeypatch.delenv("KAART_DATABASE_URL", raising=False)
    root = tmp_path / "werkmap"
    root.mkdir()
    shutil.copyfile(sqlite_template[0], root / "kaart.db")
    settings = Settings(werkmap=root, geheime_sleutel=secrets.token_urlsafe(48))
    return create_app(settings), settings, root


def _login(client):
    return client.post("/inloggen", data={"gebruikersnaam": "analist_mh", "wachtwoord": PASSWORD,
                                          "csrf_token": form_token(client)},
                       follow_redirects=False)


def _sizes(fds):
    return [os.fstat(fd).st_size for fd in fds]


def test_deleted_database_gives_503_and_nothing_is_written(werkmap_app, caplog):
    app, _, root = werkmap_app
    with TestClient(app) as client:
        assert client.get("/api/v1/gezond").status_code == 200
        files = [root / "kaart.db", root / "kaart.db-wal"]
        fds = [os.open(f, os.O_RDONLY) for f in files if f.exists()]
        try:
            for f in root.glob("kaart.db*"):
                f.unlink()
            before = _sizes(fds)
            with caplog.at_level(logging.ERROR, logger="kaart.database"):
                health = client.get("/api/v1/gezond")
                login = _login(client)
            assert health.status_code == 503
            assert health.json()["code"] == "database_kwijt"
            assert login.status_code == 503
            assert "verwijderd of vervangen" in login.json()["detail"]
            assert any("Database kwijt" in r.getMessage() for r in caplog.records)
            assert _sizes(fds) == before  # nothing written into the deleted file
            assert not (root / "kaart.db").exists()  # and no new empty one
        finally:
            for fd in fds:
                os.close(fd)


def test_replaced_database_gives_503(werkmap_app, tmp_path):
    app, _, root = werkmap_app
    with TestClient(app) as client:
        assert client.get("/api/v1/gezond").status_code == 200
        shutil.copyfile(root / "kaart.db", tmp_path / "kopie.db")
        os.replace(tmp_path / "kopie.db", root / "kaart.db")  # another file, same name
        assert client.get("/api/v1/gezond").status_code == 503


def test_restart_refuses_to_create_an_empty_database(werkmap_app, monkeypatch):
    app, settings, root = werkmap_app
    app.state.engine.dispose()
    for f in root.glob("kaart.db*"):
        f.unlink()
    with pytest.raises(DatabaseLostError, match="geen lege nieuwe database"):
        create_app(settings)
    assert not (root / "kaart.db").exists()
    result = CliRunner().invoke(cli, ["gebruiker", "lijst", "--werkmap", str(root), "--json"])
    assert result.exit_code == 69 and "database_kwijt" in result.stdout
    assert not (root / "kaart.db").exists()


def test_first_start_still_creates_a_database(tmp_path, monkeypatch):
    monkeypatch.delenv("KAART_DATABASE_URL", raising=False)
    app = create_app(Settings(werkmap=tmp_path / "nieuw",
                              geheime_sleutel=secrets.token_urlsafe(48)))
    with TestClient(app) as client:
        assert client.get("/api/v1/gezond").json()["database"] is True


@pytest.mark.postgres
def test_dropped_postgres_tables_give_503(app, client, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("alleen PostgreSQL")
    assert client.get("/api/v1/gezond").status_code == 200
    with app.state.engine.begin() as connection:  # someone recreates the schema empty
        connection.execute(text("DROP TABLE audit CASCADE"))
        connection.execute(text("CREATE TABLE audit (id integer primary key)"))
    assert client.get("/api/v1/gezond").status_code == 503
