"""Browser fixtures: the real app under uvicorn on 127.0.0.1 (a free port) against a tmp
werkmap with finished outputs and test users, and headless Debian Chromium via playwright.

No network: every request that is not to the test server (or file:/data:/blob:) is aborted.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests" / "maps"))

from kaart_testdata import build_test_werkmap  # noqa: E402

CHROMIUM = os.environ.get("KAART_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PASSWORD = "een-lang-testwachtwoord"
BROWSER_USERS = {
    "vaals": ("gemeente", "Gemeente Vaals", ["GM0981"]),
    "analist": ("analist", "RIEC Limburg", ["GM0981", "GM1729"]),
    "beheerder": ("beheerder", "Gemeente Vaals", ["GM0981"]),
}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"Chromium ontbreekt ({CHROMIUM}); installeer het Debian-pakket "
                                   "'chromium' voor de browsertests.")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def browser_werkmap(tmp_path_factory):
    return build_test_werkmap(tmp_path_factory.mktemp("browser") / "werkmap")


@pytest.fixture(scope="session")
def server_database(tmp_path_factory) -> str:
    """The URL of the test server's SQLite database (tests may add tokens to it)."""
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'kaart.db'}"


@pytest.fixture(scope="session")
def server(browser_werkmap, server_database, tmp_path_factory):
    """Base URL of the real app served by uvicorn (users created beforehand)."""
    from api.app import create_app
    from api.settings import Settings
    from api.users import add_user, ensure_organisation

    env = {**os.environ, "KAART_OMGEVING": "test", "KAART_WERKMAP": str(browser_werkmap.root),
           "KAART_DATABASE_URL": server_database,
           "KAART_GEHEIME_SLEUTEL": secrets.token_urlsafe(48),
           "PYTHONPATH": str(ROOT)}
    settings = Settings(omgeving="test", werkmap=browser_werkmap.root,
                        database_url=env["KAART_DATABASE_URL"],
                        geheime_sleutel=env["KAART_GEHEIME_SLEUTEL"])
    app = create_app(settings)
    with app.state.sessionmaker() as session:
        for name, (rol, org, codes) in BROWSER_USERS.items():
            add_user(session, name, PASSWORD, rol, ensure_organisation(session, org, codes))
        session.commit()
    app.state.engine.dispose()
    with run_uvicorn(env, tmp_path_factory.mktemp("log") / "uvicorn.log") as base:
        yield base


@contextmanager
def run_uvicorn(env: dict[str, str], log_path: Path):
    """The app under uvicorn on a free 127.0.0.1 port (``env`` configures it); yields the
    base URL and stops the process afterwards."""
    port = _free_port()
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host",
         "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn stopte (code {process.returncode}); zie {log.name}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.terminate()
        raise RuntimeError("uvicorn startte niet binnen 30 s")
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def serve_werkmap(werkmap_root: Path, users: dict[str, tuple[str, str, list[str]]],
                  tmp_path_factory, label: str):
    """The real app under uvicorn on ``werkmap_root`` with ``users`` (name → role,
    organisation, gemeente codes) and no tile background (no outside requests); yields the
    base URL."""
    from api.app import create_app
    from api.settings import Settings
    from api.users import add_user, ensure_organisation

    database = tmp_path_factory.mktemp(f"{label}-db") / "kaart.db"
    env = {**os.environ, "KAART_OMGEVING": "test", "KAART_WERKMAP": str(werkmap_root),
           "KAART_DATABASE_URL": f"sqlite:///{database}",
           "KAART_GEHEIME_SLEUTEL": secrets.token_urlsafe(48), "PYTHONPATH": str(ROOT),
           # the PDOK default and its CSP are tested in tests/browser/test_achtergrond.py
           "KAART_ACHTERGROND_URL": ""}
    app = create_app(Settings(omgeving="test", werkmap=werkmap_root,
                              database_url=env["KAART_DATABASE_URL"],
                              geheime_sleutel=env["KAART_GEHEIME_SLEUTEL"]))
    with app.state.sessionmaker() as session:
        for name, (rol, org, codes) in users.items():
            add_user(session, name, PASSWORD, rol, ensure_organisation(session, org, codes))
        session.commit()
    app.state.engine.dispose()
    with run_uvicorn(env, tmp_path_factory.mktemp(f"{label}-log") / "uvicorn.log") as base:
        yield base


def block_network(page, allowed: tuple[str, ...]) -> list[str]:
    """Abort every request whose URL does not start with one of ``allowed``; return them."""
    blocked: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(allowed):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", handle)
    return blocked


@pytest.fixture(scope="session")
def sessions(browser, server):
    """Storage state (session cookie) per user, logged in once through the real form."""
    states: dict[str, dict] = {}

    def state(name: str) -> dict:
        if name not in states:
            context = browser.new_context()
            page = context.new_page()
            block_network(page, (server,))
            login(page, server, name)
            states[name] = context.storage_state()
            context.close()
        return states[name]

    return state


@pytest.fixture
def new_page(browser, server, sessions):
    """A fresh context + page (viewport 1400×900) that may only talk to the test server;
    ``user=`` starts it logged in as that test user."""
    contexts = []

    def make(accept_downloads: bool = False, user: str | None = None):
        context = browser.new_context(viewport={"width": 1400, "height": 900},
                                      accept_downloads=accept_downloads, locale="nl-NL",
                                      storage_state=sessions(user) if user else None)
        contexts.append(context)
        page = context.new_page()
        page.blocked = block_network(page, (server, "data:", "blob:"))
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


def login(page, server: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{server}/")
    assert "/inloggen" in page.url
    page.fill("#gebruikersnaam", name)
    page.fill("#wachtwoord", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
