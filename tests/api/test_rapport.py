"""Report download, versions and changes over the API: authorised (api.authz) and audited.

The werkmap is the tiny synthetic Vaals run with two versions and a known change
(tests/services/report_data.py), registered in the catalog by the real run writer.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from api_testdata import auth

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

from report_data import build_v1, make_v2  # noqa: E402

from api import audit  # noqa: E402

KAART = "GM0981-gelegenheid-totaal"


@pytest.fixture(scope="module")
def roles_and_werkmap(tmp_path_factory):
    werkmap = build_v1(tmp_path_factory.mktemp("apirapport") / "wm")
    return make_v2(werkmap), werkmap


@pytest.fixture
def outputs(roles_and_werkmap):
    return roles_and_werkmap[1]


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


def _actions(app, actie):
    with app.state.sessionmaker() as session:
        return [audit.as_dict(r) for r in audit.query(session, actie=actie)]


def test_report_pdf_download_is_audited(client, tokens, app, tmp_path):
    response = client.get(f"/api/v1/kaarten/{KAART}/rapport.pdf",
                          headers=auth(tokens["gemeente_vaals"]))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="rapport-GM0981-v2.pdf"' in response.headers["content-disposition"]
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Informatiebeeld ondermijning" in text and "Risicokaart" not in text
    (record,) = _actions(app, "rapport")
    assert record["gebruiker"] == "gemeente_vaals" and record["kaart_id"] == KAART
    assert record["details"]["versie"] == 2 and record["details"]["risico"] is False


def test_risico_needs_the_confidential_right(client, tokens, app):
    denied = client.get(f"/api/v1/kaarten/{KAART}/rapport.pdf", params={"risico": "true"},
                        headers=auth(tokens["gemeente_vaals"]))
    assert denied.status_code == 403 and "vertrouwelijke" in denied.json()["detail"]
    allowed = client.get(f"/api/v1/kaarten/{KAART}/rapport.pdf", params={"risico": "true"},
                         headers=auth(tokens["analist_mh"]))
    assert allowed.status_code == 200
    assert [r["gebruiker"] for r in _actions(app, "rapport")] == ["analist_mh"]


def test_other_gemeente_gets_404(client, tokens):
    for path in ("rapport.pdf", "versies", "veranderingen"):
        response = client.get(f"/api/v1/kaarten/{KAART}/{path}",
                              headers=auth(tokens["gemeente_heerlen"]))
        assert response.status_code == 404


def test_versions_and_changes(client, tokens, roles_and_werkmap):
    roles, _ = roles_and_werkmap
    headers = auth(tokens["gemeente_vaals"])
    versions = client.get(f"/api/v1/kaarten/{KAART}/versies", headers=headers).json()
    assert [v["versie"] for v in versions] == [1, 2] and versions[0]["synthetisch"] is True
    body = client.get(f"/api/v1/kaarten/{KAART}/veranderingen", headers=headers).json()
    assert (body["van"], body["naar"]) == (1, 2)
    listed = {(r["thema"], r["id"]): r["verandering"] for r in body["veranderd"]}
    assert listed == {roles["UP"]: "omhoog", roles["DOWN"]: "omlaag",
                      roles["GONE"]: "verdwenen", roles["NEW"]: "nieuw"}
    missing = client.get(f"/api/v1/kaarten/{KAART}/veranderingen", params={"van": 5},
                         headers=headers)
    assert missing.status_code == 404 and "v5" in missing.json()["detail"]


def test_viewer_links_the_report_and_the_session_downloads_it(app, tokens, tmp_path):
    """The map page offers 'Rapport (PDF)'; with the browser session (cookie, no token) the
    link gives the PDF, recorded in the audit log."""
    import re

    from api_testdata import PASSWORD
    from fastapi.testclient import TestClient

    client = TestClient(app, follow_redirects=False)
    form = client.get("/inloggen").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    client.post("/inloggen", data={"gebruikersnaam": "gemeente_vaals", "wachtwoord": PASSWORD,
                                   "csrf_token": token, "volgende": "/"})
    page = client.get("/gebied/GM0981").text
    link = re.search(r'href="([^"]+/rapport\.pdf)"[^>]*>Rapport \(PDF\)', page).group(1)
    assert link == f"/api/v1/kaarten/{KAART}/rapport.pdf"
    response = client.get(link)
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    assert [r["gebruiker"] for r in _actions(app, "rapport")] == ["gemeente_vaals"]

