"""Two versions of Vaals' gelegenheidskaart with a KNOWN change, on the tiny synthetic werkmap.

v0001 is a real run (``services.runs.build_gelegenheid``, 100 m cells). v0002 is v0001 with
exactly these edits: object ``UP`` one class higher, ``DOWN`` one lower, ``GONE`` removed,
``NEW`` added (a copy of ``UP`` under a new id, with a hostile name), and the class of three
cells of the overall map raised by one.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import rasterio

from geo.export.cog import write_cog
from geo.export.objects import object_layers
from geo.layers.gemeenten import select_area
from geo.legend import GEEN_KENMERKEN
from geo.paths import Werkmap
from geo.scoring.grid import Grid
from services.runs import build_gelegenheid

_HELPER = Path(__file__).resolve().parents[1] / "geo" / "export" / "tiny_werkmap.py"
HOSTILE = "=1+1 <b>Nieuw</b> &"
CHANGED_CELLS = ((20, 30), (21, 30), (22, 30))


def _tiny():
    spec = importlib.util.spec_from_file_location("tiny_werkmap_report", _HELPER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_v1(root: Path) -> Werkmap:
    _tiny().make_tiny_werkmap(root)
    werkmap = Werkmap.open(root)
    build_gelegenheid(werkmap, select_area(gemeente=["Vaals"]), cellsize=100.0)
    return werkmap


def _objects(path: Path) -> dict[str, gpd.GeoDataFrame]:
    return {layer: gpd.read_file(path, layer=layer) for layer in object_layers(path)}


def make_v2(werkmap: Werkmap) -> dict[str, tuple[str, str]]:
    """Copy v0001 to v0002 with the known edits; returns {role: (thema, id)}."""
    parent = werkmap.run_parent("GM0981", "gelegenheid")
    v1, v2 = parent / "v0001", parent / "v0002"
    shutil.copytree(v1, v2)
    layers = _objects(v1 / "objecten.gpkg")
    rows = pd.concat(layers.values(), ignore_index=True)
    up = rows[rows["klasse"] < 5].iloc[0]
    down = rows[rows["klasse"].between(2, 5) & (rows["id"] != up["id"])].iloc[0]
    gone = rows[~rows["id"].isin([up["id"], down["id"]])].iloc[0]
    roles = {"UP": (up["thema"], up["id"]), "DOWN": (down["thema"], down["id"]),
             "GONE": (gone["thema"], gone["id"]), "NEW": (up["thema"], "NIEUW-1")}
    for layer, frame in layers.items():
        frame = frame.copy()
        frame.loc[frame["id"] == up["id"], "klasse"] += 1
        frame.loc[frame["id"] == down["id"], "klasse"] -= 1
        if layer == up["thema"]:
            extra = frame[frame["id"] == up["id"]].copy()
            extra["id"], extra["naam"] = "NIEUW-1", HOSTILE
            frame = pd.concat([frame, extra], ignore_index=True)
        frame = frame[frame["id"] != gone["id"]]
        mode = "w" if layer == next(iter(layers)) else "a"
        if mode == "w":
            (v2 / "objecten.gpkg").unlink()
        gpd.GeoDataFrame(frame, crs=layers[layer].crs).to_file(
            v2 / "objecten.gpkg", layer=layer, driver="GPKG", mode=mode)
    _raise_cells(v1 / "gelegenheidskaart.tif", v2 / "gelegenheidskaart.tif")
    return roles


def _raise_cells(source: Path, target: Path) -> None:
    with rasterio.open(source) as src:
        data = src.read()
        grid = Grid(src.transform, src.shape, str(src.crs))
        tags = src.tags()
    for row, col in CHANGED_CELLS:
        klasse = data[1, row, col]
        assert klasse in (1, 2, 3, 4, GEEN_KENMERKEN), "test cell must be inside, below 5"
        data[1, row, col] = 1 if klasse == GEEN_KENMERKEN else klasse + 1  # one rank up
    target.unlink()
    write_cog(target, data, grid, descriptions=["score", "klasse"], tags=tags)
