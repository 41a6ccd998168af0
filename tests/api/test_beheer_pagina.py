"""The beheer page /beheer (issue 14 item 7) via TestClient on a real database (SQLite, and
PostgreSQL when KAART_TEST_POSTGRES_URL is set): authorisation matrix (beheerder of its own
organisation yes, other organisation no, every other role a Dutch 403), CSRF, adding a user
with the password policy (Dutch errors next to the field), (de)activating, revoking tokens,
the same rules and audit records as the JSON API, last login from the audit log."""

from __future__ import annotations

import re

import pytest
from api_testdata import PASSWORD, USERS, auth, form_token
from fastapi.testclient import TestClient
from sqlalchemy import select

NEW_PW = "Beheer-pagina-wachtwoord-58"  # meets api.passwords


def login(app, name: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    response = client.post("/inloggen", data={"gebruikersnaam": name, "wachtwoord": password,
                                              "csrf_token": form_token(client), "volgende": "/"})
    assert response.status_code == 303
    assert "fout" not in response.headers["location"], (name, response.headers["location"])
    return client


def csrf(client: TestClient) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/beheer").text)[1]


def audit_rows(app) -> list[tuple[str, str]]:
    from api.db.models import AuditRegel

    with app.state.sessionmaker() as session:
        return [(r.actie, r.details or "") for r in
                session.scalars(select(AuditRegel).order_by(AuditRegel.id))]


@pytest.fixture
def heerlen_beheerder(app, tokens):
    """A beheerder of another organisation (Gemeente Heerlen)."""
    from api.users import add_user, ensure_organisation

    with app.state.sessionmaker() as session:
        add_user(session, "beheerder_heerlen", PASSWORD, "beheerder",
                 ensure_organisation(session, "Gemeente Heerlen", ["GM0917"]))
        session.commit()
    return "beheerder_heerlen"


def _table_names(html: str) -> set[str]:
    return set(re.findall(r'<tr data-gebruiker="([^"]+)"', html))


def test_beheer_page_matrix(app, tokens, heerlen_beheerder):
    page = login(app, "beheerder_vaals").get("/beheer")
    assert page.status_code == 200
    assert _table_names(page.text) == {"beheerder_vaals", "gemeente_vaals",
                                       "gemeente_vaals_vertr"}
    assert '<a href="/beheer">Beheer</a>' in page.text
    other = login(app, heerlen_beheerder).get("/beheer")
    assert _table_names(other.text) == {"gemeente_heerlen", "beheerder_heerlen"}
    for name, (rol, *_rest) in USERS.items():
        if rol == "beheerder":
            continue
        client = login(app, name)
        refused = client.get("/beheer")
        assert refused.status_code == 403, name
        assert "Geen toegang" in refused.text and "alleen voor beheerders" in refused.text
        assert 'href="/beheer"' not in client.get("/").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', refused.text)[1]
        posted = client.post("/beheer/actief/gemeente_vaals",
                             data={"csrf_token": token, "actief": "nee"})
        assert posted.status_code == 403, name
    guest = TestClient(app, follow_redirects=False).get("/beheer")
    assert guest.status_code == 303 and guest.headers["location"].startswith("/inloggen")


def test_other_organisation_cannot_touch_users(app, tokens, heerlen_beheerder):
    client = login(app, heerlen_beheerder)
    token = csrf(client)
    for path in ("/beheer/actief/gemeente_vaals",
                 "/beheer/tokens-intrekken/gemeente_vaals"):
        response = client.post(path, data={"csrf_token": token, "actief": "nee"})
        assert response.status_code == 404
        assert "bestaat niet in je organisatie" in response.text
    headers = auth(tokens["beheerder_vaals"])
    assert client.get("/api/v1/ik", headers=auth(tokens["gemeente_vaals"])).status_code == 200
    with app.state.sessionmaker() as session:
        from api.users import get_user

        assert get_user(session, "gemeente_vaals").actief
    api = TestClient(app)
    refused = api.patch("/api/v1/beheer/gebruikers/analist_mh", json={"actief": False},
                        headers=headers)
    assert refused.status_code == 404
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert api.delete("/api/v1/beheer/gebruikers/analist_mh/tokens",
                      headers=headers).status_code == 404


def test_forms_need_the_csrf_token(app, tokens):
    client = login(app, "beheerder_vaals")
    response = client.post("/beheer/actief/gemeente_vaals", data={"actief": "nee"})
    assert response.status_code == 403
    response = client.post("/beheer", data={
        "gebruikersnaam": "zonder_token", "wachtwoord": NEW_PW, "rol": "gemeente"})
    assert response.status_code == 403
    assert _table_names(client.get("/beheer").text) == {
        "beheerder_vaals", "gemeente_vaals", "gemeente_vaals_vertr"}


def test_add_user_with_errors_next_to_the_field(app, tokens):
    client = login(app, "beheerder_vaals")
    token = csrf(client)
    weak = client.post("/beheer", data={
        "csrf_token": token, "gebruikersnaam": "nieuwe_collega", "wachtwoord": "kort",
        "rol": "gemeente"})
    assert weak.status_code == 400
    field = re.search(r'<span class="veld-fout" id="fout-wachtwoord">([^<]+)</span>', weak.text)
    assert field and "minstens 12 tekens" in field[1]
    assert 'value="nieuwe_collega"' in weak.text  # the name stays, the password does not
    assert 'id="wachtwoord"' in weak.text and "kort" not in re.findall(r'value="([^"]*)"',
                                                                         weak.text)
    hostile = client.post("/beheer", data={
        "csrf_token": token, "gebruikersnaam": '<script>x</script>', "wachtwoord": NEW_PW,
        "rol": "gemeente"})
    assert hostile.status_code == 400 and "<script>x" not in hostile.text
    assert re.search(r'id="fout-gebruikersnaam">Gebruikersnaam: 3 tot 100', hostile.text)
    escalate = client.post("/beheer", data={
        "csrf_token": token, "gebruikersnaam": "stiekem", "wachtwoord": NEW_PW, "rol": "analist"})
    assert escalate.status_code == 400 and 'id="fout-rol"' in escalate.text
    done = client.post("/beheer", data={
        "csrf_token": token, "gebruikersnaam": "nieuwe_collega", "wachtwoord": NEW_PW,
        "rol": "beheerder"})
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "Gebruiker nieuwe_collega is toegevoegd." in page.text
    row = re.search(r'<tr data-gebruiker="nieuwe_collega">(.*?)</tr>', page.text, re.S)[1]
    assert "beheerder" in row and "onbekend" in row  # never logged in: unknown
    login(app, "nieuwe_collega", NEW_PW)
    added = [d for a, d in audit_rows(app) if a == "gebruiker_toegevoegd"]
    assert len(added) == 1 and "nieuwe_collega" in added[0] and "pagina" in added[0]
    row = re.search(r'<tr data-gebruiker="nieuwe_collega">(.*?)</tr>',
                    client.get("/beheer").text, re.S)[1]
    assert re.search(r"\d\d-\d\d-\d{4} \d\d:\d\d", row)  # last login now known


def test_deactivate_activate_and_revoke(app, tokens):
    client = login(app, "beheerder_vaals")
    token = csrf(client)
    victim = auth(tokens["gemeente_vaals"])
    api = TestClient(app)
    assert api.get("/api/v1/ik", headers=victim).status_code == 200
    off = client.post("/beheer/actief/gemeente_vaals",
                      data={"csrf_token": token, "actief": "nee"})
    assert off.status_code == 303
    assert "gedeactiveerd" in client.get(off.headers["location"]).text
    assert api.get("/api/v1/ik", headers=victim).status_code == 401
    refused = TestClient(app, follow_redirects=False)
    response = refused.post("/inloggen", data={
        "gebruikersnaam": "gemeente_vaals", "wachtwoord": PASSWORD,
        "csrf_token": form_token(refused), "volgende": "/"})
    assert "fout=1" in response.headers["location"]
    on = client.post("/beheer/actief/gemeente_vaals",
                     data={"csrf_token": token, "actief": "ja"})
    assert on.status_code == 303
    assert api.get("/api/v1/ik", headers=victim).status_code == 200
    revoke = client.post("/beheer/tokens-intrekken/gemeente_vaals",
                         data={"csrf_token": token})
    assert revoke.status_code == 303
    assert "zijn ingetrokken (1)" in client.get(revoke.headers["location"]).text
    assert api.get("/api/v1/ik", headers=victim).status_code == 401
    again = client.post("/beheer/tokens-intrekken/gemeente_vaals",
                        data={"csrf_token": token})
    assert again.status_code == 404 and "heeft geen token" in again.text
    self_off = client.post("/beheer/actief/beheerder_vaals",
                           data={"csrf_token": token, "actief": "nee"})
    assert self_off.status_code == 400 and "jezelf niet deactiveren" in self_off.text
    actions = [(a, d) for a, d in audit_rows(app) if a in (
        "gebruiker_gedeactiveerd", "gebruiker_geactiveerd", "token_ingetrokken")]
    assert [a for a, _ in actions] == ["gebruiker_gedeactiveerd", "gebruiker_geactiveerd",
                                       "token_ingetrokken"]
    assert all("gemeente_vaals" in d and "pagina" in d for _, d in actions)
    assert any(a == "bekeken" and "/beheer" in d for a, d in audit_rows(app))


def test_json_api_activate_and_revoke(app, tokens):
    """The same rules through the JSON API (token of the beheerder, no CSRF needed)."""
    api = TestClient(app)
    headers = auth(tokens["beheerder_vaals"])
    victim = auth(tokens["gemeente_vaals_vertr"])
    response = api.patch("/api/v1/beheer/gebruikers/gemeente_vaals_vertr",
                         json={"actief": False}, headers=headers)
    assert response.status_code == 200 and response.json()["actief"] is False
    assert api.get("/api/v1/ik", headers=victim).status_code == 401
    api.patch("/api/v1/beheer/gebruikers/gemeente_vaals_vertr", json={"actief": True},
              headers=headers)
    revoked = api.delete("/api/v1/beheer/gebruikers/gemeente_vaals_vertr/tokens",
                         headers=headers)
    assert revoked.status_code == 200 and revoked.json()["ingetrokken"] == ["test"]
    assert api.get("/api/v1/ik", headers=victim).status_code == 401
    for_gemeente = api.patch("/api/v1/beheer/gebruikers/gemeente_vaals",
                             json={"actief": False}, headers=auth(tokens["gemeente_vaals"]))
    assert for_gemeente.status_code == 403


def test_last_login_in_dutch_local_time():
    from datetime import UTC, datetime

    from api.routes.beheer_pages import _local

    assert _local(datetime(2026, 12, 7, 1, 0)) == "07-12-2026 02:00"  # naive = UTC (SQLite), CET
    assert _local(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == "02-07-2026 00:30"  # CEST
