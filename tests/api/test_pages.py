"""The Dutch web pages (login, start, map, kaartverantwoording, static files) via TestClient."""

from __future__ import annotations

import re
import secrets
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "maps"))

from kaart_testdata import build_test_werkmap  # noqa: E402

PASSWORD = "een-lang-testwachtwoord"
PAGE_USERS = {
    "vaals": ("gemeente", "Gemeente Vaals", ["GM0981"]),
    "analist": ("analist", "RIEC Limburg", ["GM0981", "GM1729"]),
}


@pytest.fixture(scope="module")
def page_werkmap(tmp_path_factory):
    return build_test_werkmap(tmp_path_factory.mktemp("paginas") / "werkmap")


@pytest.fixture
def page_app(page_werkmap, tmp_path):
    from api.app import create_app
    from api.settings import Settings
    from api.users import add_user, ensure_organisation

    settings = Settings(omgeving="test", werkmap=page_werkmap.root,
                        database_url=f"sqlite:///{tmp_path / 'kaart.db'}",
                        geheime_sleutel=secrets.token_urlsafe(48))
    app = create_app(settings)
    with app.state.sessionmaker() as session:
        for name, (rol, org, codes) in PAGE_USERS.items():
            add_user(session, name, PASSWORD, rol, ensure_organisation(session, org, codes))
        session.commit()
    return app


def _client(app) -> TestClient:
    return TestClient(app, follow_redirects=False)


def login(client: TestClient, name: str, password: str = PASSWORD, volgende: str = "/"):
    form = client.get("/inloggen").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    return client.post("/inloggen", data={"gebruikersnaam": name, "wachtwoord": password,
                                          "csrf_token": token, "volgende": volgende})


def test_pages_redirect_to_login_with_next(page_app):
    client = _client(page_app)
    for path in ("/", "/gebied/GM0981?kaart=x", "/verantwoording/GM0981-gelegenheid-totaal"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/inloggen?volgende=%2F")


def test_login_page_is_dutch_and_has_csrf(page_app):
    html = _client(page_app).get("/inloggen").text
    assert '<html lang="nl">' in html and "Gebruikersnaam" in html and "Wachtwoord" in html
    assert re.search(r'name="csrf_token" value="[^"]{20,}"', html)
    assert 'href="/static/site.css"' in html


def test_wrong_password_shows_dutch_message(page_app):
    client = _client(page_app)
    response = login(client, "vaals", "fout-wachtwoord-123")
    assert response.headers["location"] == "/inloggen?fout=1"
    assert "Onjuiste gebruikersnaam of wachtwoord." in client.get("/inloggen?fout=1").text


def test_gemeente_user_sees_only_own_public_maps(page_app):
    client = _client(page_app)
    assert login(client, "vaals", volgende="/").headers["location"] == "/"
    html = client.get("/").text
    assert "Vaals" in html and "Gulpen-Wittem" not in html
    assert "Gelegenheidskaart — totaal" in html and "Risicokaart" not in html
    assert "synthetische demodata" in html
    assert "/api/v1/download/GM0981-gelegenheid-totaal/objecten" in html


def test_map_page_uses_tiles_local_assets_and_no_confidential_layers(page_app):
    client = _client(page_app)
    login(client, "vaals")
    response = client.get("/gebied/GM0981")
    assert response.status_code == 200
    html = response.text
    assert "/tiles/GM0981-gelegenheid-totaal/{z}/{x}/{y}.png" in html
    assert ' src="/static/maps/leaflet.js"></script>' in html  # with the CSP nonce
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "bootstrap" not in html
    assert "GM0981-risico" not in html and "GM0981-gecombineerd" not in html
    assert "Risicokaart" not in html and "Vertrouwelijk" not in html
    assert "Datum: 20-11-2026" in html
    asked = client.get("/gebied/GM0981?kaart=GM0981-risico-totaal").text
    assert "GM0981-risico" not in asked and "Risicokaart" not in asked


@pytest.mark.parametrize("path", ["/gebied/GM1729", "/gebied/GM9999",
                                  "/verantwoording/GM0981-risico-totaal",
                                  "/verantwoording/GM1729-gelegenheid-totaal",
                                  "/verantwoording/bestaat-niet"])
def test_gemeente_user_gets_the_same_404_for_foreign_and_unknown(page_app, path):
    client = _client(page_app)
    login(client, "vaals")
    response = client.get(path)
    assert response.status_code == 404
    assert "bestaat niet of is niet voor jou zichtbaar" in response.text


def test_gemeente_user_cannot_fetch_foreign_tiles(page_app):
    client = _client(page_app)
    login(client, "vaals")
    assert client.get("/tiles/GM1729-gelegenheid-totaal/12/2110/1375.png").status_code == 404
    assert client.get("/tiles/GM0981-risico-totaal/12/2116/1376.png").status_code == 404


def test_analist_sees_confidential_layers_and_can_choose_kaart(page_app):
    client = _client(page_app)
    login(client, "analist")
    assert "Gulpen-Wittem" in client.get("/").text
    html = client.get("/gebied/GM0981?kaart=GM0981-risico-totaal").text
    assert "/tiles/GM0981-risico-totaal/{z}/{x}/{y}.png" in html
    assert '<option value="GM0981-risico-totaal" selected>' in html
    assert "vertrouwelijk" in html


def test_verantwoording_page_is_readable_dutch(page_app):
    client = _client(page_app)
    login(client, "vaals")
    html = client.get("/verantwoording/GM0981-gelegenheid-totaal").text
    for text in ("Kaartverantwoording", "Bronnen", "bedrijventerreinen", "19-11-2026",
                 "Indicatoren en gewichten — Bedrijventerreinen", "Afstand tot snelweg-afrit",
                 "geen kenmerken (score 0) · zeer laag (score &gt; 0) ≤ 0,2 &lt; laag",
                 "Rekenraster", "125 m",
                 "Synthetische demodata — geen echte gegevens"):
        assert text in html, text
    assert "/srv/werkmap" not in html  # no server paths, only file names


def test_static_files_and_path_traversal(page_app):
    client = _client(page_app)
    response = client.get("/static/maps/leaflet.js")
    assert response.status_code == 200 and "Leaflet" in response.text[:400]
    assert client.get("/static/maps/images/layers.png").headers["content-type"] == "image/png"
    assert client.get("/static/site.css").status_code == 200
    for bad in ("/static/maps/..%2Foutputs.py", "/static/maps/vendor/../../builder.py",
                "/static/..%2Fapp.py", "/static/maps/geen.js"):
        assert client.get(bad).status_code == 404, bad


def test_evaluation_only_for_users_who_may_see_confidential_maps(page_app):
    analist = _client(page_app)
    login(analist, "analist")
    html = analist.get("/verantwoording/GM0981-gelegenheid-totaal").text
    assert "<h2>Evaluatie</h2>" in html and "trefkans" in html and "0,42" in html
    gemeente = _client(page_app)
    login(gemeente, "vaals")
    html = gemeente.get("/verantwoording/GM0981-gelegenheid-totaal").text
    assert "Evaluatie" not in html and "trefkans" not in html


def test_logout_needs_csrf_and_ends_the_session(page_app):
    client = _client(page_app)
    login(client, "vaals")
    html = client.get("/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert client.post("/uitloggen", data={}).status_code == 403
    response = client.post("/uitloggen", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/inloggen"
    assert client.get("/").status_code == 303
