"""Objects (GeoJSON, bbox, paging, top-N, uitleg), point values, verantwoording, downloads."""

from __future__ import annotations

import hashlib

import pytest
from api_testdata import ORIGIN, auth, cell_center, class_array, score_array
from numpy.testing import assert_allclose
from pyproj import Transformer

KAART = "GM0981-gelegenheid-totaal"
TO_WGS = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


@pytest.fixture
def database_url(sqlite_url):
    """These tests do not depend on the database kind: SQLite only."""
    return sqlite_url


@pytest.fixture
def headers(tokens):
    return auth(tokens["gemeente_vaals"])


def test_objects_sorted_by_score_in_wgs84(client, headers):
    body = client.get(f"/api/v1/objecten/{KAART}", headers=headers).json()
    assert body["type"] == "FeatureCollection" and body["aantal_gevonden"] == 5
    assert [f["properties"]["id"] for f in body["features"]] == ["bt2", "vp1", "bt3", "bt1", "vp2"]
    assert "uitleg" not in body["features"][0]["properties"]
    lon, lat = body["features"][0]["geometry"]["coordinates"][0][0]
    assert 5.9 < lon < 6.1 and 50.7 < lat < 50.8  # Vaals, not RD metres


def test_objects_paging_top_and_uitleg(client, headers):
    page = client.get(f"/api/v1/objecten/{KAART}", params={"limit": 2, "offset": 1},
                      headers=headers)
    assert [f["properties"]["id"] for f in page.json()["features"]] == ["vp1", "bt3"]
    top = client.get(f"/api/v1/objecten/{KAART}", params={"top": 2, "uitleg": True},
                     headers=headers)
    features = top.json()["features"]
    assert [f["properties"]["score"] for f in features] == [0.9, 0.75]
    assert features[0]["properties"]["uitleg"] == [{"indicator": "leegstand", "aandeel": 0.9}]


def test_objects_bbox_filter(client, headers):
    # a box around bt1 only (RD x0+10..x0+90, y0-100..y0-20)
    west, south = TO_WGS.transform(ORIGIN[0], ORIGIN[1] - 110)
    east, north = TO_WGS.transform(ORIGIN[0] + 100, ORIGIN[1])
    body = client.get(f"/api/v1/objecten/{KAART}",
                      params={"bbox": f"{west},{south},{east},{north}"},
                      headers=headers).json()
    assert [f["properties"]["id"] for f in body["features"]] == ["bt1"]


@pytest.mark.parametrize("params", [{"bbox": "1,2,3"}, {"bbox": "5,5,4,6"}, {"bbox": "a,b,c,d"},
                                    {"limit": 0}, {"limit": 5000}, {"offset": -1},
                                    {"top": 0}, {"gemeente": "Vaals"}])
def test_objects_bad_parameters_are_4xx_json(client, headers, params):
    response = client.get(f"/api/v1/objecten/{KAART}", params=params, headers=headers)
    assert response.status_code == 400  # NL API Design Rules: invalid input is 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "ongeldig_verzoek"


def test_point_value_matches_the_cog(client, headers):
    row, col = 40, 30
    lon, lat = TO_WGS.transform(*cell_center(row, col))
    body = client.get(f"/api/v1/punt/{KAART}", params={"lon": lon, "lat": lat},
                      headers=headers).json()
    assert body["binnen"] is True
    assert body["klasse"] == int(class_array()[row, col]) == 3
    assert_allclose(body["score"], score_array()[row, col], rtol=1e-6)
    assert body["klasse_naam"] == "gemiddeld"
    # explanation from geo.scoring.explain: shares w·v/Σw of the uitleg raster
    assert [e["indicator"] for e in body["uitleg"]] == ["leegstand", "afstand_snelweg"]
    assert_allclose([e["aandeel"] for e in body["uitleg"]], [0.4, 0.1], rtol=1e-6)
    assert_allclose([e["ruw"] for e in body["uitleg"]], [12.0, 800.0])
    outside = client.get(f"/api/v1/punt/{KAART}", params={"lon": 5.0, "lat": 52.0}, headers=headers)
    assert outside.json()["binnen"] is False and outside.json()["score"] is None
    nodata_lon, nodata_lat = TO_WGS.transform(*cell_center(2, 2))
    corner = client.get(f"/api/v1/punt/{KAART}", params={"lon": nodata_lon, "lat": nodata_lat},
                        headers=headers)
    assert corner.json()["binnen"] is False


@pytest.mark.parametrize("params", [{"lon": 200, "lat": 50}, {"lon": "nan", "lat": 50},
                                    {"lat": 50}, {"lon": "oost", "lat": 50}])
def test_point_bad_parameters(client, headers, params):
    response = client.get(f"/api/v1/punt/{KAART}", params=params, headers=headers)
    assert response.status_code == 400
    assert "lon" in response.json()["detail"]


def test_verantwoording_and_downloads(client, headers, outputs):
    body = client.get(f"/api/v1/kaartverantwoording/{KAART}", headers=headers).json()
    assert body["klassegrenzen"] == {"totaal": [0.2, 0.4, 0.6, 0.8]}
    run = outputs.run_parent("GM0981", "gelegenheid") / "v0001"
    for bestand, name in [("cog", "gelegenheidskaart.tif"), ("objecten", "objecten.gpkg"),
                          ("verantwoording", "kaartverantwoording.json")]:
        response = client.get(f"/api/v1/download/{KAART}/{bestand}", headers=headers)
        assert response.status_code == 200
        expected = hashlib.sha256((run / name).read_bytes()).hexdigest()
        assert hashlib.sha256(response.content).hexdigest() == expected
        assert f"{KAART}-v1" in response.headers["content-disposition"]
    for bestand in ("kaart.db", "..%2F..%2Fkaart.db", "catalogus", "uitleg"):
        response = client.get(f"/api/v1/download/{KAART}/{bestand}", headers=headers)
        assert response.status_code in (400, 404)
        assert b"SQLite" not in response.content


def test_risico_has_no_objects(client, tokens):
    response = client.get("/api/v1/objecten/GM0981-risico-totaal",
                          headers=auth(tokens["analist_mh"]))
    assert response.status_code == 404
    assert response.json()["code"] == "niet_gevonden"


def test_point_without_a_readable_explanation_still_answers(tmp_path, sqlite_url,
                                                           sqlite_template):
    """A damaged ``uitleg`` COG is an OSError (rasterio): the value answers, no uitleg."""
    import secrets

    from api_testdata import build_werkmap
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    werkmap = build_werkmap(tmp_path / "wm")
    (werkmap.run_parent("GM0981", "gelegenheid") / "v0001" / "uitleg_totaal.tif").write_bytes(
        b"geen tiff")
    settings = Settings(omgeving="test", werkmap=werkmap.root, database_url=sqlite_url,
                        geheime_sleutel=secrets.token_urlsafe(48))
    lon, lat = TO_WGS.transform(*cell_center(40, 30))
    with TestClient(create_app(settings)) as client:
        response = client.get(f"/api/v1/punt/{KAART}", params={"lon": lon, "lat": lat},
                              headers=auth(sqlite_template[1]["gemeente_vaals"]))
    body = response.json()
    assert response.status_code == 200 and body["binnen"] is True and body["klasse"] == 3
    assert "uitleg" not in body
