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


def test_tile_holds_only_what_drawing_needs(client, tokens):
    """id, thema and the class: popups, search and the table ask the server (light tiles)."""
    response = client.get(mvt_url(KAART, 12), headers=auth(tokens["gemeente_vaals"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert response.headers["x-kaart-weggelaten"] == "0"
    features = decode(response.content)
    by_id = {f["properties"]["id"]: f for f in features}
    assert set(by_id) == {"bt1", "bt2", "bt3", "vp1", "vp2"}  # all in one tile at z12
    assert by_id["bt2"]["properties"] == {"id": "bt2", "thema": "bedrijventerreinen",
                                          "klasse": 5}
    assert all(set(f["properties"]) <= {"id", "thema", "klasse"} for f in features)
    for feature in features:  # in tile units, inside the tile plus the buffer
        coordinates = feature["geometry"]["coordinates"]
        points = [coordinates] if feature["geometry"]["type"] == "Point" else coordinates[0]
        for x, y in points:
            assert -vector_tiles.BUFFER <= x <= 4096 + vector_tiles.BUFFER
            assert -vector_tiles.BUFFER <= y <= 4096 + vector_tiles.BUFFER


def test_tiny_polygons_are_points_at_low_zoom_and_polygons_zoomed_in(client, tokens):
    """Objects of 30-100 m are a few pixels at z11: one point each (inside the object);
    at z14 they are polygons again."""
    headers = auth(tokens["gemeente_vaals"])
    low = decode(client.get(mvt_url(KAART, 11), headers=headers).content)
    assert {f["geometry"]["type"] for f in low} == {"Point"} and len(low) == 5
    tile = TMS.tile(LON, LAT, 11)
    bounds = TMS.xy_bounds(tile.x, tile.y, 11)
    unit = (bounds.right - bounds.left) / 4096
    to_merc = Transformer.from_crs("EPSG:28992", "EPSG:3857", always_xy=True)
    bt2 = next(f for f in low if f["properties"]["id"] == "bt2")
    x, y = bt2["geometry"]["coordinates"]
    west, north = to_merc.transform(ORIGIN[0] + 300, ORIGIN[1] - 200)
    east, south = to_merc.transform(ORIGIN[0] + 400, ORIGIN[1] - 300)
    assert (west - bounds.left) / unit - 1 <= x <= (east - bounds.left) / unit + 1
    assert (bounds.top - north) / unit - 1 <= y <= (bounds.top - south) / unit + 1
    lon, lat = TO_WGS.transform(ORIGIN[0] + 350, ORIGIN[1] - 250)
    high = decode(client.get(mvt_url(KAART, 14, lon, lat), headers=headers).content)
    assert next(f for f in high if f["properties"]["id"] == "bt2")["geometry"]["type"] == (
        "Polygon")


def test_risk_classes_travel_with_the_gecombineerd_objects(tmp_path):
    """The gecombineerd run's objects carry risico_klasse and gecombineerde_klasse, so the
    viewer colours objects by the risico or gecombineerde kaart when that is shown."""
    import geopandas as gpd
    from shapely.geometry import box

    from geo.catalog import KaartEntry

    path = tmp_path / "objecten.gpkg"
    x0, y0 = ORIGIN
    gpd.GeoDataFrame({"id": ["a", "b"], "naam": ["A", "B"], "thema": "bedrijventerreinen",
                      "score": [0.9, 0.1], "klasse": [5, 1], "risico_klasse": [2, None],
                      "gecombineerde_klasse": [8, None], "uitleg": ["[]", "[]"]},
                     geometry=[box(x0, y0 - 100, x0 + 100, y0),
                               box(x0 + 200, y0 - 100, x0 + 300, y0)],
                     crs="EPSG:28992").to_file(path, layer="bedrijventerreinen")
    entry = KaartEntry(kaart_id="GM0981-gecombineerd-totaal", gebied_id="GM0981",
                       gebied_naam="Vaals", gebied_soort="gemeente", gemeenten=["GM0981"],
                       soort="gecombineerd", thema="totaal", versie=1, datum="2026-12-07",
                       run_dir="x", cog="gecombineerde_kaart.tif", objecten="objecten.gpkg")
    tile = TMS.tile(LON, LAT, 14)
    data, _ = vector_tiles.vector_tile(path, entry, 14, tile.x, tile.y)
    by_id = {f["properties"]["id"]: f["properties"] for f in decode(data)}
    assert by_id["a"] == {"id": "a", "thema": "bedrijventerreinen", "klasse": 5,
                          "risico_klasse": 2, "gecombineerde_klasse": 8}
    assert by_id["b"] == {"id": "b", "thema": "bedrijventerreinen", "klasse": 1}  # unknown


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
