"""Points → areas: a join to given polygons (BAG/OSM outlines) when such a layer is given,
else the profile's documented radius. OSM camping points in the layout of
osm_campsites_caravansites_limburg.geojson (synthetic objects)."""

import json

import geopandas as gpd
import numpy as np
import shapely
from typer.testing import CliRunner

from geo.layers.profiles import load_profile, load_with_profile
from kaart.cli import app

X0, Y0 = 200_000.0, 360_000.0
COLUMNS = ["tag_operator", "tag_static_caravans", "tag_capacity:pitches", "tag_addr:street",
           "tag_addr:postcode", "tag_addr:city", "tag_website", "tag_name", "tag_fixme"]


def _campings(tmp_path):
    frame = gpd.GeoDataFrame(
        {"osm_id": ["node/1", "node/2", "node/3"], "name": ["De Maas", "Het Bos", "Los"],
         "tag_tourism": ["camp_site", "caravan_site", "camp_site"],
         **{c: [None, None, None] for c in COLUMNS}},
        geometry=[shapely.Point(X0 + 100, Y0 + 100), shapely.Point(X0 + 1050, Y0 + 50),
                  shapely.Point(X0 + 5000, Y0 + 5000)], crs=28992).to_crs(4326)
    path = tmp_path / "campings.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path


def _outlines(tmp_path):
    """A 400 × 400 m camping outline around point 1; around point 2 a large landuse polygon
    and the smaller camping outline inside it (the smallest containing polygon wins)."""
    frame = gpd.GeoDataFrame(
        {"osm_id": ["way/10", "way/20", "way/21"]},
        geometry=[shapely.box(X0, Y0, X0 + 400, Y0 + 400),
                  shapely.box(X0 + 900, Y0 - 500, X0 + 3000, Y0 + 1500),
                  shapely.box(X0 + 1000, Y0, X0 + 1200, Y0 + 100)], crs=28992)
    path = tmp_path / "omtrekken.gpkg"
    frame.to_file(path, layer="omtrekken")
    return path


def test_points_take_the_containing_polygon_else_the_radius(tmp_path):
    frame, report = load_with_profile("vakantieparken", _campings(tmp_path),
                                      load_profile("osm-camping"), areas=_outlines(tmp_path))
    frame = frame.set_index("id")
    assert frame.loc["node/1"].geometry.area == 400 * 400
    assert frame.loc["node/2"].geometry.area == 200 * 100  # smallest containing polygon
    np.testing.assert_allclose(frame.loc["node/3"].geometry.area, np.pi * 100**2, rtol=0.02)
    assert report.punten_in_vlak == 2 and report.punten_naar_vlakken == 1
    assert report.straal_m == 100


def test_without_polygons_every_point_gets_the_radius(tmp_path):
    frame, report = load_with_profile("vakantieparken", _campings(tmp_path),
                                      load_profile("osm-camping"))
    assert report.punten_in_vlak == 0 and report.punten_naar_vlakken == 3
    np.testing.assert_allclose(frame.area, np.pi * 100**2, rtol=0.02)


def test_importeer_with_vlakken(werkmap, tmp_path):
    result = CliRunner().invoke(app, [
        "importeer", "vakantieparken", str(_campings(tmp_path)), "--profiel", "osm-camping",
        "--vlakken", str(_outlines(tmp_path)), "--proef", "--json"])
    assert result.exit_code == 0, result.stdout
    payload = json.loads(result.stdout)
    assert payload["profiel"]["punten_in_vlak"] == 2
    assert payload["profiel"]["punten_naar_vlakken"] == 1
