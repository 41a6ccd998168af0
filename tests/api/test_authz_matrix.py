"""Generated authorisation matrix: every map route × every user (role, own/other gemeente or
region, with/without grant) × every map. Visible → 200 with content; otherwise 401/403/404
(400 only for invalid parameters) and never content.

Expectations are the hand-written :data:`api_testdata.VISIBLE` table, not the code's rule.
"""

from __future__ import annotations

import re

import pytest
from api_testdata import MAPS, VISIBLE, auth, cell_center
from pyproj import Transformer

from api.tiles import TMS

TO_WGS = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
LON, LAT = TO_WGS.transform(*cell_center(40, 40))
TILE = TMS.tile(LON, LAT, 16)
PATH_VALUES = {"z": str(TILE.z), "x": str(TILE.x), "y": str(TILE.y), "bestand": "verantwoording"}
QUERY = {"lon": LON, "lat": LAT, "thema": "bedrijventerreinen", "id": "bt1"}
OBJECT_ROUTES = ("/api/v1/objecten/{kaart_id}", "/tiles/{kaart_id}/objecten/{z}/{x}/{y}.mvt",
                 "/api/v1/objecten/{kaart_id}/tabel", "/api/v1/objecten/{kaart_id}/download",
                 "/api/v1/objecten/{kaart_id}/popup")
SECRETS = (b"\x89PNG", b"FeatureCollection", b"klassegrenzen", b"GPKG", b"score")


def route_table(app) -> list[tuple[str, set[str]]]:
    """(path, methods) of every route, including those of included routers."""
    table = []
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):  # FastAPI's lazily included routers
            table += [(c.path, set(c.methods or ())) for c in route.effective_route_contexts()]
        elif hasattr(route, "path"):
            table.append((route.path, set(getattr(route, "methods", None) or ())))
    return table


def map_routes(app) -> list[str]:
    """Every GET route that takes a kaart_id or gebied_id (new routes are covered
    automatically, also the pages and planning routers)."""
    paths = [path for path, methods in route_table(app)
             if ("{kaart_id}" in path or "{gebied_id}" in path) and "GET" in methods]
    assert paths, "geen routes met kaart_id gevonden"
    return sorted(paths)


def fill(path: str, kaart_id: str, gebied_id: str = "GM0981") -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "kaart_id":
            return kaart_id
        return gebied_id if name == "gebied_id" else PATH_VALUES.get(name, "1")

    return re.sub(r"\{(\w+)\}", value, path)


@pytest.fixture
def matrix_client(client, tokens):
    return client, tokens


def test_matrix_every_route_role_and_map(app, matrix_client):
    client, tokens = matrix_client
    routes = map_routes(app)
    assert {"/tiles/{kaart_id}/{z}/{x}/{y}.png", "/api/v1/objecten/{kaart_id}",
            "/api/v1/punt/{kaart_id}",
            "/api/v1/kaartverantwoording/{kaart_id}", "/api/v1/download/{kaart_id}/{bestand}",
            "/tiles/{kaart_id}/tilejson.json"} <= set(routes)
    checked = 0
    for user, visible in VISIBLE.items():
        for key, spec in MAPS.items():
            for route in routes:
                url = fill(route, spec.kaart_id, spec.gebied_id)
                response = client.get(url, params=QUERY, headers=auth(tokens[user]),
                                      follow_redirects=False)
                where = f"{user} {route} {spec.kaart_id}"
                if "{gebied_id}" in route:  # an area page: visible if any of its maps is
                    shown = any(MAPS[k].gebied_id == spec.gebied_id for k in visible)
                else:
                    shown = key in visible
                if shown:
                    if route in OBJECT_ROUTES and spec.soort != "gelegenheid":
                        assert response.status_code == 404, where  # no object table
                    elif (route == "/api/v1/kaarten/{kaart_id}/veranderingen"
                          and spec.soort in ("risico", "gecombineerd")):
                        assert response.status_code == 404, where  # no objects to compare
                    else:
                        assert response.status_code == 200, (where, response.text[:200])
                else:
                    assert response.status_code in (400, 401, 403, 404), where
                    assert not any(s in response.content for s in SECRETS), where
                    if response.headers["content-type"].startswith("application/problem+json"):
                        assert response.json()["code"], where
                checked += 1
    assert checked == len(VISIBLE) * len(MAPS) * len(routes)


def test_anonymous_and_bad_tokens_get_nothing(app, client, tokens):
    for route in map_routes(app) + ["/api/v1/kaarten", "/api/v1/gemeenten", "/api/v1/ik"]:
        for headers in ({}, {"Authorization": "Bearer kaart_onzin"},
                        {"Authorization": "Basic YWRtaW46YWRtaW4="}, {"Authorization": "Bearer"}):
            response = client.get(fill(route, MAPS["vaals_gel"].kaart_id), params=QUERY,
                                  headers=headers, follow_redirects=False)
            assert not any(s in response.content for s in SECRETS), (route, headers)
            if response.headers.get("content-type", "").startswith("application/problem+json"):
                if response.status_code == 429 and headers.get("Authorization", "").startswith(
                        "Basic "):  # every route tries admin:admin: the login throttle stops it
                    continue
                assert response.status_code == 401, (route, headers)
                assert response.json()["code"] == "niet_ingelogd"
            else:  # pages send browsers to the login form
                assert response.status_code in (303, 401), (route, headers)
                if response.status_code == 303:
                    assert response.headers["location"].startswith("/inloggen")


def test_catalog_lists_exactly_the_visible_maps(client, tokens):
    for user, visible in VISIBLE.items():
        response = client.get("/api/v1/kaarten", headers=auth(tokens[user]))
        assert response.status_code == 200
        assert {k["kaart_id"] for k in response.json()} == {MAPS[k].kaart_id for k in visible}


def test_gemeenten_are_the_users_own(client, tokens):
    body = client.get("/api/v1/gemeenten", headers=auth(tokens["gemeente_vaals"])).json()
    assert [(g["gemeentecode"], g["gemeentenaam"], g["kaarten"]) for g in body] == [
        ("GM0981", "Vaals", 1)]
    body = client.get("/api/v1/gemeenten", headers=auth(tokens["analist_mh"])).json()
    vaals = next(g for g in body if g["gemeentecode"] == "GM0981")
    assert vaals["kaarten"] == 5 and vaals["regio"] == "Maastricht-Heuvelland"
    assert len(body) == 6


PW = "Matrix-toets-wachtwoord-83"  # meets api.passwords


def test_beheer_only_for_beheerder_and_own_organisation(client, tokens):
    for user in VISIBLE:
        response = client.get("/api/v1/beheer/gebruikers", headers=auth(tokens[user]))
        if user == "beheerder_vaals":
            names = {u["gebruikersnaam"] for u in response.json()}
            assert names == {"beheerder_vaals", "gemeente_vaals", "gemeente_vaals_vertr"}
        else:
            assert response.status_code == 403
    headers = auth(tokens["beheerder_vaals"])
    assert client.delete("/api/v1/beheer/gebruikers/analist_mh", headers=headers).status_code == 404
    new = {"gebruikersnaam": "nieuw_vaals", "wachtwoord": PW, "rol": "gemeente"}
    assert client.post("/api/v1/beheer/gebruikers", json=new, headers=headers).status_code == 201
    escalate = {"gebruikersnaam": "stiekem", "wachtwoord": PW, "rol": "analist"}
    users = "/api/v1/beheer/gebruikers"
    assert client.post(users, json=escalate, headers=headers).status_code == 400
    assert client.delete(f"{users}/nieuw_vaals", headers=headers).status_code == 204


PUBLIC = {"/api/v1/gezond", "/docs", "/docs/oauth2-redirect", "/redoc", "/api/v1/openapi.json",
          "/inloggen"}
"""Routes anyone may call; every other route must refuse an anonymous caller."""


def test_every_route_refuses_anonymous_callers(app, client):
    routes = route_table(app)
    assert len(routes) >= 15
    for path, methods in routes:
        if path in PUBLIC or path.startswith("/static"):
            continue
        url = fill(path, MAPS["vaals_gel"].kaart_id)
        for method in sorted(methods - {"HEAD", "OPTIONS"}):
            response = client.request(method, url, params=QUERY, follow_redirects=False)
            where = f"{method} {path}"
            assert response.status_code in (303, 400, 401, 403, 404, 405), \
                (where, response.status_code)
            if response.status_code == 303:
                assert response.headers["location"].startswith("/inloggen"), where
            assert not any(s in response.content for s in SECRETS), where


ROLE_ONLY = {"/api/v1/beheer/": {"beheerder"}, "/api/v1/planning/": {"planner", "analist"}}
"""Route prefixes reserved for roles (hand-written, from the issue)."""


def test_role_reserved_routes_refuse_other_roles(app, client, tokens):
    from api_testdata import USERS

    checked = 0
    for path, methods in route_table(app):
        prefix = next((p for p in ROLE_ONLY if path.startswith(p)), None)
        if prefix is None or "GET" not in methods or "{" in path:
            continue
        for user, (rol, *_rest) in USERS.items():
            response = client.get(path, headers=auth(tokens[user]))
            if rol in ROLE_ONLY[prefix]:
                assert response.status_code == 200, (user, path, response.text[:200])
            else:
                assert response.status_code == 403, (user, path)
                assert response.json()["code"] == "geen_toegang"
            checked += 1
    assert checked >= len(USERS)
