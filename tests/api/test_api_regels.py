"""The JSON API follows the NL API Design Rules 2.1 (issue 14 item 10).

Versioned base path ``/api/v1`` (old unversioned paths are gone: 404), ``API-Version`` on
every response, the OpenAPI document at ``/api/v1/openapi.json`` with ``info.contact`` and a
semver version, and Spectral with ``tools/spectral/adr.yaml`` finds 0 errors in it. In CI
(``CI=true``) a missing Spectral fails the test instead of skipping it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from api_testdata import MAPS, auth

from api.openapi import API_VERSION
from api.urls import API_BASE, OPENAPI_PATH, api_path

ROOT = Path(__file__).resolve().parents[2]
SPECTRAL_DIR = ROOT / "tools" / "spectral"
KAART = MAPS["vaals_gel"].kaart_id
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


@pytest.fixture
def database_url(sqlite_url):
    """The rules do not depend on the database kind: SQLite only."""
    return sqlite_url


def test_api_path_is_the_one_place_for_the_base():
    assert API_BASE == "/api/v1" and OPENAPI_PATH == "/api/v1/openapi.json"
    assert api_path("/kaarten") == "/api/v1/kaarten" == api_path("kaarten/")
    assert api_path("/") == "/api/v1"
    assert SEMVER.match(API_VERSION) and API_VERSION.split(".")[0] == API_BASE[-1]


def test_viewer_javascript_uses_the_same_base():
    script = (ROOT / "maps" / "assets" / "api.js").read_text(encoding="utf-8")
    assert f'var KAART_API_BASE = "{API_BASE}";' in script
    from maps.assets import MAP_JS

    assert ("kaart_api_js", "api.js") in MAP_JS  # on every map, before the viewer's scripts


def test_version_header_on_every_kind_of_response(client, tokens):
    headers = auth(tokens["gemeente_vaals"])
    answers = {
        "json": client.get(api_path("/kaarten"), headers=headers),
        "fout": client.get(api_path("/kaarten/bestaat-niet"), headers=headers),
        "anoniem": client.get(api_path("/ik")),
        "tegel": client.get(f"/tiles/{KAART}/14/8450/5480.png", headers=headers),
        "pagina": client.get("/inloggen"),
        "openapi": client.get(OPENAPI_PATH),
        "onbekend": client.get("/bestaat/niet"),
    }
    assert answers["json"].status_code == 200 and answers["fout"].status_code == 404
    assert answers["anoniem"].status_code == 401
    for kind, response in answers.items():
        assert response.headers.get("API-Version") == API_VERSION, kind


@pytest.mark.parametrize("old", ["/kaarten", "/gezond", "/ik", f"/objecten/{KAART}",
                                 "/beheer/gebruikers", "/planning/plannen", "/openapi.json"])
def test_old_unversioned_paths_are_gone(client, tokens, old):
    response = client.get(old, headers=auth(tokens["analist_mh"]), follow_redirects=False)
    assert response.status_code == 404, old
    assert client.get(API_BASE + old, headers=auth(tokens["analist_mh"])).status_code != 404


def test_errors_are_rfc9457_problems_in_dutch(client, tokens):
    headers = auth(tokens["analist_mh"])
    missing = client.get(api_path("/kaarten/bestaat-niet"), headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json() == {
        "type": "urn:kaart:probleem:niet_gevonden", "title": "Niet gevonden", "status": 404,
        "detail": missing.json()["detail"], "instance": "/api/v1/kaarten/bestaat-niet",
        "code": "niet_gevonden", "kaart_id": "bestaat-niet"}
    assert "bestaat-niet" in missing.json()["detail"]
    invalid = client.get(api_path(f"/punt/{KAART}"), params={"lon": "oost"}, headers=headers)
    assert invalid.status_code == 400  # /core/error-handling/invalid-input (not 422)
    body = invalid.json()
    assert body["title"] == "Ongeldig verzoek" and body["status"] == 400
    assert {(e["in"], e["location"]) for e in body["errors"]} == {("query", "lon"),
                                                                   ("query", "lat")}
    assert "'lon': verwacht een getal, gevonden 'oost'" in body["detail"]
    assert "Input should" not in invalid.text  # pydantic's English never reaches the user


def test_unhandled_error_is_a_problem_with_the_version_header(settings):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(**{**settings.model_dump(), "migreer": False}))

    @app.get("/api/v1/kapot")
    def broken():
        raise RuntimeError("/geheim/pad kapot")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/kapot")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["API-Version"] == API_VERSION
    assert response.json()["title"] == "Interne fout" and "/geheim" not in response.text


def test_invalid_body_is_400_without_echoing_the_value(client, tokens):
    secret = "kort-geheim"
    response = client.post(api_path("/beheer/gebruikers"),
                           json={"gebruikersnaam": "x" * 300, "wachtwoord": secret,
                                 "rol": "koning"},
                           headers=auth(tokens["beheerder_vaals"]))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert secret not in response.text and "koning" not in response.text
    assert {e["location"] for e in response.json()["errors"]} >= {"gebruikersnaam", "rol"}


def test_published_document_is_only_the_api(client):
    response = client.get(OPENAPI_PATH)  # no login (/core/publish-openapi)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # readable from other sites
    assert "Access-Control-Allow-Origin" not in client.get(api_path("/kaarten")).headers
    document = response.json()
    assert document["servers"] == [{"url": API_BASE, "description": "Deze kaartdienst"}]
    assert document["info"]["version"] == API_VERSION
    assert set(document["info"]["contact"]) == {"name", "email", "url"}
    paths = set(document["paths"])
    assert {"/kaarten", "/kaarten/{kaart_id}", "/objecten/{kaart_id}", "/punt/{kaart_id}",
            "/gezond", "/ik", "/beheer/gebruikers", "/planning/plannen"} <= paths
    assert not any(p.startswith(("/tiles", "/api", "/inloggen", "/static")) for p in paths)
    assert not any(p.endswith("/") for p in paths)
    for item in document["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if status.startswith(("2", "3")):
                    assert "API-Version" in response["headers"], status
                else:
                    assert list(response["content"]) == ["application/problem+json"], status


def test_contact_comes_from_the_settings(settings):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    own = Settings(**{**settings.model_dump(), "migreer": False,
                      "api_contact_naam": "Team Kaart", "api_contact_email": "kaart@vaals.nl",
                      "api_contact_url": "https://kaart.vaals.nl"})
    with TestClient(create_app(own)) as client:
        contact = client.get(OPENAPI_PATH).json()["info"]["contact"]
    assert contact == {"name": "Team Kaart", "email": "kaart@vaals.nl",
                       "url": "https://kaart.vaals.nl"}


def _spectral() -> str | None:
    local = SPECTRAL_DIR / "node_modules" / ".bin" / "spectral"
    return str(local) if local.exists() else shutil.which("spectral")


def _lint(document: dict, tmp_path: Path) -> tuple[int, list[dict]]:
    spectral = _spectral()
    if spectral is None:
        message = ("Spectral ontbreekt: draai 'npm ci --ignore-scripts' in tools/spectral "
                   "(Debian-pakketten nodejs en npm).")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    target = tmp_path / "openapi.json"
    target.write_text(json.dumps(document), encoding="utf-8")
    result = subprocess.run(
        [spectral, "lint", "--ruleset", str(SPECTRAL_DIR / "adr.yaml"), "--format", "json",
         "--quiet", "--fail-severity", "error", str(target)],
        capture_output=True, text=True, timeout=300, cwd=SPECTRAL_DIR)
    assert result.returncode in (0, 1), result.stderr[-2000:]  # 2: Spectral itself failed
    findings = json.loads(result.stdout or "[]")
    return result.returncode, findings


def test_spectral_finds_no_errors_with_the_adr_ruleset(client, tmp_path):
    returncode, findings = _lint(client.get(OPENAPI_PATH).json(), tmp_path)
    errors = [f"{f['code']}: {'.'.join(map(str, f['path']))}: {f['message']}"
              for f in findings if f["severity"] == 0]
    assert errors == [] and returncode == 0, "\n".join(errors)
    warnings = [f"{f['code']}: {'.'.join(map(str, f['path']))}" for f in findings
                if f["severity"] == 1]
    assert warnings == [], "\n".join(warnings)  # the advice rules too (issue 14 item 10)


def test_spectral_ruleset_catches_the_old_unversioned_api(app, tmp_path):
    """The ruleset is not toothless: FastAPI's own document (no version in the URI, no
    API-Version header, plain JSON errors, no contact) gives many errors."""
    from fastapi.openapi.utils import get_openapi

    full = get_openapi(title="kaart", version="0.1.0", routes=app.routes)
    _returncode, findings = _lint(full, tmp_path)
    codes = {f["code"] for f in findings if f["severity"] == 0}
    assert {"adr:missing-header", "adr:use-problem-schema", "adr:info-contact",
            "adr:problem-invalid-input", "adr:paths-kebab-case"} <= codes, codes
