"""A run on partly unknown data says how complete it is: COG band, object column, verantwoording."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import rasterio
from shapely.geometry import Point

from geo.export.run import build_gelegenheid
from geo.layers import validate_layer, write_layers
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap

_spec = importlib.util.spec_from_file_location(
    "tiny_werkmap_volledigheid", Path(__file__).with_name("tiny_werkmap.py"))
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    layers = _tiny.make_layers()
    parken = layers["vakantieparken"].copy()
    for column in ("permanente_bewoning_pct", "arbeidsmigranten_pct", "versnipperd_eigendom",
                   "toegangscontrole", "vitaliteit", "aantal_eenheden"):
        parken[column] = None  # what an OSM import gives: nothing known
    layers["vakantieparken"] = validate_layer("vakantieparken", parken, source="osm")
    anchor = layers["bedrijventerreinen"].geometry.iloc[0].centroid
    layers["verzorgingsplaatsen"] = validate_layer("verzorgingsplaatsen", __import__(
        "geopandas").GeoDataFrame({"id": ["osm_node_1"], "truckparking": [True]},
                                  geometry=[Point(anchor.x + 300, anchor.y)], crs=28992))
    root = tmp_path_factory.mktemp("volledig")
    write_layers(root / "invoer" / "lagen.gpkg", layers, synthetic=True, description="test",
                 layer_info={"vakantieparken": {"synthetisch": "nee", "bron": "osm.geojson",
                                                "profiel": "osm-camping",
                                                "licentie": "ODbL 1.0"}})
    return build_gelegenheid(Werkmap.open(root), select_area(gemeente="Vaals"), cellsize=100)


def test_objects_carry_volledigheid_and_unknown_explanations(run):
    parken = pyogrio.read_dataframe(run.run_dir / "objecten.gpkg", layer="vakantieparken")
    terreinen = pyogrio.read_dataframe(run.run_dir / "objecten.gpkg", layer="bedrijventerreinen")
    # nothing known about the parks and the theme has only attribute indicators: no score,
    # completeness 0, never a score computed from invented zeros
    assert (parken["volledigheid"] == 0.0).all() and parken["score"].isna().all()
    assert (parken["klasse_naam"] == "onbekend").all()
    assert np.allclose(terreinen["volledigheid"], 1.0)
    uitleg = {i["indicator"]: i for i in json.loads(parken["uitleg"].iloc[0])}
    assert uitleg["niet_vitaal"]["waarde"] == "onbekend" and uitleg["niet_vitaal"]["ruw"] is None
    assert "Onbekend:" in parken["top_indicatoren"].iloc[0]


def test_completeness_cog_has_a_band_per_map(run):
    with rasterio.open(run.run_dir / "volledigheid.tif") as src:
        assert src.descriptions[-1] == "volledigheid:totaal" and src.count == 5
        band = src.descriptions.index("volledigheid:vakantieparken") + 1
        values = src.read(band)
        assert np.nanmin(values) < 0.5 and np.nanmax(values) == 1.0


def test_verantwoording_reports_completeness_and_sources(run):
    document = json.loads((run.run_dir / "kaartverantwoording.json").read_text())
    parken = document["volledigheid"]["themas"]["vakantieparken"]
    counts = {i["indicator"]: i for i in parken["indicatoren"]}
    assert counts["niet_vitaal"]["onbekend"] == parken["objecten"] and \
        counts["niet_vitaal"]["bekend"] == 0
    assert any("vakantieparken rust grotendeels op onbekende waarden" in note
               for note in document["volledigheid"]["samenvatting"])
    bronnen = {b["laag"]: b for b in document["bronnen"]}
    assert bronnen["vakantieparken"]["profiel"] == "osm-camping"
    assert bronnen["vakantieparken"]["synthetisch"] is False
    assert bronnen["vakantieparken"]["bekend_per_kolom"]["vitaliteit"] == 0
    assert bronnen["buitengebied"]["synthetisch"] is True
    # the optional truck-parking indicator is on: its layer is present
    names = [i["naam"] for i in document["themas"]["bedrijventerreinen"]["indicatoren"]]
    assert "nabijheid_truckparking" in names


def test_explain_point_reads_the_unknown_status(run):
    from geo.scoring.explain import explain_point

    assert (run.run_dir / "onbekend_vakantieparken.tif").is_file()
    assert not (run.run_dir / "onbekend_bedrijventerreinen.tif").exists()  # all known
    parken = pyogrio.read_dataframe(run.run_dir / "objecten.gpkg", layer="vakantieparken")
    point = parken.geometry.iloc[0].representative_point()
    answer = explain_point(run.run_dir, "vakantieparken", point.x, point.y)
    assert answer["score"] is None  # nothing known: no score, not 0
    assert all(item["onbekend"] for item in answer["uitleg"])
    terrein = pyogrio.read_dataframe(run.run_dir / "objecten.gpkg",
                                     layer="bedrijventerreinen").geometry.iloc[0]
    known = explain_point(run.run_dir, "bedrijventerreinen", terrein.centroid.x,
                          terrein.centroid.y)
    assert not any(item.get("onbekend") for item in known["uitleg"])
