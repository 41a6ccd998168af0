"""The changed objects between two versions carry a WGS84 point on the object (for the
viewer's veranderingen layer), and the API returns it (SYNTHETIC test werkmap)."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "maps"))

from kaart_testdata import build_test_werkmap  # noqa: E402
from versie_testdata import EXPECTED, add_changed_version  # noqa: E402

from services.versions import compare_versions  # noqa: E402


def test_changed_objects_have_a_point_on_the_object(tmp_path):
    built = build_test_werkmap(tmp_path / "wm", gebieden=("GM0981",), confidential=False)
    werkmap = built.werkmap
    v2 = add_changed_version(werkmap.run_parent("GM0981", "gelegenheid"))
    changed = compare_versions(werkmap, "GM0981").changed_locations()
    assert {c: sorted(changed.loc[changed["verandering"] == c, "id"]) for c in EXPECTED} \
        == EXPECTED
    objects = gpd.read_file(v2 / "objecten.gpkg", layer="buitengebied").to_crs("EPSG:4326")
    new = objects[objects["id"] == "GM0981-NIEUW"].geometry.iloc[0]
    row = changed[changed["id"] == "GM0981-NIEUW"].iloc[0]
    assert np.allclose([row["lon"], row["lat"]], [new.x, new.y])
    old = gpd.read_file(v2.parent / "v0001" / "objecten.gpkg", layer="buitengebied")
    gone = old[old["id"] == "GM0981-BG2"].to_crs("EPSG:4326").geometry.iloc[0]
    row = changed[changed["id"] == "GM0981-BG2"].iloc[0]  # gone: the older geometry
    assert np.allclose([row["lon"], row["lat"]], [gone.x, gone.y])
    park = changed[changed["id"] == "GM0981-VP1"].iloc[0]  # a polygon: a point inside it
    polygons = gpd.read_file(v2 / "objecten.gpkg", layer="vakantieparken").to_crs("EPSG:4326")
    assert polygons.geometry.iloc[0].contains(gpd.points_from_xy([park["lon"]],
                                                                 [park["lat"]])[0])
