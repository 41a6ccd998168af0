"""objecten.gpkg: one layer per theme, EPSG:28992, columns kept, metadata, atomic."""

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point, box

from geo.errors import UnknownLayerError
from geo.export.objects import object_layers, read_objects, write_objects_gpkg


def _table():
    return gpd.GeoDataFrame(
        {"id": ["A", "B"], "naam": ["Park A", "Park B"], "gemeentecode": ["GM0981"] * 2,
         "score": [0.5, 0.25], "klasse": [3, 2],
         "rang_gemeente": pd.array([1, None], dtype="Int64"),
         "uitleg": ['[{"indicator": "a", "aandeel": 0.5}]', "[]"]},
        geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)], crs="EPSG:28992")


def test_layers_columns_and_metadata(tmp_path):
    havens = gpd.GeoDataFrame({"id": ["H1"], "score": [0.1]}, geometry=[Point(5, 5)],
                              crs="EPSG:28992")
    empty = _table().iloc[:0]
    path = write_objects_gpkg(tmp_path / "objecten.gpkg",
                              {"vakantieparken": _table(), "havens": havens,
                               "buitengebied": empty}, synthetisch=True)
    assert sorted(object_layers(path)) == ["buitengebied", "havens", "vakantieparken"]
    meta = pyogrio.read_info(path, layer="vakantieparken")["dataset_metadata"]
    assert meta["synthetisch"] == "ja"
    assert "Synthetische demodata" in meta["beschrijving"]
    back = read_objects(path, "vakantieparken")
    assert back.crs.to_epsg() == 28992
    assert back["id"].tolist() == ["A", "B"]
    assert back["score"].tolist() == [0.5, 0.25]
    assert back.loc[0, "rang_gemeente"] == 1 and pd.isna(back.loc[1, "rang_gemeente"])
    assert back.loc[0, "uitleg"].startswith('[{"indicator"')
    assert len(read_objects(path, "buitengebied")) == 0


def test_unknown_layer_and_atomic_replace(tmp_path):
    path = write_objects_gpkg(tmp_path / "objecten.gpkg", {"havens": _table()})
    with pytest.raises(UnknownLayerError, match="geen laag 'vakantieparken'"):
        read_objects(path, "vakantieparken")
    before = path.read_bytes()
    bad = _table().set_crs(None, allow_override=True)
    with pytest.raises(Exception, match="coördinatenstelsel"):
        write_objects_gpkg(path, {"havens": _table(), "vakantieparken": bad})
    assert path.read_bytes() == before
    # no temporary files left (GDAL may add a PAM .aux.xml when reading metadata)
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".aux.xml")] == [
        "objecten.gpkg"]
