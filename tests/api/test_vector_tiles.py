"""Objects as vector tiles (MVT): decoded features and properties, clipping, caps,
authorisation like the raster tiles, audit."""

from __future__ import annotations

import mapbox_vector_tile
import pytest
from api_testdata import MAPS, ORIGIN, USERS, VISIBLE, auth
from pyproj import Transformer

from api import audit, vector_tiles
from api.tiles import TMS

KAART = "GM0981-gelegenheid-totaal"
TO_WGS = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
LON, LAT = TO_WGS.transform(ORIGIN[0] + 300, ORIGIN[1] - 300)


@pytest.fixture
def database_url(sqlite_url):
    """These tests do not depend on the database kind: SQLite only."""
    return sqlite_url


def mvt_url(kaart: str, z: int, lon: float = LON, lat: float = LAT) -> str:
    tile = TMS.tile(lon, lat, z)
    return f"/tiles/{kaart}/objecten/{z}/{tile.x}/{tile.y}.mvt"


def decode(content: bytes) -> list[dict]:
    layers = mapbox_vector_tile.decode(content, default_options={"y_coord_down": True})
    return layers["objecten"]["features"] if "objecten" in layers else []


def test_tile_holds_the_objects_with_their_properties(client, tokens):
    response = client.get(mvt_url(KAART, 12), headers=auth(tokens["gemeente_vaals"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert response.headers["x-kaart-weggelaten"] == "0"
    features = decode(response.content)
    by_id = {f["properties"]["id"]: f for f in features}
    assert set(by_id) == {"bt1", "bt2", "bt3", "vp1", "vp2"}  # all in one tile at z12
    bt2 = by_id["bt2"]["properties"]
    assert bt2["naam"] == "Midden" and bt2["score"] == 0.9 and bt2["klasse"] == 5
    assert bt2["klasse_naam"] == "zeer hoog" and bt2["gemeentecode"] == "GM0981"
    assert "uitleg" not in bt2
    assert all(f["geometry"]["type"] == "Polygon" for f in features)
    for feature in features:  # in tile units, inside the tile plus the buffer
        for x, y in feature["geometry"]["coordinates"][0]:
            assert -vector_tiles.BUFFER <= x <= 4096 + vector_tiles.BUFFER
            assert -vector_tiles.BUFFER <= y <= 4096 + vector_tiles.BUFFER


def test_geometry_is_clipped_to_the_tile_and_in_place(client, tokens):
    # a z19 tile is ~48 m wide here: the one at bt2's centre lies inside bt2 (100 m square)
    lon, lat = TO_WGS.transform(ORIGIN[0] + 350, ORIGIN[1] - 250)
    response = client.get(mvt_url(KAART, 19, lon, lat), headers=auth(tokens["gemeente_vaals"]))
    (feature,) = decode(response.content)
    assert feature["properties"]["id"] == "bt2"
    xs = [x for x, _ in feature["geometry"]["coordinates"][0]]
    ys = [y for _, y in feature["geometry"]["coordinates"][0]]
    assert min(xs) == -vector_tiles.BUFFER and max(xs) == 4096 + vector_tiles.BUFFER
    assert min(ys) == -vector_tiles.BUFFER and max(ys) == 4096 + vector_tiles.BUFFER


def test_empty_tile_and_invalid_tile(client, tokens):
    headers = auth(tokens["gemeente_vaals"])
    empty = client.get(f"/tiles/{KAART}/objecten/14/0/0.mvt", headers=headers)
    assert empty.status_code == 200 and decode(empty.content) == []
    assert client.get(f"/tiles/{KAART}/objecten/3/9/0.mvt", headers=headers).status_code == 400


def test_hostile_names_are_data_and_long_texts_are_cut():
    props = vector_tiles._properties({"naam": "<script>alert(1)</script>" + "x" * 500,
                                      "score": float("nan"), "klasse": 3, "leeg": None})
    assert props["naam"].startswith("<script>")  # a string value, the viewer shows text
    assert len(props["naam"]) == vector_tiles.MAX_TEXT
    assert props == {"naam": props["naam"], "klasse": 3}


def test_feature_cap_leaves_out_the_lowest_scores(client, tokens, monkeypatch):
    monkeypatch.setattr(vector_tiles, "MAX_FEATURES", 2)
    response = client.get(mvt_url(KAART, 12), headers=auth(tokens["gemeente_vaals"]))
    assert response.headers["x-kaart-weggelaten"] == "3"
    assert sorted(f["properties"]["id"] for f in decode(response.content)) == ["bt2", "vp1"]


def test_byte_cap_halves_until_it_fits(client, tokens, monkeypatch):
    monkeypatch.setattr(vector_tiles, "MAX_BYTES", 200)
    response = client.get(mvt_url(KAART, 12), headers=auth(tokens["gemeente_vaals"]))
    assert len(response.content) <= 200
    assert int(response.headers["x-kaart-weggelaten"]) >= 3


@pytest.mark.parametrize("user", sorted(USERS))
def test_authorisation_is_that_of_the_raster_tiles(client, tokens, user):
    """Not visible (other gemeente, confidential kind without the right) → 404, like the PNG
    tiles; visible with objects → 200; never content otherwise."""
    headers = auth(tokens[user])
    for name, spec in MAPS.items():
        mvt = client.get(mvt_url(spec.kaart_id, 14), headers=headers)
        tile = TMS.tile(LON, LAT, 14)
        png = client.get(f"/tiles/{spec.kaart_id}/14/{tile.x}/{tile.y}.png", headers=headers)
        if name not in VISIBLE[user]:
            assert mvt.status_code == png.status_code == 404, (user, name)
            assert b"Midden" not in mvt.content
        elif spec.soort == "gelegenheid":
            assert mvt.status_code == 200 and decode(mvt.content), (user, name)
        else:  # visible, but no objects in this run
            assert mvt.status_code == 404
    assert client.get(mvt_url(KAART, 12)).status_code == 401


def test_vector_tiles_are_counted_in_the_tile_audit(app, client, tokens):
    headers = auth(tokens["gemeente_vaals"])
    for z in (13, 14):
        assert client.get(mvt_url(KAART, z), headers=headers).status_code == 200
    assert app.state.tile_audit.flush() == 1
    with app.state.sessionmaker() as session:
        (record,) = [audit.as_dict(r) for r in audit.query(session, actie="tegels")]
    assert record["aantal"] == 2 and record["details"]["zoom"] == [13, 14]
    assert record["kaart_id"] == KAART and record["gebruiker"] == "gemeente_vaals"


def test_theme_filter_keeps_one_theme(client, tokens):
    headers = auth(tokens["gemeente_vaals"])
    url = mvt_url(KAART, 12)
    parks = decode(client.get(url, params={"thema": "vakantieparken"}, headers=headers).content)
    assert {f["properties"]["id"] for f in parks} == {"vp1", "vp2"}
    assert decode(client.get(url, params={"thema": "havens"}, headers=headers).content) == []
    assert client.get(url, params={"thema": "../x"}, headers=headers).status_code in (400, 422)
