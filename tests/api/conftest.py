"""API fixtures: outputs + catalog (session-wide), a fresh database per test (SQLite, and
PostgreSQL when ``KAART_TEST_POSTGRES_URL`` is set; each test gets its own schema), the app,
users of every role with tokens, and a TestClient."""

from __future__ import annotations

import os
import uuid

import pytest
from api_testdata import PASSWORD, USERS, build_werkmap
from fastapi.testclient import TestClient

from geo.paths import Werkmap


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """Real argon2id, with test-sized cost (the default costs ~0.3 s per hash here)."""
    from argon2 import PasswordHasher

    import api.auth

    monkeypatch.setattr(api.auth, "_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session")
def outputs(tmp_path_factory) -> Werkmap:
    """One werkmap with every test map (read-only for tests)."""
    return build_werkmap(tmp_path_factory.mktemp("kaartwerkmap"))


def _postgres_url() -> str | None:
    return os.environ.get("KAART_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A fresh database per test: a SQLite file, or a new schema on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kaart.db'}"
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
                    geheime_sleutel="test-sleutel-" + "x" * 32)


@pytest.fixture
def app(settings):
    from api.app import create_app

    return create_app(settings)


@pytest.fixture
def tokens(app) -> dict[str, str]:
    """Every user of :data:`USERS` with an API token."""
    from api.users import add_user, create_token, ensure_organisation

    result = {}
    with app.state.sessionmaker() as session:
        for name, (rol, org, codes, vertrouwelijk) in USERS.items():
            organisation = ensure_organisation(session, org, codes)
            user = add_user(session, name, PASSWORD, rol, organisation,
                            vertrouwelijk=vertrouwelijk)
            result[name] = create_token(session, user, "test")
        session.commit()
    return result


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client
