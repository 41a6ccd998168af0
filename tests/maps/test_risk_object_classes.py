"""Objects carry their class on every map kind the viewer may show (issue 14 item 3)."""

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from maps.outputs import add_risk_classes


def test_risk_classes_are_joined_by_id_and_missing_ones_stay_unknown(tmp_path):
    objects = {"havens": gpd.GeoDataFrame(
        {"id": ["H1", "H2"], "klasse": [5, 6]},
        geometry=[Point(6.0, 50.8), Point(6.01, 50.8)], crs="EPSG:4326")}
    path = tmp_path / "objecten.gpkg"
    gpd.GeoDataFrame({"id": ["H1"], "risico_klasse": [2], "gecombineerde_klasse": [8]},
                     geometry=[Point(190_000, 310_000)], crs="EPSG:28992").to_file(
        path, layer="havens", driver="GPKG")
    out = add_risk_classes(objects, path)["havens"].set_index("id")
    assert out.loc["H1", "risico_klasse"] == 2 and out.loc["H1", "gecombineerde_klasse"] == 8
    assert pd.isna(out.loc["H2", "risico_klasse"])  # not listed: unknown, not 0
    assert out.crs.equals("EPSG:4326") and out.loc["H2", "klasse"] == 6
    assert add_risk_classes(objects, tmp_path / "ontbreekt.gpkg") is objects
