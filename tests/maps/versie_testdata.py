"""A second version (v0002) of the test werkmap's Vaals gelegenheidskaart with a KNOWN
change per object (SYNTHETIC test data, see kaart_testdata.py):

- GM0981-BT2 klasse 1 -> 3 (omhoog), GM0981-VP1 klasse 3 -> 2 (omlaag),
- GM0981-BG2 removed (verdwenen), GM0981-NIEUW added with a hostile name (nieuw).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

from geo.export.objects import object_layers

HOSTILE = '<img src=x onerror="alert(1)">'
EXPECTED = {"omhoog": ["GM0981-BT2"], "omlaag": ["GM0981-VP1"], "nieuw": ["GM0981-NIEUW"],
            "verdwenen": ["GM0981-BG2"]}


def add_changed_version(run_parent: Path) -> Path:
    """Copy ``v0001`` to ``v0002`` under ``run_parent`` and apply the known changes."""
    target = run_parent / "v0002"
    shutil.copytree(run_parent / "v0001", target)
    path = target / "objecten.gpkg"
    layers = {name: gpd.read_file(path, layer=name) for name in object_layers(path)}
    layers["bedrijventerreinen"].loc[
        layers["bedrijventerreinen"]["id"] == "GM0981-BT2", "klasse"] = 3
    layers["vakantieparken"].loc[layers["vakantieparken"]["id"] == "GM0981-VP1", "klasse"] = 2
    outside = layers["buitengebied"]
    kept = outside[outside["id"] != "GM0981-BG2"]
    new = kept.iloc[[0]].copy()
    new["id"], new["naam"], new["klasse"] = "GM0981-NIEUW", HOSTILE, 4
    x, y = new.geometry.iloc[0].x, new.geometry.iloc[0].y
    new["geometry"] = [Point(x + 300, y + 300)]
    layers["buitengebied"] = gpd.GeoDataFrame(
        gpd.pd.concat([kept, new], ignore_index=True), crs=outside.crs)
    path.unlink()
    for name, frame in layers.items():
        frame.to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    return target
