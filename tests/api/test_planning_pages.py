"""The planner page /planning via TestClient on a real SQLite database: roles, CSRF, making a
plan through services.plans, downloads, outcomes all-or-nothing, audit, escaping.
Objects are SYNTHETIC (geo.planning.synthetic), one with a hostile name."""

from __future__ import annotations

import re
import secrets

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.planning.synthetic import synthetic_objects, write_synthetic_run

PASSWORD = "een-lang-testwachtwoord"
REGIO = "Maastricht-Heuvelland"
HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module")
def plan_werkmap(tmp_path_factory):
    werkmap = Werkmap.open(tmp_path_factory.mktemp("planpagina") / "wm")
    area = select_area(regio=REGIO)
    objects = synthetic_objects(area.gemeenten, 200, seed=2)
    objects.loc[objects["score"].idxmax(), "naam"] = HOSTILE
    write_synthetic_run(werkmap, area.id, objects)
    return werkmap


@pytest.fixture
def app(plan_werkmap, tmp_path):
    from api.app import create_app
    from api.settings import Settings
    from api.users import add_user, ensure_organisation

    codes = select_area(regio=REGIO).codes
    parkstad = select_area(regio="Parkstad").codes
    settings = Settings(omgeving="test", werkmap=plan_werkmap.root,
                        database_url=f"sqlite:///{tmp_path / 'kaart.db'}",
                        geheime_sleutel=secrets.token_urlsafe(48))
    app = create_app(settings)
    with app.state.sessionmaker() as session:
        for name, rol, org, org_codes in (
                ("planner", "planner", "ACT Maastricht-Heuvelland", codes),
                ("vaals", "gemeente", "Gemeente Vaals", ["GM0981"]),
                ("parkstad", "analist", "RIEC Parkstad", parkstad)):
            add_user(session, name, PASSWORD, rol, ensure_organisation(session, org, org_codes))
        session.commit()
    return app


def login(app, name: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/inloggen").text)[1]
    response = client.post("/inloggen", data={"gebruikersnaam": name, "wachtwoord": PASSWORD,
                                              "csrf_token": token, "volgende": "/"})
    assert response.status_code == 303
    return client


def csrf(client: TestClient, path: str = "/planning") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)[1]


def make_plan(client: TestClient, **extra) -> str:
    form = {"gebied": f"regio:{REGIO}", "aantal": "8", "teams": "2", "dagen": "1",
            "datum": "2026-12-07", "starttijd": "08:00", "eindtijd": "17:00",
            "csrf_token": csrf(client), **extra}
    response = client.post("/planning", data=form)
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith("/planning/plan/")
    return response.headers["location"].rsplit("/", 1)[1]


def audit_actions(app) -> list[str]:
    from api.db.models import AuditRegel as Audit

    with app.state.sessionmaker() as session:
        return [a.actie for a in session.scalars(select(Audit).order_by(Audit.id))]


def test_guests_log_in_and_other_roles_are_refused(app):
    guest = TestClient(app, follow_redirects=False)
    response = guest.get("/planning")
    assert response.status_code == 303 and response.headers["location"].startswith("/inloggen")
    vaals = login(app, "vaals")
    response = vaals.get("/planning")
    assert response.status_code == 403
    assert "alleen voor ACT!-planners en RIEC-analisten" in response.text
    assert 'href="/planning"' not in vaals.get("/").text  # no menu item for this role


def test_planner_makes_a_plan_sees_it_and_downloads_briefings(app):
    client = login(app, "planner")
    page = client.get("/planning")
    assert page.status_code == 200
    assert f'value="regio:{REGIO}"' in page.text and 'value="gemeente:GM0981"' in page.text
    assert "Parkstad" not in page.text and "Heerlen" not in page.text
    assert 'href="/planning"' in client.get("/").text
    # without the session's CSRF token nothing is made
    refused = client.post("/planning", data={"gebied": f"regio:{REGIO}", "aantal": "4"})
    assert refused.status_code == 403
    plan_id = make_plan(client)
    page = client.get(f"/planning/plan/{plan_id}")
    assert page.status_code == 200
    text = page.text
    assert "Uitkomsten invoeren" in text and "synthetische demodata" in text
    assert HOSTILE not in text and "&lt;img src=x" in text
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"])[1]
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", text)
    assert scripts and all(f'nonce="{nonce}"' in attrs for attrs in scripts)
    links = re.findall(r'href="([^"]+)" download', text)
    briefings = [u for u in links if "/briefings/" in u]
    assert len(briefings) == 2 and any(u.endswith("/bestanden/xlsx") for u in links)
    for url in briefings:
        pdf = client.get(url)
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
    assert client.get(links[0]).status_code == 200
    assert "plan_gemaakt" in audit_actions(app)
    # another region's analyst sees neither the page nor the files
    other = login(app, "parkstad")
    assert other.get(f"/planning/plan/{plan_id}").status_code == 404
    assert other.get(briefings[0]).status_code == 404
    bad = client.post("/planning", data={"gebied": "regio:Parkstad", "aantal": "4",
                                         "teams": "1", "dagen": "1", "datum": "2026-12-07",
                                         "starttijd": "08:00", "eindtijd": "17:00",
                                         "csrf_token": csrf(client)})
    assert bad.status_code == 404 and "niet voor jou zichtbaar" in bad.text
    bad = client.post("/planning", data={"gebied": f"regio:{REGIO}", "aantal": "4",
                                         "teams": "1", "dagen": "1", "datum": "2026-12-07",
                                         "starttijd": "17:00", "eindtijd": "08:00",
                                         "csrf_token": csrf(client)})
    assert bad.status_code == 400 and "eindtijd" in bad.text


def test_outcomes_from_the_form_are_all_or_nothing_and_audited(app):
    from api.db.models_planning import Controle

    client = login(app, "planner")
    plan_id = make_plan(client)
    path = f"/planning/plan/{plan_id}"
    token = csrf(client, path)
    good = {"uitgevoerd-1": "ja", "datum-1": "2026-12-07", "bevindingen-1": "hennep",
            "vervolg-1": "bestuurlijke_maatregel",
            "uitgevoerd-2": "nee", "datum-2": "2026-12-07", "bevindingen-2": "geen",
            "vervolg-2": "geen"}
    wrong = {**good, "datum-2": "7 december"}
    response = client.post(f"{path}/uitkomsten", data={**wrong, "csrf_token": token})
    assert response.status_code == 400
    assert "Niets opgeslagen" in response.text and "7 december" in response.text
    with app.state.sessionmaker() as session:
        assert session.scalars(select(Controle)).all() == []
    response = client.post(f"{path}/uitkomsten", data=good)  # no token
    assert response.status_code == 403
    response = client.post(f"{path}/uitkomsten", data={**good, "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == f"{path}?opgeslagen=2"
    with app.state.sessionmaker() as session:
        stored = session.scalars(select(Controle).order_by(Controle.id)).all()
        assert [(c.uitgevoerd, c.bevindingen, c.plan_id) for c in stored] == [
            (True, "hennep", plan_id), (False, "geen", plan_id)]
        assert all(c.selectiekans is not None for c in stored)
    assert "2 uitkomst(en) opgeslagen" in client.get(f"{path}?opgeslagen=2").text
    assert "uitkomsten_import" in audit_actions(app)
    empty = client.post(f"{path}/uitkomsten", data={"csrf_token": token})
    assert empty.status_code == 400 and "Er is niets ingevuld" in empty.text
