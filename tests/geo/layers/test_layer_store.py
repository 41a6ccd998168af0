"""The werkmap GeoPackage: write_layers / read_layers / is_synthetic, atomic replacement."""

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from layer_factories import valid_frame

from geo.errors import InputFileError, OutputError, UnknownLayerError
from geo.layers import is_synthetic, read_layers, validate_layer, write_layers
from geo.layers._store import dataset_metadata, layer_metadata


def _layers(*kinds):
    return {kind: validate_layer(kind, valid_frame(kind)) for kind in kinds}


def test_roundtrip_keeps_types(tmp_path):
    path = tmp_path / "invoer" / "lagen.gpkg"
    written = _layers("incidenten", "bedrijventerreinen", "buitengebied")
    write_layers(path, written, synthetic=True, description="Synthetische testdata")
    read = read_layers(path)
    assert set(read) == {"incidenten", "bedrijventerreinen", "buitengebied"}
    for kind, frame in written.items():
        pd.testing.assert_frame_equal(
            pd.DataFrame(read[kind].drop(columns="geometry")),
            pd.DataFrame(frame.drop(columns="geometry")), check_dtype=False)
        assert read[kind].crs.to_epsg() == 28992
        assert read[kind].geom_equals(frame.geometry).all()
    assert read["incidenten"]["datum"].dtype == "datetime64[ns]"
    assert read["bedrijventerreinen"]["keurmerk_kvo"].dtype == bool


def test_synthetic_flag_and_description(tmp_path):
    path = tmp_path / "lagen.gpkg"
    write_layers(path, _layers("kernen", "wegen"), synthetic=True, description="Demo Limburg")
    assert is_synthetic(path)
    assert dataset_metadata(path) == {"synthetisch": "ja", "beschrijving": "Demo Limburg"}
    meta = layer_metadata(path)
    assert meta["wegen"]["synthetisch"] == "ja" and meta["wegen"]["aantal"] == 3
    write_layers(path, _layers("kernen"), synthetic=False, description="Echte kernen")
    assert not is_synthetic(path)
    assert list(layer_metadata(path)) == ["kernen"]


def test_missing_file_is_not_synthetic(tmp_path):
    assert not is_synthetic(tmp_path / "geen.gpkg")


def test_read_only_requested_kinds_and_absent_ones_skipped(tmp_path):
    path = tmp_path / "lagen.gpkg"
    write_layers(path, _layers("kernen", "havens"), synthetic=False, description="x")
    assert set(read_layers(path, ["havens", "incidenten"])) == {"havens"}


def test_read_unknown_kind(tmp_path):
    path = tmp_path / "lagen.gpkg"
    write_layers(path, _layers("kernen"), synthetic=False, description="x")
    with pytest.raises(UnknownLayerError, match="Onbekende laagsoort 'kern'.*'kernen'"):
        read_layers(path, ["kern"])


def test_read_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="kaart demo"):
        read_layers(tmp_path / "lagen.gpkg")


def test_failed_write_keeps_previous_file(tmp_path):
    path = tmp_path / "lagen.gpkg"
    write_layers(path, _layers("kernen"), synthetic=False, description="eerste")
    before = path.read_bytes()
    broken = _layers("havens")["havens"]
    broken["complex_kolom"] = [1j, 2j, 3j]  # OGR has no complex field type
    with pytest.raises(OutputError, match="havens"):
        write_layers(path, {"kernen": _layers("kernen")["kernen"], "havens": broken},
                     synthetic=False, description="tweede")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["lagen.gpkg"]  # no temp file left


def test_mixed_point_and_polygon_layer_written(tmp_path):
    frame = valid_frame("buitengebied")
    frame.loc[1, "geometry"] = frame.geometry.iloc[1].buffer(10)
    path = tmp_path / "lagen.gpkg"
    write_layers(path, {"buitengebied": validate_layer("buitengebied", frame)},
                 synthetic=False, description="x")
    back = read_layers(path)["buitengebied"]
    assert back.geom_type.tolist() == ["Point", "Polygon", "Point"]
    assert pyogrio.read_info(path, layer="buitengebied")["features"] == 3


def test_write_unknown_kind(tmp_path):
    frame = gpd.GeoDataFrame(geometry=[], crs=28992)
    with pytest.raises(UnknownLayerError, match="kroegen"):
        write_layers(tmp_path / "l.gpkg", {"kroegen": frame}, synthetic=False, description="x")
