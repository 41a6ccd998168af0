"""API fixtures: outputs + catalog (session-wide), a fresh database per test (SQLite, and
PostgreSQL when ``KAART_TEST_POSTGRES_URL`` is set; each test gets its own schema), the app,
users of every role with tokens, and a TestClient."""

from __future__ import annotations

import os
import secrets
import shutil
import uuid

import pytest
from api_testdata import PASSWORD, USERS, build_werkmap
from fastapi.testclient import TestClient

from geo.paths import Werkmap


def _cheap_hasher():
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """Real argon2id, with test-sized cost (the default costs ~0.3 s per hash here)."""
    import api.auth

    monkeypatch.setattr(api.auth, "_HASHER", _cheap_hasher())


def _add_users(sessionmaker) -> dict[str, str]:
    from api.users import add_user, create_token, ensure_organisation

    result = {}
    with sessionmaker() as session:
        for name, (rol, org, codes, vertrouwelijk) in USERS.items():
            organisation = ensure_organisation(session, org, codes)
            user = add_user(session, name, PASSWORD, rol, organisation,
                            vertrouwelijk=vertrouwelijk)
            result[name] = create_token(session, user, "test")
        session.commit()
    return result


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> tuple[str, dict[str, str]]:
    """A migrated SQLite database with every user of :data:`USERS` (built once, copied per
    test: migrating and hashing per test would dominate the run time)."""
    import api.auth
    from api.db.session import open_database

    path = tmp_path_factory.mktemp("db") / "template.db"
    original, api.auth._HASHER = api.auth._HASHER, _cheap_hasher()
    try:
        engine, sessionmaker = open_database(f"sqlite:///{path}")
        tokens = _add_users(sessionmaker)
        engine.dispose()
    finally:
        api.auth._HASHER = original
    return str(path), tokens


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template) -> str:
    """A fresh copy of the template database (users included)."""
    target = tmp_path / "kaart.db"
    shutil.copyfile(sqlite_template[0], target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def outputs(tmp_path_factory) -> Werkmap:
    """One werkmap with every test map (read-only for tests)."""
    return build_werkmap(tmp_path_factory.mktemp("kaartwerkmap"))


def _postgres_url() -> str | None:
    return os.environ.get("KAART_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request):
    """A fresh database per test: a SQLite file, or a new schema on PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_url")
        return
    url = _postgres_url()
    if not url:
        pytest.skip("KAART_TEST_POSTGRES_URL is niet gezet")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    yield f"{url}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def settings(outputs, database_url):
    from api.settings import Settings

    return Settings(omgeving="test", werkmap=outputs.root, database_url=database_url,
                    geheime_sleutel=secrets.token_urlsafe(48))


@pytest.fixture
def app(settings):
    from api.app import create_app

    return create_app(settings)


@pytest.fixture
def tokens(app, request) -> dict[str, str]:
    """Every user of :data:`USERS` with an API token (from the template when copied)."""
    from sqlalchemy import func, select

    from api.db.models import Gebruiker

    with app.state.sessionmaker() as session:
        existing = session.scalar(select(func.count()).select_from(Gebruiker))
    if existing:
        return dict(request.getfixturevalue("sqlite_template")[1])
    return _add_users(app.state.sessionmaker)


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client
